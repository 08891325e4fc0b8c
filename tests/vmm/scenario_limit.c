// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_limit.c - the limit scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   limit
 *	Rate limits on a range, from the guest's side and the VMM's: with a
 *	burst of B and no refill exactly B calls get the range's answer (a
 *	doorbell's 0) and every later one the over-limit action (a deny's
 *	error, or stock KVM); a new policy starts with a full bucket; with
 *	a refill of R a second, the calls that passed over T seconds of a
 *	guest calling as fast as it can are at most B + R * T + 1 and at
 *	least R * T / 2.  GET_STATS, sysfs and kvm-hc list count the calls
 *	over the limit.
 */
#include "scenario.h"

#define LIM_NR		ARCH_NR(0xb00)
#define LIM_BURST	5
#define LIM_RATE	50
#define LIM_MS		1000

/* The policy: LIM_NR rings doorbell 0 (answer 0), with a limit. */
static int lim_policy(int h, uint32_t burst, uint32_t rate, uint32_t over, int32_t err,
		      const char *tag)
{
	struct kvm_hc_range r = {
		.first = LIM_NR, .last = LIM_NR, .action = KVM_HC_ACTION_DOORBELL,
		.burst = burst, .rate = rate, .over_action = over, .over_error = err,
	};

	return hc_policy(h, 0, &r, 1, tag);
}

/* kvm-hc list --json shows the limit and the calls over it. */
static void lim_tool(int vm_fd, unsigned long long limited)
{
	char out[16384], want[160];
	const char *name;
	int st = tool_list_json(vm_fd, out, sizeof(out), &name);

	snprintf(want, sizeof(want), "\"limits\": [\"0x%llx-0x%llx %u 0 deny %d\"], \"limited\": %llu",
		 (unsigned long long)LIM_NR, (unsigned long long)LIM_NR, LIM_BURST, -EACCES,
		 limited);
	report(st == 0 && name && strstr(name, want), "limit.tool_list", "got=exit:%d %s want=%s",
	       st, name && strstr(name, want) ? "found" : "missing", want);
	if (!name || !strstr(name, want))
		printf("INFO limit.tool: %s\n", out);
}

int cmd_limit(void)
{
	struct answer ok = { 0, 0 }, over = arch_denied(-EACCES), a;
	unsigned int passed = 0, calls = 0, i, good;
	struct hc_counts c;
	uint64_t t0, ms, bound;
	int dev, h;
	struct vm vm;

	watchdog_start("limit", 60);
	dev = hc_open("limit.open");
	if (dev < 0 || arch_vm_create(&vm, "limit") < 0)
		return 1;
	h = hc_attach(dev, vm.fd, "limit");
	close(dev);
	if (h < 0)
		return 1;
	report(ioctl(h, KVM_HC_CHECK_EXTENSION, KVM_HC_CAP_RATE_LIMIT) == 1, "limit.cap",
	       "KVM_HC_CAP_RATE_LIMIT");

	/* burst B, no refill: exactly B pass, then the deny */
	if (lim_policy(h, LIM_BURST, 0, KVM_HC_ACTION_DENY, -EACCES, "limit.burst") < 0)
		return 1;
	for (i = 0, good = 0; i < LIM_BURST + 3; i++) {
		a = arch_call(&vm, LIM_NR, "limit.burst");
		good += answer_eq(a, i < LIM_BURST ? ok : over);
	}
	report(good == LIM_BURST + 3, "limit.burst_exact",
	       "got=%u/%u calls as expected: %u answered 0, then %s 0x%llx", good, LIM_BURST + 3,
	       LIM_BURST, "the deny", (unsigned long long)over.val);
	if (hc_get_stats(h, &c) == 0)
		report(c.total.kernel == LIM_BURST && c.total.deny == 3, "limit.counted",
		       "kernel=%llu deny=%llu want kernel=%u deny=3",
		       (unsigned long long)c.total.kernel, (unsigned long long)c.total.deny,
		       LIM_BURST);
	{
		struct kvm_hc_stats s = { .size = sizeof(s) };
		int rc = ioctl(h, KVM_HC_GET_STATS, &s);

		report(rc == 0 && s.limited == 3, "limit.stats_limited", "got=%llu want=3",
		       (unsigned long long)s.limited);
	}
	lim_tool(vm.fd, 3);

	/* over the limit to stock KVM; the new policy's bucket is full */
	if (lim_policy(h, 1, 0, KVM_HC_ACTION_KVM, 0, "limit.over_kvm") < 0)
		return 1;
	a = arch_call(&vm, LIM_NR, "limit.over_kvm");
	good = answer_eq(a, ok);
	a = arch_call(&vm, LIM_NR, "limit.over_kvm");
	good += answer_eq(a, arch_stock());
	report(good == 2, "limit.over_kvm", "got=%u/2: 0, then stock 0x%llx (last 0x%llx exits=%d)",
	       good, (unsigned long long)arch_stock().val, (unsigned long long)a.val, a.exits);

	/* refill R a second, burst 1: as fast as the guest can call */
	if (lim_policy(h, 1, LIM_RATE, KVM_HC_ACTION_DENY, -EACCES, "limit.rate") < 0)
		return 1;
	t0 = now_ns();
	do {
		a = arch_call(&vm, LIM_NR, "limit.rate");
		passed += answer_eq(a, ok);
		calls++;
		ms = (now_ns() - t0) / 1000000;
	} while (ms < LIM_MS);
	bound = 1 + (uint64_t)LIM_RATE * ms / 1000 + 1;
	report(passed <= bound && passed >= LIM_RATE * ms / 2000 && calls > 2 * passed, "limit.rate",
	       "got=%u of %u calls passed in %llu ms want %llu..%llu (burst 1 + %u/s)", passed,
	       calls, (unsigned long long)ms, (unsigned long long)(LIM_RATE * ms / 2000),
	       (unsigned long long)bound, LIM_RATE);
	close(h);
	vm_destroy(&vm);
	return 0;
}
