// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for kvm_hc: the dispatcher core and the x86, arm64, s390
 * and powerpc ABIs.
 *
 * kunit.py reads one KTAP document per boot, so every suite lives in this
 * one test module.  It compiles the core and the ABI code in (Kbuild builds
 * them with KVM_HC_KUNIT, which leaves out module init and the hook), so no
 * KVM hook is installed and VMs are plain pointers that are never
 * dereferenced.
 *
 *   tests/kunit.sh                   # all suites
 *   tests/kunit.sh 'kvm_hc_core.*'   # one suite
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>

#include "../kvm_hc_core.c"
#ifdef CONFIG_X86
#include "../arch/x86/kvm_hc_x86.h"
#endif
/* Pure SMCCC decoding: tested on any architecture's KUnit kernel. */
#include "../arch/arm64/kvm_hc_arm64_abi.c"
/* Pure DIAGNOSE 0x500 decoding, likewise. */
#include "../arch/s390/kvm_hc_s390_abi.c"
/* Pure PAPR and ePAPR decoding: likewise. */
#include "../arch/powerpc/kvm_hc_ppc_abi.c"

/* A distinct, never dereferenced VM identity. */
static struct kvm *fake_vm(struct kunit *test)
{
	void *p = kunit_kzalloc(test, 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

static struct kvm_hc_call plain_call(u64 nr, int svc)
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

static void detach_action(void *vm)
{
	kvm_hc_vm_detach(vm);
}

static struct kvm_hc_vm *attach(struct kunit *test, struct kvm *kvm, u32 services)
{
	struct kvm_hc_vm *vm = kvm_hc_vm_attach(kvm, services);

	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, detach_action, vm));
	return vm;
}

static void restore_open_discovery(void *old)
{
	open_discovery = (bool)(uintptr_t)old;
}

static void set_open_discovery(struct kunit *test, bool on)
{
	void *old = (void *)(uintptr_t)open_discovery;

	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, restore_open_discovery, old));
	open_discovery = on;
}

/* ---- suite kvm_hc_core ---- */

static void core_invisible_by_default(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;
	u64 nrs[] = { 0, 1, 5, 12, 0xdead, ~0ULL };
	int i;

	set_open_discovery(test, false);
	for (i = 0; i < ARRAY_SIZE(nrs); i++) {
		c = plain_call(nrs[i], KVM_HC_NO_SVC);
		KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
		KUNIT_EXPECT_FALSE(test, kvm_hc_wants(kvm, false));
	}
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	KUNIT_EXPECT_FALSE(test, kvm_hc_wants(kvm, true));
}

static void core_open_discovery(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;

	set_open_discovery(test, true);
	KUNIT_EXPECT_TRUE(test, kvm_hc_wants(kvm, true));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wants(kvm, false));

	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	c.args[0] = KVM_HC_DISCOVER_VERSION;
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.status, 0);
	KUNIT_EXPECT_EQ(test, c.nret, 1);
	KUNIT_EXPECT_EQ(test, c.ret[0], (u64)KVM_HC_ABI_VERSION);

	c.args[0] = KVM_HC_DISCOVER_BITMAP(0);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.ret[0], (u64)BIT(KVM_HC_SVC_DISCOVER));

	c.args[0] = KVM_HC_DISCOVER_BITMAP(KVM_HC_DISCOVER_BITMAP_WORDS - 1);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.ret[0], 0ULL);
	KUNIT_EXPECT_EQ(test, c.status, 0);

	c.args[0] = KVM_HC_DISCOVER_BITMAP(KVM_HC_DISCOVER_BITMAP_WORDS);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.status, -EINVAL);

	c.args[0] = ~0ULL;
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.status, -EINVAL);

	/* Services beyond the ones that exist are KVM's business. */
	c = plain_call(KVM_HC_SVC_COUNT, KVM_HC_SVC_COUNT);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static void core_unprivileged_is_stock(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_range deny = { .first = 0, .last = ~0ULL, .action = KVM_HC_DENY,
				     .error = -EPERM };
	struct kvm_hc_vm *vm;
	struct kvm_hc_call c;

	set_open_discovery(test, true);
	vm = attach(test, kvm, BIT(KVM_HC_SVC_DISCOVER));
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &deny, 1));

	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	c = plain_call(42, KVM_HC_NO_SVC);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	c.flags &= ~KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
}

static void core_attach_detach(struct kunit *test)
{
	struct kvm *a = fake_vm(test), *b = fake_vm(test);
	struct kvm_hc_vm *va, *err;
	struct kvm_hc_call c;

	set_open_discovery(test, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kvm_hc_vm_attach(a, BIT(KVM_HC_SVC_COUNT))), -EINVAL);

	va = kvm_hc_vm_attach(a, BIT(KVM_HC_SVC_DISCOVER));
	KUNIT_ASSERT_FALSE(test, IS_ERR(va));
	err = kvm_hc_vm_attach(a, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(err), -EEXIST);

	KUNIT_EXPECT_TRUE(test, kvm_hc_wants(a, false));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wants(b, true));

	/* Only the attached VM sees discovery. */
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(a, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.ret[0], (u64)KVM_HC_ABI_VERSION);
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(b, NULL, &c), KVM_HC_KVM);

	kvm_hc_vm_detach(va);
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(a, NULL, &c), KVM_HC_KVM);
	KUNIT_EXPECT_FALSE(test, kvm_hc_wants(a, false));
}

static void core_attached_without_services(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;

	/* An opted-in VM's own services win over open_discovery. */
	set_open_discovery(test, true);
	attach(test, kvm, 0);
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static enum kvm_hc_action dispatch_nr(struct kvm *kvm, u64 nr, int *status)
{
	struct kvm_hc_call c = plain_call(nr, KVM_HC_NO_SVC);
	enum kvm_hc_action act = kvm_hc_dispatch(kvm, NULL, &c);

	*status = c.status;
	return act;
}

static void policy_lookup_boundaries(struct kunit *test)
{
	/* Given out of order on purpose: the core sorts. */
	const struct kvm_hc_range r[] = {
		{ .first = 100, .last = 199, .action = KVM_HC_DENY, .error = -EPERM },
		{ .first = 0, .last = 0, .action = KVM_HC_DENY, .error = -E2BIG },
		{ .first = 200, .last = 200, .action = KVM_HC_FORWARD },
		{ .first = 0xffff0000ULL, .last = ~0ULL, .action = KVM_HC_DENY,
		  .error = -KVM_HC_ENOHC },
		{ .first = 50, .last = 59, .action = KVM_HC_KVM },
	};
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	int st;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, r, ARRAY_SIZE(r)));

	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 0, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, st, -E2BIG);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 1, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, st, 0);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 49, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 50, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 59, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 99, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 100, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, st, -EPERM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 150, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 199, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 200, &st), KVM_HC_FORWARD);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 201, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 0xfffeffffULL, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 0xffff0000ULL, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, st, -KVM_HC_ENOHC);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, ~0ULL, &st), KVM_HC_DENY);

	/* Another VM is not affected. */
	KUNIT_EXPECT_EQ(test, dispatch_nr(fake_vm(test), 100, &st), KVM_HC_KVM);

	/* Count 0 removes the policy. */
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, NULL, 0));
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 100, &st), KVM_HC_KVM);
}

