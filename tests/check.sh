#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of kvm_hc, from a fresh Debian 12 machine.
#   KUnit suites (tests/kunit.sh), end to end on Debian's 6.1, 6.12 and 7.x
#   kernels, amd64, arm64 (VHE and nVHE) and ppc64el (KVM-HV under nested
#   HV) (tests/e2e.sh), checkpatch/sparse/W=1 for amd64, arm64 and ppc64el,
#   and sparse/W=1 of s390x cross builds (tests/lint.sh), and the archive
#   client's fallback against a misbehaving archive (tests/archive.sh).
# Every stage runs even if an earlier one failed; the exit status is 0 only
# if all passed.  SERIES="6.12" limits the end-to-end stage.  Each stage's
# time is in the summary.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

passed=0
failed=0
results=()
stage() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== $name: $*"
	"$@"
	rc=$?
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		results+=("CHECK $name PASS ($((SECONDS - t0)) s)")
	else
		failed=$((failed + 1))
		results+=("CHECK $name FAIL rc=$rc ($((SECONDS - t0)) s)")
	fi
}

# stage_bg NAME CMD...: run a stage in the background, its output kept in a
# file; stage_join prints it and counts the result.  The arm64 and ppc64el
# runs are mostly one single-threaded QEMU each (and downloads), so two of
# them share the two CPUs well.
bg_names=()
stage_bg() {
	local name=$1
	shift
	mkdir -p "$top/build/check"
	echo "=== $name (in the background): $*"
	(
		t0=$SECONDS
		"$@" >"$top/build/check/$name.log" 2>&1
		echo "$? $((SECONDS - t0))" >"$top/build/check/$name.rc"
	) &
	bg_names+=("$name")
}

stage_join() {
	local name rc secs

	wait
	for name in "${bg_names[@]}"; do
		echo "=== $name"
		cat "$top/build/check/$name.log"
		read -r rc secs <"$top/build/check/$name.rc" || { rc=1; secs=0; }
		if [ "$rc" = 0 ]; then
			passed=$((passed + 1))
			results+=("CHECK $name PASS ($secs s, in parallel)")
		else
			failed=$((failed + 1))
			results+=("CHECK $name FAIL rc=$rc ($secs s, in parallel)")
		fi
	done
	bg_names=()
}

# Host packages of every architecture first: the stages then never run
# apt-get at the same time.
for a in amd64 arm64 ppc64el s390x; do
	scripts/deps.sh --arch $a ||
		{ echo "check: installing host packages for $a failed" >&2; exit 1; }
done
# The archive client first: it decides in seconds whether kernels can be
# chosen at all.
stage archive tests/archive.sh
# Side by side, in three rounds that each keep both CPUs busy: the KUnit
# kernel's build (make -j2) beside amd64's single-threaded QEMU; arm64's
# QEMU beside ppc64el's; lint beside the cross builds.
stage_bg kunit tests/kunit.sh
stage_bg e2e tests/e2e.sh --series "${SERIES:-6.1 6.12 7}"
stage_join
stage_bg e2e-arm64 tests/e2e.sh --arch arm64 --series "${SERIES:-6.1 6.12 7}"
stage_bg e2e-ppc64 tests/e2e.sh --arch ppc64el --series "${SERIES:-6.1 6.12 7}"
stage_join
# lint in the background while the cross builds run here; s390x is checked
# by cross builds and KUnit only (QEMU has no SIE), and the test module is
# arch-neutral and checked by the lint stage already.
stage_bg lint tests/lint.sh
stage lint-arm64 env KVM_HC_ARCH=arm64 tests/lint.sh sparse w1
stage lint-ppc64 env KVM_HC_ARCH=ppc64el tests/lint.sh sparse w1
stage lint-s390 env KVM_HC_ARCH=s390x LINT_KUNIT=0 tests/lint.sh sparse w1
stage_join

echo "=== summary"
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
