// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kvm_hc_ppc_abi: the powerpc PAPR and ePAPR ABI.
 */
#include "kvm_hc_kunit.h"
#include <linux/minmax.h>

#include "../arch/powerpc/kvm_hc_ppc.h"

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
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_ppc_abi_cases,
};

kunit_test_suites(&kvm_hc_ppc_abi_suite);
