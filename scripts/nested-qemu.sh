#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch (or reuse from the cache) Debian's s390x builds of qemu-system-s390x
# and of mdevctl with the shared libraries they need, laid out as a root
# file system tree to be copied into the guest's initramfs:
#   usr/bin/qemu-system-s390x, usr/bin/mdevctl, lib/ld64.so.1,
#   {usr/,}lib/s390x-linux-gnu/*.so*, etc/mdevctl.d/scripts.d/{callouts,
#   notifiers}, usr/share/qemu/s390-ccw.img (from the host's
#   qemu-system-data)
# Prints the tree's path on stdout.
#
# The cache ($CACHE/nested-qemu-KEY) is keyed by the versions of the host's
# qemu-system-misc and qemu-system-data, and holds the exact s390x package
# list it was made from (packages.txt). A tree without its stamp (or its
# binary) is rebuilt from scratch.
#
# usage: scripts/nested-qemu.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

READELF=${CROSS_COMPILE}readelf
TRIPLET=s390x-linux-gnu

ensure_deps
qver=$(dpkg-query -W -f='${Version}' qemu-system-misc)
dver=$(dpkg-query -W -f='${Version}' qemu-system-data)
key=$(printf '%s\n' "$qver" "$dver" mdevctl | sha256sum | cut -c1-16)
dir=$CACHE/nested-qemu-$key
root=$dir/root
stamp=$dir/.built

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock-nested-qemu"
flock 9

if [ -f "$stamp" ] && [ -x "$root/usr/bin/qemu-system-s390x" ] &&
   [ -x "$root/usr/bin/mdevctl" ]; then
	log "nested qemu: cached at $root"
	echo "$root"
	exit 0
fi

log "nested qemu: fetching s390x qemu-system-misc $qver (cache miss)"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
if ! dpkg --print-foreign-architectures | grep -qx s390x; then
	run $sudo dpkg --add-architecture s390x
	run $sudo apt-get update -qq
fi
# The index may predate the architecture (or the version): refresh once.
if ! apt-cache show "qemu-system-misc:s390x" >/dev/null 2>&1; then
	run $sudo apt-get update -qq
fi

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/unpack" "$root"
# apt's sandbox user must be able to write the download directory.
chmod 0777 "$dir/debs"

# download PKG...: fetch the s390x packages into debs/ and unpack them.
download() {
	(cd "$dir/debs" && apt-get download -q "$@" >/dev/null 2>&1) ||
		die "apt-get download $* failed"
	local p deb
	for p in "$@"; do
		deb=$(ls "$dir/debs/${p%%[:=]*}"_*_s390x.deb | head -n1)
		dpkg-deb -x "$deb" "$dir/unpack"
		echo "${p%%[:=]*}"
	done
}

# The exact s390x build of the host's version when the archive still has
# it, else the archive's candidate.
if apt-cache show "qemu-system-misc:s390x=$qver" >/dev/null 2>&1; then
	download "qemu-system-misc:s390x=$qver" > "$dir/fetched"
else
	download "qemu-system-misc:s390x" > "$dir/fetched"
fi

bin=$dir/unpack/usr/bin/qemu-system-s390x
[ -x "$bin" ] || die "qemu-system-misc:s390x has no qemu-system-s390x"
download "mdevctl:s390x" >> "$dir/fetched"
mbin=$dir/unpack/usr/bin/mdevctl
[ -x "$mbin" ] || die "mdevctl:s390x has no usr/bin/mdevctl"

# needed FILE: the NEEDED sonames of one ELF file.
needed() {
	"$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

# find_lib SONAME: its path in the unpacked tree, if any package had it.
find_lib() {
	local d
	for d in lib/$TRIPLET usr/lib/$TRIPLET lib usr/lib; do
		if [ -e "$dir/unpack/$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# Close the NEEDED set of the binary over the unpacked packages. A missing
# soname is looked for in the s390x library packages that the fetched
# packages depend on (shlibs dependencies name exactly those).
for round in 1 2 3 4 5 6 7 8 9 10; do
	declare -A have=() todo=()
	queue=("$bin" "$mbin")
	missing=()
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for so in $(needed "$f"); do
			[ -n "${have[$so]:-}" ] && continue
			have[$so]=1
			if p=$(find_lib "$so"); then
				todo[$p]=1
				queue+=("$(readlink -f "$dir/unpack/$p")")
			else
				missing+=("$so")
			fi
		done
	done
	[ ${#missing[@]} -eq 0 ] && break
	log "nested qemu: round $round, missing ${#missing[@]}: ${missing[*]}"
	new=()
	while read -r pkg; do
		grep -qx "$pkg" "$dir/fetched" || new+=("$pkg:s390x")
	done < <(sed 's/$/:s390x/' "$dir/fetched" |
		 xargs apt-cache depends --no-recommends --no-suggests \
			--no-conflicts --no-breaks --no-replaces --no-enhances 2>/dev/null |
		 sed -n 's/^ *\(Pre\)\{0,1\}Depends: \(\(z\)\{0,1\}lib[^ <>:]*\).*/\2/p' | sort -u)
	[ ${#new[@]} -gt 0 ] || die "cannot resolve: ${missing[*]}"
	download "${new[@]}" >> "$dir/fetched"
	unset have todo
done
[ ${#missing[@]} -eq 0 ] || die "library closure not reached: ${missing[*]}"

# Lay out the tree: the binary, the dynamic loader at the binary's
# PT_INTERP path, every library of the closure (files and the symlinks
# that lead to them) at its packaged path.
interp=$("$READELF" -l "$bin" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
[ -n "$interp" ] || die "no PT_INTERP in $bin"
mkdir -p "$root/usr/bin" "$root/usr/share/qemu" \
	"$root/etc/mdevctl.d/scripts.d/callouts" \
	"$root/etc/mdevctl.d/scripts.d/notifiers"
cp "$bin" "$root/usr/bin/"
cp "$mbin" "$root/usr/bin/"
copy_path() {
	local rel=$1 target
	while :; do
		mkdir -p "$root/$(dirname "$rel")"
		cp -a "$dir/unpack/$rel" "$root/$rel"
		[ -L "$dir/unpack/$rel" ] || break
		target=$(readlink "$dir/unpack/$rel")
		case $target in
		/*) rel=${target#/} ;;
		*) rel=$(dirname "$rel")/$target ;;
		esac
	done
}
for p in "${!todo[@]}"; do copy_path "$p"; done
copy_path "${interp#/}"
cp /usr/share/qemu/s390-ccw.img "$root/usr/share/qemu/"

for p in $(cat "$dir/fetched"); do
	echo "$p $(dpkg-deb -f "$(ls "$dir/debs/${p}"_*_s390x.deb | head -n1)" Version)"
done > "$dir/packages.txt"
rm -rf "$dir/debs" "$dir/unpack"
touch "$stamp"
log "nested qemu: $(wc -l < "$dir/packages.txt") packages, ${#todo[@]} libraries, $(du -sh "$root" | cut -f1) in $root"
echo "$root"
