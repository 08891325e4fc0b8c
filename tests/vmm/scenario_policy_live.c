// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_policy_live.c - the policy-live scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   policy-live
 *	A vCPU calls one number in a loop while another thread replaces the
 *	VM's policy hundreds of times, the number's range switching between
 *	deny, forward to the VMM and KVM.  Every answer is one of the three,
 *	forwarded exits match the forward answers one for one, the guest
 *	never stalls, and the counters add up to what the guest saw.
 */
#include "scenario.h"

#define LIVE_NR		ARCH_KVM_NR
#define LIVE_ANSWER	0x77
#define LIVE_ERROR	(-EACCES)	/* unlike any architecture's stock answer */
#define LIVE_SWITCHES	600
#define LIVE_STALL_MS	2000

struct live {
	int h;
	volatile int done;
	unsigned long switches, set_errors;
	int last_error;
	/* results by kind: denied, forwarded (LIVE_ANSWER), KVM, other */
	unsigned long n_deny, n_user, n_kvm, n_other, n_mismatch;
	uint64_t first_other, deny_val;
};

static void *live_switcher(void *arg)
{
	struct live *lv = arg;
	struct kvm_hc_range ranges[] = {
		RANGE(ARCH_NR(0x100), ARCH_NR(0x1ff), DENY, -EINVAL),
		RANGE(LIVE_NR, LIVE_NR, DENY, LIVE_ERROR),
		RANGE(ARCH_NR(0x400), ARCH_NR(0x4ff), FORWARD, 0),
	};
	uint64_t end = now_ns() + 8 * NSEC_PER_SEC;
	unsigned int seed = 12345;
	unsigned long i;

	worker_signals();
	for (i = 0; i < LIVE_SWITCHES && now_ns() < end; i++) {
		int r;

		switch (i % 3) {
		case 0:
			ranges[1].action = KVM_HC_ACTION_FORWARD;
			ranges[1].error = 0;
			break;
		case 1:
			ranges[1].action = KVM_HC_ACTION_KVM;
			ranges[1].error = 0;
			break;
		case 2:
			ranges[1].action = KVM_HC_ACTION_DENY;
			ranges[1].error = LIVE_ERROR;
			break;
		}
		r = hc_set_policy(lv->h, 0, ranges, NRANGES(ranges));
		if (r) {
			lv->set_errors++;
			lv->last_error = -r;
		}
		lv->switches++;
		/* 0.5 to 3 ms: several guest calls under each policy, in varying phase */
		seed = seed * 1103515245 + 12345;
		usleep(500 + (seed >> 16) % 2500);
	}
	lv->done = 1;
	return NULL;
}

static void live_result(struct loop *l, uint64_t val, unsigned long since)
{
	struct live *lv = l->priv;

	if (val == lv->deny_val) {
		lv->n_deny++;
		lv->n_mismatch += since != 0;
	} else if (val == LIVE_ANSWER) {
		lv->n_user++;
		lv->n_mismatch += since != 1;
	} else if (val == ARCH_KVM_ANSWER) {
		lv->n_kvm++;
		lv->n_mismatch += since != 0;
	} else if (!lv->n_other++) {
		lv->first_other = val;
	}
}

int cmd_policy_live(void)
{
	const struct kvm_hc_range initial[] = { RANGE(LIVE_NR, LIVE_NR, DENY, LIVE_ERROR) };
	struct live lv = { .h = -1, .deny_val = arch_denied(LIVE_ERROR).val };
	struct loop l = {
		.nr = LIVE_NR, .args = { 1, 2, 3, 4 }, .limit_s = 20, .stop = &lv.done,
		.ret_base = LIVE_ANSWER, .on_result = live_result, .priv = &lv,
	};
	struct hc_counts want;
	pthread_t thr;
	struct vm vm;
	int dev, ok;

	watchdog_start("policy-live", 40);
	dev = hc_open("policy-live.open");
	if (dev < 0)
		return 1;
	if (arch_vm_create(&vm, "policy-live") < 0)
		return 1;
	lv.h = hc_attach(dev, vm.fd, "policy-live");
	if (lv.h < 0)
		return 1;
	if (hc_policy(lv.h, 0, initial, NRANGES(initial), "policy-live") < 0)
		return 1;
	l.vm = &vm;
	if (pthread_create(&thr, NULL, live_switcher, &lv)) {
		report(0, "policy-live.thread", "pthread_create failed");
		return 1;
	}
	loop_run(&l);
	lv.done = 1;
	pthread_join(thr, NULL);

	printf("INFO policy-live: %lu calls in %llu ms, %lu policy switches, max gap %llu ms: deny %lu, forwarded %lu, kvm %lu, other %lu\n",
	       l.nresults, ms(l.ns), lv.switches, ms(l.max_gap_ns), lv.n_deny, lv.n_user,
	       lv.n_kvm, lv.n_other);
	report(lv.set_errors == 0 && lv.switches >= 100, "policy-live.switches",
	       "got=%lu-switches,%lu-refused(last %s) want>=100,0-refused", lv.switches,
	       lv.set_errors, errname(lv.last_error));
	report(lv.n_other == 0 && l.nresults > 0, "policy-live.results_valid",
	       "got=%lu-of-%lu-outside{0x%llx,0x%x,0x%llx}%s want=0", lv.n_other, l.nresults,
	       (unsigned long long)lv.deny_val, LIVE_ANSWER, (unsigned long long)ARCH_KVM_ANSWER,
	       lv.n_other ? " (see first_other)" : "");
	if (lv.n_other)
		printf("INFO policy-live: first unexpected result 0x%016llx\n",
		       (unsigned long long)lv.first_other);
	report(lv.n_deny && lv.n_user && lv.n_kvm, "policy-live.all_three_seen",
	       "got=deny:%lu,forwarded:%lu,kvm:%lu want=each>0", lv.n_deny, lv.n_user, lv.n_kvm);
	report(!lv.n_mismatch && !l.bad_exits && l.nexits == lv.n_user,
	       "policy-live.exits_match_answers",
	       "got=exits:%lu,answers_0x77:%lu,mismatched:%lu,bad_exit_contents:%lu want=equal,0,0",
	       l.nexits, lv.n_user, lv.n_mismatch, l.bad_exits);
	ok = !l.timed_out && !l.error && ms(l.max_gap_ns) < LIVE_STALL_MS;
	report(ok, "policy-live.no_stall", "got=max_gap:%llums%s%s want<%dms", ms(l.max_gap_ns),
	       l.timed_out ? ",timed_out" : "", l.error ? ",error" : "", LIVE_STALL_MS);

	/* every call was counted under what its answer says it met */
	loop_want(&want, &l, (struct kvm_hc_counters){ .forward = lv.n_user, .deny = lv.n_deny,
						       .kvm = lv.n_kvm });
	counts_check_both("policy-live", lv.h, vm.fd, &want);

	say("the VMM switched number 0x%llx between deny, forward and KVM %lu times while the guest called it %lu times: denied %lu (0x%llx), forwarded %lu (VMM answered 0x%x), KVM %lu (0x%llx), nothing else, and the guest never stalled",
	    (unsigned long long)LIVE_NR, lv.switches, l.nresults, lv.n_deny,
	    (unsigned long long)lv.deny_val, lv.n_user, LIVE_ANSWER, lv.n_kvm,
	    (unsigned long long)ARCH_KVM_ANSWER);
	close(lv.h);
	vm_destroy(&vm);
	close(dev);
	return nfail ? 1 : 0;
}