static void policy_rejects_bad_input(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	const struct kvm_hc_range good = { .first = 7, .last = 7, .action = KVM_HC_DENY,
					   .error = -EPERM };
	struct kvm_hc_range r[2];
	struct kvm_hc_range *many;
	int st;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &good, 1));

	/* Overlap, in either order and when touching one number. */
	r[0] = (struct kvm_hc_range){ .first = 10, .last = 20, .action = KVM_HC_KVM };
	r[1] = (struct kvm_hc_range){ .first = 20, .last = 30, .action = KVM_HC_KVM };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 2), -EEXIST);
	swap(r[0], r[1]);
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 2), -EEXIST);
	r[0] = (struct kvm_hc_range){ .first = 0, .last = ~0ULL, .action = KVM_HC_KVM };
	r[1] = (struct kvm_hc_range){ .first = 5, .last = 5, .action = KVM_HC_KVM };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 2), -EEXIST);

	/* Empty range. */
	r[0] = (struct kvm_hc_range){ .first = 9, .last = 8, .action = KVM_HC_KVM };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);
	/* Unknown action; error values that make no sense. */
	r[0] = (struct kvm_hc_range){ .first = 1, .last = 1, .action = 99 };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);
	r[0] = (struct kvm_hc_range){ .first = 1, .last = 1, .action = KVM_HC_DENY };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);
	r[0].error = 5;
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);
	r[0].error = -MAX_ERRNO - 1;
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);
	r[0] = (struct kvm_hc_range){ .first = 1, .last = 1, .action = KVM_HC_KVM,
				      .error = -EPERM };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, r, 1), -EINVAL);

	/* Too many ranges. */
	many = kunit_kcalloc(test, KVM_HC_MAX_RANGES + 1, sizeof(*many), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	for (st = 0; st <= KVM_HC_MAX_RANGES; st++)
		many[st] = (struct kvm_hc_range){ .first = 2 * st, .last = 2 * st,
						  .action = KVM_HC_KVM };
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, many, KVM_HC_MAX_RANGES + 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, 0, many, KVM_HC_MAX_RANGES), 0);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 7, &st), KVM_HC_KVM);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &good, 1));

	/* Every rejection above left the policy that was in force. */
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 7, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, st, -EPERM);
	KUNIT_EXPECT_EQ(test, dispatch_nr(kvm, 8, &st), KVM_HC_KVM);
}

struct policy_race {
	struct kvm *kvm;
	atomic_t torn;
	atomic_t lookups;
	bool stop;
};

static int policy_race_reader(void *data)
{
	struct policy_race *pr = data;
	int st, i = 0;

	while (!READ_ONCE(pr->stop)) {
		/* Both policies deny all of 0..99; a torn update would not. */
		if (dispatch_nr(pr->kvm, i % 100, &st) != KVM_HC_DENY ||
		    (st != -EPERM && st != -EACCES))
			atomic_inc(&pr->torn);
		atomic_inc(&pr->lookups);
		i++;
		cond_resched();
	}
	return 0;
}

static void policy_atomic_replacement(struct kunit *test)
{
	const struct kvm_hc_range one[] = {
		{ .first = 0, .last = 99, .action = KVM_HC_DENY, .error = -EPERM },
	};
	const struct kvm_hc_range two[] = {
		{ .first = 50, .last = 99, .action = KVM_HC_DENY, .error = -EACCES },
		{ .first = 0, .last = 49, .action = KVM_HC_DENY, .error = -EACCES },
	};
	struct policy_race pr = { .kvm = fake_vm(test) };
	struct kvm_hc_vm *vm = attach(test, pr.kvm, 0);
	struct task_struct *t;
	int i;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, one, ARRAY_SIZE(one)));
	atomic_set(&pr.torn, 0);
	atomic_set(&pr.lookups, 0);
	t = kthread_run(policy_race_reader, &pr, "kvm_hc_race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	for (i = 0; i < 2000; i++) {
		KUNIT_EXPECT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, i & 1 ? one : two,
							      i & 1 ? 1 : 2));
		if (!(i % 64))
			usleep_range(50, 100);
	}
	WRITE_ONCE(pr.stop, true);
	kthread_stop(t);
	put_task_struct(t);
	KUNIT_EXPECT_GT(test, atomic_read(&pr.lookups), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&pr.torn), 0);
}

static void policy_services(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_call c;

	set_open_discovery(test, false);
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_DISCOVER), NULL, 0));
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.ret[0], (u64)KVM_HC_ABI_VERSION);
	/* Unknown services are refused and change nothing. */
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_COUNT), NULL, 0), -EINVAL);
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, NULL, 0));
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

#define TEST_NR		0x5a5a0000ULL

static void test_handler(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	call->nret = 2;
	call->ret[0] = (unsigned long)vcpu;
	call->ret[1] = call->args[0] + 1;
}

static void unregister_test_handler(void *nr)
{
	kvm_hc_unregister_handler(KVM_HC_ARCH_X86, (uintptr_t)nr);
}

/* Register @fn of @owner for x86 number @nr until the test ends. */
static void register_for_test(struct kunit *test, u64 nr, kvm_hc_handler_t fn,
			      struct module *owner)
{
	KUNIT_ASSERT_EQ(test, 0, __kvm_hc_register_handler(KVM_HC_ARCH_X86, nr, fn, owner));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)nr));
}

static void handlers_registry(struct kunit *test)
{
	const struct kvm_hc_range r = { .first = TEST_NR, .last = TEST_NR + 1,
					.action = KVM_HC_KERNEL };
	struct kvm_vcpu *vcpu = (void *)fake_vm(test);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	void *nr = (void *)(uintptr_t)TEST_NR;
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_handler(KVM_HC_ARCH_X86, TEST_NR, test_handler));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler, nr));
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(KVM_HC_ARCH_X86, TEST_NR, test_handler),
			-EEXIST);
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

	kvm_hc_unregister_handler(KVM_HC_ARCH_X86, TEST_NR);
	c = plain_call(TEST_NR, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, vcpu, &c), KVM_HC_KVM);
	/* Twice, or never registered: nothing happens. */
	kvm_hc_unregister_handler(KVM_HC_ARCH_X86, TEST_NR);
	kvm_hc_unregister_handler(KVM_HC_ARCH_S390, 1);
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
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(KVM_HC_ARCH_X86, KVM_NR, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, TEST_NR), -EINVAL);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, KVM_NR));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)KVM_NR));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_test_handler,
							   (void *)(uintptr_t)(KVM_NR + 1)));
	KUNIT_EXPECT_EQ(test, kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, KVM_NR), -EEXIST);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_handler(KVM_HC_ARCH_X86, KVM_NR, test_handler),
			-EEXIST);
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
	kvm_hc_unregister_handler(KVM_HC_ARCH_X86, KVM_NR);
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
 * architecture encodes it: at most KVM_HC_MAX_RETS results (the kernel
 * warns once), and a negative status.
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
	KUNIT_EXPECT_EQ(test, __kvm_hc_register_handler(KVM_HC_ARCH_X86, TEST_NR + 1,
							test_handler, mod), -ENOENT);
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

