#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test of kvm_hc, from a fresh Debian 12 machine.
#   KUnit suites on the test kernel and its debug build (tests/kunit.sh),
#   end to end on that debug build (amd64) and on Debian's 6.1, 6.12 and 7.x
#   kernels, amd64, arm64 (VHE and nVHE) and ppc64el (KVM-HV under nested
#   HV, and KVM-PR on a kernel built here: tests/pr-kernel.sh)
#   (tests/e2e.sh), Debian's unmodified qemu-system-x86 booting a Debian
#   guest with kvm_hc attached by the kvm-hc tool (tests/real-vmm.sh),
#   checkpatch/sparse/W=1 for amd64, arm64 and ppc64el,
#   and sparse/W=1 of s390x cross builds (tests/lint.sh), and the archive
#   client's fallback against a misbehaving archive (tests/archive.sh), and
#   kvm-hc-bench's ratios against the ones recorded (tests/bench.sh --ratchet).
# Every stage runs even if an earlier one failed; the exit status is 0 only
# if all passed.  SERIES="6.12" limits the end-to-end stage.  Each stage's
# time is in the summary.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

passed=0
failed=0
results=()
failed_names=()
stage() {
	local name=$1 t0=$SECONDS rc
	shift
	echo "=== $name (at $SECONDS s): $*"
	mkdir -p "$top/build/check"
	"$@" 2>&1 | tee "$top/build/check/$name.log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		results+=("CHECK $name PASS ($((SECONDS - t0)) s)")
	else
		failed=$((failed + 1))
		results+=("CHECK $name FAIL rc=$rc ($((SECONDS - t0)) s)")
		failed_names+=("$name")
	fi
}

