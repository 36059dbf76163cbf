#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict, sparse (C=2), kernel-doc, and coccinelle
# (the tree's rules plus ours in scripts/coccinelle/). Any finding fails.
#
# usage: scripts/lint.sh [checkpatch|sparse|kernel-doc|cocci]...  (default all)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${KDIR:-$("$TOP/scripts/kernel.sh" base)}
cd "$TOP"
# Kernel files: the driver, its test modules, the benchmark's floor
# module and the uapi header; the rest is user space.
floor=tools/vfio-ccw/vfio_ccw_floor.c
mapfile -t kfiles < <(git ls-files --cached --others --exclude-standard \
	'drivers/*.c' 'drivers/*.h' 'uapi/*.h' "$floor" | sort -u)
mapfile -t ufiles < <(git ls-files --cached --others --exclude-standard \
	'selftests/*.c' 'selftests/*.h' 'scripts/*.c' 'tools/*.c' \
	":!$floor" | sort -u)
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

checkpatch() {
	log "lint: checkpatch --strict (${#kfiles[@]} kernel + ${#ufiles[@]} user files)"
	local cp=("$kdir/scripts/checkpatch.pl" --strict --no-tree --quiet --terse
		--show-types --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG)
	# The one exception: the name lists of vfio_ccw_fsm.h are X-macros
	# (the tracepoints' __print_symbolic() needs them as macros), which
	# checkpatch reads as complex macros that reuse their argument.
	local xmacro=drivers/vfio_ccw/vfio_ccw_fsm.h
	local kern=() user=() f
	for f in "${kfiles[@]}"; do
		case $f in uapi/*) user+=("$f") ;; "$xmacro") ;; *) kern+=("$f") ;; esac
	done
	user+=("${ufiles[@]}")
	: > "$out"
	"${cp[@]}" --ignore COMPLEX_MACRO,MACRO_ARG_REUSE -f "$xmacro" >> "$out" 2>&1 || true
	# One checkpatch per file, on every core: it is slow per file.
	[ ${#kern[@]} -eq 0 ] || printf '%s\0' "${kern[@]}" |
		xargs -0 -n 2 -P "$NPROC" "${cp[@]}" -f >> "$out" 2>&1 || true
	# uapi and user space have no BIT() and use the stdint types.
	[ ${#user[@]} -eq 0 ] || printf '%s\0' "${user[@]}" |
		xargs -0 -n 2 -P "$NPROC" "${cp[@]}" --ignore BIT_MACRO,PREFER_KERNEL_TYPES \
		-f >> "$out" 2>&1 || true
	if grep -qE '(ERROR|WARNING|CHECK):' "$out"; then
		grep -E '(ERROR|WARNING|CHECK):' "$out"
		fail=1
	fi
}

sparse() {
	log "lint: sparse (make C=2)"
	make -s -C "$kdir" M="$TOP" C=2 CHECK="sparse -Wno-decl" modules > "$out" 2>&1 || { cat "$out"; fail=1; return; }
	# sparse cannot follow the scope-based locks of cleanup.h (guard(),
	# scoped_guard()): every function using them reads as a "context
	# imbalance". That one class is left to lockdep, which the debug
	# kernel runs under every selftest; all other warnings count.
	if grep -E '(warning|error):' "$out" | grep -v 'context imbalance' | grep -q .; then
		grep -E '(warning|error):' "$out" | grep -v 'context imbalance'
		fail=1
	fi
}

kerneldoc() {
	log "lint: kernel-doc -none"
	"$kdir/scripts/kernel-doc" -none -Wall "${kfiles[@]}" > "$out" 2>&1 || true
	if [ -s "$out" ]; then
		cat "$out"
		fail=1
	fi
}

cocci() {
	# The tree's rules are kernel rules: the kernel code only (user space
	# has no min()/max() and friends). They take over a minute, so a clean
	# result is remembered under a key of everything they read (our kernel
	# files, the tree's rules, spatch); a fresh checkout always runs them.
	local key stamp
	key=$( { spatch --version 2>&1 | head -n1; echo "$kdir"
		 cat "${kfiles[@]}"
		 find "$kdir/scripts/coccinelle" -name '*.cocci' -type f | sort | xargs cat
	       } | sha256sum | cut -c1-16)
	stamp=$BUILD/lint/cocci-tree-$key.clean
	if [ -f "$stamp" ]; then
		log "lint: coccinelle (tree rules): these exact inputs were clean ($key)"
	else
		log "lint: coccinelle (tree rules, report mode, drivers/)"
		make -s -C "$kdir" M="$TOP/drivers" MODE=report coccicheck > "$out" 2>&1 || true
		if grep -E "^$TOP/|^\./|^drivers/|^uapi/" "$out" | grep -q .; then
			grep -E "^$TOP/|^\./|^drivers/|^uapi/" "$out"
			fail=1
		else
			mkdir -p "$BUILD/lint" && touch "$stamp"
		fi
	fi
	local rule name
	for rule in "$TOP"/scripts/coccinelle/*.cocci; do
		[ -f "$rule" ] || continue
		name=$(basename "$rule" .cocci)
		log "lint: coccinelle $name"
		spatch --very-quiet -D report --no-show-diff --sp-file "$rule" \
			--include-headers --dir "$TOP/drivers" > "$out" 2>&1 || true
		if [ -s "$out" ]; then
			cat "$out"
			fail=1
		fi
		# The rule must catch the violation kept in its test file.
		if [ -f "$TOP/scripts/coccinelle/tests/$name.c" ]; then
			spatch --very-quiet -D report --no-show-diff --sp-file "$rule" \
				"$TOP/scripts/coccinelle/tests/$name.c" > "$out" 2>&1 || true
			if ! grep -q "tests/$name.c:[0-9]" "$out"; then
				log "lint: rule $name no longer catches tests/$name.c"
				cat "$out"
				fail=1
			fi
		fi
	done
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(checkpatch sparse kernel-doc cocci)
for s in "${steps[@]}"; do
	case $s in
	checkpatch) checkpatch ;;
	sparse) sparse ;;
	kernel-doc) kerneldoc ;;
	cocci) cocci ;;
	*) die "unknown lint step $s" ;;
	esac
done
[ $fail -eq 0 ] && log "lint: clean" || log "lint: FINDINGS"
exit $fail
