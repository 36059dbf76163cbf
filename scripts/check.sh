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

# stage NAME CMD...: run one gate, record its status, keep going.
stage() {
	local name=$1 rc=0
	shift
	log "stage $name: $*"
	"$@" > "$logs/stage-$name.log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || { log "stage $name failed ($rc):"; tail -n 30 "$logs/stage-$name.log" >&2; }
	stages+=(--stage "$name=$rc")
	return 0
}

# A guest boot fails as a stage only for what no test result can show:
# a timeout, a kernel report, a crash. Test failures are counted per test.
guest_stage() {
	local name=$1 rc=0
	shift
	log "stage $name"
	"$TOP/scripts/guest-run.sh" --quiet --log "$logs/$name.log" "$@" || rc=$?
	case $rc in
	124|125|126) log "stage $name: guest failed ($rc)"; stages+=(--stage "$name=$rc") ;;
	*) stages+=(--stage "$name=0") ;;
	esac
}

kdir=$("$TOP/scripts/kernel.sh" base)
log "kernel tree: $kdir"

stage lint "$TOP/scripts/lint.sh"
stage build make -C "$TOP" KDIR="$kdir" modules
stage selftests-build "$TOP/scripts/selftests-build.sh"

tests=()
for f in "$TOP"/selftests/vfio-ccw/vfio_ccw_*.c; do
	t=$(basename "$f" .c)
	case $t in vfio_ccw_demo|*bench*) continue ;; esac
	tests+=("$t")
done
runs=()
for t in "${tests[@]}"; do runs+=(--run "/bin/$t"); done
list=$(IFS=,; echo "${tests[*]}")

kunit=()
if [ -f "$TOP/vfio_ccw_kunit.ko" ]; then
	guest_stage kunit --driver ours --devices 1 --insmod vfio_ccw_kunit.ko \
		--plan-line dmesg --timeout 300
	kunit=(--kunit "$logs/kunit.log")
else
	stages+=(--stage "kunit-module-built=1")
fi
guest_stage selftests-ref --driver ref --devices 4 "${runs[@]}" --timeout 900
guest_stage selftests-ours --driver ours --devices 4 "${runs[@]}" --timeout 900

log "results"
python3 "$TOP/scripts/results.py" "${stages[@]}" "${kunit[@]}" \
	--ref "$logs/selftests-ref.log" --ours "$logs/selftests-ours.log" \
	--xfail "$TOP/selftests/vfio-ccw/reference-expected-failures" \
	--expect-binaries "$list" | tee "$logs/results.txt"
rc=${PIPESTATUS[0]}
log "make check: $([ "$rc" -eq 0 ] && echo ok || echo FAILED)"
exit "$rc"
