/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc x86 ABI: guest registers to call record and back.  Pure functions,
 * shared by the hook and the KUnit suite.
 */
#ifndef _KVM_HC_X86_H
#define _KVM_HC_X86_H

#include "kvm_hc.h"

/* Guest registers a hypercall reads, in this order in the gpr[] arrays below. */
enum kvm_hc_x86_gpr {
	KVM_HC_X86_RAX,		/* number */
	KVM_HC_X86_RBX,		/* a0 */
	KVM_HC_X86_RCX,		/* a1 */
	KVM_HC_X86_RDX,		/* a2 */
	KVM_HC_X86_RSI,		/* a3 */
	KVM_HC_X86_NR_GPRS,
};

void kvm_hc_x86_decode(struct kvm_hc_call *call, const unsigned long *gpr,
		       bool op_64_bit, int cpl);
int kvm_hc_x86_service(unsigned long nr);
unsigned long kvm_hc_x86_result(const struct kvm_hc_call *call);

/* In-kernel handlers of KVM's own hypercalls (kvm_hc_x86_pv.c). */
int kvm_hc_x86_pv_init(void);
void kvm_hc_x86_pv_exit(void);

#endif /* _KVM_HC_X86_H */