static void counters_per_number(struct kunit *test)
{
	const struct kvm_hc_range r[] = {
		{ .first = 10, .last = 10, .action = KVM_HC_DENY, .error = -EPERM },
		{ .first = 11, .last = 11, .action = KVM_HC_FORWARD },
	};
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_counters total;
	struct kvm_hc_nr_stats *nrs;
	unsigned int n, i, found = 0;
	int st;

	nrs = kunit_kcalloc(test, KVM_HC_NR_SLOTS, sizeof(*nrs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nrs);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, r, ARRAY_SIZE(r)));
	for (i = 0; i < 3; i++)
		dispatch_nr(kvm, 10, &st);
	for (i = 0; i < 2; i++)
		dispatch_nr(kvm, 11, &st);
	dispatch_nr(kvm, 12, &st);

	n = kvm_hc_vm_stats(vm, &total, nrs, KVM_HC_NR_SLOTS);
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, total.deny, 3ULL);
	KUNIT_EXPECT_EQ(test, total.forward, 2ULL);
	KUNIT_EXPECT_EQ(test, total.kvm, 1ULL);
	KUNIT_EXPECT_EQ(test, total.kernel, 0ULL);
	for (i = 0; i < n; i++) {
		if (nrs[i].nr == 10) {
			KUNIT_EXPECT_EQ(test, nrs[i].counters.deny, 3ULL);
			KUNIT_EXPECT_EQ(test, nrs[i].counters.forward, 0ULL);
			found++;
		} else if (nrs[i].nr == 11) {
			KUNIT_EXPECT_EQ(test, nrs[i].counters.forward, 2ULL);
			found++;
		} else if (nrs[i].nr == 12) {
			KUNIT_EXPECT_EQ(test, nrs[i].counters.kvm, 1ULL);
			found++;
		}
	}
	KUNIT_EXPECT_EQ(test, found, 3);

	/* The table fills up at KVM_HC_NR_SLOTS numbers; the total goes on. */
	for (i = 0; i < 2 * KVM_HC_NR_SLOTS; i++)
		dispatch_nr(kvm, 1000 + i, &st);
	n = kvm_hc_vm_stats(vm, &total, nrs, 1);
	KUNIT_EXPECT_EQ(test, n, KVM_HC_NR_SLOTS);
	KUNIT_EXPECT_EQ(test, total.kvm, 1ULL + 2 * KVM_HC_NR_SLOTS);
	/* Another VM's counters are its own. */
	n = kvm_hc_vm_stats(attach(test, fake_vm(test), 0), &total, nrs, KVM_HC_NR_SLOTS);
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, total.kvm + total.forward + total.deny + total.kernel, 0ULL);
}

static void uapi_argument_validation(struct kunit *test)
{
	struct kvm_hc_policy p = { .size = sizeof(p), .range_size = KVM_HC_RANGE_SIZE_VER0,
				   .nranges = KVM_HC_MAX_RANGES };

	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), 0);
	p.flags = 1;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), -EINVAL);
	p.flags = 0;
	p.reserved = 1;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), -EINVAL);
	p.reserved = 0;
	/* entries shorter than 1.0's are refused, longer ones accepted */
	p.range_size = KVM_HC_RANGE_SIZE_VER0 - 8;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), -EINVAL);
	/* ... where there are entries at all */
	p.nranges = 0;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), 0);
	p.nranges = KVM_HC_MAX_RANGES;
	p.range_size = KVM_HC_RANGE_SIZE_VER0 + 8;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), 0);
	p.range_size = PAGE_SIZE + 1;
	KUNIT_EXPECT_EQ(test, kvm_hc_policy_check(&p), -E2BIG);

	/* The 1.0 sizes are the structures' and cannot change. */
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_attach), KVM_HC_ATTACH_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_range), KVM_HC_RANGE_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_policy), KVM_HC_POLICY_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_nr_stats), KVM_HC_NR_STATS_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_stats), KVM_HC_STATS_SIZE_VER0);
}

static void uapi_check_extension(struct kunit *test)
{
	static const struct kvm_hc_arch_info x86 = { KVM_HC_ARCH_X86, 4, false };
	static const struct kvm_hc_arch_info arm64 = { KVM_HC_ARCH_ARM64, 6, true };

	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_API_VERSION),
			KVM_HC_API_VERSION);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_GUEST_ABI),
			KVM_HC_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_ARCH), KVM_HC_ARCH_ARM64);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_ACTIONS), 0xfL);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_MAX_RANGES),
			KVM_HC_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_NR_COUNTERS),
			KVM_HC_NR_SLOTS);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_FORWARD_ARGS), 4);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_EXIT_MARKER), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_EXIT_MARKER), 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_GET_POLICY), 1);
	/* discovery is served everywhere; other services where a handler is */
	KUNIT_EXPECT_TRUE(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_SERVICES) &
				BIT(KVM_HC_SVC_DISCOVER));
	/* unknown capabilities answer 0, as KVM's do */
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, 1000), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, ~0UL), 0);
}

/* Wake tokens: per vCPU of an attached VM, taken once, gone with the VM. */
static void core_wake_tokens(struct kunit *test)
{
	struct kvm *a = fake_vm(test), *b = fake_vm(test);
	struct kvm_hc_vm *va;
	int base = atomic_read(&kvm_hc_wake_tokens);

	/* Not attached: no token can be set. */
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_set(a, 0));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_test(a, 0, true));

	va = kvm_hc_vm_attach(a, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(va));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_set(a, KVM_HC_WAKE_VCPUS));
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_set(a, 3));
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_set(a, 3));	/* tokens do not add up */
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_set(a, KVM_HC_WAKE_VCPUS - 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_wake_tokens), base + 2);
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_pending());

	/* Other vCPUs and other VMs hold none. */
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_test(a, 2, true));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_test(b, 3, true));

	/* Looking does not take it; taking does, once. */
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_test(a, 3, false));
	KUNIT_EXPECT_TRUE(test, kvm_hc_wake_test(a, 3, true));
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_test(a, 3, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_wake_tokens), base + 1);

	/* Detaching drops the rest. */
	kvm_hc_vm_detach(va);
	/* Detach frees after an RCU and then an SRCU grace period. */
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_wake_tokens), base);
	KUNIT_EXPECT_FALSE(test, kvm_hc_wake_test(a, KVM_HC_WAKE_VCPUS - 1, false));
}

static struct kunit_case kvm_hc_core_cases[] = {
	KUNIT_CASE(core_invisible_by_default),
	KUNIT_CASE(core_open_discovery),
	KUNIT_CASE(core_unprivileged_is_stock),
	KUNIT_CASE(core_attach_detach),
	KUNIT_CASE(core_attached_without_services),
	KUNIT_CASE(policy_lookup_boundaries),
	KUNIT_CASE(policy_rejects_bad_input),
	KUNIT_CASE(policy_atomic_replacement),
	KUNIT_CASE(policy_services),
	KUNIT_CASE(handlers_registry),
	KUNIT_CASE(handlers_kvm_answers),
	KUNIT_CASE(handlers_results_bounded),
	KUNIT_CASE(handlers_owner),
	KUNIT_CASE(counters_per_number),
	KUNIT_CASE(core_wake_tokens),
	KUNIT_CASE(uapi_argument_validation),
	KUNIT_CASE(uapi_check_extension),
	{}
};

/* Detached VMs are freed by SRCU callbacks that live in this module. */
static void kvm_hc_core_suite_exit(struct kunit_suite *suite)
{
	/* Detach frees after an RCU and then an SRCU grace period. */
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
}

static struct kunit_suite kvm_hc_core_suite = {
	.name = "kvm_hc_core",
	.suite_exit = kvm_hc_core_suite_exit,
	.test_cases = kvm_hc_core_cases,
};

#ifdef CONFIG_X86
/* ---- suite kvm_hc_x86_abi ---- */

