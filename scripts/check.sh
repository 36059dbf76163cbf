#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: lint, build, KUnit, then the selftests against the reference
# (in-tree vfio_ccw of the same tree) and against ours, in separate guest
# boots, ending with a side-by-side table and "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ensure_deps
mkdir -p "$BUILD/logs"
logs=$BUILD/logs
stages=()

# Between par_begin and par_end, stages run in the background: two guest
# boots at a time keep both cores busy (each has its own log). Outside,
# they run one after the other.
par=0 pending=()
par_begin() { par=1; }
par_end() {
	local n
	wait
	par=0
	for n in "${pending[@]}"; do record "$n"; done
	pending=()
}

# record NAME: add a finished stage's status (from its .rc file) to the table.
record() {
	local rc
	rc=$(cat "$logs/$1.rc" 2>/dev/null || echo 1)
	if [ "$rc" -ne 0 ]; then
		log "stage $1 failed ($rc):"
		[ -f "$logs/stage-$1.log" ] && tail -n 30 "$logs/stage-$1.log" >&2
	fi
	stages+=(--stage "$1=$rc")
}

# launch NAME FUNCTION ARGS...: run a stage body now or in the background.
launch() {
	local name=$1
	shift
	rm -f "$logs/$name.rc"
	if [ $par -eq 1 ]; then
		"$@" &
		pending+=("$name")
	else
		"$@"
		record "$name"
	fi
}

# stage NAME CMD...: run one gate, record its status, keep going.
stage_body() {
	local name=$1 rc=0
	shift
	"$@" > "$logs/stage-$name.log" 2>&1 || rc=$?
	echo $rc > "$logs/$name.rc"
}
stage() {
	log "stage $1: ${*:2}"
	launch "$1" stage_body "$@"
	return 0
}

# A guest boot fails as a stage only for what no test result can show:
# a timeout, a kernel report, a crash. Test failures are counted per test.
guest_body() {
	local name=$1 rc=0
	shift
	"$TOP/scripts/guest-run.sh" --quiet --log "$logs/$name.log" "$@" || rc=$?
	case $rc in
	124|125|126) log "stage $name: guest failed ($rc)" ;;
	*) rc=0 ;;
	esac
	echo $rc > "$logs/$name.rc"
}
guest_stage() {
	log "stage $1"
	launch "$1" guest_body "$@"
	return 0
}

# unloaded LOG: after the runs, the mdevs went away and the module unloaded.
unloaded() {
	local rc=0
	grep -q '^@@ rmmod vfio_ccw: ok' "$logs/$1.log" || rc=1
	stages+=(--stage "$1-unload=$rc")
}

kdir=$("$TOP/scripts/kernel.sh" base)
log "kernel tree: $kdir"

stage harness-selftest "$TOP/scripts/tests/results-selftest.sh"
stage uapi-layout "${CROSS_COMPILE}gcc" -fsyntax-only -I"$TOP/uapi" \
	-D'__packed=__attribute__((packed))' \
	-I"$kdir/../usr/include" "$TOP/scripts/tests/uapi-layout.c"
# sparse builds in the tree, so it goes before the build (the user
# programs build beside it); the rest of lint only reads and runs beside
# the first guest boots.
par_begin
stage lint-sparse "$TOP/scripts/lint.sh" sparse
stage selftests-build "$TOP/scripts/selftests-build.sh"
par_end
stage build make -C "$TOP" KDIR="$kdir" modules

