#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# real-vmm.sh - kvm_hc under a VMM nobody here wrote, with a real Linux
# guest: inside the test kernel (one CPU, under TCG), Debian's own QEMU,
# unmodified, boots the same Debian kernel as a guest whose module makes
# kvm_hc hypercalls and runs a lock-contended workload; kvm_hc is attached
# from outside by `kvm-hc attach` (tests/realvmm/init says what is checked).
#   amd64  qemu-system-x86_64 (the host's package), a 3-vCPU guest with PV
#          spinlocks, KICK_CPU served by kvm_hc
#   arm64  qemu-system-aarch64 (qemu-system-arm:arm64 from the archive),
#          a 2-vCPU guest making SMCCC calls, in VHE mode
#
# Why one CPU: with two, an amd64 guest of two or more vCPUs stalls in its
# boot under TCG's nested SVM (Documentation/design.rst, "Testing"); with
# one, every vCPU thread shares it, which also preempts lock holders.
#
# usage: tests/real-vmm.sh [--arch "amd64 arm64"] [--series SERIES]
#   --arch    architectures, one after the other (default: amd64 arm64)
#   --series  kernel series (default 6.12)
# env: KVM_HC_BUILD (output: $KVM_HC_BUILD/real-vmm, default build/), and
#      what tests/e2e.sh reads.
# Prints tests/e2e.sh's lines (E2E [arch=...] series=... result=PASS|FAIL
# ...), then "N passed, M failed" over the architectures.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
series=6.12
arches="amd64 arm64"
while [ $# -gt 0 ]; do
	case $1 in
	--series) series=${2:?}; shift 2 ;;
	--series=*) series=${1#*=}; shift ;;
	--arch) arches=${2:?}; shift 2 ;;
	--arch=*) arches=${1#*=}; shift ;;
	-h | --help) sed -n '/^# usage:/,/^# Prints/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "real-vmm: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
build=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
# What its summary shows: the guest under both, the calls, the kicks, the
# checksum.
highlights='^[A-Z]* stock.booted |the guest never finished its stock run
^[A-Z]* stock.kicks |
^[A-Z]* attached.discover |
^[A-Z]* attached.call |
^[A-Z]* attached.listed |
^[A-Z]* attached.kicks |
^[A-Z]* attached.checksum |'
passed=0
failed=0
for arch in $arches; do
	modes=()
	[ "$arch" != arm64 ] || modes=(--kvm-modes vhe)
	if env KVM_HC_BUILD="$build/real-vmm" KVM_HC_SMP=1 KVM_HC_E2E_HIGHLIGHTS="$highlights" \
		KVM_HC_E2E_PACK="$ROOT/tests/realvmm/pack.sh" \
		"$ROOT/tests/e2e.sh" --arch "$arch" --series "$series" "${modes[@]}" \
		--init "$ROOT/tests/realvmm/init" --timeout 900; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
