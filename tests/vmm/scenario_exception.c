// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_exception.c - the exception scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   exception
 *	Exception ranges (KVM_HC_ACTION_EXCEPTION), from the guest's side and
 *	the VMM's.  Where the hook raises them (ARCH_HAS_EXCEPTIONS): a call
 *	of an exception range runs the guest's handler for the
 *	architecture's undefined-instruction exception, with the return
 *	address at the hypercall instruction (not completed) and every
 *	register as it was (arch_call_exception()); the vCPU goes on
 *	afterwards; a rate-limited deny range whose over-limit action is the
 *	exception answers its burst with the error and the next call with
 *	the exception; both count as deny, and the limited one as limited;
 *	an exception range with an error (or over-limit error) is refused;
 *	without the policy the number gets stock KVM's answer again.
 *	Elsewhere KVM_HC_CAP_EXCEPTIONS is 0 and such a policy is refused
 *	with EOPNOTSUPP, leaving the one in force.
 */
#include "scenario.h"

#define EXC_NR		ARCH_NR(0xd00)
#define EXC_LIM_NR	(EXC_NR + ARCH_NR(1) - ARCH_NR(0))
#define EXC_DENY_NR	(EXC_NR + ARCH_NR(2) - ARCH_NR(0))
#define EXC_BURST	2

/* kvm-hc list --json names the exception range and the over-limit exception. */
static void exc_tool(int vm_fd)
{
	char out[16384], want[2][96];
	const char *name;
	int st = tool_list_json(vm_fd, out, sizeof(out), &name), ok, i;

	snprintf(want[0], sizeof(want[0]), "\"0x%llx-0x%llx exception 0\"",
		 (unsigned long long)EXC_NR, (unsigned long long)EXC_NR);
	snprintf(want[1], sizeof(want[1]), "\"limits\": [\"0x%llx-0x%llx %u 0 exception 0\"]",
		 (unsigned long long)EXC_LIM_NR, (unsigned long long)EXC_LIM_NR, EXC_BURST);
	for (i = 0, ok = st == 0 && name; i < 2; i++)
		ok = ok && strstr(name, want[i]);
	report(ok, "exception.tool_list", "got=exit:%d %s want=%s and %s", st,
	       ok ? "found" : "missing", want[0], want[1]);
	if (!ok)
		printf("INFO exception.tool: %s\n", out);
}