# The tests are those the selftests' Makefile runs (TEST_GEN_PROGS);
# vfio_ccw_type1 (debug only) and vfio_ccw_fidelity (a stage of its own)
# are built beside them but not listed.
read -ra tests <<<"$(make -s -C "$TOP/selftests/vfio-ccw" KSRC="$kdir" list_tests)"
[ ${#tests[@]} -gt 0 ] || die "no selftests listed by selftests/vfio-ccw/Makefile"
runs=()
for t in "${tests[@]}"; do runs+=(--run "/bin/$t"); done
# Our boots load the test-only channel-path injector (QEMU makes no
# channel-path events); it needs our module, so the reference's skip the
# test that uses it (listed as lacking the feature).
inject=(--insmod vfio_ccw_chp_inject.ko)
list=$(IFS=,; echo "${tests[*]}")

kunit=()
par_begin
# DKMS builds in a tree of its own, beside the first guest boots.
stage dkms "$TOP/scripts/dkms-check.sh"
if [ -f "$TOP/vfio_ccw_kunit.ko" ]; then
	guest_stage kunit --driver ours --devices 1 --insmod vfio_ccw_kunit.ko \
		--plan-line dmesg --timeout 300
	kunit=(--kunit "$logs/kunit.log")
else
	stages+=(--stage "kunit-module-built=1")
fi
# The differential oracle, ours and the reference side by side, a fixed
# budget from a fixed first seed (VFIO_CCW_FIDELITY_SEED moves it); long
# runs are make fidelity's.
stage fidelity "$TOP/scripts/fidelity.sh" --no-build --logs "$logs" \
	--n 2000 --seed "${VFIO_CCW_FIDELITY_SEED:-20261130}"
par_end
sed -n '/^class /,$p' "$logs/stage-fidelity.log" | grep -v '^\[' >&2 || true
par_begin
stage lint "$TOP/scripts/lint.sh" checkpatch kernel-doc cocci
guest_stage selftests-ref --driver ref --devices 4 "${runs[@]}" --teardown --timeout 900
guest_stage selftests-ours --driver ours --devices 4 "${inject[@]}" "${runs[@]}" \
	--teardown --timeout 900
par_end
unloaded selftests-ref
unloaded selftests-ours
# The same selftests with the device opened through its vfio cdev bound to
# iommufd (QEMU's and libvirt's newer path): a column per back-end. The
# tests bounded by time run half as long there.
iommufd=(--env VFIO_CCW_BACKEND=iommufd --env VFIO_CCW_FUZZ_SECONDS=6
	 --env VFIO_CCW_STRESS_SECONDS=4 --env VFIO_CCW_LIFECYCLE_SECONDS=4)
par_begin
guest_stage selftests-ref-iommufd --driver ref --devices 4 "${iommufd[@]}" \
	"${runs[@]}" --teardown --timeout 900
guest_stage selftests-ours-iommufd --driver ours --devices 4 "${iommufd[@]}" \
	"${inject[@]}" "${runs[@]}" --teardown --timeout 900
par_end
unloaded selftests-ref-iommufd
unloaded selftests-ours-iommufd

# The real client: Debian's s390x QEMU inside the guest over our mdev and
# over the reference's; and what only the outside of a process can do to
# an open device (mdev remove, unbind, rmmod, QMP hot-unplug). The package
# fetch is shared and locked: do it once before the two run side by side.
stage nested-fetch "$TOP/scripts/nested-qemu.sh"
# The debug kernel's module build (below) runs beside the nested QEMU.
with_debug=0
if [ "${VFIO_CCW_NO_DEBUG:-0}" != 1 ]; then
	with_debug=1
	dkdir=$("$TOP/scripts/kernel.sh" debug)
	# A copy of the module sources, so the two builds never share objects.
	dmod=$BUILD/debug-module
	rm -rf "$dmod" && mkdir -p "$dmod"
	cp -a "$TOP"/{Kbuild,drivers,tools,uapi} "$dmod/"
	find "$dmod" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | xargs rm -f
fi
par_begin
stage nested-ref "$TOP/scripts/nested-check.sh" ref
stage nested-ours "$TOP/scripts/nested-check.sh" ours
if [ $with_debug -eq 1 ]; then
	stage build-debug make -C "$dkdir" M="$dmod" modules
fi
par_end
par_begin
stage lifecycle-ref "$TOP/scripts/lifecycle-check.sh" --driver ref
stage lifecycle-ours "$TOP/scripts/lifecycle-check.sh" --driver ours
par_end

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, DEBUG_LIST): the same
# selftests on ours under both back-ends, then a kmemleak scan. Skipped
# with VFIO_CCW_NO_DEBUG=1.
debug=()
if [ $with_debug -eq 1 ]; then
	# The debug kernel carries a fix of vfio type1's lock order
	# (scripts/kconfig/patches/debug/): lockdep checks every boot to its
	# end, which lockdep_count confirms at the end of each. Four boots,
	# two at a time: the selftests in two halves (KUnit, loaded first,
	# with the first), each through the group and through iommufd. Each
	# boot ends with a kmemleak scan.
	da=() db=()
	for t in "${tests[@]}"; do
		# two halves of about the same length (fuzz is the longest)
		case $t in vfio_ccw_abi|vfio_ccw_cp|vfio_ccw_dma|vfio_ccw_stress|vfio_ccw_iommufd) db+=(--run "/bin/$t") ;;
		*) da+=(--run "/bin/$t") ;; esac
	done
	# lockdep_count runs before the teardown: lockdep forgets the classes
	# of a module that is unloaded.
	da+=(--run /bin/lockdep_count) db+=(--run /bin/lockdep_count)
	tail_plan=(--plan-line "sleep 6" --plan-line "write /sys/kernel/debug/kmemleak scan"
		  --plan-line "write /sys/kernel/debug/kmemleak scan"
		  --plan-line "cat /sys/kernel/debug/kmemleak" --plan-line dmesg)
	# The tests bounded by time run half as long: the debug boots are
	# there for what the kernel's checkers see on every path, which the
	# base boots run to their full length.
	dbg=(--kernel debug --driver ours --devices 4 --moddir "$dmod" --mem 2048 --timeout 1800
	     --env VFIO_CCW_FUZZ_SECONDS=6 --env VFIO_CCW_STRESS_SECONDS=4
	     --env VFIO_CCW_LIFECYCLE_SECONDS=4)
	par_begin
	guest_stage debug-a "${dbg[@]}" --insmod vfio_ccw_kunit.ko "${inject[@]}" \
		"${da[@]}" --teardown "${tail_plan[@]}"
	guest_stage debug-b "${dbg[@]}" "${db[@]}" --teardown "${tail_plan[@]}"
	par_end
	par_begin
	guest_stage debug-a-iommufd "${dbg[@]}" "${iommufd[@]}" "${inject[@]}" \
		"${da[@]}" --teardown "${tail_plan[@]}"
	guest_stage debug-b-iommufd "${dbg[@]}" "${iommufd[@]}" "${db[@]}" \
		--teardown "${tail_plan[@]}"
	par_end
	cat "$logs/debug-a.log" "$logs/debug-b.log" > "$logs/selftests-ours-debug.log"
	cat "$logs/debug-a-iommufd.log" "$logs/debug-b-iommufd.log" \
		> "$logs/selftests-ours-debug-iommufd.log"
	leaks=$(cat "$logs/selftests-ours-debug.log" "$logs/selftests-ours-debug-iommufd.log" |
		grep -c '^unreferenced object' || true)
	log "debug kernel: kmemleak reports $leaks unreferenced object(s)"
	stages+=(--stage "kmemleak-empty=$leaks")
	for b in debug-a debug-b debug-a-iommufd debug-b-iommufd; do
		unloaded $b
		line=$(grep -a '^lockdep: ' "$logs/$b.log" | tail -n1)
		log "$b: ${line:-no lockdep line}"
		case $line in "lockdep: on,"*) rc=0 ;; *) rc=1 ;; esac
		stages+=(--stage "lockdep-on-$b=$rc")
	done
	# The deadlock of 6.12's type1 that the patch fixes, as a test: two
	# devices of one container, an unmap of pinned memory racing opens.
	par_begin
	stage type1-lock-order "$TOP/scripts/guest-run.sh" "${dbg[@]}" --devices 2 \
		--env VFIO_CCW_TYPE1_LOCK_ORDER_FIXED=1 --run /bin/vfio_ccw_type1 \
		--run /bin/lockdep_count --teardown --timeout 300
	stage lifecycle-ours-debug "$TOP/scripts/lifecycle-check.sh" --driver ours \
		--kernel debug --moddir "$dmod"
	par_end
	debug=(--kunit "$logs/selftests-ours-debug.log" --ours-debug "$logs/selftests-ours-debug.log"
	       --ours-debug-iommufd "$logs/selftests-ours-debug-iommufd.log")