static void x86_decode_64bit(struct kunit *test)
{
	const unsigned long gpr[KVM_HC_X86_NR_GPRS] = {
		0x1234567890ULL, 0xffffffff00000001ULL, 2, 0x8000000000000003ULL, ~0UL,
	};
	struct kvm_hc_call c;

	kvm_hc_x86_decode(&c, gpr, true, 0);
	KUNIT_EXPECT_EQ(test, c.arch, KVM_HC_ARCH_X86);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT);
	KUNIT_EXPECT_EQ(test, c.nr, 0x1234567890ULL);
	KUNIT_EXPECT_EQ(test, c.nargs, 4);
	KUNIT_EXPECT_EQ(test, c.args[0], 0xffffffff00000001ULL);
	KUNIT_EXPECT_EQ(test, c.args[1], 2ULL);
	KUNIT_EXPECT_EQ(test, c.args[2], 0x8000000000000003ULL);
	KUNIT_EXPECT_EQ(test, c.args[3], ~0ULL);
	KUNIT_EXPECT_EQ(test, c.args[4], 0ULL);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_NO_SVC);
}

static void x86_decode_32bit_truncates(struct kunit *test)
{
	const unsigned long gpr[KVM_HC_X86_NR_GPRS] = {
		0xdeadbeef00000000ULL | KVM_HC_X86_BASE, 0xffffffff00000001ULL,
		0x1234567800000002ULL, 3, 0xffffffffffffffffULL,
	};
	struct kvm_hc_call c;

	kvm_hc_x86_decode(&c, gpr, false, 0);
	KUNIT_EXPECT_EQ(test, c.flags, 0);
	KUNIT_EXPECT_EQ(test, c.nr, (u64)KVM_HC_X86_BASE);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, c.args[0], 1ULL);
	KUNIT_EXPECT_EQ(test, c.args[1], 2ULL);
	KUNIT_EXPECT_EQ(test, c.args[2], 3ULL);
	KUNIT_EXPECT_EQ(test, c.args[3], 0xffffffffULL);

	/* The same registers in 64-bit mode are not a kvm_hc number. */
	kvm_hc_x86_decode(&c, gpr, true, 0);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_NO_SVC);
}

static void x86_cpl(struct kunit *test)
{
	const unsigned long gpr[KVM_HC_X86_NR_GPRS] = { KVM_HC_X86_BASE };
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;
	int cpl;

	set_open_discovery(test, true);
	for (cpl = 0; cpl <= 3; cpl++) {
		kvm_hc_x86_decode(&c, gpr, true, cpl);
		KUNIT_EXPECT_EQ(test, !!(c.flags & KVM_HC_CALL_UNPRIV), cpl != 0);
		KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c),
				cpl ? KVM_HC_KVM : KVM_HC_KERNEL);
	}
}

static void x86_service_block(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_X86_BASE), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_X86_BASE + KVM_HC_X86_COUNT - 1),
			KVM_HC_X86_COUNT - 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_X86_BASE + KVM_HC_X86_COUNT),
			KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_X86_BASE - 1), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(0), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_KICK_CPU), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_service(KVM_HC_X86_BASE | (1UL << 32)), KVM_HC_NO_SVC);
}

static void x86_result_encoding(struct kunit *test)
{
	struct kvm_hc_call c = { .flags = KVM_HC_CALL_64BIT, .nret = 1,
				 .ret = { 0xfedcba9876543210ULL } };

	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0xfedcba9876543210UL);
	c.flags = 0;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0x76543210UL);

	c.status = -EINVAL;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0xffffffeaUL);
	c.flags = KVM_HC_CALL_64BIT;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), (unsigned long)-KVM_EINVAL);
	c.status = -KVM_HC_ENOHC;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), (unsigned long)-KVM_ENOSYS);
	c.flags = 0;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0xfffffc18UL);
	c.status = -EPERM;
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0xffffffffUL);
}

static void x86_discovery_round_trip(struct kunit *test)
{
	unsigned long gpr[KVM_HC_X86_NR_GPRS] = {
		0xffffffff00000000ULL | KVM_HC_X86_BASE, 0xffffffff00000000ULL,
	};
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;

	set_open_discovery(test, true);
	/* 32-bit caller: garbage above bit 31 is ignored on the way in. */
	kvm_hc_x86_decode(&c, gpr, false, 0);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), (unsigned long)KVM_HC_ABI_VERSION);

	gpr[KVM_HC_X86_RBX] = 9;
	kvm_hc_x86_decode(&c, gpr, false, 0);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_x86_result(&c), 0xffffffeaUL);

	/* 64-bit caller with the same rax: not kvm_hc's, KVM answers. */
	kvm_hc_x86_decode(&c, gpr, true, 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static struct kunit_case kvm_hc_x86_abi_cases[] = {
	KUNIT_CASE(x86_decode_64bit),
	KUNIT_CASE(x86_decode_32bit_truncates),
	KUNIT_CASE(x86_cpl),
	KUNIT_CASE(x86_service_block),
	KUNIT_CASE(x86_result_encoding),
	KUNIT_CASE(x86_discovery_round_trip),
	{}
};

static struct kunit_suite kvm_hc_x86_abi_suite = {
	.name = "kvm_hc_x86_abi",
	.test_cases = kvm_hc_x86_abi_cases,
};

#endif /* CONFIG_X86 */

/* ---- suite kvm_hc_arm64_abi ---- */

#define DISCOVER32	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_32, \
					   ARM_SMCCC_OWNER_VENDOR_HYP, KVM_HC_ARM64_FUNC_BASE)
#define DISCOVER64	ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_SMC_64, \
					   ARM_SMCCC_OWNER_VENDOR_HYP, KVM_HC_ARM64_FUNC_BASE)

static void arm64_function_ids(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, DISCOVER32, 0x86000060U);
	KUNIT_EXPECT_EQ(test, DISCOVER64, 0xc6000060U);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32), KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER64), KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 + KVM_HC_SVC_KICK), KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 + KVM_HC_ARM64_FUNC_COUNT - 1),
			KVM_HC_ARM64_FUNC_COUNT - 1);
	/* KVM's own vendor-hypervisor functions, and the neighbours of the block. */
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID),
			KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(0x86000001), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(0x86000041), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 - 1), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 + KVM_HC_ARM64_FUNC_COUNT),
			KVM_HC_NO_SVC);
	/* Yielding calls, other owners and bits 23:16 are not kvm_hc's. */
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 & ~BIT(31)), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(0x85000060), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_arm64_service(DISCOVER32 | BIT(16)), KVM_HC_NO_SVC);
}

static void arm64_decode_smc32_truncates(struct kunit *test)
{
	const unsigned long x[KVM_HC_ARM64_NR_ARGS + 1] = {
		0xffffffff00000000UL | DISCOVER32, 0xabcdef0100000001UL, 2, 3, 4, 5, 6,
		0x1234567800000007UL,
	};
	struct kvm_hc_call c;
	int i;

	kvm_hc_arm64_decode(&c, x, KVM_HC_ARM64_SMC);
	KUNIT_EXPECT_EQ(test, c.arch, KVM_HC_ARCH_ARM64);
	KUNIT_EXPECT_EQ(test, c.nr, (u64)DISCOVER32);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_ARM64_SMC);
	KUNIT_EXPECT_EQ(test, c.nargs, KVM_HC_ARM64_NR_ARGS);
	for (i = 0; i < KVM_HC_ARM64_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, c.args[i], (u64)(i + 1));
}

