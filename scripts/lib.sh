# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the vfio-ccw harness scripts. Source, do not execute.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${VFIO_CCW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-ccw-dev}
CROSS_COMPILE=${CROSS_COMPILE:-s390x-linux-gnu-}
KSRC_TAR=/usr/src/linux-source-6.12.tar.xz
export ARCH=s390 CROSS_COMPILE
NPROC=$(nproc)

T0=${T0:-$(date +%s)}
export T0

log() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Echo a command, then run it.
run() { log "+ $*"; "$@"; }

# Debian packages the harness needs; installed once, idempotently.
DEPS=(gcc-s390x-linux-gnu libc6-dev-s390x-cross linux-source-6.12
      qemu-system-misc qemu-system-data coccinelle sparse bc flex bison
      libelf-dev libssl-dev cpio xz-utils kmod dkms python3 make gcc perl
      rsync patch)

ensure_deps() {
	local missing=() p
	for p in "${DEPS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

ksrc_version() { dpkg-query -W -f='${Version}' linux-source-6.12; }

# kernel_key FLAVOUR: a key for the cache, from the config fragments, the
# source package version and the compiler version.
kernel_key() {
	local flavour=$1
	{
		ksrc_version
		"${CROSS_COMPILE}gcc" --version | head -n1
		cat "$TOP/scripts/kconfig/base.config" "$TOP/selftests/vfio-ccw/config"
		[ "$flavour" = debug ] && cat "$TOP/scripts/kconfig/debug.config"
		cat "$TOP/scripts/kconfig/patches/$flavour/"*.patch 2>/dev/null || true
		echo "$flavour"
	} | sha256sum | cut -c1-16
}

# kernel_dir FLAVOUR: where the built tree of that flavour lives.
kernel_dir() { echo "$CACHE/kernel-$1-$(kernel_key "$1")/linux-source-6.12"; }

BUILD=$TOP/build

# The UUID of the mdev on the Nth vfio_ccw subchannel of a guest.
guest_uuid() { printf '7e1e5000-0000-4000-8000-%012x' "$1"; }

# Cross-build the guest's /init and helpers (static, no shell in there):
# scripts/guest/Makefile.
build_guest_init() {
	make -s -C "$TOP/scripts/guest" OUT="$BUILD" "$BUILD/guest/init" \
		"$BUILD/guest/bin/true" "$BUILD/guest/bin/lockdep_count"
}
