#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the s390x guest (qemu-system-s390x, TCG), load a vfio_ccw driver,
# bind subchannels to it, create one mdev each and run programs in it.
#
# usage: scripts/guest-run.sh [options] [-- PROG ARGS...]
#   --driver ours|ref|none   vfio_ccw to load (default ours)
#   --kernel base|debug      kernel flavour (default base)
#   --devices N              virtio-ccw subchannels bound to vfio_ccw (2)
#   --spare N                extra subchannels left to io_subchannel (0)
#   --no-mdev                bind the subchannels, create no mdev (the plan
#                            does, e.g. with mdevctl)
#   --insmod MOD.ko          load a further module after the driver
#   --env NAME=VALUE         set an environment variable for the runs
#                            (repeatable), e.g. VFIO_CCW_BACKEND=iommufd
#   --moddir DIR             where our modules are (default: the top dir)
#   --run "PROG ARGS"        a program to run (repeatable; -- adds one)
#   --plan-line "LINE"       a raw plan line, appended after the runs
#   --pre-line "LINE"        a raw plan line, before the runs (after the
#                            binds), e.g. "bind 0.0.0001 vfio_ccw_native -"
#   --teardown               after the runs: remove the mdevs, unbind, unload
#                            vfio_ccw and mdev ("@@ rmmod vfio_ccw: ok")
#   --extra-dir DIR          copy DIR's contents into the initramfs root
#   --mem MB --smp N         guest size (default 1024, 2)
#   --qmp PATH               QMP socket for device_add/device_del
#   --timeout SEC            kill the guest after SEC seconds (default 300)
#   --log FILE               console log (default build/logs/guest-*.log)
#   --loglevel N             console log level (default 5: warnings)
#   --quiet                  do not echo the console, only its log
#   --qemu-arg ARG           one more qemu argument (repeatable), e.g.
#                            -icount for a deterministic virtual clock
# Exit status: the first failing step's status, 124 on timeout, 125 when the
# kernel log shows a WARNING/BUG/Oops/lockdep/KASAN/UBSAN/kmemleak report,
# 126 when the guest ended without its END marker (crash).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

driver=ours flavour=base devices=2 spare=0 mem=1024 smp=2 timeout=300
teardown=0 qmp="" log="" quiet=0 extra=() loglevel=5 moddir=$TOP nomdev=0
insmods=() runs=() planlines=() prelines=() qemu_extra=() envs=()
while [ $# -gt 0 ]; do
	case $1 in
	--driver) driver=$2; shift 2 ;;
	--kernel) flavour=$2; shift 2 ;;
	--devices) devices=$2; shift 2 ;;
	--spare) spare=$2; shift 2 ;;
	--no-mdev) nomdev=1; shift ;;
	--insmod) insmods+=("$2"); shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--moddir) moddir=$(cd "$2" && pwd); shift 2 ;;
	--run) runs+=("$2"); shift 2 ;;
	--plan-line) planlines+=("$2"); shift 2 ;;
	--pre-line) prelines+=("$2"); shift 2 ;;
	--extra-dir) extra+=("$2"); shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--qmp) qmp=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--teardown) teardown=1; shift ;;
	--loglevel) loglevel=$2; shift 2 ;;
	--qemu-arg) qemu_extra+=("$2"); shift 2 ;;
	--) shift; [ $# -gt 0 ] && runs+=("$*"); break ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done

kdir=$(KDIR= "$TOP/scripts/kernel.sh" "$flavour")
build_guest_init
stage=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ccw-initrd.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,etc,lib/modules}
cp "$BUILD/guest/init" "$stage/init"
cp "$BUILD"/guest/bin/* "$stage/bin/" 2>/dev/null || true
cp "$kdir/drivers/vfio/mdev/mdev.ko" "$stage/lib/modules/"

plan=$stage/etc/plan
{
	echo "insmod /lib/modules/mdev.ko"
	case $driver in
	ours)
		[ -f "$moddir/vfio_ccw.ko" ] || die "vfio_ccw.ko not built (run make)"
		cp "$moddir/vfio_ccw.ko" "$stage/lib/modules/vfio_ccw.ko" ;;
	ref)
		cp "$kdir/drivers/s390/cio/vfio_ccw.ko" "$stage/lib/modules/vfio_ccw.ko" ;;
	none) ;;
	*) die "unknown driver $driver" ;;
	esac
	[ "$driver" = none ] || echo "insmod /lib/modules/vfio_ccw.ko"
	for m in "${insmods[@]}"; do
		# A bare name is one of ours, from --moddir (never the cwd: a
		# debug-kernel run must not pick up the base build).
		case $m in */*) ;; *) m=$moddir/$m ;; esac
		[ -f "$m" ] || die "no module $m"
		cp "$m" "$stage/lib/modules/"
		echo "insmod /lib/modules/$(basename "$m")"
	done
	mdevs="" schids=""
	if [ "$driver" != none ]; then
		for ((i = 0; i < devices; i++)); do
			schid=$(printf '0.0.%04x' "$i")
			uuid=$(guest_uuid "$i")
			if [ $nomdev -eq 1 ]; then
				echo "bind $schid vfio_ccw -"
			else
				echo "bind $schid vfio_ccw $uuid"
			fi
			mdevs+="${mdevs:+,}$uuid" schids+="${schids:+,}$schid"
		done
	fi
	# Lists are comma-separated: the plan has no quoting.
	if [ "$driver" = none ]; then
		echo "setenv VFIO_CCW_MDEV none"
	else
		echo "setenv VFIO_CCW_MDEV $(guest_uuid 0)"
	fi
	echo "setenv VFIO_CCW_MDEVS ${mdevs:-none}"
	echo "setenv VFIO_CCW_SCHIDS ${schids:-none}"
	echo "setenv VFIO_CCW_DRIVER $driver"
	for e in "${envs[@]}"; do echo "setenv ${e%%=*} ${e#*=}"; done
	for l in "${prelines[@]}"; do echo "$l"; done
	for r in "${runs[@]}"; do echo "run $r"; done
	if [ $teardown -eq 1 ] && [ "$driver" != none ]; then
		for ((i = 0; i < devices; i++)); do
			echo "write /sys/bus/mdev/devices/$(guest_uuid "$i")/remove 1"
			echo "write /sys/bus/css/drivers/vfio_ccw/unbind $(printf '0.0.%04x' "$i")"
		done
		for m in "${insmods[@]}"; do echo "rmmod $(basename "$m" .ko)"; done
		echo "rmmod vfio_ccw"
		echo "rmmod mdev"
	fi
	for l in "${planlines[@]}"; do echo "$l"; done
} > "$plan"
for d in "${extra[@]}"; do cp -a "$d"/. "$stage/"; done

