#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse from the cache) the s390x guest kernel of one flavour:
# bzImage, mdev.ko, the in-tree reference vfio_ccw.ko and the exported
# uapi headers, with the flavour's patches (scripts/kconfig/patches/FLAVOUR/)
# applied. Prints the tree's path on stdout.
#
# usage: scripts/kernel.sh [base|debug]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-base}
case $flavour in base|debug) ;; *) die "unknown flavour $flavour" ;; esac

ensure_deps
kdir=$(kernel_dir "$flavour")
root=$(dirname "$kdir")
stamp=$root/.built

# One builder per flavour at a time; the others wait and reuse its tree.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-$flavour"
flock 9

if [ -f "$stamp" ]; then
	log "kernel ($flavour): cached at $kdir"
	echo "$kdir"
	exit 0
fi

log "kernel ($flavour): building in $root (cache miss)"
rm -rf "$root"
mkdir -p "$root"
run tar -C "$root" -xf "$KSRC_TAR"
# Patches of a flavour (the debug kernel's fix of vfio type1's lock order,
# see scripts/kconfig/patches/debug/): part of the cache key.
for p in "$TOP/scripts/kconfig/patches/$flavour/"*.patch; do
	[ -e "$p" ] || continue
	run patch -d "$kdir" -p1 --forward --quiet -i "$p"
done

frag=$root/fragment.config
cat "$TOP/scripts/kconfig/base.config" "$TOP/selftests/vfio-ccw/config" > "$frag"
[ "$flavour" = debug ] && cat "$TOP/scripts/kconfig/debug.config" >> "$frag"

mk() { make -C "$kdir" -s -j"$NPROC" "$@"; }
KCONFIG_ALLCONFIG=$frag mk allnoconfig >/dev/null

# Every option of the fragment must have taken: a silently dropped one
# would give a guest that cannot run the tests.
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$kdir/.config" && { log "config: $opt not off"; bad=1; }
	else
		grep -qx "$line" "$kdir/.config" || { log "config: $line not set"; bad=1; }
	fi
done < "$frag"
[ $bad -eq 0 ] || die "kernel config fragment did not apply"

log "kernel ($flavour): make bzImage modules"
mk bzImage modules >"$root/build.log" 2>&1 || { tail -n 40 "$root/build.log" >&2; die "kernel build failed"; }
mk headers_install INSTALL_HDR_PATH="$root/usr" >/dev/null
for f in arch/s390/boot/bzImage drivers/vfio/mdev/mdev.ko drivers/s390/cio/vfio_ccw.ko; do
	[ -f "$kdir/$f" ] || die "kernel build did not produce $f"
done
touch "$stamp"
log "kernel ($flavour): done"
echo "$kdir"
