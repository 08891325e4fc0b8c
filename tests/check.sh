#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of kvm_hc, from a fresh Debian 12 machine.
#   KUnit suites (tests/kunit.sh), end to end on Debian's 6.1, 6.12 and 7.x
#   kernels, amd64, arm64 (VHE and nVHE) and ppc64el (KVM-HV under nested
#   HV) (tests/e2e.sh), checkpatch/sparse/W=1 for amd64, arm64 and ppc64el,
#   and sparse/W=1 of s390x cross builds (tests/lint.sh).
# Every stage runs even if an earlier one failed; the exit status is 0 only
# if all passed.  SERIES="6.12" limits the end-to-end stage.
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

scripts/deps.sh || { echo "check: installing host packages failed" >&2; exit 1; }
stage kunit tests/kunit.sh
stage e2e tests/e2e.sh --series "${SERIES:-6.1 6.12 7}"
stage e2e-arm64 tests/e2e.sh --arch arm64 --series "${SERIES:-6.1 6.12 7}"
stage e2e-ppc64 tests/e2e.sh --arch ppc64el --series "${SERIES:-6.1 6.12 7}"
stage lint tests/lint.sh
stage lint-arm64 env KVM_HC_ARCH=arm64 tests/lint.sh sparse w1
stage lint-ppc64 env KVM_HC_ARCH=ppc64el tests/lint.sh sparse w1
# s390x is checked by cross builds and KUnit only (QEMU has no SIE); the
# test module is arch-neutral and checked by the lint stage already.
stage lint-s390 env KVM_HC_ARCH=s390x LINT_KUNIT=0 tests/lint.sh sparse w1

echo "=== summary"
printf '%s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