static void arm64_decode_smc64(struct kunit *test)
{
	const unsigned long x[KVM_HC_ARM64_NR_ARGS + 1] = {
		DISCOVER64, 0xabcdef0100000001UL, 0, 0, 0, 0, 0, ~0UL,
	};
	struct kvm_hc_call c;

	kvm_hc_arm64_decode(&c, x, KVM_HC_ARM64_16BIT | KVM_HC_CALL_UNPRIV);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT | KVM_HC_ARM64_16BIT);
	KUNIT_EXPECT_EQ(test, c.args[0], 0xabcdef0100000001ULL);
	KUNIT_EXPECT_EQ(test, c.args[6], ~0ULL);
}

static void arm64_results(struct kunit *test)
{
	struct kvm_hc_call c = { .nret = 2, .ret = { 0x10000, 7, 8, 9 } };
	unsigned long x[KVM_HC_MAX_RETS];

	kvm_hc_arm64_results(&c, x);
	KUNIT_EXPECT_EQ(test, x[0], 0x10000UL);
	KUNIT_EXPECT_EQ(test, x[1], 7UL);
	/* Registers without a result are zeroed, as KVM's own handler does. */
	KUNIT_EXPECT_EQ(test, x[2], 0UL);
	KUNIT_EXPECT_EQ(test, x[3], 0UL);

	c.status = -EINVAL;
	kvm_hc_arm64_results(&c, x);
	KUNIT_EXPECT_EQ(test, (long)x[0], (long)SMCCC_RET_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, x[1], 0UL);
	c.status = -KVM_HC_ENOHC;
	kvm_hc_arm64_results(&c, x);
	KUNIT_EXPECT_EQ(test, (long)x[0], (long)SMCCC_RET_NOT_SUPPORTED);
	c.status = -2;
	kvm_hc_arm64_results(&c, x);
	KUNIT_EXPECT_EQ(test, (long)x[0], -2L);
}

static void arm64_discovery_round_trip(struct kunit *test)
{
	const unsigned long x[KVM_HC_ARM64_NR_ARGS + 1] = { DISCOVER32, 0xffffffff00000009UL };
	struct kvm *kvm = fake_vm(test);
	unsigned long r[KVM_HC_MAX_RETS];
	struct kvm_hc_call c;

	set_open_discovery(test, true);
	kvm_hc_arm64_decode(&c, x, 0);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	kvm_hc_arm64_results(&c, r);
	KUNIT_EXPECT_EQ(test, (long)r[0], (long)SMCCC_RET_INVALID_PARAMETER);
	/* The kick service is not offered without its handler. */
	KUNIT_EXPECT_EQ(test, kvm_hc_services(kvm, KVM_HC_ARCH_ARM64),
			(u32)BIT(KVM_HC_SVC_DISCOVER));
}

static void unregister_kick(void *unused)
{
	kvm_hc_unregister_handler(KVM_HC_ARCH_ARM64, KVM_HC_SVC_HANDLER_NR(KVM_HC_SVC_KICK));
}

static void arm64_service_handlers(struct kunit *test)
{
	const unsigned long x[KVM_HC_ARM64_NR_ARGS + 1] = { DISCOVER64 + KVM_HC_SVC_KICK, 41 };
	u32 both = BIT(KVM_HC_SVC_DISCOVER) | BIT(KVM_HC_SVC_KICK);
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, both);
	struct kvm_hc_call c;

	kvm_hc_arm64_decode(&c, x, 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_handler(KVM_HC_ARCH_ARM64,
							 KVM_HC_SVC_HANDLER_NR(KVM_HC_SVC_KICK),
							 test_handler));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, unregister_kick, NULL));
	KUNIT_EXPECT_EQ(test, kvm_hc_services(kvm, KVM_HC_ARCH_ARM64), both);
	/* x86 has no kick service: its VMs never see the bit. */
	KUNIT_EXPECT_EQ(test, kvm_hc_services(kvm, KVM_HC_ARCH_X86), (u32)BIT(KVM_HC_SVC_DISCOVER));
	kvm_hc_arm64_decode(&c, x, 0);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, c.ret[1], 42ULL);
	/* A VM without the service in its policy: stock. */
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_DISCOVER), NULL, 0));
	kvm_hc_arm64_decode(&c, x, 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static struct kunit_case kvm_hc_arm64_abi_cases[] = {
	KUNIT_CASE(arm64_function_ids),
	KUNIT_CASE(arm64_decode_smc32_truncates),
	KUNIT_CASE(arm64_decode_smc64),
	KUNIT_CASE(arm64_results),
	KUNIT_CASE(arm64_discovery_round_trip),
	KUNIT_CASE(arm64_service_handlers),
	{}
};

static struct kunit_suite kvm_hc_arm64_abi_suite = {
	.name = "kvm_hc_arm64_abi",
	.test_cases = kvm_hc_arm64_abi_cases,
};

/* ---- suite kvm_hc_s390_abi ---- */

/* "diag 2,4,0x500": ipa 0x83 R1=2 R3=4, ipb B2=0 D2=0x500. */
#define DIAG_IPA	0x8324
#define DIAG_IPB(b, d)	(((u32)(b) << 28) | ((u32)(d) << 16))

static void s390_diag_code(struct kunit *test)
{
	u64 gprs[16] = { [0] = 0x1000, [3] = 0xffff, [5] = 0xffffffffffff0400ULL, [9] = 0x4ff };

	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(0, 0x500), gprs), 0x500);
	/* Base register 0 means no base, whatever r0 holds. */
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(0, 0x44), gprs), 0x44);
	/* Base plus displacement; bits 0-47 of the address are ignored. */
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(5, 0x100), gprs), 0x500);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(9, 1), gprs), 0x500);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(3, 0x501), gprs), 0x500);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(9, 2), gprs), 0x501);
	/* The displacement has 12 bits; the low half of ipb is not part of it. */
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(0, 0xfff), gprs), 0xfff);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(DIAG_IPA, DIAG_IPB(0, 0x500) | 0xffff, gprs),
			0x500);
	/* R1 and R3 in ipa do not matter; another opcode is no DIAGNOSE. */
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(0x83ff, DIAG_IPB(0, 0x500), gprs), 0x500);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_diag_code(0xb220, DIAG_IPB(0, 0x500), gprs),
			KVM_HC_S390_NOT_DIAG);
}

