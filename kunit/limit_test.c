// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of rate limits: a range's token bucket (burst, rate) and
 * what its calls get once the bucket is empty.
 */
#include "kvm_hc_kunit.h"

#define LIM_NR	0x900

static int lim_call(struct kvm *kvm, int *status)
{
	struct kvm_hc_call c = plain_call(LIM_NR, KVM_HC_NO_SVC);
	int act = kvm_hc_dispatch(kvm, NULL, &c);

	*status = c.status;
	return act;
}

static struct kvm_hc_range lim_range(u32 burst, u32 rate, u32 over, s32 over_error)
{
	return (struct kvm_hc_range){
		.first = LIM_NR, .last = LIM_NR, .action = KVM_HC_DENY, .error = -EPERM,
		.burst = burst, .rate = rate, .over_action = over, .over_error = over_error,
	};
}

static void limit_rejects_bad_ranges(struct kunit *test)
{
	struct kvm_hc_vm *vm = attach(test, fake_vm(test), 0);
	struct kvm_hc_range r;

	r = lim_range(1, 0, KVM_HC_ACTION_DENY, -EACCES);
	KUNIT_EXPECT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(0, 5, 0, 0);			/* a rate without a burst */
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(0, 0, KVM_HC_ACTION_DENY, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_EXCEPTION, 0);
	KUNIT_EXPECT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_EXCEPTION, -EACCES);
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_FORWARD, 0);	/* over the limit: kvm, deny, exception */
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_DENY, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_KVM, -EPERM);
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = lim_range(1, 0, KVM_HC_ACTION_KVM, 0);
	r.action = KVM_HC_KVM;				/* a limit on stock KVM */
	r.error = 0;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
}

/* Burst B, no refill: exactly B calls pass, and every later one is over. */
static void limit_burst_exact(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_range r = lim_range(3, 0, KVM_HC_ACTION_DENY, -EACCES);
	struct kvm_hc_counters c;
	int i, st;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, lim_call(kvm, &st), KVM_HC_DENY);
		KUNIT_EXPECT_EQ(test, st, -EPERM);
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, lim_call(kvm, &st), KVM_HC_DENY);
		KUNIT_EXPECT_EQ(test, st, -EACCES);
	}
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_limited(vm), 2ULL);
	kvm_hc_vm_total(vm, &c);
	KUNIT_EXPECT_EQ(test, c.deny, 5ULL);

	/* over the limit to stock KVM; a new policy starts with a full bucket */
	r = lim_range(1, 0, KVM_HC_ACTION_KVM, 0);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	KUNIT_EXPECT_EQ(test, lim_call(kvm, &st), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, lim_call(kvm, &st), KVM_HC_KVM);
	KUNIT_EXPECT_EQ(test, kvm_hc_vm_limited(vm), 3ULL);
}

/* Rate R: the bucket refills at R a second, never past its burst. */
static void limit_refill(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_range r = lim_range(2, 10, KVM_HC_ACTION_DENY, -EACCES);
	unsigned int passed = 0, i;
	u64 t0, ms;
	int st;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	t0 = ktime_get_mono_fast_ns();
	for (i = 0; i < 4; i++)
		lim_call(kvm, &st);
	/* 300 ms at 10 a second: full again (2), not 3 */
	msleep(300);
	for (i = 0; i < 10; i++)
		passed += lim_call(kvm, &st) == KVM_HC_DENY && st == -EPERM;
	ms = div_u64(ktime_get_mono_fast_ns() - t0, NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, passed, 2U);
	/* all 14 calls: those that passed are at most burst + rate * time */
	KUNIT_EXPECT_LE(test, 14ULL - kvm_hc_vm_limited(vm), 2ULL + div_u64(10 * ms, 1000) + 1);
	KUNIT_EXPECT_GE(test, 14ULL - kvm_hc_vm_limited(vm), 4ULL);
}

static struct kunit_case kvm_hc_limit_cases[] = {
	KUNIT_CASE(limit_rejects_bad_ranges),
	KUNIT_CASE(limit_burst_exact),
	KUNIT_CASE(limit_refill),
	{}
};

static struct kunit_suite kvm_hc_limit_suite = {
	.name = "kvm_hc_limit",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_limit_cases,
};

kunit_test_suites(&kvm_hc_limit_suite);
