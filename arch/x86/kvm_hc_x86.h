/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc x86 ABI (Documentation/x86-abi.rst): vmcall/vmmcall with the
 * number in rax and arguments in rbx, rcx, rdx and rsi; the result goes to
 * rax.  Outside 64-bit mode every value is truncated to 32 bits, as KVM
 * does for its own hypercalls.
 *
 * Pure functions, shared by the hook and the KUnit suite; inline, because
 * the hook's callback runs them on every hypercall while it is armed.
 */
#ifndef _KVM_HC_X86_H
#define _KVM_HC_X86_H

#include <linux/build_bug.h>
#include <linux/kvm_para.h>
#include <linux/string.h>

#include "kvm_hc.h"
#include "uapi/linux/kvm_hc_x86.h"

/* Guest registers a hypercall reads, in this order in the gpr[] arrays below. */
enum kvm_hc_x86_gpr {
	KVM_HC_X86_RAX,		/* number */
	KVM_HC_X86_RBX,		/* a0 */
	KVM_HC_X86_RCX,		/* a1 */
	KVM_HC_X86_RDX,		/* a2 */
	KVM_HC_X86_RSI,		/* a3 */
	KVM_HC_X86_NR_GPRS,
};

/**
 * kvm_hc_x86_service() - kvm_hc service a hypercall number selects
 * @nr: hypercall number, already truncated to the caller's width
 *
 * Return: the service number, or KVM_HC_NO_SVC outside kvm_hc's block.
 */
static inline int kvm_hc_x86_service(unsigned long nr)
{
	unsigned long off = nr - KVM_HC_X86_BASE;

	BUILD_BUG_ON(KVM_HC_X86_COUNT & (KVM_HC_X86_COUNT - 1));
	/* The mask changes nothing in the block; it keeps the result an int. */
	return off < KVM_HC_X86_COUNT ? (int)(off & (KVM_HC_X86_COUNT - 1)) : KVM_HC_NO_SVC;
}

/**
 * kvm_hc_x86_decode() - build the call record of an x86 hypercall
 * @call:      record to fill
 * @gpr:       the guest's rax, rbx, rcx, rdx and rsi (enum kvm_hc_x86_gpr)
 * @op_64_bit: the guest is in 64-bit mode (or its state is protected)
 * @cpl:       the guest's current privilege level
 */
static inline void kvm_hc_x86_decode(struct kvm_hc_call *call, const unsigned long *gpr,
				     bool op_64_bit, int cpl)
{
	int i;

	memset(call, 0, sizeof(*call));
	call->arch = KVM_HC_ARCH_X86;
	if (op_64_bit)
		call->flags |= KVM_HC_CALL_64BIT;
	if (cpl)
		call->flags |= KVM_HC_CALL_UNPRIV;
	call->nr = op_64_bit ? gpr[KVM_HC_X86_RAX] : (u32)gpr[KVM_HC_X86_RAX];
	call->nargs = KVM_HC_X86_NR_GPRS - 1;
	for (i = 0; i < call->nargs; i++)
		call->args[i] = op_64_bit ? gpr[KVM_HC_X86_RBX + i] : (u32)gpr[KVM_HC_X86_RBX + i];
	call->svc = kvm_hc_x86_service(call->nr);
}

/**
 * kvm_hc_x86_result() - the value a handled or denied call leaves in rax
 * @call: the dispatched record
 *
 * Errors are KVM's negative hypercall error codes, which equal their errno
 * values, and -KVM_ENOSYS, which equals -KVM_HC_ENOHC: they pass unchanged.
 *
 * Return: rax, truncated to 32 bits unless the caller is in 64-bit mode.
 */
static inline unsigned long kvm_hc_x86_result(const struct kvm_hc_call *call)
{
	unsigned long ret = call->status ? (long)call->status : call->nret ? call->ret[0] : 0;

	BUILD_BUG_ON(KVM_HC_ENOHC != KVM_ENOSYS);

	if (!(call->flags & KVM_HC_CALL_64BIT))
		ret = (u32)ret;
	return ret;
}

#endif /* _KVM_HC_X86_H */