static void s390_subcodes(struct kunit *test)
{
	u64 gprs[16] = { [1] = KVM_HC_S390_BASE, [7] = 0x400 };
	int sub;

	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(KVM_HC_S390_BASE), KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(KVM_HC_S390_BASE + KVM_HC_SVC_KICK),
			KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(KVM_HC_S390_BASE + KVM_HC_S390_COUNT - 1),
			KVM_HC_X86_COUNT - 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(KVM_HC_S390_BASE - 1), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(KVM_HC_S390_BASE + KVM_HC_S390_COUNT),
			KVM_HC_NO_SVC);
	/* R1 is 64 bits wide: nothing is truncated into the block. */
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(BIT_ULL(32) | KVM_HC_S390_BASE), KVM_HC_NO_SVC);
	for (sub = 0; sub < 4; sub++)
		KUNIT_EXPECT_EQ(test, kvm_hc_s390_service(sub), KVM_HC_NO_SVC);

	/* DIAGNOSE 0x500 with kvm_hc's subcodes or any above 4 may be taken ... */
	KUNIT_EXPECT_TRUE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs, false));
	gprs[1] = 5;
	KUNIT_EXPECT_TRUE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs, false));
	gprs[1] = BIT_ULL(32) | 4;
	KUNIT_EXPECT_TRUE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs, false));
	gprs[1] = BIT_ULL(32);
	KUNIT_EXPECT_TRUE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs, false));
	/* ... from the supervisor state only, ... */
	gprs[1] = KVM_HC_S390_BASE;
	KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs, true));
	/*
	 * ... never the s390-virtio and virtio-ccw subcodes 0-3 nor the
	 * storage-limit query 4 that Linux's boot code makes (a deny-all
	 * policy must not break memory detection), ...
	 */
	for (sub = 0; sub <= 4; sub++) {
		KUNIT_EXPECT_TRUE(test, kvm_hc_s390_reserved(sub));
		gprs[1] = sub;
		KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x500), gprs,
							       false));
	}
	/* ... nor another function code: 0x501 (breakpoint), 0x44, 0x9c. */
	gprs[1] = KVM_HC_S390_BASE;
	KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x501), gprs, false));
	KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x44), gprs, false));
	KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(0, 0x9c), gprs, false));
	KUNIT_EXPECT_TRUE(test, kvm_hc_s390_candidate(DIAG_IPA, DIAG_IPB(7, 0x100), gprs, false));
	KUNIT_EXPECT_FALSE(test, kvm_hc_s390_candidate(0xb220, DIAG_IPB(0, 0x500), gprs, false));
}

static void s390_decode(struct kunit *test)
{
	const u64 gprs[16] = {
		0xdead, KVM_HC_X86_BASE + KVM_HC_SVC_KICK, 0xabcdef0100000002ULL, 3, 4, 5, 6,
		~0ULL, 0xbad,
	};
	struct kvm_hc_call c;
	int i;

	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_EXPECT_EQ(test, c.arch, KVM_HC_ARCH_S390);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT);
	KUNIT_EXPECT_EQ(test, c.nr, (u64)KVM_HC_X86_BASE + KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test, c.nargs, KVM_HC_S390_NR_ARGS);
	for (i = 0; i < KVM_HC_S390_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, c.args[i], gprs[2 + i]);
	/* R8 is not an argument. */
	KUNIT_EXPECT_EQ(test, c.args[6], 0ULL);

	kvm_hc_s390_decode(&c, gprs, true);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT | KVM_HC_CALL_UNPRIV);
}

static void s390_results(struct kunit *test)
{
	struct kvm_hc_call c = { .nret = 2, .ret = { 0xffffffff00010000ULL, 7 } };

	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), 0xffffffff00010000ULL);
	c.nret = 0;
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), 0ULL);
	/* Errors: sign-extended to 64 bits, -KVM_HC_ENOHC as it is. */
	c.status = -EINVAL;
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)-22LL);
	c.status = -KVM_HC_ENOHC;
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), 0xfffffffffffffc18ULL);
}

static void s390_discovery_round_trip(struct kunit *test)
{
	u64 gprs[16] = { 0, KVM_HC_S390_BASE, KVM_HC_DISCOVER_VERSION, 0x77 };
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;

	/* Nobody may call kvm_hc: KVM's own answer. */
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);

	set_open_discovery(test, true);
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)KVM_HC_ABI_VERSION);
	gprs[2] = KVM_HC_DISCOVER_BITMAP(0);
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)BIT(KVM_HC_SVC_DISCOVER));
	gprs[2] = 9;
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)-EINVAL);
	/* Problem state: KVM injects the privileged-operation exception. */
	gprs[2] = KVM_HC_DISCOVER_VERSION;
	kvm_hc_s390_decode(&c, gprs, true);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static void s390_policy_and_exit(struct kunit *test)
{
	const struct kvm_hc_range r[] = {
		{ .first = 5, .last = 0xffff, .action = KVM_HC_FORWARD },
		{ .first = 0x10000, .last = 0x10000, .action = KVM_HC_DENY,
		  .error = -KVM_HC_ENOHC },
	};
	u64 gprs[16] = { 0, 5, 0x1122334455667788ULL, 3, 4, 5, 6, 0xfffffffffffffff7ULL };
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, BIT(KVM_HC_SVC_DISCOVER));
	struct kvm_run *run;
	struct kvm_hc_call c;
	int i;

	run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_DISCOVER), r,
						      ARRAY_SIZE(r)));
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_FORWARD);
	/* Whatever an earlier exit left in kvm_run is overwritten. */
	memset(run, 0xa5, sizeof(*run));
	kvm_hc_s390_exit(run, &c);
	KUNIT_EXPECT_EQ(test, run->exit_reason, (u32)KVM_EXIT_HYPERCALL);
	KUNIT_EXPECT_EQ(test, run->hypercall.nr, 5ULL);
	for (i = 0; i < KVM_HC_S390_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, run->hypercall.args[i], gprs[2 + i]);
	KUNIT_EXPECT_EQ(test, run->hypercall.ret, 0ULL);
	KUNIT_EXPECT_EQ(test, run->hypercall.flags, 0ULL);

	gprs[1] = 0x10000;
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)-1000LL);
	/* Outside every range: stock KVM. */
	gprs[1] = 0x10001;
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	/* The VM's own service still answers. */
	gprs[1] = KVM_HC_S390_BASE;
	gprs[2] = KVM_HC_DISCOVER_VERSION;
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), (u64)KVM_HC_ABI_VERSION);
}

static struct kunit_case kvm_hc_s390_abi_cases[] = {
	KUNIT_CASE(s390_diag_code),
	KUNIT_CASE(s390_subcodes),
	KUNIT_CASE(s390_decode),
	KUNIT_CASE(s390_results),
	KUNIT_CASE(s390_discovery_round_trip),
	KUNIT_CASE(s390_policy_and_exit),
	{}
};

static struct kunit_suite kvm_hc_s390_abi_suite = {
	.name = "kvm_hc_s390_abi",
	.test_cases = kvm_hc_s390_abi_cases,
};

/* ---- suite kvm_hc_ppc_abi ---- */

#define PPC_DISCOVER_PAPR	KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER)
#define PPC_DISCOVER_EPAPR	KVM_HC_PPC_EPAPR_TOKEN(KVM_HC_SVC_DISCOVER)
/* KVM's own ePAPR tokens: (42 << 16) | KVM_HC_FEATURES, MAP_MAGIC_PAGE. */
#define PPC_KVM_FEATURES	((42U << 16) | 3)
#define PPC_KVM_MAGIC_PAGE	((42U << 16) | 4)

static void ppc_numbers(struct kunit *test)
{
	/* The documented values: a guest hard-codes them. */
	KUNIT_EXPECT_EQ(test, PPC_DISCOVER_PAPR, 0x4b480000UL);
	KUNIT_EXPECT_EQ(test, PPC_DISCOVER_EPAPR, 0x002a4b48U);
	KUNIT_EXPECT_EQ(test, KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_KICK), 0x4b480004UL);
	/* PAPR: multiples of 4 inside the block. */
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(PPC_DISCOVER_PAPR), KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0x4b480004), KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(KVM_HC_PPC_PAPR_NR(KVM_HC_PPC_SVC_COUNT - 1)),
			KVM_HC_PPC_SVC_COUNT - 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0x4b480001), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0x4b480002), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(PPC_DISCOVER_PAPR - 4), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(KVM_HC_PPC_PAPR_NR(KVM_HC_PPC_SVC_COUNT)),
			KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(BIT_ULL(32) | PPC_DISCOVER_PAPR),
			KVM_HC_NO_SVC);
	/* PAPR's and KVM's own hcalls: H_REMOVE, H_RANDOM, H_RTAS, H_ENTER_NESTED, ultracalls. */
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0x4), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0x300), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0xf000), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0xf804), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0xef00), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_papr_service(0), KVM_HC_NO_SVC);
}