fi

# The README's set-up from nothing (a debootstrapped Debian 12 root), when
# its inputs changed since its last green run (scripts/fresh-root.sh).
stage fresh-root "$TOP/scripts/fresh-root.sh"

# The hardening figures the selftests printed ("# figures: name k=v ..."),
# the kernel reports of every guest and what stayed pinned.
log "figures"
{
	for f in "$logs"/selftests-*.log "$logs"/fidelity-*.log "$logs"/stage-lifecycle-*.log; do
		[ -f "$f" ] || continue
		sed -n "s/^# figures: /$(basename "$f" .log): /p" "$f"
	done
	for f in "$logs"/*.log.reports; do
		[ -f "$f" ] || continue
		printf '%s: %s\n' "$(basename "$f" .log.reports)" "$(head -n1 "$f")"
	done
} | tee "$logs/figures.txt"

log "results"
python3 "$TOP/scripts/results.py" "${stages[@]}" "${kunit[@]}" "${debug[@]}" \
	--ref "$logs/selftests-ref.log" --ours "$logs/selftests-ours.log" \
	--ref-iommufd "$logs/selftests-ref-iommufd.log" \
	--ours-iommufd "$logs/selftests-ours-iommufd.log" \
	--xfail "$TOP/selftests/vfio-ccw/reference-expected-failures" \
	--expect-binaries "$list" | tee "$logs/results.txt"
rc=${PIPESTATUS[0]}
log "make check: $([ "$rc" -eq 0 ] && echo ok || echo FAILED)"
exit "$rc"
