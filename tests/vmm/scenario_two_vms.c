// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_two_vms.c - the two-vms scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   two-vms
 *	Two attached VMs call the same number at the same time, from two
 *	threads: VM A's policy forwards it (each call's answer is the one
 *	its own VMM gave), VM B's denies it; a third VM that did not opt in
 *	gets stock KVM's answer meanwhile.  Each VM's counters hold exactly
 *	its own calls, and the third has no sysfs folder.
 */
#include "scenario.h"

#define TWO_NR		ARCH_NR(0x500)
#define TWO_CALLS	400
#define TWO_C_CALLS	40

struct two_side {
	struct loop l;
	unsigned long good, bad;
	uint64_t first_bad;
	int forwards;			/* 1: answers must be the VMM's, 0: denied */
	pthread_t thr;
};

static void two_result(struct loop *l, uint64_t val, unsigned long since)
{
	struct two_side *s = l->priv;
	int ok = s->forwards ? val == l->last_ret && since == 1 :
			       val == arch_denied(-EINVAL).val && since == 0;

	if (ok)
		s->good++;
	else if (!s->bad++)
		s->first_bad = val;
}

/* VM C, not attached: stock KVM's answer to each of its calls. */
static unsigned long two_stock_calls(struct vm *c, unsigned long *calls)
{
	struct answer stock = arch_stock();
	unsigned long good = 0;

	for (*calls = 0; *calls < TWO_C_CALLS; (*calls)++) {
		struct answer a = arch_call(c, TWO_NR, "two-vms.c");

		if (a.exits < 0)
			break;
		good += answer_eq(a, stock);
	}
	return good;
}

int cmd_two_vms(void)
{
	const struct kvm_hc_range fwd[] = { RANGE(TWO_NR, TWO_NR, FORWARD, 0) };
	const struct kvm_hc_range deny[] = { RANGE(TWO_NR, TWO_NR, DENY, -EINVAL) };
	const uint64_t denied = arch_denied(-EINVAL).val;
	struct two_side sa = { .forwards = 1 }, sb = { .forwards = 0 };
	struct hc_counts wa, wb;
	unsigned long c_calls, c_good;
	struct vm a, b, c;
	int dev, ha, hb;

	watchdog_start("two-vms", 40);
	dev = hc_open("two-vms.open");
	if (dev < 0)
		return 1;
	if (arch_vm_create(&a, "two-vms.a") < 0 || arch_vm_create(&b, "two-vms.b") < 0 ||
	    arch_vm_create(&c, "two-vms.c") < 0)
		return 1;
	ha = hc_attach(dev, a.fd, "two-vms.a");
	hb = hc_attach(dev, b.fd, "two-vms.b");
	if (ha < 0 || hb < 0)
		return 1;
	if (hc_policy(ha, 0, fwd, 1, "two-vms.a") < 0 || hc_policy(hb, 0, deny, 1, "two-vms.b") < 0)
		return 1;

	sa.l = (struct loop){ .vm = &a, .nr = TWO_NR, .args = { 0xa1, 0xa2, 0xa3, 0xa4 },
			      .max = TWO_CALLS, .limit_s = 20, .ret_base = 0xa0000000,
			      .ret_seq = 1, .on_result = two_result, .priv = &sa };
	sb.l = (struct loop){ .vm = &b, .nr = TWO_NR, .args = { 0xb1, 0xb2, 0xb3, 0xb4 },
			      .max = TWO_CALLS, .limit_s = 20, .ret_base = 0xb0000000,
			      .ret_seq = 1, .on_result = two_result, .priv = &sb };
	if (pthread_create(&sa.thr, NULL, loop_thread, &sa.l) ||
	    pthread_create(&sb.thr, NULL, loop_thread, &sb.l)) {
		report(0, "two-vms.threads", "pthread_create failed");
		return 1;
	}
	/* meanwhile a VM that did not opt in calls the same number */
	c_good = two_stock_calls(&c, &c_calls);
	pthread_join(sa.thr, NULL);
	pthread_join(sb.thr, NULL);

	printf("INFO two-vms: A %lu calls %lu exits in %llu ms, B %lu calls %lu exits in %llu ms, C %lu calls\n",
	       sa.l.nresults, sa.l.nexits, ms(sa.l.ns), sb.l.nresults, sb.l.nexits, ms(sb.l.ns),
	       c_calls);
	report(sa.l.nresults == TWO_CALLS && sa.good == TWO_CALLS && !sa.l.bad_exits,
	       "two-vms.a.forwarded", "got=%lu-of-%lu-answered-by-its-VMM,%lu-wrong(first 0x%llx),%lu-bad-exits want=%d,0,0",
	       sa.good, sa.l.nresults, sa.bad, (unsigned long long)sa.first_bad, sa.l.bad_exits,
	       TWO_CALLS);
	report(sb.l.nresults == TWO_CALLS && sb.good == TWO_CALLS && sb.l.nexits == 0,
	       "two-vms.b.denied", "got=%lu-of-%lu-got-0x%016llx,%lu-wrong(first 0x%llx),%lu-exits want=%d,0,0",
	       sb.good, sb.l.nresults, (unsigned long long)denied, sb.bad,
	       (unsigned long long)sb.first_bad, sb.l.nexits, TWO_CALLS);
	report(c_calls == TWO_C_CALLS && c_good == c_calls, "two-vms.c.stock",
	       "got=%lu-of-%lu-got-0x%016llx,exits:%d want=%d", c_good, c_calls,
	       (unsigned long long)arch_stock().val, arch_stock().exits, TWO_C_CALLS);

	loop_want(&wa, &sa.l, (struct kvm_hc_counters){ .forward = sa.l.nresults });
	loop_want(&wb, &sb.l, (struct kvm_hc_counters){ .deny = sb.l.nresults });
	counts_check_both("two-vms.a", ha, a.fd, &wa);
	counts_check_both("two-vms.b", hb, b.fd, &wb);
	report(!hc_sysfs_exists(c.fd), "two-vms.c.no_sysfs_dir", "got=%s want=none",
	       hc_sysfs_exists(c.fd) ? "present" : "none");

	say("two VMs called number 0x%llx at the same time: VM A's VMM answered each of its %lu calls, VM B's policy denied all %lu with 0x%llx, and a VM that did not opt in got stock KVM's 0x%llx; the counters kept them apart",
	    (unsigned long long)TWO_NR, sa.good, sb.good, (unsigned long long)denied,
	    (unsigned long long)arch_stock().val);
	close(ha);
	close(hb);
	vm_destroy(&a);
	vm_destroy(&b);
	vm_destroy(&c);
	close(dev);
	return nfail ? 1 : 0;
}
