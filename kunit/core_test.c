// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_core: the dispatcher, per-VM state, policies, the
 * architecture's per-VM data.
 */
#include "kvm_hc_kunit.h"

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

/* An exception range: a deny that the hook raises as an exception; no error. */
static void core_exception_ranges(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_range r = { .first = 40, .last = 49, .action = KVM_HC_ACTION_EXCEPTION };
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	c = plain_call(45, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_TRUE(test, c.flags & KVM_HC_CALL_EXCEPTION);
	/* a number outside it: stock, no mark */
	c = plain_call(50, KVM_HC_NO_SVC);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	KUNIT_EXPECT_FALSE(test, c.flags & KVM_HC_CALL_EXCEPTION);
	r.error = -EPERM;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r.error = 0;
	r.flags = KVM_HC_RANGE_RING;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	/* user mode may get the exception too: the call does not exist there either */
	r.flags = KVM_HC_RANGE_USER;
	KUNIT_EXPECT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	c = plain_call(41, KVM_HC_NO_SVC);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_TRUE(test, c.flags & KVM_HC_CALL_EXCEPTION);
}

/* A user-mode range takes guest user mode's calls; only it. */
static void core_user_ranges(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, BIT(KVM_HC_SVC_DISCOVER));
	const struct kvm_hc_range r[] = {
		{ .first = 10, .last = 19, .action = KVM_HC_DENY, .error = -EACCES,
		  .flags = KVM_HC_RANGE_USER },
		{ .first = 20, .last = 29, .action = KVM_HC_DENY, .error = -EACCES },
	};
	struct kvm_hc_range bad = { .first = 30, .last = 30, .action = KVM_HC_KVM,
				    .flags = KVM_HC_RANGE_USER };
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, BIT(KVM_HC_SVC_DISCOVER), r, 2));
	c = plain_call(15, KVM_HC_NO_SVC);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, c.flags, 15, KVM_HC_NO_SVC),
			KVM_HC_TAKE);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, c.status, -EACCES);
	c = plain_call(25, KVM_HC_NO_SVC);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, c.flags, 25, KVM_HC_NO_SVC),
			KVM_HC_COUNTED);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	/* kvm_hc's own services stay privileged */
	c = plain_call(0, KVM_HC_SVC_DISCOVER);
	c.flags |= KVM_HC_CALL_UNPRIV;
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KVM);
	/* no user mode for stock KVM's ranges; unknown flags refused */
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &bad, 1));
	bad.action = KVM_HC_DENY;
	bad.error = -EPERM;
	bad.flags = KVM_HC_RANGE_USER << 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &bad, 1));
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

static struct kunit_case kvm_hc_core_cases[] = {
	KUNIT_CASE(core_invisible_by_default),
	KUNIT_CASE(core_open_discovery),
	KUNIT_CASE(core_unprivileged_is_stock),
	KUNIT_CASE(core_user_ranges),
	KUNIT_CASE(core_exception_ranges),
	KUNIT_CASE(core_attach_detach),
	KUNIT_CASE(core_attached_without_services),
	KUNIT_CASE(policy_lookup_boundaries),
	KUNIT_CASE(policy_rejects_bad_input),
	KUNIT_CASE(policy_atomic_replacement),
	KUNIT_CASE(policy_services),
	{}
};

static struct kunit_suite kvm_hc_core_suite = {
	.name = "kvm_hc_core",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_core_cases,
};

kunit_test_suites(&kvm_hc_core_suite);