static void ppc_epapr_tokens(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, kvm_hc_ppc_epapr_is_kvm(PPC_DISCOVER_EPAPR));
	KUNIT_EXPECT_TRUE(test, kvm_hc_ppc_epapr_is_kvm(PPC_KVM_FEATURES));
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(PPC_DISCOVER_EPAPR), KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(PPC_DISCOVER_EPAPR + KVM_HC_SVC_KICK),
			KVM_HC_SVC_KICK);
	KUNIT_EXPECT_EQ(test,
			kvm_hc_ppc_epapr_service(KVM_HC_PPC_EPAPR_TOKEN(KVM_HC_PPC_SVC_COUNT)),
			KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(PPC_DISCOVER_EPAPR - 1), KVM_HC_NO_SVC);
	/* KVM's own functions stay KVM's. */
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(PPC_KVM_FEATURES), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(PPC_KVM_MAGIC_PAGE), KVM_HC_NO_SVC);
	/* The same function number under another vendor: ePAPR (1, EV_IDLE's), local (0). */
	KUNIT_EXPECT_FALSE(test, kvm_hc_ppc_epapr_is_kvm((1U << 16) | 16));
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service((1U << 16) | 0x4b48), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service(0x4b48), KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_epapr_service((43U << 16) | 0x4b48), KVM_HC_NO_SVC);
}

static void ppc_gprs(unsigned long *gpr, unsigned long r3, unsigned long r11)
{
	int i;

	for (i = 0; i < KVM_HC_PPC_NR_GPRS; i++)
		gpr[i] = 0xdead000000000000UL | (i * 0x10001UL);
	gpr[3] = r3;
	gpr[11] = r11;
}

static void ppc_decode_papr(struct kunit *test)
{
	unsigned long gpr[KVM_HC_PPC_NR_GPRS];
	struct kvm_hc_call c;
	int i;

	ppc_gprs(gpr, PPC_DISCOVER_PAPR, 0x1111222233334444UL);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_EXPECT_EQ(test, c.arch, KVM_HC_ARCH_POWERPC);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT);
	KUNIT_EXPECT_EQ(test, c.nr, (u64)PPC_DISCOVER_PAPR);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_SVC_DISCOVER);
	KUNIT_EXPECT_EQ(test, c.nargs, KVM_HC_PPC_NR_ARGS);
	/* r4 .. r11; r12 does not fit the record. */
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_EQ(test, c.args[i], (u64)gpr[4 + i]);
	KUNIT_EXPECT_EQ(test, c.args[7], 0x1111222233334444ULL);

	/* MSR[SF] clear: 32-bit arguments; the number is r3 as KVM reads it. */
	gpr[3] = BIT_ULL(32) | PPC_DISCOVER_PAPR;
	kvm_hc_ppc_decode_papr(&c, gpr, false, true);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_UNPRIV);
	KUNIT_EXPECT_EQ(test, c.nr, BIT_ULL(32) | PPC_DISCOVER_PAPR);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, c.args[0], 4ULL * 0x10001);
	KUNIT_EXPECT_EQ(test, c.args[7], 0x33334444ULL);
}

static void ppc_decode_epapr(struct kunit *test)
{
	unsigned long gpr[KVM_HC_PPC_NR_GPRS];
	struct kvm_hc_call c;
	int i;

	/* The token is r11's low word; the upper half is ignored, as by KVM. */
	ppc_gprs(gpr, 0xabcdef0100000009UL, 0xffffffff00000000UL | PPC_DISCOVER_EPAPR);
	kvm_hc_ppc_decode_epapr(&c, gpr, true, false);
	/* KVM has no exit to the VMM for ePAPR hypercalls. */
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_CALL_64BIT | KVM_HC_PPC_EPAPR | KVM_HC_CALL_NO_USER);
	KUNIT_EXPECT_EQ(test, c.nr, (u64)PPC_DISCOVER_EPAPR);
	KUNIT_EXPECT_EQ(test, c.svc, KVM_HC_SVC_DISCOVER);
	/* r3 .. r10 */
	KUNIT_EXPECT_EQ(test, c.args[0], 0xabcdef0100000009ULL);
	for (i = 1; i < KVM_HC_PPC_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, c.args[i], (u64)gpr[3 + i]);

	kvm_hc_ppc_decode_epapr(&c, gpr, false, false);
	KUNIT_EXPECT_EQ(test, c.flags, KVM_HC_PPC_EPAPR | KVM_HC_CALL_NO_USER);
	KUNIT_EXPECT_EQ(test, c.args[0], 9ULL);
	for (i = 1; i < KVM_HC_PPC_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, c.args[i], (u64)(u32)gpr[3 + i]);
}

static void ppc_results(struct kunit *test)
{
	struct kvm_hc_call c = { .nret = 2, .ret = { 0x10000, 0xfedcba9876543210ULL, 8, 9 } };
	unsigned long out[KVM_HC_PPC_NR_OUT];
	int i;

	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], 0x10000UL);
	KUNIT_EXPECT_EQ(test, out[2], 0xfedcba9876543210UL);
	/* r6 .. r11 without a result are zeroed. */
	for (i = 3; i < KVM_HC_PPC_NR_OUT; i++)
		KUNIT_EXPECT_EQ(test, out[i], 0UL);

	/* A failed call: the status in r3 and nothing else. */
	c.status = -EINVAL;
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, (long)out[0], -4L);
	for (i = 1; i < KVM_HC_PPC_NR_OUT; i++)
		KUNIT_EXPECT_EQ(test, out[i], 0UL);
	c.flags = KVM_HC_PPC_EPAPR;
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 8UL);
	KUNIT_EXPECT_EQ(test, out[1], 0UL);
}

/*
 * A record that claims more results than it holds (PAPR has eight output
 * registers, @ret four): r4..r7 get @ret, r8..r11 zero, never what lies
 * past the record.
 */
static void ppc_results_bounded(struct kunit *test)
{
	struct {
		struct kvm_hc_call c;
		u64 beyond[KVM_HC_PPC_NR_OUT];
	} rec;
	unsigned long out[KVM_HC_PPC_NR_OUT];
	int i;

	memset(&rec, 0xa5, sizeof(rec));
	rec.c.status = 0;
	rec.c.flags = 0;
	rec.c.nret = KVM_HC_PPC_NR_OUT - 1;
	for (i = 0; i < KVM_HC_MAX_RETS; i++)
		rec.c.ret[i] = i + 1;
	kvm_hc_ppc_results(&rec.c, out);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	for (i = 1; i <= KVM_HC_MAX_RETS; i++)
		KUNIT_EXPECT_EQ(test, out[i], (unsigned long)i);
	for (; i < KVM_HC_PPC_NR_OUT; i++)
		KUNIT_EXPECT_EQ_MSG(test, out[i], 0UL, "r%d", 3 + i);
}

