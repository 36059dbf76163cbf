#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prove the README's set-up on a machine that never built the project: a
# minimal Debian 12 root made by debootstrap from the machine's configured
# Debian mirror, with the machine's apt sources and the tools a new machine
# of this kind has (make, gcc, git), a clean clone of the repository, then
# exactly the README's commands there, as root: `apt-get update`,
# `make demo`. Prints the time of
# each step; the demo must show the driver at work (its guest's status 0
# and the demo's SENSE ID line).
#
# The run is keyed like the kernel cache, by its inputs: the package list
# and the scripts that install or build (scripts/lib.sh, kernel.sh,
# demo.sh, guest-run.sh, selftests-build.sh, this script), the kernel
# fragments and patches, the README. A green run leaves a stamp in the
# cache; make check runs this only when there is no stamp for the key.
#
# usage: scripts/fresh-root.sh [--force] [--keep]
#   --force  run even when the key has a stamp
#   --keep   leave the root behind (in the cache) for a look
set -euo pipefail
. "$(dirname "$0")/lib.sh"

force=0 keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1; shift ;;
	--keep) keep=1; shift ;;
	*) die "unknown option $1 (see the header of $0)" ;;
	esac
done

key=$( {
	cat "$TOP"/scripts/{lib,kernel,demo,guest-run,selftests-build,fresh-root}.sh
	cat "$TOP"/scripts/kconfig/*.config "$TOP/selftests/vfio-ccw/config"
	cat "$TOP"/scripts/kconfig/patches/*/*.patch 2>/dev/null || true
	cat "$TOP/README.md"
} | sha256sum | cut -c1-16)
stamp=$CACHE/fresh-root-$key.ok
mkdir -p "$CACHE"
if [ -f "$stamp" ] && [ $force -eq 0 ]; then
	log "fresh root: green for these inputs already ($stamp)"
	cat "$stamp" >&2
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, bind mounts)"
if ! command -v debootstrap >/dev/null; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null |
	 grep -v security | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}

root=$CACHE/fresh-root-work
umount_all() {
	local m
	for m in dev/pts dev sys proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	return 0
}
cleanup() {
	umount_all
	[ $keep -eq 1 ] || rm -rf "$root"
}
umount_all
rm -rf "$root"
trap cleanup EXIT

times=()
step() { # NAME CMD...: run a step, record its time
	local name=$1 t=$(date +%s) rc=0
	shift
	log "fresh root: $name"
	"$@" || rc=$?
	times+=("$(printf '%-34s %4d s' "$name" $(( $(date +%s) - t )))")
	[ $rc -eq 0 ] || die "fresh root: $name failed ($rc)"
}
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	TERM=dumb LANG=C.UTF-8 /bin/bash -c "$1"; }

step "debootstrap bookworm (minbase)" \
	debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A machine of this kind has the host's apt sources (bookworm, -updates,
# -security: linux-source-6.12 comes from the latter two).
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
	rm -f "$root/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
fi
mount --bind /proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
step "clean clone of the repository" \
	git clone --quiet "$TOP" "$root/root/vfio-ccw"
step "a new machine's tools (make gcc git)" \
	in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make gcc git >/dev/null"
# The README's commands, as written there.
step "README: apt-get update" in_root "apt-get update -qq"
step "README: make demo" in_root "cd /root/vfio-ccw && make demo > /root/demo.out 2>&1"
grep -E '^==>' "$root/root/demo.out" >&2 || true
grep -q 'guest powered off (status 0)' "$root/root/demo.out" ||
	die "fresh root: the demo did not end with status 0 (see $root/root/demo.out)"
grep -qi 'sense id' "$root/root/demo.out" ||
	die "fresh root: the demo showed no SENSE ID"

{
	echo "fresh root green at $(date -u +%FT%TZ), commit $(git -C "$TOP" rev-parse --short HEAD)"
	printf '  %s\n' "${times[@]}"
} | tee "$stamp" >&2
