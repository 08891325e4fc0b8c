// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_uapi: counters and the uAPI's rules.
 */
#include "kvm_hc_kunit.h"

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

	/*
	 * The structures are their newest sizes; the ioctl numbers keep the
	 * 1.0 sizes, whatever a structure grew since.
	 */
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_attach), KVM_HC_ATTACH_SIZE_VER1);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(KVM_HC_ATTACH), KVM_HC_ATTACH_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(KVM_HC_SET_POLICY), KVM_HC_POLICY_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(KVM_HC_GET_POLICY), KVM_HC_POLICY_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(KVM_HC_GET_STATS), KVM_HC_STATS_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_range), KVM_HC_RANGE_SIZE_VER1);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_policy), KVM_HC_POLICY_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_nr_stats), KVM_HC_NR_STATS_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct kvm_hc_stats), KVM_HC_STATS_SIZE_VER1);
}

static void uapi_check_extension(struct kunit *test)
{
	static const struct kvm_hc_arch_ops x86 = {
		.arch = KVM_HC_ARCH_X86, .forward_args = 4, .exceptions = true,
	};
	static const struct kvm_hc_arch_ops arm64 = {
		.arch = KVM_HC_ARCH_ARM64, .forward_args = 6, .exit_marker = true,
	};

	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_API_VERSION),
			KVM_HC_API_VERSION);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_GUEST_ABI),
			KVM_HC_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_ARCH), KVM_HC_ARCH_ARM64);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_ACTIONS), 0x1fL);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_DOORBELLS),
			KVM_HC_MAX_DOORBELLS);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_RING_ENTRIES),
			KVM_HC_MAX_RING_ENTRIES);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_MAX_RANGES),
			KVM_HC_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_NR_COUNTERS),
			KVM_HC_NR_SLOTS);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_FORWARD_ARGS), 4);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_EXIT_MARKER), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_EXIT_MARKER), 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_USER_RANGES), 0);
	/* exceptions only where the hook raises them */
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_EXCEPTIONS), 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&arm64, KVM_HC_CAP_EXCEPTIONS), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_ACTIONS), 0x3fL);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_GET_POLICY), 1);
	/* discovery is served everywhere; other services where a handler is */
	KUNIT_EXPECT_TRUE(test, kvm_hc_check_extension(&x86, KVM_HC_CAP_SERVICES) &
				BIT(KVM_HC_SVC_DISCOVER));
	/* unknown capabilities answer 0, as KVM's do */
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, 1000), 0);
	KUNIT_EXPECT_EQ(test, kvm_hc_check_extension(&x86, ~0UL), 0);
}

/* Wake tokens: per vCPU of an attached VM, taken once, gone with the VM. */

static struct kunit_case kvm_hc_uapi_cases[] = {
	KUNIT_CASE(counters_per_number),
	KUNIT_CASE(uapi_argument_validation),
	KUNIT_CASE(uapi_check_extension),
	{}
};

static struct kunit_suite kvm_hc_uapi_suite = {
	.name = "kvm_hc_uapi",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_uapi_cases,
};

kunit_test_suites(&kvm_hc_uapi_suite);
