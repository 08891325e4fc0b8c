// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_torture: the core under SMP stress.  Dispatcher kthreads (two per
 * online CPU) call numbers on three fake VMs, more distinct numbers than a
 * VM counts one by one, while writer kthreads
 *   - replace the policies of VMs 0 and 1 between two that differ in their
 *     services and in every range boundary, as one object,
 *   - attach VM 2, give it a policy and detach it again, in a loop,
 *   - register and unregister a handler that sleeps, in a loop,
 *   - set and take arm64 wake tokens of VM 0, and set VM 2's.
 * Asserted: every answer is one that policy A, policy B or (for VM 2) stock
 * KVM gives as a whole, never a mix; once unregister returns, the handler
 * is not running; VMs 0 and 1 counted exactly the calls made on them, by
 * action; no wake token is left once VM 2 is detached.
 */
#include <linux/random.h>

#include "kvm_hc_kunit.h"
#include "../arch/arm64/kvm_hc_arm64.h"

#define T_VMS		3
#define T_NRS		200		/* numbers 0..199, beyond the 64 counted */
#define T_HANDLER_NR	0x5a5a1000ULL	/* served in the kernel, by a sleeper */

/* How long the threads run: kvm_hc_kunit.torture_ms=N longer (check-long). */
static unsigned int torture_ms = 2000;
module_param(torture_ms, uint, 0444);
MODULE_PARM_DESC(torture_ms, "how long the torture suite's threads run, in ms");

/* The two policies: every boundary differs, and so do the services. */
static const struct kvm_hc_range t_pol_a[] = {
	{ .first = 0, .last = 49, .action = KVM_HC_DENY, .error = -EPERM },
	{ .first = 50, .last = 149, .action = KVM_HC_KVM },
	{ .first = 150, .last = 199, .action = KVM_HC_DENY, .error = -EPERM },
	{ .first = T_HANDLER_NR, .last = T_HANDLER_NR, .action = KVM_HC_KERNEL },
};

static const struct kvm_hc_range t_pol_b[] = {
	{ .first = 0, .last = 99, .action = KVM_HC_KVM },
	{ .first = 100, .last = 199, .action = KVM_HC_DENY, .error = -EACCES },
	{ .first = T_HANDLER_NR, .last = T_HANDLER_NR, .action = KVM_HC_KERNEL },
};

#define T_SVC_A		BIT(KVM_HC_SVC_DISCOVER)
#define T_SVC_B		0

enum t_pol { T_A, T_B, T_STOCK };

struct t_answer {
	enum kvm_hc_action act;
	int status;
};

/* What policy @p answers for number @n (T_NRS: the discovery call). */
static struct t_answer t_expect(enum t_pol p, unsigned int n)
{
	struct t_answer a = { KVM_HC_KVM, 0 };

	if (p == T_STOCK)
		return a;
	if (n == T_NRS) {
		if ((p == T_A ? T_SVC_A : T_SVC_B) & BIT(KVM_HC_SVC_DISCOVER))
			a.act = KVM_HC_KERNEL;
		return a;
	}
	if (p == T_A && (n < 50 || n >= 150)) {
		a.act = KVM_HC_DENY;
		a.status = -EPERM;
	} else if (p == T_B && n >= 100) {
		a.act = KVM_HC_DENY;
		a.status = -EACCES;
	}
	return a;
}

static bool t_is(struct t_answer a, enum kvm_hc_action act, int status)
{
	return a.act == act && (act != KVM_HC_DENY || a.status == status);
}

struct t_state {
	struct kvm *kvm[T_VMS];
	struct kvm_hc_vm *vm[T_VMS];	/* 0 and 1; 2 belongs to its writer */
	bool stop;
	atomic_t mixed;
	atomic_t handler_wrong;
	atomic_t handler_running;
	atomic_t unregistered_running;	/* running when unregister returned */
	atomic_t registered;		/* loops of the handler writer */
	atomic_t replaced;
	atomic_t attached;
	atomic_t woken;
	/* calls made on VMs 0 and 1, by action */
	atomic64_t made[2][KVM_HC_DENY + 1];
	atomic64_t calls;
};

static struct t_state *t_st;

static void t_sleeping_handler(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	atomic_inc(&t_st->handler_running);
	usleep_range(20, 60);
	call->nret = 1;
	call->ret[0] = call->args[0] + 1;
	atomic_dec(&t_st->handler_running);
}

