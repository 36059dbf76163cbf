#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: our vfio_ccw against the in-tree reference, in one run.
#
# Boots the s390x guest alternately with the reference module and ours
# (ABBA order over the rounds, so that a drift of the shared machine hits
# both alike) and runs /bin/vfio_ccw_bench in each boot. Two boots per
# driver and round:
#   lat   --smp 1: every figure (a-f) and the limits (floor, a system call,
#         an eventfd round). One vCPU: a wake-up on the other vCPU of a TCG
#         guest costs milliseconds on a loaded host, which would drown the
#         drivers' difference.
#   tput  --smp 2: the 16-thread throughput (e) and (a) again, both CPUs.
# Two clocks, each with its own table:
#   virtual  qemu -icount shift=3,sleep=off: the guest's clock counts its
#            instructions (8 ns each), so the figures are the guest's path
#            lengths, exact and repeatable however loaded the machine is;
#            the channel subsystem's work, done by qemu, costs nothing.
#   wall     the real clock: includes qemu's emulation and the host's
#            scheduling (noisy on a shared machine; more rounds).
# The floor module (vfio_ccw_floor.ko, tools/vfio-ccw/, built with the
# test modules) drives the one subchannel left to
# io_subchannel (--spare 1). Results: build/bench/report.txt (the tables),
# build/bench/latency-{virtual,wall}.svg (the distributions of (a)),
# build/bench/logs/.
#
# usage: scripts/bench.sh [--clock virtual|wall|both] [--rounds N]
#                         [--rounds-virtual N] [--devices N] [--quick]
#                         [--drivers "ref ours"] [--smp-lat N] [--smp-tput N]
#   --rounds N  wall-clock rounds per driver (default 3; virtual: 2)
#   --quick     fewer iterations, one round per clock (a smoke test)
# Compare the ratios of one run, not figures across runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds_wall=3 rounds_virt=2 devices=16 quick=0 drivers="ref ours"
smp_lat=1 smp_tput=2 clock=both
GUEST_RUN=$TOP/scripts/guest-run.sh
while [ $# -gt 0 ]; do
	case $1 in
	--clock) clock=$2; shift 2 ;;
	--rounds) rounds_wall=$2; shift 2 ;;
	--rounds-virtual) rounds_virt=$2; shift 2 ;;
	--devices) devices=$2; shift 2 ;;
	--quick) quick=1; rounds_wall=1; rounds_virt=1; shift ;;
	--drivers) drivers=$2; shift 2 ;;
	--smp-lat) smp_lat=$2; shift 2 ;;
	--smp-tput) smp_tput=$2; shift 2 ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done
case $clock in virtual|wall|both) ;; *) die "unknown clock $clock" ;; esac

# Iterations per clock: the virtual clock is exact, it needs fewer.
if [ $quick -eq 1 ]; then
	lat_wall="-n 300 -b 40 -c 15 -d 60 -t 1 -f 1000"
	tput_wall="-s ae -n 200 -t 1"
	lat_virt="-n 200 -b 20 -c 8 -d 40 -t 0.5 -f 500"
	tput_virt="-s ae -n 100 -t 0.5"
else
	lat_wall="-n 2000 -b 200 -c 60 -d 500 -t 3 -f 3000"
	tput_wall="-s ae -n 300 -t 3"
	lat_virt="-n 500 -b 40 -c 16 -d 200 -t 0.5 -f 1000"
	tput_virt="-s ae -n 200 -t 0.5"
fi
icount=(--qemu-arg -icount --qemu-arg shift=3,sleep=off)
clocks=()
[ "$clock" = wall ] || clocks+=(virtual)
[ "$clock" = virtual ] || clocks+=(wall)

out=$BUILD/bench
logs=$out/logs
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.txt "$out"/*.svg "$out"/timeline-*.txt

ensure_deps
kdir=$("$TOP/scripts/kernel.sh" base)

log "bench: building the modules against $kdir"
make -s -C "$TOP" KDIR="$kdir" modules >"$logs/build.txt" 2>&1 || {
	tail -n 15 "$logs/build.txt" >&2
	die "the modules do not build (see $logs/build.txt)"
}

# Freeze the modules of this run: the tree may be rebuilt meanwhile.
mods=$out/modules
rm -rf "$mods"
mkdir -p "$mods"
cp "$TOP/vfio_ccw_floor.ko" "$TOP/vfio_ccw.ko" "$mods/"
floor=$mods/vfio_ccw_floor.ko
info="ours: vfio_ccw.ko sha256 $(sha256sum "$mods/vfio_ccw.ko" | cut -c1-16)"
if git -C "$TOP" rev-parse --short HEAD >/dev/null 2>&1; then
	info+=", tree at $(git -C "$TOP" rev-parse --short HEAD)"
	info+=" + $(git -C "$TOP" --no-optional-locks status --porcelain -- drivers | wc -l) changed driver file(s)"
fi
echo "$info" >"$logs/build-info.txt"
log "bench: $info"

log "bench: building /bin/vfio_ccw_bench"
KDIR=$kdir "$TOP/scripts/selftests-build.sh" vfio_ccw_bench >/dev/null

# boot ROUND DRIVER KIND CLOCK SMP ARGS: one guest boot; never fails the run.
boot() {
	local r=$1 drv=$2 kind=$3 clk=$4 smp=$5 args=$6 rc=0
	local f=$logs/round$r-$drv-$kind-$clk.log extra=()
	[ "$clk" = virtual ] && extra=("${icount[@]}")
	log "bench: $clk clock, round $r, $drv, $kind (smp $smp)"
	"$GUEST_RUN" --quiet --log "$f" --driver "$drv" --devices "$devices" \
		--spare 1 --smp "$smp" --insmod "$floor" --timeout 400 "${extra[@]}" \
		--moddir "$mods" \
		-- /bin/vfio_ccw_bench $args 2>>"$logs/guest-run.txt" || rc=$?
	[ $rc -eq 0 ] || log "bench: round $r, $drv, $kind: guest status $rc (see $f)"
	grep -q 'test=done' "$f" 2>/dev/null ||
		log "bench: round $r, $drv, $kind: incomplete (see $f)"
}

read -r -a drv_list <<<"$drivers"
for clk in "${clocks[@]}"; do
	if [ "$clk" = virtual ]; then
		rounds=$rounds_virt lat_args=$lat_virt tput_args=$tput_virt
	else
		rounds=$rounds_wall lat_args=$lat_wall tput_args=$tput_wall
	fi
	for ((r = 1; r <= rounds; r++)); do
		order=("${drv_list[@]}")
		if [ $((r % 2)) -eq 0 ] && [ ${#order[@]} -eq 2 ]; then
			order=("${order[1]}" "${order[0]}")
		fi
		for d in "${order[@]}"; do
			boot "$r" "$d" lat "$clk" "$smp_lat" "$lat_args"
		done
		for ((i = ${#order[@]} - 1; i >= 0; i--)); do
			boot "$r" "${order[$i]}" tput "$clk" "$smp_tput" "$tput_args"
		done
	done
done

log "bench: report"
{
	[ -f "$logs/build-info.txt" ] && cat "$logs/build-info.txt"
	python3 "$TOP/scripts/bench_report.py" --out "$out" "$logs"/round*.log
} | tee "$out/report.txt"
log "bench: tables in $out/report.txt, plots in $out/latency-*.svg, logs in $logs"
