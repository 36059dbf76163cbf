#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the user programs for the s390x guest with their own
# Makefiles: the kselftests (selftests/vfio-ccw/Makefile, lib.mk) and the
# benchmark and demo (tools/vfio-ccw/Makefile), static, into
# build/guest/bin (the library's objects into build/guest/obj). make
# decides what is stale.
#
# usage: scripts/selftests-build.sh [NAME...]    (default: all)
#   KDIR=...   kernel tree (default: scripts/kernel.sh base); its exported
#              headers are at $KDIR/usr/include
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=${KDIR:-$("$TOP/scripts/kernel.sh" base)}
out=$TOP/build/guest/bin
mkdir -p "$out"

[ -f "$KDIR/usr/include/linux/vfio.h" ] || die "no exported headers at $KDIR/usr/include"

# NAME: a target of the selftests' Makefile, or of tools/vfio-ccw's.
sel=() tools=()
if [ $# -eq 0 ]; then
	sel=(all) tools=(all)
fi
for n in "$@"; do
	n=${n%.c}
	if [ -f "$TOP/tools/vfio-ccw/$n.c" ]; then
		tools+=("$out/$n")
	elif [ -f "$TOP/selftests/vfio-ccw/$n.c" ]; then
		sel+=("$out/$n")
	else
		die "no such program $n"
	fi
done

# The library's objects stay out of bin/, which is copied into the guest.
mk=(make -s -j"$(nproc)" KSRC="$KDIR" OUTPUT="$out" CROSS_COMPILE="$CROSS_COMPILE"
    VFIO_CCW_LIB_OUT="$TOP/build/guest/obj" USERCFLAGS=-Werror USERLDFLAGS=-static)
[ ${#sel[@]} -eq 0 ] || "${mk[@]}" -C "$TOP/selftests/vfio-ccw" "${sel[@]}"
[ ${#tools[@]} -eq 0 ] || "${mk[@]}" -C "$TOP/tools/vfio-ccw" "${tools[@]}"
log "selftests: built in $out"
