// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_guest.ko - loaded in a Linux guest of a stock VMM: makes the
 * kvm_hc discovery call and one more call of the caller's choice (a number
 * a policy denies) through tools/include/kvm_hc_guest.h, then runs a
 * lock-contended workload whose checksum proves that no update was lost.
 *
 * The workload: @threads kthreads (default: two per online CPU, so that
 * lock holders are preempted) each take one spinlock @iters times and, in
 * the critical section, read the shared sum, spin a little and write back
 * the sum plus a value that depends on the thread and the iteration.  The
 * sum is independent of the order in which threads got the lock, so it
 * equals the one computed without the lock unless mutual exclusion failed.
 * With PV spinlocks (KVM_FEATURE_PV_UNHALT), a waiter that spins too long
 * halts and the unlocker wakes it with the KICK_CPU hypercall.
 *
 * Prints one line per part, parsed by the guest's /init:
 *   kvm_hc_guest: discover=0x<version or 0>
 *   kvm_hc_guest: call nr=0x<nr> ret=<result>
 *   kvm_hc_guest: lockwork threads=T iters=N count=C sum=0x.. expected=0x.. ok|BAD
 * and fails to load (-EIO) when the checksum is wrong.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <kvm_hc_guest.h>

static unsigned long call_nr;
module_param(call_nr, ulong, 0444);
MODULE_PARM_DESC(call_nr, "one more hypercall number to make (0: none)");
static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "workload threads (0: two per online CPU)");
static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "lock acquisitions per thread");
static unsigned int hold = 200;
module_param(hold, uint, 0444);
MODULE_PARM_DESC(hold, "cpu_relax() loops inside each critical section");

static DEFINE_SPINLOCK(work_lock);
static u64 work_sum;
static u64 work_count;
static atomic_t work_left;
static DECLARE_COMPLETION(work_done);

/* What thread @t adds in iteration @i: a 64-bit mix, not a simple sum. */
static u64 work_value(unsigned int t, unsigned int i)
{
	u64 x = ((u64)t << 32 | i) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static int work_thread(void *arg)
{
	unsigned int t = (unsigned long)arg, i, j;
	u64 v;

	for (i = 0; i < iters; i++) {
		spin_lock(&work_lock);
		v = READ_ONCE(work_sum);
		for (j = 0; j < hold; j++)
			cpu_relax();
		WRITE_ONCE(work_sum, v + work_value(t, i));
		work_count++;
		spin_unlock(&work_lock);
		if (!(i & 255))
			cond_resched();
	}
	if (atomic_dec_and_test(&work_left))
		complete(&work_done);
	return 0;
}

static int work_run(void)
{
	unsigned int n = threads ? threads : 2 * num_online_cpus(), t, i;
	u64 expected = 0;

	atomic_set(&work_left, n);
	for (t = 0; t < n; t++) {
		struct task_struct *k;

		k = kthread_run(work_thread, (void *)(unsigned long)t, "kvm_hc_guest/%u", t);
		if (IS_ERR(k)) {
			pr_err("cannot start thread %u: %ld\n", t, PTR_ERR(k));
			/* the threads not started will not count down */
			if (atomic_sub_and_test(n - t, &work_left))
				complete(&work_done);
			n = t;
			break;
		}
	}
	wait_for_completion(&work_done);
	for (t = 0; t < n; t++)
		for (i = 0; i < iters; i++)
			expected += work_value(t, i);
	pr_info("lockwork threads=%u iters=%u count=%llu sum=0x%016llx expected=0x%016llx %s\n",
		n, iters, work_count, work_sum, expected,
		work_sum == expected && work_count == (u64)n * iters ? "ok" : "BAD");
	return work_sum == expected && work_count == (u64)n * iters ? 0 : -EIO;
}

static int __init kvm_hc_guest_init(void)
{
	struct kvm_hc_guest_res res;

	pr_info("discover=0x%lx\n", kvm_hc_guest_discover());
	if (call_nr) {
		kvm_hc_guest_call(call_nr, 0, 0, 0, 0, &res);
		pr_info("call nr=0x%lx ret=%ld\n", call_nr, res.ret);
	}
	return work_run();
}

static void __exit kvm_hc_guest_exit(void)
{
}

module_init(kvm_hc_guest_init);
module_exit(kvm_hc_guest_exit);
MODULE_DESCRIPTION("kvm_hc guest-side test: hypercalls and a lock-contended workload");
MODULE_LICENSE("GPL");