initrd=$stage.cpio
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$initrd"
trap 'rm -rf "$stage" "$initrd"' EXIT

mkdir -p "$BUILD/logs"
[ -n "$log" ] || log=$BUILD/logs/guest-$driver-$flavour-$$.log
devs=()
for ((i = 0; i < devices + spare; i++)); do
	# id=ccwN: the QMP name of subchannel N (device_del)
	devs+=(-device "virtio-rng-ccw,devno=fe.0.$(printf '%04x' $((i + 1))),id=ccw$i")
done
qmpargs=()
[ -n "$qmp" ] && qmpargs=(-qmp "unix:$qmp,server=on,wait=off")

log "guest: $driver/$flavour, $devices device(s), plan: ${runs[*]:-(none)}"
qemu=(timeout -k 5 "$timeout" qemu-system-s390x -M s390-ccw-virtio -cpu qemu
	-smp "$smp" -m "$mem" -nographic -nodefaults -no-reboot
	-serial stdio -kernel "$kdir/arch/s390/boot/bzImage" -initrd "$initrd"
	-append "console=ttysclp0 panic=-1 kunit.enable=1 loglevel=$loglevel"
	"${devs[@]}" "${qmpargs[@]}" "${qemu_extra[@]}")
set +e
if [ $quiet -eq 1 ]; then
	"${qemu[@]}" </dev/null >"$log" 2>&1
	rc=$?
else
	"${qemu[@]}" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
fi
set -e
# tr: the console speaks CRLF.
sed -i 's/\r$//' "$log"

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	log "guest: TIMEOUT after ${timeout}s; console tail:"
	tail -n 30 "$log" >&2
	exit 124
fi
# Any kernel report fails the run (kernel_reports.py).
if ! python3 "$TOP/scripts/kernel_reports.py" "$log" > "$log.reports"; then
	log "guest: kernel report in the console log ($log):"
	head -n 80 "$log.reports" >&2
	exit 125
fi
end=$(sed -n 's/^@@ END status=\([0-9]*\)$/\1/p' "$log" | tail -n1)
if [ -z "$end" ]; then
	log "guest: no END marker (crash?); console tail:"
	tail -n 30 "$log" >&2
	exit 126
fi
log "guest: done, status $end"
exit "$end"
