// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_handlers: the handler registry and in-kernel handlers.
 */
#include "kvm_hc_kunit.h"

static void handlers_registry(struct kunit *test)
{
	const struct kvm_hc_range r = { .first = TEST_NR, .last = TEST_NR + 1,
					.action = KVM_HC_KERNEL };
	struct kvm_vcpu *vcpu = (void *)fake_vm(test);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	void *nr = (void *)(uintptr_t)TEST_NR;
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_handler(TEST_NR, test_handler));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler, nr));
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(TEST_NR, test_handler), -EEXIST);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));

	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	c.args[0] = 41;
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.nret, 2);
	KUNIT_EXPECT_EQ(test, c.ret[0], (u64)(unsigned long)vcpu);
	KUNIT_EXPECT_EQ(test, c.ret[1], 42ULL);

	/* In the range but without a handler, or another arch: stock. */
	c = plain_call(TEST_NR + 1, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	c.arch = KVM_HC_ARCH_ARM64;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
	/* A VM whose policy does not ask for it: stock. */
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(fake_vm(test), vcpu, &c), KVM_HC_KVM);

	kvm_hc_handler_unregister(KVM_HC_ARCH_X86, TEST_NR);
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
	/* Twice, or never registered: nothing happens. */
	kvm_hc_handler_unregister(KVM_HC_ARCH_X86, TEST_NR);
	kvm_hc_handler_unregister(KVM_HC_ARCH_S390, 1);
}

/* Numbers no architecture's hook registers in the KUnit module. */
#define KVM_NR		40ULL

/*
 * A number KVM answers itself (kvm_hc_register_kvm_handler()): served in
 * the kernel by KVM's own code, decided and counted by kvm_hc_take() alone.
 */
static void handlers_kvm_answers(struct kunit *test)
{
	const struct kvm_hc_range r[] = {
		{ .first = KVM_NR, .last = KVM_NR, .action = KVM_HC_KERNEL },
		{ .first = KVM_NR + 1, .last = KVM_NR + 1, .action = KVM_HC_DENY,
		  .error = -EPERM },
	};
	struct kvm_vcpu *vcpu = (void *)fake_vm(test);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_counters total;
	struct kvm_hc_call c;

	/* Other modules register functions; KVM's own numbers are small. */
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(KVM_NR, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, TEST_NR), -EINVAL);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, KVM_NR));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)KVM_NR));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)(KVM_NR + 1)));
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, KVM_NR), -EEXIST);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(KVM_NR, test_handler), -EEXIST);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, KVM_NR + 1));

	/* Not in the policy: KVM's, counted as KVM's. */
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, KVM_NR, KVM_HC_NO_SVC),
			KVM_HC_COUNTED);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, r, ARRAY_SIZE(r)));
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, KVM_NR, KVM_HC_NO_SVC),
			KVM_HC_COUNTED_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, KVM_NR, KVM_HC_NO_SVC),
			KVM_HC_COUNTED_KERNEL);
	/* Another architecture's number, a deny range, an unprivileged caller. */
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_ARM64, 0, KVM_NR, KVM_HC_NO_SVC),
			KVM_HC_TAKE);
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, KVM_NR + 1, KVM_HC_NO_SVC),
			KVM_HC_TAKE);
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, KVM_HC_CALL_UNPRIV, KVM_NR,
					  KVM_HC_NO_SVC), KVM_HC_COUNTED);
	/* A VM that is not attached. */
	KUNIT_EXPECT_EQ(test, kvm_hc_take(fake_vm(test), KVM_HC_ARCH_X86, 0, KVM_NR,
					  KVM_HC_NO_SVC), KVM_HC_PASS);
	/* Should the dispatcher meet it (a policy changed in between): KVM's. */
	c = plain_call(KVM_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);

	kvm_hc_vm_stats(vm, &total, NULL, 0);
	KUNIT_EXPECT_EQ(test, total.kernel, 2ULL);
	KUNIT_EXPECT_EQ(test, total.kvm, 3ULL);
	KUNIT_EXPECT_EQ(test, total.deny, 0ULL);

	/* Unregistered: the number has no in-kernel handler any more. */
	kvm_hc_handler_unregister(KVM_HC_ARCH_X86, KVM_NR);
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, KVM_NR, KVM_HC_NO_SVC),
			KVM_HC_TAKE);
}

