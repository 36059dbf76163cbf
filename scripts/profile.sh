#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a benchmark's instructions go: an exact profile of the guest, by
# kernel and user symbol, per iteration of one figure of vfio_ccw_bench.
#
# Boots the guest twice under -icount with the insn_profile TCG plugin
# (scripts/profile/insn_profile.c), once with N1 and once with N2
# iterations, and folds the difference of the per-block instruction counts
# into symbols (/proc/kallsyms of the guest plus the bench's own symbols),
# divided by N2 - N1: boot and set-up cancel out.
#
# usage: scripts/profile.sh [--driver ours|ref] [--top K] TEST N1 N2
#   TEST  a bench test letter and its iteration option, e.g.
#         "a -n" (one SENSE ID; the run also does N/2 NOPs), "b -b" (64
#         CCWs), "c -c" (256 CCWs), "d -d" (CSCH over a suspended start)
# example: scripts/profile.sh "b -b" 100 300
set -euo pipefail
. "$(dirname "$0")/lib.sh"

driver=ours top=40
while [ $# -gt 0 ]; do
	case $1 in
	--driver) driver=$2; shift 2 ;;
	--top) top=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || die "usage: $0 [--driver ours|ref] [--top K] TEST N1 N2"
read -r letter opt <<<"$1"
n1=$2 n2=$3
[ "$n2" -gt "$n1" ] || die "N2 must be larger than N1"

out=$BUILD/profile
mkdir -p "$out"
plugin=$out/insn_profile.so
src=$TOP/scripts/profile/insn_profile.c
if [ ! -f "$plugin" ] || [ "$src" -nt "$plugin" ]; then
	gcc -O2 -shared -fPIC -Wall -o "$plugin" "$src"
fi
kdir=$("$TOP/scripts/kernel.sh" base)
[ "$driver" = ref ] || make -s -C "$TOP" KDIR="$kdir" modules
KDIR=$kdir "$TOP/scripts/selftests-build.sh" vfio_ccw_bench >/dev/null

for n in "$n1" "$n2"; do
	"$TOP/scripts/guest-run.sh" --quiet --smp 1 --driver "$driver" \
		--devices 1 --spare 1 --log "$out/$driver-$n.log" \
		--qemu-arg -icount --qemu-arg shift=3,sleep=off \
		--qemu-arg -plugin \
		--qemu-arg "$plugin,arg=out=$out/$driver-$n.txt" \
		--plan-line "cat /proc/kallsyms" \
		-- /bin/vfio_ccw_bench -s "$letter" -n 10 "$opt" "$n" &
done
wait
syms=$out/$driver-syms.txt
cat "$out/$driver-$n2.log" >"$syms"
nm -n "$BUILD/guest/bin/vfio_ccw_bench" |
	awk '$2 ~ /[tTwW]/ { print $1 " " $2 " " $3 " [user]" }' >>"$syms"
grep -a "test=$letter " "$out/$driver-$n2.log" | sed 's/ cdf_us=.*//' || true
python3 "$TOP/scripts/profile/fold.py" "$syms" "$out/$driver-$n2.txt" \
	"$out/$driver-$n1.txt" --per $((n2 - n1)) --top "$top"
