#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fidelity: the differential oracle (selftests/vfio-ccw/
# vfio_ccw_fidelity.c) against ours and against the reference, in two
# guest boots side by side, then one table per class of program:
# "identical: N of M" per driver and the intended differences by reason.
#
#   scripts/fidelity.sh [--seed S] [--n N] [--logs DIR] [--no-build]
#
# SEED (first seed; the programs are SEED .. SEED+N-1) and N come from the
# environment too (make fidelity SEED=... N=...). The default seed is taken
# from the clock and printed. Exit status 0 when every program of ours was
# identical or an intended difference and both runs ran to their end; the
# reference's differences are shown, not judged.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

seed=${SEED:-} n=${N:-2000} logs=$BUILD/logs build=1
while [ $# -gt 0 ]; do
	case $1 in
	--seed) seed=$2; shift ;;
	--n) n=$2; shift ;;
	--logs) logs=$2; shift ;;
	--no-build) build=0 ;;
	*) die "fidelity.sh: unknown argument $1" ;;
	esac
	shift
done
[ -n "$seed" ] || seed=$(( $(date +%s) % 1000000007 ))
case $seed$n in *[!0-9]*) die "fidelity.sh: SEED and N are numbers" ;; esac
mkdir -p "$logs"

if [ $build -eq 1 ]; then
	ensure_deps
	make -s -C "$TOP" modules
	"$TOP/scripts/selftests-build.sh" vfio_ccw_fidelity
fi
[ -f "$TOP/vfio_ccw_native.ko" ] || die "vfio_ccw_native.ko is not built"

log "fidelity: seed $seed, $n programs per driver"
# About 20 programs a second under emulation; a generous bound.
timeout=$(( 300 + n / 5 ))
declare -A pid
for d in ours ref; do
	"$TOP/scripts/guest-run.sh" --quiet --log "$logs/fidelity-$d.log" \
		--driver "$d" --devices 1 --spare 1 --insmod vfio_ccw_native.ko \
		--pre-line "bind 0.0.0001 vfio_ccw_native -" \
		--env VFIO_CCW_FIDELITY_N="$n" --env VFIO_CCW_FIDELITY_SEED="$seed" \
		--run /bin/vfio_ccw_fidelity --timeout "$timeout" &
	pid[$d]=$!
done
# ours must pass; the reference's differences fail its test, which is
# shown, not judged; a timeout or a crash (124-126) fails either.
rc=0
for d in ours ref; do
	r=0
	wait "${pid[$d]}" || r=$?
	case $d/$r in ours/0|ref/0|ref/1) ;; *) log "fidelity: $d guest status $r"; rc=1 ;; esac
done

# The table: one row per class and driver, the reasons beneath.
for d in ours ref; do
	sed -n 's/^# fidelity: //p' "$logs/fidelity-$d.log"
done | awk '
/^driver=/ {
	split($1, a, "="); split($2, c, "=")
	drv = a[2]; cls = c[2]
	if (!(cls in seen)) { seen[cls] = 1; order[++nc] = cls }
	gsub(/,/, "")
	row[cls, drv] = sprintf("%s of %s, intended %s, differ %s",
				$4, $6, $8, $10)
	next
}
{ sub(/^ +/, ""); why[cls, drv] = why[cls, drv] "    " drv ": " $0 "\n" }
END {
	printf "%-14s %-40s %s\n", "class", "ours: identical", "reference: identical"
	for (i = 1; i <= nc; i++) {
		k = order[i]
		printf "%-14s %-40s %s\n", k, row[k, "ours"], row[k, "reference"]
		printf "%s%s", why[k, "ours"], why[k, "reference"]
	}
}'
for d in ours ref; do
	f=$(grep -a '^# figures: fidelity' "$logs/fidelity-$d.log" || true)
	[ -n "$f" ] || { log "fidelity: $d did not run to its end"; rc=1; }
	echo "${f#\# figures: }"
done
grep -aq '^ok 1 fidelity.differential' "$logs/fidelity-ours.log" || rc=1
log "fidelity: ours $([ $rc -eq 0 ] && echo ok || echo FAILED) (seed $seed, N $n; logs $logs/fidelity-{ours,ref}.log)"
exit $rc
