// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_x86_abi: the x86 ABI (x86 KUnit kernels only: its
 * decoder reads x86 registers).
 */
#include "kvm_hc_kunit.h"
#include "../arch/x86/kvm_hc_x86.h"

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
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_x86_abi_cases,
};

kunit_test_suites(&kvm_hc_x86_abi_suite);
