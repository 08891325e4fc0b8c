// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the doorbell action and the request ring (kvm_hc_ring.c),
 * for every architecture (s390 included: its calls go through the same
 * dispatcher).  The ring is made as KVM_HC_CREATE_RING makes it; the test
 * reads its shared pages as the VMM would.
 */
#include <linux/file.h>

#include "kvm_hc_kunit.h"

#define DB_NR	0x700
#define RING_NR	0x710

static struct kvm_hc_call db_call(u64 nr, u64 a0)
{
	struct kvm_hc_call c = plain_call(nr, KVM_HC_NO_SVC);

	c.args[0] = a0;
	c.args[1] = ~a0;
	c.args[3] = 0xabcd;
	c.vcpu_id = 3;
	return c;
}

static const struct kvm_hc_range db_ranges[] = {
	{ .first = DB_NR, .last = DB_NR + 0xf, .action = KVM_HC_ACTION_DOORBELL, .doorbell = 2 },
	{ .first = RING_NR, .last = RING_NR + 0xf, .action = KVM_HC_ACTION_DOORBELL,
	  .flags = KVM_HC_RANGE_RING },
};

static void fput_action(void *file)
{
	fput(file);
}

/* A ring of @entries, installed in @vm; the file holds it for the test. */
static struct kvm_hc_ring *db_ring(struct kunit *test, struct kvm_hc_vm *vm, u32 entries)
{
	struct kvm_hc_ring_setup s = { .size = sizeof(s), .entries = entries };
	struct file *file = kvm_hc_ring_file(&s);

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fput_action, file));
	KUNIT_EXPECT_EQ(test, s.entry_size, (u32)sizeof(struct kvm_hc_ring_entry));
	KUNIT_EXPECT_EQ(test, s.entries_offset, (u64)PAGE_SIZE);
	KUNIT_EXPECT_GE(test, s.mmap_size, s.entries_offset + (u64)entries * s.entry_size);
	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_install_ring(vm, file));
	KUNIT_EXPECT_EQ(test, -EEXIST, kvm_hc_vm_install_ring(vm, file));
	return file->private_data;
}

static void doorbell_rejects_bad_ranges(struct kunit *test)
{
	struct kvm_hc_vm *vm = attach(test, fake_vm(test), 0);
	struct kvm_hc_range r = db_ranges[0];

	KUNIT_EXPECT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, db_ranges, 2));
	r.error = -EPERM;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = db_ranges[0];
	r.doorbell = KVM_HC_MAX_DOORBELLS;
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = db_ranges[0];
	r.flags = 4;	/* past KVM_HC_RANGE_USER */
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	/* the ring flag and a doorbell id belong to doorbell ranges only */
	r = (struct kvm_hc_range){ .first = 1, .last = 1, .action = KVM_HC_DENY, .error = -EPERM,
				   .flags = KVM_HC_RANGE_RING };
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	r = (struct kvm_hc_range){ .first = 1, .last = 1, .action = KVM_HC_KERNEL, .doorbell = 1 };
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_policy(vm, 0, &r, 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, kvm_hc_vm_set_doorbell(vm, KVM_HC_MAX_DOORBELLS, NULL));
}

static void doorbell_answers_in_kernel(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_counters c;
	struct kvm_hc_call call;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, db_ranges, 2));
	/* no eventfd set: the call is still answered, with 0 */
	call = db_call(DB_NR + 5, 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_take(kvm, KVM_HC_ARCH_X86, 0, call.nr, KVM_HC_NO_SVC),
			KVM_HC_TAKE);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, call.status, 0);
	KUNIT_EXPECT_EQ(test, call.nret, 1U);
	KUNIT_EXPECT_EQ(test, call.ret[0], 0ULL);
	/* a ring range without a ring: busy */
	call = db_call(RING_NR, 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, call.status, -KVM_HC_EBUSY);
	kvm_hc_vm_total(vm, &c);
	KUNIT_EXPECT_EQ(test, c.kernel, 2ULL);
	KUNIT_EXPECT_EQ(test, c.kvm + c.forward + c.deny, 0ULL);
}

