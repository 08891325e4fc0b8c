// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_s390_abi: the s390 DIAGNOSE 0x500 ABI.
 */
#include "kvm_hc_kunit.h"
#include <linux/kvm.h>

#include "../arch/s390/kvm_hc_s390.h"
#include "../include/uapi/linux/kvm_hc_x86.h"

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

/*
 * An exception range's call: a specification exception, every register
 * as it was; a deny range's: the error in R2.
 */
static void s390_exception(struct kunit *test)
{
	const struct kvm_hc_range r[] = {
		{ .first = 0x700, .last = 0x700, .action = KVM_HC_ACTION_EXCEPTION },
		{ .first = 0x701, .last = 0x701, .action = KVM_HC_DENY, .error = -EACCES,
		  .burst = 1, .over_action = KVM_HC_ACTION_EXCEPTION },
	};
	u64 gprs[16] = { 0, 0x700, 0x22, 0x33, 0x44 }, before[16];
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_call c;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, r, ARRAY_SIZE(r)));
	memcpy(before, gprs, sizeof(gprs));
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_complete(&c, gprs), KVM_HC_S390_PGM_SPECIFICATION);
	KUNIT_EXPECT_EQ(test, memcmp(gprs, before, sizeof(gprs)), 0);
	/* within the limit, the deny; over it, the exception */
	gprs[1] = 0x701;
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_complete(&c, gprs), 0);
	KUNIT_EXPECT_EQ(test, gprs[2], (u64)-EACCES);
	gprs[2] = 0x22;
	memcpy(before, gprs, sizeof(gprs));
	kvm_hc_s390_decode(&c, gprs, false);
	KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_DENY);
	KUNIT_EXPECT_EQ(test, kvm_hc_s390_complete(&c, gprs), KVM_HC_S390_PGM_SPECIFICATION);
	KUNIT_EXPECT_EQ(test, memcmp(gprs, before, sizeof(gprs)), 0);
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

/*
 * A doorbell subcode, as s390's hook sees it: 0 in r2 once it rang (and
 * the call in the ring, with r2..r7 as its arguments), -KVM_HC_EBUSY once
 * the ring is full.
 */
static void s390_doorbell(struct kunit *test)
{
	const struct kvm_hc_range r = {
		.first = 0x20, .last = 0x2f, .action = KVM_HC_ACTION_DOORBELL,
		.flags = KVM_HC_RANGE_RING,
	};
	struct kvm_hc_ring_setup s = { .size = sizeof(s), .entries = 2 };
	u64 gprs[16] = { 0, 0x21, 0x1122334455667788ULL, 3, 4, 5, 6, 7 };
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_ring *ring;
	struct kvm_hc_call c;
	struct file *file;
	int i;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	file = kvm_hc_ring_file(&s);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_install_ring(vm, file));
	ring = file->private_data;
	for (i = 0; i < 3; i++) {
		kvm_hc_s390_decode(&c, gprs, false);
		KUNIT_ASSERT_EQ(test, kvm_hc_dispatch(kvm, NULL, &c), KVM_HC_KERNEL);
		KUNIT_EXPECT_EQ(test, kvm_hc_s390_result(&c), i < 2 ? 0ULL : (u64)-KVM_HC_EBUSY);
	}
	KUNIT_EXPECT_EQ(test, ring->ent[1].nr, 0x21ULL);
	for (i = 0; i < KVM_HC_S390_NR_ARGS; i++)
		KUNIT_EXPECT_EQ(test, ring->ent[1].args[i], gprs[2 + i]);
	KUNIT_EXPECT_EQ(test, ring->hdr->busy, 1ULL);
	fput(file);
}

static struct kunit_case kvm_hc_s390_abi_cases[] = {
	KUNIT_CASE(s390_diag_code),
	KUNIT_CASE(s390_subcodes),
	KUNIT_CASE(s390_decode),
	KUNIT_CASE(s390_results),
	KUNIT_CASE(s390_exception),
	KUNIT_CASE(s390_discovery_round_trip),
	KUNIT_CASE(s390_doorbell),
	KUNIT_CASE(s390_policy_and_exit),
	{}
};

static struct kunit_suite kvm_hc_s390_abi_suite = {
	.name = "kvm_hc_s390_abi",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_s390_abi_cases,
};

kunit_test_suites(&kvm_hc_s390_abi_suite);