static void ppc_deny_errors(struct kunit *test)
{
	struct kvm_hc_call papr = { .status = -KVM_HC_ENOHC };
	struct kvm_hc_call epapr = { .flags = KVM_HC_PPC_EPAPR, .status = -KVM_HC_ENOHC };

	/* "No such hypercall": H_FUNCTION and EV_UNIMPLEMENTED. */
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&papr), -2L);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&epapr), 12L);
	/* -EINVAL: H_PARAMETER and EV_EINVAL. */
	papr.status = -EINVAL;
	epapr.status = -EINVAL;
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&papr), -4L);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&epapr), 8L);
	/* Any other PAPR status passes (H_PERMISSION); an ePAPR -n is n (EV_EPERM). */
	papr.status = -11;
	epapr.status = -1;
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&papr), -11L);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_error(&epapr), 1L);
}

static void ppc_features(struct kunit *test)
{
	/* KVM's answer: KVM_FEATURE_MAGIC_PAGE, bit 1. */
	const u64 kvm = BIT(1);

	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_features(kvm, 0), kvm);
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_features(kvm, BIT(KVM_HC_SVC_DISCOVER)), kvm | BIT(16));
	KUNIT_EXPECT_EQ(test,
			kvm_hc_ppc_features(kvm, BIT(KVM_HC_SVC_DISCOVER) | BIT(KVM_HC_SVC_KICK)),
			kvm | BIT(16) | BIT(17));
	/* Services past the block have no bit, and bits of KVM's are kept. */
	KUNIT_EXPECT_EQ(test, kvm_hc_ppc_features(kvm | BIT_ULL(40), BIT(16) | BIT(15)),
			kvm | BIT_ULL(40) | BIT_ULL(31));
}

static void ppc_discovery_round_trip(struct kunit *test)
{
	unsigned long gpr[KVM_HC_PPC_NR_GPRS], out[KVM_HC_PPC_NR_OUT];
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_call c;

	attach(test, kvm, BIT(KVM_HC_SVC_DISCOVER) | BIT(KVM_HC_SVC_KICK));
	/* PAPR: selector in r4. */
	ppc_gprs(gpr, PPC_DISCOVER_PAPR, 0);
	gpr[4] = KVM_HC_DISCOVER_VERSION;
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], (unsigned long)KVM_HC_ABI_VERSION);
	/* The kick has no ppc handler: not offered. */
	gpr[4] = KVM_HC_DISCOVER_BITMAP(0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[1], (unsigned long)BIT(KVM_HC_SVC_DISCOVER));
	KUNIT_EXPECT_EQ(test, kvm_hc_services(kvm, KVM_HC_ARCH_POWERPC),
			(u32)BIT(KVM_HC_SVC_DISCOVER));
	/* ePAPR: selector in r3, the same answers; a bad one is EV_EINVAL. */
	ppc_gprs(gpr, 0xffffffff00000000UL | KVM_HC_DISCOVER_VERSION, PPC_DISCOVER_EPAPR);
	kvm_hc_ppc_decode_epapr(&c, gpr, false, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 0UL);
	KUNIT_EXPECT_EQ(test, out[1], (unsigned long)KVM_HC_ABI_VERSION);
	gpr[3] = 99;
	kvm_hc_ppc_decode_epapr(&c, gpr, true, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 8UL);
	/* The kick number of an attached VM goes to KVM. */
	ppc_gprs(gpr, KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_KICK), 0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
}

static void ppc_policy(struct kunit *test)
{
	const struct kvm_hc_range r[] = {
		{ .first = 0x300, .last = 0x300, .action = KVM_HC_FORWARD },
		{ .first = 0x2a0000, .last = 0x2affff, .action = KVM_HC_DENY,
		  .error = -KVM_HC_ENOHC },
		{ .first = 0x4b480100, .last = 0x4b4801ff, .action = KVM_HC_DENY, .error = -57 },
	};
	unsigned long gpr[KVM_HC_PPC_NR_GPRS], out[KVM_HC_PPC_NR_OUT];
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, BIT(KVM_HC_SVC_DISCOVER));
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0,
			kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_DISCOVER), r, ARRAY_SIZE(r)));
	/* H_RANDOM to the VMM; H_CEDE (0xe0) has no range: KVM. */
	ppc_gprs(gpr, 0x300, 0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_FORWARD);
	ppc_gprs(gpr, 0xe0, 0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	/* An ePAPR token of KVM's vendor: denied as EV_UNIMPLEMENTED. */
	ppc_gprs(gpr, 0, PPC_KVM_MAGIC_PAGE);
	kvm_hc_ppc_decode_epapr(&c, gpr, true, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, out[0], 12UL);
	/* A PAPR number denied with a PAPR status of the VMM's choice. */
	ppc_gprs(gpr, 0x4b480100, 0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	kvm_hc_ppc_results(&c, out);
	KUNIT_EXPECT_EQ(test, (long)out[0], -57L);
	/* kvm_hc's own block is not subject to the ranges. */
	ppc_gprs(gpr, 0, PPC_DISCOVER_EPAPR);
	kvm_hc_ppc_decode_epapr(&c, gpr, true, false);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
}

/*
 * An ePAPR hypercall has no exit to the VMM: a USER range over it leaves it
 * to KVM, and the counters say so rather than report a forward the VMM
 * never saw.  A PAPR hcall in the same range is forwarded.
 */
static void ppc_epapr_not_forwarded(struct kunit *test)
{
	const struct kvm_hc_range r = { .first = 0, .last = U64_MAX,
					.action = KVM_HC_FORWARD };
	unsigned long gpr[KVM_HC_PPC_NR_GPRS];
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_counters total;
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	ppc_gprs(gpr, 0, PPC_KVM_MAGIC_PAGE);
	kvm_hc_ppc_decode_epapr(&c, gpr, true, false);
	KUNIT_EXPECT_TRUE(test, c.flags & KVM_HC_CALL_NO_USER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	ppc_gprs(gpr, 0x300, 0);
	kvm_hc_ppc_decode_papr(&c, gpr, true, false);
	KUNIT_EXPECT_FALSE(test, c.flags & KVM_HC_CALL_NO_USER);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_FORWARD);

	kvm_hc_vm_stats(vm, &total, NULL, 0);
	KUNIT_EXPECT_EQ(test, total.kvm, 1ULL);
	KUNIT_EXPECT_EQ(test, total.forward, 1ULL);
}

static struct kunit_case kvm_hc_ppc_abi_cases[] = {
	KUNIT_CASE(ppc_numbers),
	KUNIT_CASE(ppc_epapr_tokens),
	KUNIT_CASE(ppc_decode_papr),
	KUNIT_CASE(ppc_decode_epapr),
	KUNIT_CASE(ppc_results),
	KUNIT_CASE(ppc_results_bounded),
	KUNIT_CASE(ppc_epapr_not_forwarded),
	KUNIT_CASE(ppc_deny_errors),
	KUNIT_CASE(ppc_features),
	KUNIT_CASE(ppc_discovery_round_trip),
	KUNIT_CASE(ppc_policy),
	{}
};

static struct kunit_suite kvm_hc_ppc_abi_suite = {
	.name = "kvm_hc_ppc_abi",
	.test_cases = kvm_hc_ppc_abi_cases,
};

#ifdef CONFIG_X86
kunit_test_suites(&kvm_hc_core_suite, &kvm_hc_x86_abi_suite, &kvm_hc_arm64_abi_suite,
		  &kvm_hc_s390_abi_suite, &kvm_hc_ppc_abi_suite);
#else
kunit_test_suites(&kvm_hc_core_suite, &kvm_hc_arm64_abi_suite, &kvm_hc_s390_abi_suite,
		  &kvm_hc_ppc_abi_suite);
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kvm_hc");