static void doorbell_ring_order_full_wrap(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_ring_header state;
	struct kvm_hc_ring *ring;
	struct kvm_hc_call call;
	u32 cons = 0, i, k;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, db_ranges, 2));
	KUNIT_EXPECT_FALSE(test, kvm_hc_vm_ring_state(vm, &state));
	ring = db_ring(test, vm, 4);
	KUNIT_EXPECT_EQ(test, ring->hdr->entries, 4U);

	/* three rounds: fill, drain; the indexes pass 4, 8 and 12 */
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 4; i++) {
			call = db_call(RING_NR + i, 100 * k + i);
			KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
			KUNIT_EXPECT_EQ(test, call.status, 0);
		}
		/* full: busy, counted, nothing written */
		call = db_call(RING_NR, 999);
		KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
		KUNIT_EXPECT_EQ(test, call.status, -KVM_HC_EBUSY);
		/* as the VMM reads it: acquire, pairing with kvm_hc's release */
		KUNIT_EXPECT_EQ(test, smp_load_acquire(&ring->hdr->producer), 4 * (k + 1));
		KUNIT_EXPECT_EQ(test, ring->hdr->busy, (u64)k + 1);
		for (i = 0; i < 4; i++, cons++) {
			const struct kvm_hc_ring_entry *e = &ring->ent[cons & 3];

			KUNIT_EXPECT_EQ(test, e->nr, (u64)RING_NR + i);
			KUNIT_EXPECT_EQ(test, e->args[0], 100ULL * k + i);
			KUNIT_EXPECT_EQ(test, e->args[1], ~(100ULL * k + i));
			KUNIT_EXPECT_EQ(test, e->args[3], 0xabcdULL);
			KUNIT_EXPECT_EQ(test, e->args[4], 0ULL);	/* past nargs */
			KUNIT_EXPECT_EQ(test, e->vcpu, 3U);
		}
		/* as the VMM hands the slots back: release, after its reads */
		smp_store_release(&ring->hdr->consumer, cons);
	}
	KUNIT_EXPECT_TRUE(test, kvm_hc_vm_ring_state(vm, &state));
	KUNIT_EXPECT_EQ(test, state.producer, 12U);
	KUNIT_EXPECT_EQ(test, state.consumer, 12U);
	KUNIT_EXPECT_EQ(test, state.busy, 3ULL);
}

/* The VMM's consumer index is not trusted: ahead of the producer is full. */
static void doorbell_ring_bad_consumer(struct kunit *test)
{
	struct kvm *kvm = fake_vm(test);
	struct kvm_hc_vm *vm = attach(test, kvm, 0);
	struct kvm_hc_ring *ring;
	struct kvm_hc_call call;

	KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(vm, 0, db_ranges, 2));
	ring = db_ring(test, vm, 2);
	WRITE_ONCE(ring->hdr->consumer, 7);
	WRITE_ONCE(ring->hdr->producer, 0x1234);	/* the VMM's to scribble on */
	call = db_call(RING_NR, 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, call.status, -KVM_HC_EBUSY);
	WRITE_ONCE(ring->hdr->consumer, 0);
	call = db_call(RING_NR, 1);
	KUNIT_EXPECT_EQ(test, kvm_hc_dispatch(kvm, NULL, &call), KVM_HC_KERNEL);
	KUNIT_EXPECT_EQ(test, call.status, 0);
	/* kvm_hc's own index decides: the entry went to slot 0 */
	KUNIT_EXPECT_EQ(test, ring->hdr->producer, 1U);
	KUNIT_EXPECT_EQ(test, ring->ent[0].args[0], 1ULL);
}

static struct kunit_case kvm_hc_doorbell_cases[] = {
	KUNIT_CASE(doorbell_rejects_bad_ranges),
	KUNIT_CASE(doorbell_answers_in_kernel),
	KUNIT_CASE(doorbell_ring_order_full_wrap),
	KUNIT_CASE(doorbell_ring_bad_consumer),
	{}
};

static struct kunit_suite kvm_hc_doorbell_suite = {
	.name = "kvm_hc_doorbell",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_doorbell_cases,
};

kunit_test_suites(&kvm_hc_doorbell_suite);