static void t_count(struct t_state *st, unsigned int v, enum kvm_hc_action act)
{
	if (v < 2 && act <= KVM_HC_DENY)
		atomic64_inc(&st->made[v][act]);
}

static int t_dispatcher(void *data)
{
	struct t_state *st = data;
	unsigned long loops = 0;

	while (!READ_ONCE(st->stop)) {
		unsigned int v = get_random_u32_below(T_VMS);
		unsigned int n = get_random_u32_below(T_NRS + 2);
		struct kvm_hc_call c;
		struct t_answer got;

		if (n == T_NRS + 1) {
			/* the sleeping handler: its answer, or KVM's without it */
			c = plain_call(T_HANDLER_NR, KVM_HC_NO_SVC);
			c.args[0] = loops;
			got.act = kvm_hc_dispatch(st->kvm[v], NULL, &c);
			if ((got.act == KVM_HC_KERNEL && (c.nret != 1 || c.ret[0] != loops + 1)) ||
			    (got.act != KVM_HC_KERNEL && got.act != KVM_HC_KVM))
				atomic_inc(&st->handler_wrong);
		} else {
			c = plain_call(n == T_NRS ? 0 : n,
				       n == T_NRS ? KVM_HC_SVC_DISCOVER : KVM_HC_NO_SVC);
			got.act = kvm_hc_dispatch(st->kvm[v], NULL, &c);
			got.status = c.status;
			if (!t_is(t_expect(T_A, n), got.act, got.status) &&
			    !t_is(t_expect(T_B, n), got.act, got.status) &&
			    !(v == 2 && t_is(t_expect(T_STOCK, n), got.act, got.status)))
				atomic_inc(&st->mixed);
		}
		t_count(st, v, got.act);
		atomic64_inc(&st->calls);
		if (!(++loops & 63))
			cond_resched();
	}
	return 0;
}

static int t_policy_writer(void *data)
{
	struct t_state *st = data;
	unsigned int i = 0;

	while (!READ_ONCE(st->stop)) {
		bool a = i & 1;
		unsigned int v = (i++ >> 1) & 1;

		if (kvm_hc_vm_set_policy(st->vm[v], a ? T_SVC_A : T_SVC_B,
					 a ? t_pol_a : t_pol_b,
					 a ? ARRAY_SIZE(t_pol_a) : ARRAY_SIZE(t_pol_b)))
			atomic_inc(&st->mixed);
		atomic_inc(&st->replaced);
		/* room for the dispatchers on a machine with few CPUs */
		if (!(i & 15))
			usleep_range(20, 50);
	}
	return 0;
}

static int t_attach_writer(void *data)
{
	struct t_state *st = data;

	while (!READ_ONCE(st->stop)) {
		struct kvm_hc_vm *vm = kvm_hc_vm_attach(st->kvm[2], 0);

		if (IS_ERR(vm)) {
			atomic_inc(&st->mixed);
			usleep_range(1000, 2000);
			continue;
		}
		if (kvm_hc_vm_set_policy(vm, T_SVC_A, t_pol_a, ARRAY_SIZE(t_pol_a)))
			atomic_inc(&st->mixed);
		usleep_range(50, 200);
		kvm_hc_vm_detach(vm);
		atomic_inc(&st->attached);
		usleep_range(50, 200);
	}
	return 0;
}

static int t_handler_writer(void *data)
{
	struct t_state *st = data;

	while (!READ_ONCE(st->stop)) {
		if (kvm_hc_handler_register(KVM_HC_ARCH_X86, T_HANDLER_NR, t_sleeping_handler,
					    THIS_MODULE)) {
			atomic_inc(&st->handler_wrong);
			usleep_range(1000, 2000);
			continue;
		}
		usleep_range(100, 300);
		kvm_hc_handler_unregister(KVM_HC_ARCH_X86, T_HANDLER_NR);
		/* nothing may run a handler that is gone */
		if (atomic_read(&st->handler_running))
			atomic_inc(&st->unregistered_running);
		atomic_inc(&st->registered);
		usleep_range(50, 100);
	}
	return 0;
}

