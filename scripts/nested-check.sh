#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The operator's tool and the real client, with either driver. In the
# harness guest, the subchannel is bound to vfio_ccw without an mdev;
# Debian's s390x mdevctl then makes the operator's round trip
# (mdevctl_check: types, define, list, start, a refused second start,
# stop, undefine, start-parent-mdevs after unbind and rebind) and leaves
# the mdev started; Debian's s390x qemu-system-s390x runs with that mdev
# passed through (-device vfio-ccw); its own guest (the same kernel,
# /init = nested_init) must read the device's SENSE ID data (control unit
# 3832) through the driver's regions.
#
# usage: scripts/nested-check.sh [ref|ours] [guest-run.sh options...]
#   NESTED_CLIENT_ARGS="..."  more nested_client options (e.g. "-a loglevel=8")
# Exit status: that of scripts/guest-run.sh (0 = mdevctl did its round trip
# and the nested guest saw the device; 1 = one of them failed;
# 124/125/126 = outer guest timeout/report/crash).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

driver=${1:-ref}
[ $# -gt 0 ] && shift
case $driver in ref|ours) ;; *) die "usage: $0 [ref|ours] [guest-run options]" ;; esac

kdir=$(KDIR='' "$TOP/scripts/kernel.sh" base)
qroot=$("$TOP/scripts/nested-qemu.sh")

out=$BUILD/nested
mkdir -p "$out"
# nested_client and mdevctl_check run in the harness guest, nested_init is
# the nested guest's /init (scripts/guest/Makefile).
run make -s -C "$TOP/scripts/guest" OUT="$BUILD" KSRC="$kdir" \
	"$out/nested_client" "$out/mdevctl_check" "$out/nested_init"

# The nested guest's initramfs: /init only (uncompressed, like the outer).
nroot=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ccw-nested.XXXXXX")
extra=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ccw-nested-extra.XXXXXX")
trap 'rm -rf "$nroot" "$extra"' EXIT
cp "$out/nested_init" "$nroot/init"
mkdir -p "$extra/nested" "$extra/bin"
(cd "$nroot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$extra/nested/initrd"
cp "$kdir/arch/s390/boot/bzImage" "$extra/nested/bzImage"
cp "$out/nested_client" "$out/mdevctl_check" "$extra/bin/"
cp -a "$qroot"/. "$extra/"

log "nested ($driver): outer initramfs extra $(du -sh "$extra" | cut -f1)"
t=$(date +%s)
rc=0
"$TOP/scripts/guest-run.sh" --driver "$driver" --devices 1 --mem 2048 \
	--no-mdev --extra-dir "$extra" --timeout 600 "$@" \
	--run /bin/mdevctl_check \
	-- /bin/nested_client -t 480 ${NESTED_CLIENT_ARGS:-} || rc=$?
log "nested ($driver): status $rc after $(( $(date +%s) - t )) s"
exit $rc
