#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build what is missing, boot the s390x guest, bind a virtio-ccw
# subchannel to our vfio_ccw and run the demo program, which shows what it
# negotiated and a few channel programs with their decoded status.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stage() { printf '==> [%4ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }

stage "installing Debian packages (if missing)"
ensure_deps
stage "s390x kernel (cached after the first build, about 4 min cold)"
kdir=$("$TOP/scripts/kernel.sh" base)
stage "building vfio_ccw.ko against $kdir"
make -s -C "$TOP" KDIR="$kdir" modules >/dev/null
stage "cross-building the guest programs"
"$TOP/scripts/selftests-build.sh" >/dev/null
stage "booting the guest: mdev + our vfio_ccw, subchannel 0.0.0000 -> mdev $(guest_uuid 0)"
log=$BUILD/logs/demo.log
rc=0
"$TOP/scripts/guest-run.sh" --quiet --log "$log" --driver ours --devices 1 \
	--spare 1 --timeout 300 -- /bin/vfio_ccw_demo || rc=$?
# The program's own lines, without the kernel's or the init's.
sed -n '/^@@ run \/bin\/vfio_ccw_demo: begin/,/^@@ run \/bin\/vfio_ccw_demo: end/p' "$log" |
	grep -v '^@@' | grep -Ev '^\[ *[0-9]+\.[0-9]+\]' || true
stage "guest powered off (status $rc); console log: $log"
exit "$rc"
