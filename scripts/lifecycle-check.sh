#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle events that only the outside of a process can cause, each
# while a device is open with a suspended program in flight (held by
# /bin/lifecycle_holder in the guest):
#   1. mdev remove             the driver signals the device request (IRQ
#                              index 2), the holder closes, remove returns
#   2. subchannel unbind       the same through the css driver's unbind
#   3. rmmod while open        refused (EBUSY); the device still works
#   4. hot-unplug (QMP)        device_del of the subchannel's device: the
#                              request fires, later requests fail or work
#   then rmmod vfio_ccw and mdev must succeed.
# Each holder checks that nothing stays pinned; the guest log must stay
# clean (guest-run.sh fails on a kernel report).
#
# The reference (--driver ref) is not unplugged unless --unplug-on-ref is
# given: with a suspended program in flight it goes not operational
# keeping the program's pins, and the holder's VFIO_IOMMU_UNMAP_DMA then
# hits the BUG() in vfio_iommu_type1.c (seen with Linux 6.12), which hangs
# the guest until the timeout.
#
# usage: scripts/lifecycle-check.sh [--driver ours|ref] [--kernel base|debug]
#                                   [--unplug-on-ref] [--moddir DIR]
#   --moddir DIR   where our vfio_ccw.ko is (a debug-kernel build for
#                  --kernel debug, as check.sh makes in build/debug-module)
# Exit status: 0 when every event that was run was survived.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

driver=ours flavour=base unplug_ref=0 moddir=()
while [ $# -gt 0 ]; do
	case $1 in
	--driver) driver=$2; shift 2 ;;
	--kernel) flavour=$2; shift 2 ;;
	--unplug-on-ref) unplug_ref=1; shift ;;
	--moddir) moddir=(--moddir "$2"); shift 2 ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done

"$TOP/scripts/selftests-build.sh" lifecycle_holder >/dev/null
mkdir -p "$BUILD/logs"
logf=$BUILD/logs/lifecycle-$driver-$flavour.log
sock=$(mktemp -u "${TMPDIR:-/tmp}/vfio-ccw-qmp.XXXXXX")
: > "$logf"

u0=$(guest_uuid 0) u1=$(guest_uuid 1) u2=$(guest_uuid 2) u3=$(guest_uuid 3)
plan=(
	--plan-line "spawn /bin/lifecycle_holder remove $u0 remove"
	--plan-line "waitfile /tmp/ready-remove 60"
	--plan-line "write /sys/bus/mdev/devices/$u0/remove 1"
	--plan-line "wait"
	--plan-line "spawn /bin/lifecycle_holder unbind $u1 unbind"
	--plan-line "waitfile /tmp/ready-unbind 60"
	--plan-line "write /sys/bus/css/drivers/vfio_ccw/unbind 0.0.0001"
	--plan-line "wait"
	--plan-line "spawn /bin/lifecycle_holder rmmod $u2 rmmod"
	--plan-line "wait"
)
events=(remove unbind rmmod)
if [ "$driver" != ref ] || [ $unplug_ref -eq 1 ]; then
	plan+=(--plan-line "spawn /bin/lifecycle_holder unplug $u3 unplug"
	       --plan-line "wait")
	events+=(unplug)
else
	log "lifecycle: reference: hot-unplug not run (BUG() in vfio_iommu_type1, see $0)"
fi
plan+=(--plan-line "rmmod vfio_ccw" --plan-line "rmmod mdev")

log "lifecycle: $driver/$flavour, log $logf"
rc=0
"$TOP/scripts/guest-run.sh" --driver "$driver" --kernel "$flavour" \
	"${moddir[@]}" --devices 4 --quiet --log "$logf" --qmp "$sock" --timeout 300 \
	"${plan[@]}" &
guest=$!

# The host side of the unplug: wait for the holder, then unplug ccw3.
unplugged=0
for _ in $(seq 1 2400); do
	[[ " ${events[*]} " == *" unplug "* ]] || break
	if grep -q '^@@ READY unplug' "$logf" 2>/dev/null; then
		log "lifecycle: holder ready, device_del ccw3"
		if python3 "$TOP/scripts/qmp.py" "$sock" device_del '{"id": "ccw3"}' >/dev/null; then
			unplugged=1
		else
			log "lifecycle: device_del failed"
		fi
		break
	fi
	kill -0 "$guest" 2>/dev/null || break
	sleep 0.1
done
wait "$guest" || rc=$?
rm -f "$sock"

grep -E '^@@ (HOLDER|READY|wait|rmmod|write)|^# figures' "$logf" >&2 || true
survived=0
for ev in "${events[@]}"; do
	if grep -q "^@@ HOLDER $ev: PASS" "$logf"; then
		survived=$((survived + 1))
	else
		log "lifecycle: event $ev NOT survived"
		{ [ "$rc" -ne 0 ] || rc=1; }
	fi
done
if ! grep -q '^@@ rmmod vfio_ccw: ok' "$logf"; then
	log "lifecycle: vfio_ccw did not unload"
	{ [ "$rc" -ne 0 ] || rc=1; }
fi
if [[ " ${events[*]} " == *" unplug "* ]] && [ $unplugged -ne 1 ]; then
	{ [ "$rc" -ne 0 ] || rc=1; }
fi
n=${#events[@]}
echo "# figures: lifecycle-check driver=$driver kernel=$flavour events_survived=$survived/$n unplugged=$unplugged status=$rc"
log "lifecycle: $([ "$rc" -eq 0 ] && echo ok || echo FAILED) ($survived/$n events survived: ${events[*]})"
exit "$rc"
