/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites of kvm_hc share.  The suites are
 * linked with the core's objects and the pure ABI objects into one test
 * module (kunit.py reads one KTAP document per boot), which has no hook:
 * VMs are plain pointers that are never dereferenced.
 *
 *   tests/kunit.sh                   # all suites
 *   tests/kunit.sh 'kvm_hc_core.*'   # one suite
 */
#ifndef _KVM_HC_KUNIT_H
#define _KVM_HC_KUNIT_H

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>

#include "../kvm_hc_core.h"

/* Detached VMs are freed by SRCU callbacks that live in this module. */
static inline void kvm_hc_kunit_suite_exit(struct kunit_suite *suite)
{
	/* Detach frees after an RCU and then an SRCU grace period. */
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
}

/* A distinct, never dereferenced VM identity. */
static inline struct kvm *fake_vm(struct kunit *test)
{
	void *p = kunit_kzalloc(test, 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

static inline struct kvm_hc_call plain_call(u64 nr, int svc)
{
	struct kvm_hc_call c = {
		.arch = KVM_HC_ARCH_X86,
		.flags = KVM_HC_CALL_64BIT,
		.svc = svc,
		.nr = nr,
		.nargs = 4,
	};
	return c;
}

static inline void detach_action(void *vm)
{
	kvm_hc_vm_detach(vm);
}

static inline struct kvm_hc_vm *attach(struct kunit *test, struct kvm *kvm, u32 services)
{
	struct kvm_hc_vm *vm = kvm_hc_vm_attach(kvm, services);

	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, detach_action, vm));
	return vm;
}

static inline void restore_open_discovery(void *old)
{
	open_discovery = (bool)(uintptr_t)old;
}

static inline void set_open_discovery(struct kunit *test, bool on)
{
	void *old = (void *)(uintptr_t)open_discovery;

	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, restore_open_discovery, old));
	open_discovery = on;
}

static inline enum kvm_hc_action dispatch_nr(struct kvm *kvm, u64 nr, int *status)
{
	struct kvm_hc_call c = plain_call(nr, KVM_HC_NO_SVC);
	enum kvm_hc_action act = kvm_hc_dispatch(kvm, NULL, &c);

	*status = c.status;
	return act;
}

#define TEST_NR		0x5a5a0000ULL

static inline void test_handler(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	call->nret = 2;
	call->ret[0] = (unsigned long)vcpu;
	call->ret[1] = call->args[0] + 1;
}

static inline void unregister_test_handler(void *nr)
{
	kvm_hc_handler_unregister(KVM_HC_ARCH_X86, (uintptr_t)nr);
}

/* Register @fn of @owner for x86 number @nr until the test ends. */
static inline void register_for_test(struct kunit *test, u64 nr, kvm_hc_handler_t fn,
				     struct module *owner)
{
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_handler_register(KVM_HC_ARCH_X86, nr, fn, owner));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)nr));
}

#endif /* _KVM_HC_KUNIT_H */