/* A handler that claims eight results, as a PAPR-minded author might. */
static void test_handler_nret8(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	int i;

	for (i = 0; i < KVM_HC_MAX_RETS; i++)
		call->ret[i] = i + 1;
	call->nret = 8;
}

/* A handler that reports a positive status, which no ABI can encode. */
static void test_handler_positive(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	call->status = 5;
}

/*
 * What a handler leaves in the record is held to the interface before any
 * architecture encodes it: at most KVM_HC_MAX_RETS results, and a negative
 * status (the kernel log names the handler, once).
 */
static void handlers_results_bounded(struct kunit *test)
{
	const struct kvm_hc_range r = { .first = TEST_NR, .last = TEST_NR + 1,
					.action = KVM_HC_KERNEL };
	struct kvm_vcpu *vcpu = (void *)fake_vm(test);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_call c;

	register_for_test(test, TEST_NR, test_handler_nret8, THIS_MODULE);
	register_for_test(test, TEST_NR + 1, test_handler_positive, THIS_MODULE);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));

	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.nret, KVM_HC_MAX_RETS);
	KUNIT_EXPECT_EQ(test, c.status, 0);
	KUNIT_EXPECT_EQ(test, c.ret[KVM_HC_MAX_RETS - 1], (u64)KVM_HC_MAX_RETS);

	c = plain_call(TEST_NR + 1, KVM_HC_NO_SVC);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.status, -EIO);
}

/*
 * A handler of another module runs only while that module is live, with
 * no reference taken per call; once its unloading has begun, KVM answers.
 * What a module leaves registered goes with it.  The module is a stand-in
 * whose state drives module_is_live(); its reference count stays as it is.
 */
static void handlers_owner(struct kunit *test)
{
	const struct kvm_hc_range r = { .first = TEST_NR, .last = TEST_NR,
					.action = KVM_HC_KERNEL };
	struct kvm_vcpu *vcpu = (void *)fake_vm(test);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_counters total;
	struct kvm_hc_call c;
	struct module *mod;

	mod = kunit_kzalloc(test, sizeof(*mod), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mod);
	mod->state = MODULE_STATE_LIVE;
	atomic_set(&mod->refcnt, 1);
	register_for_test(test, TEST_NR, test_handler, mod);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));

	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, atomic_read(&mod->refcnt), 1);

	/* Unloading has begun: no call reaches it, nor does a registration. */
	mod->state = MODULE_STATE_GOING;
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, c.nret, 0U);
	KUNIT_EXPECT_EQ(test, __kvm_hc_register_handler(TEST_NR + 1, test_handler, mod), -ENOENT);
	kvm_hc_vm_stats(vm, &total, NULL, 0);
	KUNIT_EXPECT_EQ(test, total.kernel, 1ULL);
	KUNIT_EXPECT_EQ(test, total.kvm, 1ULL);

	/* What it left registered goes with it. */
	mod->state = MODULE_STATE_LIVE;
	KUNIT_EXPECT_EQ(test, kvm_hc_unregister_owner(mod), 1U);
	KUNIT_EXPECT_EQ(test, kvm_hc_unregister_owner(mod), 0U);
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
}

static struct kunit_case kvm_hc_handlers_cases[] = {
	KUNIT_CASE(handlers_registry),
	KUNIT_CASE(handlers_kvm_answers),
	KUNIT_CASE(handlers_results_bounded),
	KUNIT_CASE(handlers_owner),
	{}
};

static struct kunit_suite kvm_hc_handlers_suite = {
	.name = "kvm_hc_handlers",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_handlers_cases,
};

kunit_test_suites(&kvm_hc_handlers_suite);
