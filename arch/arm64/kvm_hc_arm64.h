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

#endif /* _KVM_HC_ARM64_H */