int cmd_exception(void)
{
	const struct kvm_hc_range r[] = {
		{ .first = EXC_NR, .last = EXC_NR, .action = KVM_HC_ACTION_EXCEPTION },
		{ .first = EXC_LIM_NR, .last = EXC_LIM_NR, .action = KVM_HC_ACTION_DENY,
		  .error = -EACCES, .burst = EXC_BURST, .over_action = KVM_HC_ACTION_EXCEPTION },
		{ .first = EXC_DENY_NR, .last = EXC_DENY_NR, .action = KVM_HC_ACTION_DENY,
		  .error = -EACCES },
	};
	struct answer a;
	long cap, actions;
	int h, rc;
	struct vm vm;

	watchdog_start("exception", 30);
	if (arch_vm_create(&vm, "exception") < 0)
		return 1;
	h = hc_attach_vm(vm.fd, NULL, 0, "exception");
	if (h < 0)
		return 1;
	cap = ioctl(h, KVM_HC_CHECK_EXTENSION, KVM_HC_CAP_EXCEPTIONS);
	actions = ioctl(h, KVM_HC_CHECK_EXTENSION, KVM_HC_CAP_ACTIONS);
#ifdef ARCH_HAS_EXCEPTIONS
	{
		struct kvm_hc_range bad = r[0];
		struct hc_counts c;
		unsigned int i, good;
		int n1, n2;

		report(cap == 1 && actions > 0 && (actions & (1L << KVM_HC_ACTION_EXCEPTION)),
		       "exception.cap", "got=%ld, actions 0x%lx want=1, bit %d", cap, actions,
		       KVM_HC_ACTION_EXCEPTION);
		bad.error = -EACCES;
		rc = hc_set_policy(h, 0, &bad, 1);
		report(rc == -EINVAL, "exception.error_refused", "got=%s want=EINVAL", resname(rc));
		bad = r[1];
		bad.over_error = -EACCES;
		rc = hc_set_policy(h, 0, &bad, 1);
		report(rc == -EINVAL, "exception.over_error_refused", "got=%s want=EINVAL",
		       resname(rc));
		rc = hc_set_policy(h, 0, r, NRANGES(r));
		report(rc == 0, "exception.set_policy", "got=%s want=ok", resname(rc));
		exc_tool(vm.fd);
		n1 = arch_call_exception(&vm, EXC_NR, "exception.range");
		/* the vCPU goes on: the next call is answered as usual */
		a = arch_call(&vm, EXC_DENY_NR, "exception.after");
		report(answer_eq(a, arch_denied(-EACCES)), "exception.after",
		       "got=0x%llx,exits:%d want=0x%llx", (unsigned long long)a.val, a.exits,
		       (unsigned long long)arch_denied(-EACCES).val);
		/* the burst gets the deny, the call over the limit the exception */
		for (i = 0, good = 0; i < EXC_BURST; i++) {
			a = arch_call(&vm, EXC_LIM_NR, "exception.burst");
			good += answer_eq(a, arch_denied(-EACCES));
		}
		report(good == EXC_BURST, "exception.burst", "got=%u of %u calls denied want=all",
		       good, EXC_BURST);
		n2 = arch_call_exception(&vm, EXC_LIM_NR, "exception.over_limit");
		n1 = n1 > 0 ? n1 : 0;
		n2 = n2 > 0 ? n2 : 0;
		if (hc_get_stats(h, &c) == 0)
			report(c.total.deny == (uint64_t)(n1 + 1 + EXC_BURST + n2) && c.total.kernel == 0 &&
			       c.total.forward == 0, "exception.counted",
			       "deny=%llu kernel=%llu forward=%llu want deny=%u (%d exceptions), 0, 0",
			       (unsigned long long)c.total.deny, (unsigned long long)c.total.kernel,
			       (unsigned long long)c.total.forward, n1 + 1 + EXC_BURST + n2, n1 + n2);
		{
			struct kvm_hc_stats s = { .size = sizeof(s) };

			rc = ioctl(h, KVM_HC_GET_STATS, &s);
			report(rc == 0 && s.limited == (uint64_t)n2 && n2 > 0, "exception.limited",
			       "got=%llu want=%d (the over-limit exceptions)", (unsigned long long)s.limited,
			       n2);
		}
		/* no policy: stock KVM's answer again */
		rc = hc_set_policy(h, 0, NULL, 0);
		a = arch_call(&vm, EXC_NR, "exception.cleared");
		report(rc == 0 && answer_eq(a, arch_stock()), "exception.cleared",
		       "got=%s,0x%llx,exits:%d want=ok,stock 0x%llx", resname(rc),
		       (unsigned long long)a.val, a.exits, (unsigned long long)arch_stock().val);
	}
#else
	report(cap == 0 && actions > 0 && !(actions & (1L << KVM_HC_ACTION_EXCEPTION)),
	       "exception.cap", "got=%ld, actions 0x%lx want=0 (the hook cannot raise one)", cap,
	       actions);
	rc = hc_set_policy(h, 0, &r[2], 1);
	report(rc == 0, "exception.set_policy", "got=%s want=ok", resname(rc));
	rc = hc_set_policy(h, 0, r, 1);
	report(rc == -EOPNOTSUPP, "exception.refused", "got=%s want=EOPNOTSUPP", resname(rc));
	rc = hc_set_policy(h, 0, &r[1], 1);
	report(rc == -EOPNOTSUPP, "exception.over_limit_refused", "got=%s want=EOPNOTSUPP",
	       resname(rc));
	a = arch_call(&vm, EXC_DENY_NR, "exception.unchanged");
	report(answer_eq(a, arch_denied(-EACCES)), "exception.unchanged",
	       "got=0x%llx,exits:%d want=0x%llx (the policy in force)", (unsigned long long)a.val,
	       a.exits, (unsigned long long)arch_denied(-EACCES).val);
#endif
	close(h);
	vm_destroy(&vm);
	return 0;
}
