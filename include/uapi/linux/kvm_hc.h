/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc guest and VMM ABI.
 *
 * kvm_hc owns one block of hypercall numbers per architecture.  On x86 the
 * block starts at KVM_HC_KVMHC_BASE; a guest issues vmcall/vmmcall with the
 * number in rax, arguments in rbx, rcx, rdx and rsi, and finds the result in
 * rax (truncated to 32 bits when the caller is not in 64-bit mode), exactly
 * as for KVM's own hypercalls.  See Documentation/x86-abi.rst.
 */
#ifndef _UAPI_LINUX_KVM_HC_H
#define _UAPI_LINUX_KVM_HC_H

#include <linux/types.h>

/**
 * KVM_HC_ABI_VERSION - version of the kvm_hc guest ABI, major << 16 | minor
 *
 * The major number changes when an existing call changes meaning; the minor
 * number when calls are added.
 */
#define KVM_HC_ABI_MAJOR	1
#define KVM_HC_ABI_MINOR	0
#define KVM_HC_ABI_VERSION	((KVM_HC_ABI_MAJOR << 16) | KVM_HC_ABI_MINOR)

/* x86: the block of hypercall numbers reserved for kvm_hc ("KH" << 16). */
#define KVM_HC_KVMHC_BASE	0x4b480000UL
#define KVM_HC_KVMHC_COUNT	0x100

/* Service numbers inside the block (x86 nr = KVM_HC_KVMHC_BASE + service). */
#define KVM_HC_SVC_DISCOVER	0
#define KVM_HC_SVC_COUNT	1

/*
 * KVM_HC_SVC_DISCOVER: a0 selects what is returned.
 *   a0 == 0:            the ABI version (KVM_HC_ABI_VERSION)
 *   a0 == 1 + n, n < 8: word n of the bitmap of services this VM may call
 *                       (bit i = service 32 * n + i)
 *   any other a0:       -KVM_EINVAL
 * A VM that may not use kvm_hc gets stock KVM's answer (-KVM_ENOSYS on x86).
 */
#define KVM_HC_DISCOVER_VERSION		0
#define KVM_HC_DISCOVER_BITMAP(n)	(1 + (n))
#define KVM_HC_DISCOVER_BITMAP_WORDS	(KVM_HC_KVMHC_COUNT / 32)

#endif /* _UAPI_LINUX_KVM_HC_H */
