// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_user.c - the user scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   user
 *	Ranges open to guest user mode (KVM_HC_RANGE_USER).  Where the
 *	architecture's hook takes calls from user mode (x86, CPL 3:
 *	ARCH_HAS_USER_CALLS), a user-mode range answers them as it answers
 *	the kernel's (a deny's error, a doorbell's 0), while every other
 *	number, and a range without the flag, keeps stock KVM's refusal;
 *	the kernel's calls are unchanged.  Elsewhere the capability is 0 and
 *	a policy with the flag is refused with EOPNOTSUPP, leaving the one
 *	in force.
 */
#include "scenario.h"

#define USER_NR		ARCH_NR(0xc00)

int cmd_user(void)
{
	const struct kvm_hc_range r[] = {
		{ .first = USER_NR, .last = USER_NR, .action = KVM_HC_ACTION_DENY,
		  .error = -EACCES, .flags = KVM_HC_RANGE_USER },
		{ .first = USER_NR + ARCH_NR(1) - ARCH_NR(0), .last = USER_NR + ARCH_NR(1) - ARCH_NR(0),
		  .action = KVM_HC_ACTION_DOORBELL, .flags = KVM_HC_RANGE_USER },
		{ .first = USER_NR + ARCH_NR(2) - ARCH_NR(0), .last = USER_NR + ARCH_NR(2) - ARCH_NR(0),
		  .action = KVM_HC_ACTION_DENY, .error = -EACCES },
	};
	const uint64_t nr1 = USER_NR + ARCH_NR(1) - ARCH_NR(0), nr2 = USER_NR + ARCH_NR(2) - ARCH_NR(0);
	struct answer a;
	long cap;
	int h, rc;
	struct vm vm;

	watchdog_start("user", 30);
	if (arch_vm_create(&vm, "user") < 0)
		return 1;
	h = hc_attach_vm(vm.fd, NULL, 0, "user");
	if (h < 0)
		return 1;
	cap = ioctl(h, KVM_HC_CHECK_EXTENSION, KVM_HC_CAP_USER_RANGES);
#ifdef ARCH_HAS_USER_CALLS
	report(cap == 1, "user.cap", "got=%ld want=1", cap);
	rc = hc_set_policy(h, 0, r, NRANGES(r));
	report(rc == 0, "user.set_policy", "got=%s want=ok", resname(rc));
	a = arch_call_user(&vm, USER_NR, "user.deny");
	report(answer_eq(a, arch_denied(-EACCES)), "user.deny", "got=0x%llx,exits:%d want=0x%llx",
	       (unsigned long long)a.val, a.exits, (unsigned long long)arch_denied(-EACCES).val);
	a = arch_call_user(&vm, nr1, "user.doorbell");
	report(answer_eq(a, ((struct answer){ 0, 0 })), "user.doorbell",
	       "got=0x%llx,exits:%d want=0,exits:0", (unsigned long long)a.val, a.exits);
	a = arch_call_user(&vm, nr2, "user.not_open");
	report(answer_eq(a, ARCH_USER_STOCK), "user.not_open",
	       "got=0x%llx,exits:%d want=stock's refusal 0x%llx", (unsigned long long)a.val,
	       a.exits, (unsigned long long)ARCH_USER_STOCK.val);
	a = arch_call_user(&vm, ARCH_NR(0xc10), "user.outside");
	report(answer_eq(a, ARCH_USER_STOCK), "user.outside",
	       "got=0x%llx,exits:%d want=stock's refusal 0x%llx", (unsigned long long)a.val,
	       a.exits, (unsigned long long)ARCH_USER_STOCK.val);
	/* kvm_hc's own services stay the kernel's */
	a = arch_call_user(&vm, ARCH_DISCOVER_NR, "user.discovery");
	report(answer_eq(a, ARCH_USER_STOCK), "user.discovery",
	       "got=0x%llx,exits:%d want=stock's refusal 0x%llx", (unsigned long long)a.val,
	       a.exits, (unsigned long long)ARCH_USER_STOCK.val);
	/* and the kernel's calls are as before */
	a = arch_call(&vm, nr2, "user.kernel");
	report(answer_eq(a, arch_denied(-EACCES)), "user.kernel", "got=0x%llx,exits:%d want=0x%llx",
	       (unsigned long long)a.val, a.exits, (unsigned long long)arch_denied(-EACCES).val);
#else
	report(cap == 0, "user.cap", "got=%ld want=0 (the conduit cannot come from user mode)", cap);
	rc = hc_set_policy(h, 0, &r[2], 1);
	report(rc == 0, "user.set_policy", "got=%s want=ok", resname(rc));
	rc = hc_set_policy(h, 0, r, NRANGES(r));
	report(rc == -EOPNOTSUPP, "user.refused", "got=%s want=EOPNOTSUPP", resname(rc));
	a = arch_call(&vm, nr2, "user.unchanged");
	report(answer_eq(a, arch_denied(-EACCES)), "user.unchanged",
	       "got=0x%llx,exits:%d want=0x%llx (the policy in force)", (unsigned long long)a.val,
	       a.exits, (unsigned long long)arch_denied(-EACCES).val);
	(void)nr1;
#endif
	close(h);
	vm_destroy(&vm);
	return 0;
}
