/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - what the scenarios written once (scenario_*.c) need from an
 * architecture's test VMM.  Each architecture's kvm_hc_uapi.c defines the
 * macros below, includes this header, defines the functions, then includes
 * the scenarios; they also use its kvm_hc_test.c (struct vm, vm_destroy(),
 * kvm_fd) and kvm_hc_uapi_lib.c (the /dev/kvm_hc wrappers).
 *
 *   ARCH_NR(i)        a number that no hypervisor serves, i-th of a block of
 *                     0x1000 in the architecture's numbering
 *   ARCH_DISCOVER_NR  kvm_hc's discovery number
 *   ARCH_RESULT       the register a call's answer is read from, as check
 *                     names spell it ("rax", "x0", "r3")
 *   ARCH_STOCK        what a number nobody serves gets from stock KVM (and
 *                     this VMM, where KVM passes it on), a struct answer
 *   ARCH_ENOHC, ARCH_EINVAL
 *                     what deny ranges with -KVM_HC_ENOHC and -EINVAL give
 *                     the guest; other errors reach it unchanged
 *
 *   int arch_vm_create(struct vm *vm, const char *tag)
 *                     a VM with one vCPU, ready for arch_call(); 0 or -1
 *   struct answer arch_call(struct vm *vm, uint64_t nr, const char *what)
 *                     the guest calls @nr from its kernel, the arguments 0
 *                     or a pattern; what it got back and how many exits
 *                     reached the VMM on the way
 *   struct answer arch_discover(struct vm *vm, const char *what)
 *                     kvm_hc's discovery call for the ABI version: val is
 *                     the version where kvm_hc answers it (a macro over
 *                     arch_call() where the version is the call's answer)
 */
#ifndef KVM_HC_SCENARIO_H
#define KVM_HC_SCENARIO_H

#include <stdint.h>

/* What a call showed: the guest's answer and the exits it caused. */
struct answer {
	uint64_t val;
	int exits;
};

static inline int answer_eq(struct answer a, struct answer b)
{
	return a.val == b.val && a.exits == b.exits;
}

static inline struct answer arch_stock(void)
{
	return ARCH_STOCK;
}

static inline struct answer arch_denied(int error)
{
	uint64_t v = error == -KVM_HC_ENOHC ? ARCH_ENOHC :
		     error == -EINVAL ? ARCH_EINVAL : (uint64_t)(int64_t)error;

	return (struct answer){ v, 0 };
}

#endif /* KVM_HC_SCENARIO_H */
