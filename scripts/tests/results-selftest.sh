#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The side-by-side table must be able to fail: feed results.py synthetic
# guest logs and check its verdict for each way a run can go wrong.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# mklog FILE BINARY LINE...: a console log with one run of BINARY.
mklog() {
	local f=$1 b=$2
	shift 2
	{
		echo "@@ run /bin/$b: begin"
		echo "TAP version 13"
		printf '%s\n' "$@"
		echo "@@ run /bin/$b: end status=0 time=0.1"
	} > "$f"
}

verdict() { # EXPECTED-EXIT DESCRIPTION ARGS...
	local want=$1 what=$2 rc=0
	shift 2
	python3 "$top/scripts/results.py" "$@" > "$t/out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "not ok - $what: exit $rc, expected $want"
		cat "$t/out"
		exit 1
	fi
	echo "ok - $what"
}

mklog "$t/ref" x "ok 1 a.one" "not ok 2 a.two"
mklog "$t/ours" x "ok 1 a.one" "ok 2 a.two"
echo "x:a.two lacks the feature" > "$t/xfail"
: > "$t/empty"

verdict 0 "listed reference failure, ours passes" \
	--ref "$t/ref" --ours "$t/ours" --xfail "$t/xfail"
verdict 1 "unlisted reference failure fails the run" \
	--ref "$t/ref" --ours "$t/ours" --xfail "$t/empty"
mklog "$t/ours-bad" x "ok 1 a.one" "not ok 2 a.two"
verdict 1 "a failure of ours fails the run" \
	--ref "$t/ref" --ours "$t/ours-bad" --xfail "$t/xfail"
mklog "$t/ours-skip" x "ok 1 a.one" "ok 2 a.two # SKIP no device"
verdict 1 "a skip of ours fails the run" \
	--ref "$t/ref" --ours "$t/ours-skip" --xfail "$t/xfail"
verdict 1 "a stale expected failure fails the run" \
	--ref "$t/ours" --ours "$t/ours" --xfail "$t/xfail"
echo "x:a.two known upstream defect (intermittent): sometimes" > "$t/xfail-int"
verdict 0 "an intermittent expected failure may pass" \
	--ref "$t/ours" --ours "$t/ours" --xfail "$t/xfail-int"
verdict 0 "an intermittent expected failure may fail" \
	--ref "$t/ref" --ours "$t/ours" --xfail "$t/xfail-int"
mklog "$t/ours-missing" x "ok 1 a.one"
verdict 1 "a test missing on ours fails the run" \
	--ref "$t/ref" --ours "$t/ours-missing" --xfail "$t/xfail"
verdict 1 "a binary that did not run fails the run" \
	--ref "$t/ref" --ours "$t/ours" --xfail "$t/xfail" --expect-binaries x,y
head -n 3 "$t/ours" > "$t/ours-cut"
verdict 1 "a binary cut short fails the run" \
	--ref "$t/ref" --ours "$t/ours-cut" --xfail "$t/xfail"
verdict 0 "both back-ends pass, listed reference failures on both" \
	--ref "$t/ref" --ours "$t/ours" --ref-iommufd "$t/ref" \
	--ours-iommufd "$t/ours" --xfail "$t/xfail"
verdict 1 "a failure of ours under iommufd fails the run" \
	--ref "$t/ref" --ours "$t/ours" --ref-iommufd "$t/ref" \
	--ours-iommufd "$t/ours-bad" --xfail "$t/xfail"
mklog "$t/ref-bad" x "not ok 1 a.one" "not ok 2 a.two"
verdict 1 "an unlisted reference failure under iommufd fails the run" \
	--ref "$t/ref" --ours "$t/ours" --ref-iommufd "$t/ref-bad" \
	--ours-iommufd "$t/ours" --xfail "$t/xfail"
verdict 0 "a listed test may pass on the reference under iommufd only" \
	--ref "$t/ref" --ours "$t/ours" --ref-iommufd "$t/ours" \
	--ours-iommufd "$t/ours" --xfail "$t/xfail"
verdict 1 "a failed stage fails the run" --stage lint=1
printf '@@ dmesg: begin\n<6>[    1.0]     # Subtest: s\n<6>[    1.0]     not ok 1 c\n@@ dmesg: end\n' > "$t/kunit"
verdict 1 "a KUnit failure fails the run" --kunit "$t/kunit"
printf '@@ dmesg: begin\n<6>[    1.0] nothing\n@@ dmesg: end\n' > "$t/nokunit"
verdict 1 "no KUnit results fails the run" --kunit "$t/nokunit"
echo "results.py: all verdicts as expected"