static int t_wake_writer(void *data)
{
	struct t_state *st = data;
	unsigned int i = 0;

	while (!READ_ONCE(st->stop)) {
		unsigned int idx = i++ % KVM_HC_ARM64_WAKE_VCPUS;

		kvm_hc_arm64_wake_set(st->kvm[0], idx);
		if (kvm_hc_arm64_wake_test(st->kvm[0], idx, true))
			atomic_inc(&st->woken);
		/* left set: VM 2's detach must drop them */
		kvm_hc_arm64_wake_set(st->kvm[2], idx);
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}

static void t_stop_all(struct task_struct **t, unsigned int n)
{
	unsigned int i;

	WRITE_ONCE(t_st->stop, true);
	for (i = 0; i < n; i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
}

static void torture_dispatch_under_writers(struct kunit *test)
{
	int (*writers[])(void *) = { t_policy_writer, t_attach_writer, t_handler_writer,
				     t_wake_writer };
	unsigned int nd = max(2U, 2 * num_online_cpus()), nt = 0, i, v;
	int wake_base = atomic_read(&kvm_hc_arm64_wake_tokens);
	struct kvm_hc_counters c;
	struct task_struct **t;
	struct t_state *st;
	u64 made;

	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	t = kunit_kcalloc(test, nd + ARRAY_SIZE(writers), sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t_st = st;
	for (v = 0; v < T_VMS; v++)
		st->kvm[v] = fake_vm(test);
	for (v = 0; v < 2; v++) {
		st->vm[v] = attach(test, st->kvm[v], 0);
		KUNIT_ASSERT_EQ(test, 0, kvm_hc_vm_set_policy(st->vm[v], T_SVC_A, t_pol_a,
							      ARRAY_SIZE(t_pol_a)));
	}

	for (i = 0; i < nd + ARRAY_SIZE(writers); i++) {
		struct task_struct *k;

		k = kthread_run(i < nd ? t_dispatcher : writers[i - nd], st, "kvm_hc_torture/%u",
				i);
		if (IS_ERR(k)) {
			t_stop_all(t, nt);
			KUNIT_FAIL(test, "cannot start thread %u: %ld", i, PTR_ERR(k));
			return;
		}
		get_task_struct(k);
		t[nt++] = k;
	}
	msleep(torture_ms);
	t_stop_all(t, nt);

	kunit_info(test, "%u dispatchers, %llu calls; %d policy replacements, %d attach cycles, %d handler cycles, %d wakes",
		   nd, (u64)atomic64_read(&st->calls), atomic_read(&st->replaced),
		   atomic_read(&st->attached), atomic_read(&st->registered),
		   atomic_read(&st->woken));
	KUNIT_EXPECT_GT(test, atomic64_read(&st->calls), 1000LL);
	KUNIT_EXPECT_GT(test, atomic_read(&st->replaced), 10);
	KUNIT_EXPECT_GT(test, atomic_read(&st->attached), 10);
	KUNIT_EXPECT_GT(test, atomic_read(&st->registered), 10);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->mixed), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->handler_wrong), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->unregistered_running), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st->handler_running), 0);
	/* Every call on VMs 0 and 1 counted once, under the action it got. */
	for (v = 0; v < 2; v++) {
		kvm_hc_vm_total(st->vm[v], &c);
		KUNIT_EXPECT_EQ(test, c.kvm, (u64)atomic64_read(&st->made[v][KVM_HC_KVM]));
		KUNIT_EXPECT_EQ(test, c.kernel, (u64)atomic64_read(&st->made[v][KVM_HC_KERNEL]));
		KUNIT_EXPECT_EQ(test, c.deny, (u64)atomic64_read(&st->made[v][KVM_HC_DENY]));
		KUNIT_EXPECT_EQ(test, c.forward, 0ULL);
		made = atomic64_read(&st->made[v][KVM_HC_KVM]) +
		       atomic64_read(&st->made[v][KVM_HC_KERNEL]) +
		       atomic64_read(&st->made[v][KVM_HC_DENY]);
		KUNIT_EXPECT_GT(test, made, 0ULL);
		/* more numbers than slots: some went uncounted per number */
		KUNIT_EXPECT_GT(test, kvm_hc_vm_uncounted(st->vm[v]), 0ULL);
	}
	/* Every token of VM 0 was taken; VM 2's went with its detach. */
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
	KUNIT_EXPECT_EQ(test, atomic_read(&kvm_hc_arm64_wake_tokens), wake_base);
}

static struct kunit_case kvm_hc_torture_cases[] = {
	KUNIT_CASE_SLOW(torture_dispatch_under_writers),
	{}
};

static struct kunit_suite kvm_hc_torture_suite = {
	.name = "kvm_hc_torture",
	.suite_exit = kvm_hc_kunit_suite_exit,
	.test_cases = kvm_hc_torture_cases,
};

kunit_test_suites(&kvm_hc_torture_suite);
