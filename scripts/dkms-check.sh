#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS round trip with Debian's dkms tool, in private trees (the system's
# /usr/src and /var/lib/dkms are not touched): add the project's source,
# build it against the cached s390x tree with the cross compiler, check the
# module it built, remove it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${KDIR:-$("$TOP/scripts/kernel.sh" base)}
kver=$(cat "$kdir/include/config/kernel.release")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ccw-dkms.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{src,tree,install}

# The source as a distribution package would ship it: tracked files only.
git -C "$TOP" ls-files -z --cached --others --exclude-standard | grep -zv '^\.' |
	(cd "$TOP" && xargs -0 cp --parents -t "$work/src") 2>/dev/null ||
	cp -a "$TOP"/{Kbuild,Makefile,dkms.conf,drivers,tools,uapi} "$work/src/"
src=$work/src-tree/vfio-ccw-$ver
mkdir -p "$(dirname "$src")"
mv "$work/src" "$src"

d=(dkms --dkmstree "$work/tree" --sourcetree "$work/src-tree"
   --installtree "$work/install" -m vfio-ccw -v "$ver")
run "${d[@]}" add
run "${d[@]}" build -k "$kver" -a s390x --kernelsourcedir "$kdir" ||
	{ cat "$work/tree/vfio-ccw/$ver/build/make.log" >&2 || true; die "dkms build failed"; }
ko=$(find "$work/tree/vfio-ccw/$ver" -name vfio_ccw.ko | head -n1)
[ -n "$ko" ] || die "dkms build left no vfio_ccw.ko"
modinfo "$ko" | grep -Eq '^license: +GPL' || die "$ko: no GPL license"
modinfo "$ko" | grep -q "vermagic: *$kver " || die "$ko: vermagic is not $kver"
run "${d[@]}" status
run "${d[@]}" remove --all
[ ! -d "$work/tree/vfio-ccw/$ver" ] || die "dkms remove left $work/tree/vfio-ccw/$ver"
log "dkms: add, build ($kver, s390x), remove: ok"
