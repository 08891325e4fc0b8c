// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_arm64_abi: the arm64 SMCCC ABI.
 */
#include "kvm_hc_kunit.h"
#include <linux/arm-smccc.h>

#include "../arch/arm64/kvm_hc_arm64.h"

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
	kvm_hc_unregister_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK);
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
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_register_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK,
							 test_handler));
	/* one handler per service; discovery is the core's */
	KUNIT_EXPECT_EQ(test, kvm_hc_register_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK,
						      test_handler), -EEXIST);
	KUNIT_EXPECT_EQ(test, kvm_hc_register_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_DISCOVER,
						      test_handler), -EINVAL);
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

/* The kick's wake tokens live in the VM's arm64 data (the stubs' kvm_hc_arch). */
static void arm64_wake_tokens(struct kunit *test)
{
	struct kvm *a = fake_vm(test), *b = fake_vm(test);
	struct kvm_hc_vm *va;
	int base = atomic_read(&kvm_hc_arm64_wake_tokens);

	/* Not attached: no token can be set. */
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_set(a, 0));
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_test(a, 0, true));

	va = kvm_hc_vm_attach(a, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(va));
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_set(a, KVM_HC_ARM64_WAKE_VCPUS));
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_set(a, 3));
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_set(a, 3));	/* tokens do not add up */
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_set(a, KVM_HC_ARM64_WAKE_VCPUS - 1));
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_arm64_wake_tokens), base + 2);
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_pending());

	/* Other vCPUs and other VMs hold none. */
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_test(a, 2, true));
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_test(b, 3, true));

	/* Looking does not take it; taking does, once. */
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_test(a, 3, false));
	KUNIT_EXPECT_TRUE(test, kvm_hc_arm64_wake_test(a, 3, true));
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_test(a, 3, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_arm64_wake_tokens), base + 1);

	/* Detaching drops the rest. */
	kvm_hc_vm_detach(va);
	/* Detach frees after an RCU and then an SRCU grace period. */
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_arm64_wake_tokens), base);
	KUNIT_EXPECT_FALSE(test, kvm_hc_arm64_wake_test(a, KVM_HC_ARM64_WAKE_VCPUS - 1, false));
}

static struct kunit_case kvm_hc_arm64_abi_cases[] = {
	KUNIT_CASE(arm64_function_ids),
	KUNIT_CASE(arm64_decode_smc32_truncates),
	KUNIT_CASE(arm64_decode_smc64),
	KUNIT_CASE(arm64_results),
	KUNIT_CASE(arm64_discovery_round_trip),
	KUNIT_CASE(arm64_service_handlers),
	KUNIT_CASE(arm64_wake_tokens),
	{}
};

static struct kunit_suite kvm_hc_arm64_abi_suite = {
	.name = "kvm_hc_arm64_abi",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_arm64_abi_cases,
};

kunit_test_suites(&kvm_hc_arm64_abi_suite);
