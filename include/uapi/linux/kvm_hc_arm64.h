/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc on arm64 (Documentation/arm64-abi.rst): kvm_hc's services are KVM
 * vendor-hypervisor SMCCC functions (owner 6) numbered
 * KVM_HC_ARM64_FUNC_BASE + service, fast calls, SMC32 or SMC64: discovery
 * is 0x86000060 / 0xc6000060.  KVM itself uses 0-65 and 127; the
 * vendor-hypervisor FEATURES call (0x86000000) reports functions 96-127 in
 * x3, where kvm_hc sets bit s for each service s the VM may call.  A
 * forwarded call exits with KVM_EXIT_HYPERCALL: nr the function ID,
 * args[0..5] x1..x6, and KVM_HC_ARM64_EXIT_MARKER set in hypercall.flags,
 * which tells it from an exit of KVM's SMCCC filter; the VMM's answer is
 * x0..x3, set with KVM_SET_ONE_REG.
 */
#ifndef _UAPI_LINUX_KVM_HC_ARM64_H
#define _UAPI_LINUX_KVM_HC_ARM64_H

#define KVM_HC_ARM64_FUNC_BASE	96
#define KVM_HC_ARM64_FUNC_COUNT	16
#define KVM_HC_ARM64_FID32(s)	(0x86000000U | (KVM_HC_ARM64_FUNC_BASE + (s)))
#define KVM_HC_ARM64_FID64(s)	(0xc6000000U | (KVM_HC_ARM64_FUNC_BASE + (s)))

/*
 * In hypercall.flags of a forwarded exit, beside KVM's own
 * KVM_HYPERCALL_EXIT_SMC and KVM_HYPERCALL_EXIT_16BIT (bits 0, 1).
 */
#define KVM_HC_ARM64_EXIT_MARKER	(1ULL << 31)

#endif /* _UAPI_LINUX_KVM_HC_ARM64_H */