# lane_bg NAME 'CMD' [NAME 'CMD'...]: run stages one after another in the
# background, each one's output kept in a file; stage_join prints them and
# counts their results.  Two lanes share the two CPUs: most stages are one
# single-threaded QEMU (and downloads), the KUnit kernel's first build is
# make -j2.
bg_names=()
lane_bg() {
	local name

	mkdir -p "$top/build/check"
	(
		while [ $# -ge 2 ]; do
			t0=$SECONDS
			bash -c "$2" >"$top/build/check/$1.log" 2>&1
			echo "$? $((SECONDS - t0))" >"$top/build/check/$1.rc"
			shift 2
		done
	) &
	while [ $# -ge 2 ]; do
		echo "=== $1 (in the background): $2"
		bg_names+=("$1")
		shift 2
	done
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
			failed_names+=("$name")
		fi
	done
	bg_names=()
}

# What failed, at the end where a truncated log still shows it: each failed
# stage's failing lines (checks, boots, lint steps, kernel reports, seeds
# that replay a fuzz run), at most 25 a stage; the whole log is
# build/check/NAME.log.
digest() {
	grep -a -E '(^|\] |: )(FAIL|not ok)|result=FAIL| FAIL|INFO fuzz: seed|no KVM_HC_E2E|BUG:|WARNING:|Oops|Kernel panic|[Tt]imeout after|[Tt]imed out' \
		"$top/build/check/$1.log" | head -n 25
	echo "--- last lines:"
	tail -n 5 "$top/build/check/$1.log"
}
summary() {
	local name

	for name in "${failed_names[@]}"; do
		echo "=== failed: $name (build/check/$name.log)"
		digest "$name"
	done
	echo "=== summary"
	printf '%s\n' "${results[@]}"
	echo "$passed passed, $failed failed, in $((SECONDS / 60)) min $((SECONDS % 60)) s"
	[ "$failed" = 0 ]
	exit
}
# make check-long (tests/check.sh --long): the races, faults and lifetimes
# for longer, on the debug kernel and Debian's; not part of make check.
#   kunit-torture  the torture suite for 60 s on the debug kernel
#   kunit-kcsan    every suite on the KCSAN kernel (kunit/kcsan.kunitconfig),
#                  the torture suite for 4 minutes (KUnit gives a case 5):
#                  a data race KCSAN sees in kvm_hc's code fails it
#   e2e-debug-long, e2e-long, e2e-arm64-long
#                  the end-to-end run on the debug kernel, Debian's 6.12 and
#                  7.x (amd64) and 6.12 (arm64, VHE) with 100 insert/remove
#                  cycles of kvm_hc under 2 VMs calling, and 60 s of fuzzing
#                  a part
long=0
[ "${1:-}" != --long ] || long=1
LONG_APPEND="kvm_hc_load_cycles=100 kvm_hc_load_vms=2 kvm_hc_load_vcpus=2 KVM_HC_FUZZ_SECONDS=60"
DEBUG_KDIR=$(realpath -m "${KVM_HC_CACHE:-/var/cache/kvm-hc}")/kunit-debug-build
DEBUG_APPEND="kvm_hc_require=faults,kmemleak"

# Host packages of every architecture first (and qemu-user-static, which
# the DKMS stages of the other architectures run their chroots with): the
# stages then never run apt-get at the same time.
for a in amd64 arm64 ppc64el s390x; do
	scripts/deps.sh --arch $a $([ $a = amd64 ] || echo qemu-user-static) ||
		{ echo "check: installing host packages for $a failed" >&2; exit 1; }
done
if [ $long = 1 ]; then
	lane_bg kunit-torture "tests/kunit.sh --debug --kernel_args=kvm_hc_kunit.torture_ms=60000 'kvm_hc_torture.*'" \
		e2e-debug-long "tests/e2e.sh --kernel-tree '$DEBUG_KDIR' --series debug --timeout 5400 --append '$DEBUG_APPEND $LONG_APPEND'"
	stage kunit-kcsan tests/kunit.sh --kcsan --timeout=1800 --kernel_args=kvm_hc_kunit.torture_ms=240000
	stage e2e-long tests/e2e.sh --series "6.12 7" --timeout 2400 --append "$LONG_APPEND"
	stage e2e-arm64-long tests/e2e.sh --arch arm64 --series 6.12 --kvm-modes vhe --timeout 2400 \
		--append "$LONG_APPEND"
	stage_join
	summary
fi

# The archive client first: it decides in seconds whether kernels can be
# chosen at all.
stage archive tests/archive.sh
# Two lanes of about eighteen minutes each: KUnit (on the test kernel),
# amd64's lint (which checks the test module against that kernel), KUnit
# on its debug build, the amd64 end-to-end run on that debug build,
# ppc64el end to end, Debian's QEMU with a real guest and ppc64el's DKMS
# in the background; amd64 and arm64 end to end (arm64's five boots), the
# cross builds, the benchmark and the other packages' stages here.
series=${SERIES:-6.1 6.12 7}
# e2e-debug: the amd64 run on the debug kernel kunit-debug built, with one
# insert/remove cycle a piece instead of five (check-long runs 100), and
# without the pieces that only compare stock results or that loadfaults
# repeats (failload: misc_register failing with the hook live).  e2e-arm64:
# the nVHE boots leave out the module's insert/remove under load (load,
# sample, failload) and the fuzz and storm scenarios, which the VHE boot of
# the same kernel runs: the module, the hooked function and the uAPI are
# the same in both modes.
# e2e-ppc64-pr: ppc64el end to end on KVM-PR (tests/pr-kernel.sh builds
# the kernel once per machine, about five minutes; a boot runs every
# piece in about a minute): kvmppc_h_pr(), ePAPR and OSI.
lane_bg kunit "tests/kunit.sh" \
	lint "tests/lint.sh" \
	kunit-debug "tests/kunit.sh --debug" \
	e2e-debug "tests/e2e.sh --kernel-tree '$DEBUG_KDIR' --series debug --timeout 1800 --append '$DEBUG_APPEND kvm_hc_cycles=1 kvm_hc_skip=open,reclose,final,failload'" \
	e2e-ppc64 "tests/e2e.sh --arch ppc64el --series '$series'" \
	e2e-ppc64-pr "tests/e2e.sh --arch ppc64el --kernel-tree \"\$(tests/pr-kernel.sh)\" --series pr --timeout 1200" \
	real-vmm "tests/real-vmm.sh" \
	dkms-ppc64 "tests/dkms.sh --arch ppc64el --series 6.1"
# The pieces that insert and remove modules (sample, failload) once per
# hooked function: 6.1 hooks what 6.12 does (x86), 6.12 what 7.x does
# (arm64).
stage e2e tests/e2e.sh --series "$series" --skip-in "6.1:sample,failload"
# nVHE on the oldest and the newest series: 6.12's hooked function is 7.x's.
stage e2e-arm64 tests/e2e.sh --arch arm64 --series "$series" --secondary-skip load,sample,fuzz,storm \
	--first-mode-only 6.12 --skip-in "6.12:sample,failload"
stage lint-arm64 env KVM_HC_ARCH=arm64 LINT_KUNIT=0 tests/lint.sh sparse w1 tools
stage lint-ppc64 env KVM_HC_ARCH=ppc64el LINT_KUNIT=0 tests/lint.sh sparse w1 tools
# s390x is checked by cross builds and KUnit only (QEMU has no SIE).  The
# test module is arch-neutral: the lint stage checks it, the cross builds
# leave it out.
stage lint-s390 env KVM_HC_ARCH=s390x LINT_KUNIT=0 tests/lint.sh sparse w1 tools
# The benchmark as a ratchet: one kernel per architecture, each ratio no
# worse than recorded in tests/bench/ratchet by more than 1% (icount makes
# the figures repeat to well within that).
stage bench tests/bench.sh --arch amd64 --series 7 --ratchet
stage bench-ppc64 tests/bench.sh --arch ppc64el --series 6.12 --ratchet
stage bench-arm64 tests/bench.sh --arch arm64 --series 6.12 --ratchet
# The Debian packages (make deb, with sid's lintian), then DKMS building
# kvm_hc from them in a chroot of each amd64 kernel's release, that module
# booted end to end, and the packages purged without a trace; the same on
# one series of arm64 and ppc64el (in the other lane), in chroots of their
# own under qemu-user-static, and a DKMS build for s390x.
stage deb scripts/deb.sh
stage dkms tests/dkms.sh --series "$series"
stage dkms-arm64 tests/dkms.sh --arch arm64 --series 6.1
stage dkms-s390 tests/dkms.sh --arch s390x --series 6.1
stage_join
summary
