#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the vfio-ccw selftests and the demo for the s390x guest:
# every selftests/vfio-ccw/*.c becomes build/guest/bin/<name>, statically
# linked with every selftests/vfio-ccw/lib/*.c (compiled once, to
# build/guest/obj/). Incremental: a file is rebuilt when it, a header of
# lib/ or the uapi header is newer than its output. A program that fails
# to build is reported and the others are still built; the exit status is
# then 1.
#
# usage: scripts/selftests-build.sh [NAME...]    (default: all)
#   KDIR=...   kernel tree (default: scripts/kernel.sh base); its exported
#              headers are at $KDIR/../usr/include
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=${KDIR:-$("$TOP/scripts/kernel.sh" base)}
src=$TOP/selftests/vfio-ccw
out=$TOP/build/guest/bin
obj=$TOP/build/guest/obj
mkdir -p "$out" "$obj"

[ -d "$KDIR/../usr/include/linux" ] || die "no exported headers at $KDIR/../usr/include"
[ -f "$KDIR/tools/testing/selftests/kselftest_harness.h" ] ||
	die "no kselftest_harness.h in $KDIR"

CC=${CROSS_COMPILE}gcc
# Our uapi first, so that <linux/vfio_ccw.h> is ours. The harness is a
# system include: kselftest_harness.h itself is not -Wextra clean.
# __packed: the uapi header is used as it is in the tree; headers_install
# would replace it by the attribute.
CFLAGS=(-O2 -Wall -Wextra -Werror -pthread '-D__packed=__attribute__((packed))'
	-I"$TOP/uapi" -I"$KDIR/../usr/include"
	-isystem "$KDIR/tools/testing/selftests" -I"$src/lib"
	-I"$TOP/drivers/vfio_ccw/tests")

headers=("$src"/lib/*.h "$TOP/uapi/linux/vfio_ccw.h"
	 "$TOP/drivers/vfio_ccw/tests/vfio_ccw_native.h" "$0")

# stale OUT FILE...: true when OUT is missing or older than a FILE.
stale() {
	local o=$1 f
	shift
	[ -e "$o" ] || return 0
	for f in "$@"; do
		[ "$f" -nt "$o" ] && return 0
	done
	return 1
}

failed=()
objs=()
for c in "$src"/lib/*.c; do
	[ -e "$c" ] || continue
	o=$obj/$(basename "$c" .c).o
	objs+=("$o")
	if stale "$o" "$c" "${headers[@]}"; then
		log "selftests: lib/$(basename "$c")"
		"$CC" "${CFLAGS[@]}" -c -o "$o" "$c" || { rm -f "$o"; failed+=("lib/$(basename "$c")"); }
	fi
done
# Objects of library files that no longer exist must not be linked.
for o in "$obj"/*.o; do
	[ -e "$o" ] || continue
	[ -e "$src/lib/$(basename "$o" .o).c" ] || rm -f "$o"
done

progs=()
if [ $# -gt 0 ]; then
	for n in "$@"; do progs+=("$src/${n%.c}.c"); done
else
	progs=("$src"/*.c)
fi

built=0
if [ ${#failed[@]} -eq 0 ]; then
	for p in "${progs[@]}"; do
		[ -f "$p" ] || die "no such program $p"
		name=$(basename "$p" .c)
		if stale "$out/$name" "$p" "${objs[@]}" "${headers[@]}"; then
			log "selftests: $name"
			if "$CC" "${CFLAGS[@]}" -static -o "$out/$name.tmp" "$p" "${objs[@]}"; then
				mv "$out/$name.tmp" "$out/$name"
				built=$((built + 1))
			else
				rm -f "$out/$name.tmp"
				failed+=("$name")
			fi
		fi
	done
fi
log "selftests: ${#progs[@]} program(s), $built rebuilt, in $out"
[ ${#failed[@]} -eq 0 ] || die "selftests: failed to build: ${failed[*]}"
