/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc arm64 ABI: SMCCC registers to call record and back.  Pure
 * functions, shared by the hook and the KUnit suite.
 */
#ifndef _KVM_HC_ARM64_H
#define _KVM_HC_ARM64_H

#include "kvm_hc.h"
#include "uapi/linux/kvm_hc_arm64.h"

/* Arguments an SMCCC call passes in x1..x7 (SMC64 may use up to x17). */
#define KVM_HC_ARM64_NR_ARGS	7

/* Conduit of the call (arch-private call flags). */
#define KVM_HC_ARM64_SMC	KVM_HC_CALL_ARCH(0)	/* SMC, not HVC */
#define KVM_HC_ARM64_16BIT	KVM_HC_CALL_ARCH(1)	/* 16-bit instruction (T32) */

void kvm_hc_arm64_decode(struct kvm_hc_call *call, const unsigned long *x, u16 conduit);
int kvm_hc_arm64_service(u32 fid);
long kvm_hc_arm64_error(int status);
void kvm_hc_arm64_results(const struct kvm_hc_call *call, unsigned long *x);

/* The kick's wake tokens (kvm_hc_arm64_wake.c): vCPUs of a VM that have one. */
#define KVM_HC_ARM64_WAKE_VCPUS	4096

/* arm64's per-VM data (struct kvm_hc_arch_ops.vm_data_size) */
struct kvm_hc_arm64_vm {
	unsigned long wake[BITS_TO_LONGS(KVM_HC_ARM64_WAKE_VCPUS)];
};

extern atomic_t kvm_hc_arm64_wake_tokens;

/**
 * kvm_hc_arm64_wake_pending() - whether any vCPU of any VM holds a wake token
 *
 * Lets the wait hook return at once in the common case.
 *
 * Return: false if no token is set anywhere.
 */
static inline bool kvm_hc_arm64_wake_pending(void)
{
	return atomic_read(&kvm_hc_arm64_wake_tokens) != 0;
}

bool kvm_hc_arm64_wake_set(struct kvm *kvm, unsigned int vcpu_idx);
bool kvm_hc_arm64_wake_test(struct kvm *kvm, unsigned int vcpu_idx, bool take);
void kvm_hc_arm64_vm_release(void *data);

#endif /* _KVM_HC_ARM64_H */
