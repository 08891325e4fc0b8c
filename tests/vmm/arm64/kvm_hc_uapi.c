// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_uapi.c - end-to-end checks of the VMM interface (/dev/kvm_hc), arm64.
 *
 * Part of kvm_hc_test, linked with kvm_hc_test.c, whose VM setup, guest
 * code and call helpers it uses (vm.h).
 *
 * A VMM opts a VM in with KVM_HC_ATTACH, sets its
 * policy of SMCCC function-ID ranges with KVM_HC_SET_POLICY and reads its
 * counters with KVM_HC_GET_STATS and in /sys/kernel/kvm_hc/<pid>-<vm fd>/
 * (Documentation/uapi.rst, Documentation/arm64-abi.rst).  Each check drives a
 * guest and looks at what the guest saw, what reached the VMM and what
 * kvm_hc counted.  Subcommands:
 *
 *   policy
 *	One attached VM against one that is not: a KERNEL range without a
 *	handler falls back to KVM, forwarding to the VMM (SMC32 arguments
 *	truncated, SMC64 whole, over HVC and SMC, x1..x6 in the exit, the
 *	VMM's x0..x3 back in the guest), deny with five errors and their
 *	SMCCC codes, discovery and the FEATURES bit by services, function IDs
 *	outside every range, counters (ioctl and sysfs, exact), the
 *	tracepoint, per-number counters capped at 64 numbers, and stock
 *	behaviour once the handle is closed.
 *
 *   policy-live
 *	A guest calls one function in a loop while another thread switches
 *	its action between deny, forward and KVM: every answer belongs to one
 *	of the three, all three are seen, the guest never stalls, and the
 *	counters match the answers one for one.
 *
 *   two-vms
 *	Two attached VMs call the same function at the same time, one
 *	forwards it and one denies it, while a third VM that did not opt in
 *	calls it too: each VM sees only its own policy.
 *
 *   badinput
 *	Every malformed or disallowed request fails with its documented
 *	errno, and the guest proves afterwards that the policy in force is
 *	unchanged.
 *
 *   kick
 *	kvm_hc's kick service (function 97) in 2-vCPU VMs: vCPU 1 waits in WFI
 *	with interrupts masked, looping on a flag; vCPU 0 sets the flag and
 *	kicks vCPU 1 by MPIDR.  On stock KVM (and for a VM without the
 *	service) the kick is NOT_SUPPORTED and nobody wakes; through kvm_hc it
 *	wakes exactly the vCPU with that affinity, also a VMM-set MPIDR.
 *
 *   forward-unload
 *	kvm_hc is unloaded while a vCPU sits in a forwarded exit: the handle
 *	holds the module until it is closed, and the VMM's answer still
 *	reaches the guest.  Unloads kvm_hc: run it last.
 */
#include <ctype.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scenario.h"

#define SVC_BIT(s)	(1u << (s))
#define SVCS_DISC	SVC_BIT(KVM_HC_SVC_DISCOVER)
#define SVCS_DISC_KICK	(SVC_BIT(KVM_HC_SVC_DISCOVER) | SVC_BIT(KVM_HC_SVC_KICK))


/*
 * The flags of upstream's SMCCC-filter exit for an HVC and an SMC call, to
 * compare kvm_hc's exits with.  Returns 0, or -1 if this KVM has no filter
 * (6.1) or it does not take SMCCC calls over SMC.
 */
static int stock_exit_flags(uint64_t *f_hvc, uint64_t *f_smc)
{
	struct regs r;
	struct vm vm;
	int ok;

	if (vm_create(&vm, 0, "stock_exit_flags") < 0)
		return -1;
	ok = filter_supported(vm.fd) &&
	     filter_set(vm.fd, 0x86000010, 1, KVM_SMCCC_FILTER_FWD_TO_USER, 0) == 0;
	ok = ok && guest_call(&vm, &(struct call){ .x0 = 0x86000010 }, &r, "stock_exit_flags") == 0 &&
	     vm.n_hypercall_exits == 1;
	*f_hvc = exit_flags(&vm.last_exit);
	ok = ok && guest_call(&vm, &(struct call){ .via = SMC0, .x0 = 0x86000010 }, &r,
			      "stock_exit_flags") == 0 && vm.n_hypercall_exits == 1;
	*f_smc = exit_flags(&vm.last_exit);
	vm_destroy(&vm);
	return ok ? 0 : -1;
}

/* ---- policy ---- */

/* One VM attached to kvm_hc, with the counters its calls must produce. */
struct hvm {
	struct vm vm;
	int h;				/* kvm_hc handle, or -1 */
	struct hc_counts want;
	const char *tag;
	uint64_t x0;			/* of the last call, ~0 if it did not complete */
};

/*
 * Whether kvm_hc sees a call at all: KVM answers SMC #1 (6.4+) and every SMC
 * (6.1) itself, before its SMCCC handler; HVC reaches it whatever the
 * immediate.
 */
static int hook_sees(enum conduit via)
{
	if (via == SMC1)
		return 0;
	return via != SMC0 || smccc_over_smc > 0;
}

/*
 * One call from @hv: check x0, and that it made @want_exits exits to the
 * VMM (-1: do not check); count it as @cat.  Returns 0 if the call completed.
 */
static int hcall(struct hvm *hv, const char *name, const struct call *c, uint64_t want,
		 int want_exits, enum cat cat, struct regs *out)
{
	struct regs r;
	char key[128];

	if (!out)
		out = &r;
	hv->x0 = ~0ULL;
	if (guest_call(&hv->vm, c, out, name) < 0) {
		report(0, name, "got=none want=0x%016llx (guest did not complete the call)",
		       (unsigned long long)want);
		return -1;
	}
	counts_add(&hv->want, (uint32_t)c->x0, cat);
	hv->x0 = out->x[0];
	check(name, out->x[0], want);
	if (want_exits >= 0) {
		snprintf(key, sizeof(key), "%s.exits", name);
		report(hv->vm.n_hypercall_exits == want_exits, key, "got=%d want=%d",
		       hv->vm.n_hypercall_exits, want_exits);
	}
	return 0;
}

/* A denied call: the error in x0, zeros in x1..x3, no exit. */
static void hdeny(struct hvm *hv, const char *name, const struct call *c, uint64_t want)
{
	struct regs r;
	char key[128];

	if (hcall(hv, name, c, want, 0, hook_sees(c->via) ? C_DENY : C_NONE, &r) < 0)
		return;
	snprintf(key, sizeof(key), "%s.x1_x3", name);
	report(!r.x[1] && !r.x[2] && !r.x[3], key, "got=0x%llx,0x%llx,0x%llx want=0,0,0",
	       (unsigned long long)r.x[1], (unsigned long long)r.x[2],
	       (unsigned long long)r.x[3]);
}

/* x0 of one call from a VM that did not opt in; ~0 if it did not complete. */
static uint64_t plain_call(struct vm *vm, const struct call *c, const char *name)
{
	uint64_t x0;

	if (call_x0(vm, c, &x0, name) < 0)
		return ~0ULL;
	return x0;
}

/*
 * A forwarded call: the exit the VMM saw (ID, conduit flags, x1..x6 in
 * args, truncated for SMC32), and that the VMM's x0..x3 reached the guest.
 */
static void check_forward(struct hvm *hv, const char *name, const struct call *c,
			  const uint64_t *ans, int have_ref, const uint64_t *ref_flags)
{
	const int smc64 = !!(c->x0 & FID_SMC64_BIT);
	const uint64_t mask = smc64 ? ~0ULL : 0xffffffffULL;
	const uint64_t args[6] = { c->x1, c->x2, c->x3, MARK(4), MARK(5), MARK(6) };
	const int smc = c->via == SMC0;
	const struct kvm_run *e = &hv->vm.last_exit;
	struct regs r;
	char key[128];
	uint64_t flags;
	int i;

	memcpy(hv->vm.hc_ret, ans, sizeof(hv->vm.hc_ret));
	/* the previous exit's contents must not leak into this one */
	memset(&hv->vm.run->hypercall, 0x5a, sizeof(hv->vm.run->hypercall));
	if (hcall(hv, name, c, ans[0], 1, C_FORWARD, &r) < 0)
		return;
	if (hv->vm.n_hypercall_exits != 1)
		return;
	snprintf(key, sizeof(key), "%s.exit.nr", name);
	check(key, e->hypercall.nr, (uint32_t)c->x0);
	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "%s.exit.args%d", name, i);
		check(key, e->hypercall.args[i], args[i] & mask);
	}
	snprintf(key, sizeof(key), "%s.exit.ret", name);
	check(key, e->hypercall.ret, 0);
	flags = exit_flags(e);
	/* kvm_hc's marker tells its exits from the SMCCC filter's, on every kernel */
	snprintf(key, sizeof(key), "%s.exit.flags", name);
	check(key, flags, (smc ? KVM_HYPERCALL_EXIT_SMC : 0) | KVM_HC_ARM64_EXIT_MARKER);
	if (have_ref) {
		snprintf(key, sizeof(key), "%s.exit.flags_as_stock", name);
		report((flags & ~KVM_HC_ARM64_EXIT_MARKER) == ref_flags[smc] &&
		       !(ref_flags[smc] & KVM_HC_ARM64_EXIT_MARKER), key,
		       "got=0x%llx want=0x%llx|marker (upstream SMCCC filter's exit, unmarked)",
		       (unsigned long long)flags, (unsigned long long)ref_flags[smc]);
	}
	for (i = 1; i < 4; i++) {
		snprintf(key, sizeof(key), "%s.x%d", name, i);
		check(key, r.x[i], ans[i]);
	}
	snprintf(key, sizeof(key), "%s.registers_preserved", name);
	report(regs_preserved(&r), key, "got=%s want=all(x4..x30)",
	       regs_preserved(&r) ? "all" : "changed");
}

/* Function IDs no range covers: the attached VM must get what the plain VM gets. */
static void check_outside(struct hvm *hv, struct vm *plain)
{
	static const struct {
		const char *name;
		struct call c;
	} cases[] = {
		{ "policy.outside.0x8600000f", { .x0 = 0x8600000f, .x1 = 1 } },
		{ "policy.outside.0x86000011", { .x0 = 0x86000011, .x1 = 1 } },
		{ "policy.outside.0x86000050", { .x0 = FID_VH_UNKNOWN } },
		{ "policy.outside.0xc6000011", { .x0 = 0xc6000011, .x1 = 1, .x2 = 2 } },
		{ "policy.outside.psci_version", { .x0 = FID_PSCI_VERSION } },
		{ "policy.outside.psci_features", { .x0 = FID_PSCI_FEATURES,
						    .x1 = FID_PSCI_CPU_ON64 } },
		{ "policy.outside.smccc_version", { .x0 = FID_SMCCC_VERSION } },
		{ "policy.outside.smccc_arch_features", { .x0 = FID_SMCCC_ARCH_FEATURES,
							  .x1 = FID_SMCCC_ARCH_WORKAROUND_1 } },
		{ "policy.outside.trng_version", { .x0 = FID_TRNG_VERSION } },
		{ "policy.outside.vh_call_uid", { .x0 = FID_VH_CALL_UID } },
		/* kvm_hc's block beyond its services, and the kick it does not allow */
		{ "policy.outside.kick_not_in_services", { .x0 = FID_KICK, .x1 = 0 } },
		{ "policy.outside.svc15", { .x0 = HC_FID32(KVM_HC_ARM64_FUNC_COUNT - 1) } },
		{ "policy.outside.0x86000070", { .x0 = HC_FID32(KVM_HC_ARM64_FUNC_COUNT) } },
		{ "policy.outside.sip_0x82000011", { .x0 = 0x82000011 } },
		{ "policy.outside.smc.0x86000011", { .via = SMC0, .x0 = 0x86000011, .x1 = 1 } },
		{ "policy.outside.hvc1.0x86000011", { .via = HVC1, .x0 = 0x86000011 } },
	};
	unsigned int i, same = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct call *c = &cases[i].c;
		struct regs want, got;
		char key[128];

		if (guest_call(plain, c, &want, cases[i].name) < 0) {
			report(0, cases[i].name, "the VM without kvm_hc did not complete the call");
			continue;
		}
		printf("INFO %s: VM without kvm_hc got 0x%llx\n", cases[i].name,
		       (unsigned long long)want.x[0]);
		if (hcall(hv, cases[i].name, c, want.x[0], 0,
			  hook_sees(c->via) ? C_KVM : C_NONE, &got) < 0)
			continue;
		snprintf(key, sizeof(key), "%s.x1_x3", cases[i].name);
		report(got.x[1] == want.x[1] && got.x[2] == want.x[2] && got.x[3] == want.x[3],
		       key, "got=0x%llx,0x%llx,0x%llx want=0x%llx,0x%llx,0x%llx",
		       (unsigned long long)got.x[1], (unsigned long long)got.x[2],
		       (unsigned long long)got.x[3], (unsigned long long)want.x[1],
		       (unsigned long long)want.x[2], (unsigned long long)want.x[3]);
		if (got.x[0] == want.x[0] && hv->vm.n_hypercall_exits == 0)
			same++;
	}
	say("SMCCC calls outside every range of the policy (%u function IDs, PSCI, SMCCC, TRNG, KVM's own and kvm_hc's unopened ones, over HVC and SMC) got exactly what a VM without kvm_hc gets: %u of %u",
	    i, same, i);
}

/* FEATURES from @vm: x3 (kvm_hc's services), or ~0 if the call did not complete. */
static uint64_t features_x3(struct vm *vm, uint64_t *x0, const char *tag)
{
	struct regs r;

	if (guest_call(vm, &(struct call){ .x0 = FID_VH_FEATURES }, &r, tag) < 0)
		return ~0ULL;
	if (x0)
		*x0 = r.x[0];
	return r.x[3];
}

#define P_FWD32		0x86000010u
#define P_FWD64		0xc6000010u
#define P_FWD_SIP	0x82000010u
#define P_DENY_EPERM	0x86000020u
#define P_DENY_ENOHC	0x86000021u
#define P_DENY_EINVAL	0x86000022u
#define P_DENY_M2	0x86000023u
#define P_DENY_EOPNOTSUPP 0x86000024u
#define P_KERNEL	0x86000030u

/* ---- the scenarios written once (scenario.h): what they need of arm64 ---- */

/* The discovery call for the ABI version: the version is the call's answer. */
struct answer arch_discover(struct vm *vm, const char *what)
{
	return arch_call(vm, FID_DISCOVER, what);
}

int arch_vm_create(struct vm *vm, const char *tag)
{
	return vm_create(vm, 0, tag);
}

/* HVC from EL1, x1..x3 = 0: for discovery, the version selector. */
struct answer arch_call(struct vm *vm, uint64_t nr, const char *what)
{
	uint64_t x0 = plain_call(vm, &(struct call){ .x0 = nr }, what);

	return (struct answer){ x0, vm->n_hypercall_exits };
}

struct answer arch_call_args(struct vm *vm, uint64_t nr, const uint64_t a[3], const char *what)
{
	const struct call c = { .x0 = nr, .x1 = a[0], .x2 = a[1], .x3 = a[2] };
	uint64_t x0 = plain_call(vm, &c, what);

	return (struct answer){ x0, vm->n_hypercall_exits };
}

/* forward-unload's call: a pattern of arguments, and the VMM's x0..x3. */
static const uint64_t fu_answer[4] = { 0x5151515151515151ULL, 0x61, 0x62, 0x63 };

/*
 * The exception scenario's call: HVC #0 with a pattern in x1..x3 (x4..x30
 * hold MARK(n)); the vector at VBAR_EL1 + 0x200 reports at MMIO_UNDEF.  An
 * UNDEF: ESR_EL1.EC 0 (unknown reason), IL for the 32-bit HVC, ELR_EL1 at
 * the HVC (not completed), every register as it was.  Where KVM takes
 * SMCCC calls over SMC #0 (6.4), the same with SMC #0 ("<name>.smc.*"),
 * whose PC KVM has not moved but meant to.
 */
/* A call that should raise an UNDEF, and what the guest's handler saw. */
struct undef {
	struct regs before, after;
	uint64_t esr, elr;
};

/*
 * Run @c to its end: 1 if the guest's synchronous vector reported at
 * MMIO_UNDEF (ESR_EL1 and ELR_EL1 read), 0 if the call completed
 * (MMIO_DONE), -1 if neither.
 */
static int undef_run(struct vm *vm, const struct call *c, struct undef *u, const char *name)
{
	const struct kvm_run *run = vm->run;

	call_regs(c, &u->before);
	vm->n_hypercall_exits = 0;
	vcpu_settle(vm);
	if (vm->stuck || load_regs(vm->vcpu, &u->before, MMIO_DONE) < 0 ||
	    vm_run_to_exit(vm, name) < 0)
		return -1;
	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == MMIO_DONE)
		return read_regs(vm->vcpu, &u->after) < 0 ? -1 : 0;
	if (run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != MMIO_UNDEF) {
		print_unexpected_exit(vm, name);
		return -1;
	}
	if (read_regs(vm->vcpu, &u->after) < 0 || get_reg(vm->vcpu, REG_ESR_EL1, &u->esr) < 0 ||
	    get_reg(vm->vcpu, REG_ELR_EL1, &u->elr) < 0)
		return -1;
	return 1;
}

static int undef_esr_ok(const struct undef *u)
{
	return u->esr >> 26 == 0 && (u->esr & (1ULL << 25));
}

static int undef_regs_ok(const struct undef *u)
{
	int i;

	for (i = 0; i < 31; i++)
		if (u->after.x[i] != u->before.x[i])
			return 0;
	return 1;
}

static int call_exception(struct vm *vm, enum conduit via, uint64_t nr, const char *name)
{
	const struct call c = { .via = via, .x0 = nr, .x1 = 0x1212121212121212ULL,
				.x2 = 0x2323232323232323ULL, .x3 = 0x3434343434343434ULL };
	struct undef u = { .esr = ~0ULL, .elr = ~0ULL };
	char key[128];
	int r, same;

	r = undef_run(vm, &c, &u, name);
	snprintf(key, sizeof(key), "%s.raised", name);
	if (r != 1) {
		if (r == 0)
			report(0, key, "got=the call completed, x0 0x%llx want=UNDEF",
			       (unsigned long long)u.after.x[0]);
		else
			report(0, key, "got=no report want=UNDEF");
		return r < 0 ? -1 : 0;
	}
	report(1, key, "got=a synchronous exception want=UNDEF");
	snprintf(key, sizeof(key), "%s.esr", name);
	report(undef_esr_ok(&u), key, "got=ESR_EL1 0x%llx (EC 0x%llx) want=EC 0 (unknown reason), IL",
	       (unsigned long long)u.esr, (unsigned long long)(u.esr >> 26));
	snprintf(key, sizeof(key), "%s.elr", name);
	report(u.elr == u.before.pc, key, "got=0x%llx want=0x%llx (the %s, not completed)",
	       (unsigned long long)u.elr, (unsigned long long)u.before.pc,
	       via == SMC0 ? "SMC" : "HVC");
	same = undef_regs_ok(&u);
	snprintf(key, sizeof(key), "%s.registers", name);
	report(same, key, "got=%s want=x0..x30 as they were (x0 0x%llx)", same ? "all" : "changed",
	       (unsigned long long)u.after.x[0]);
	return 1;
}

int arch_call_exception(struct vm *vm, uint64_t nr, const char *name)
{
	char smc[96];
	int ret = call_exception(vm, HVC0, nr, name);

	if (ret == 1 && probe_smccc_over_smc(vm) > 0) {
		snprintf(smc, sizeof(smc), "%s.smc", name);
		if (call_exception(vm, SMC0, nr, smc) == 1)
			ret++;
	}
	return ret;
}

int arch_fwd_begin(struct vm *vm, uint64_t nr, const char *name)
{
	const struct call c = { .x0 = nr, .x1 = 0x1111, .x2 = 0x2222, .x3 = 0x3333 };
	const struct kvm_run *run = vm->run;
	struct regs r;

	call_regs(&c, &r);
	vcpu_settle(vm);
	if (load_regs(vm->vcpu, &r, MMIO_DONE) < 0) {
		report(0, name, "setup errno=%d", errno);
		return 0;
	}
	if (vm_run_to_exit(vm, name) < 0)
		return 0;
	if (run->exit_reason == KVM_EXIT_HYPERCALL && run->hypercall.nr == nr &&
	    run->hypercall.args[0] == c.x1 && run->hypercall.args[2] == c.x3)
		return 1;
	print_unexpected_exit(vm, name);
	return 0;
}

int arch_fwd_end(struct vm *vm, const char *name)
{
	char key[96];
	struct regs r;
	int done, i;

	/* the VMM's answer reaches the guest: upstream's convention needs no module */
	if (kvmhc_exit_answer(vm->vcpu, vm->run, fu_answer, 4) < 0)
		printf("INFO forward-unload: KVM_SET_ONE_REG errno=%d\n", errno);
	done = vm_run_to_exit(vm, name) == 0 && vm->run->exit_reason == KVM_EXIT_MMIO &&
	       vm->run->mmio.phys_addr == MMIO_DONE;
	if (!done) {
		print_unexpected_exit(vm, name);
		return 0;
	}
	if (read_regs(vm->vcpu, &r) < 0)
		return 0;
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "%s.x%d", name, i);
		check(key, r.x[i], fu_answer[i]);
	}
	snprintf(key, sizeof(key), "%s.registers_preserved", name);
	report(regs_preserved(&r), key, "got=%s want=all(x4..x30)",
	       regs_preserved(&r) ? "all" : "changed");
	finish_mmio(vm->vcpu, vm->run);
	return 1;
}

/* The loop guest (g_loop): the function ID in x19, x1..x3 from x20..x22. */
int arch_loop_start(struct loop *l)
{
	struct regs r;
	int i;

	for (i = 0; i < 31; i++)
		r.x[i] = MARK(i);
	r.x[19] = l->nr;
	r.x[20] = l->args[0];
	r.x[21] = l->args[1];
	r.x[22] = l->args[2];
	r.x[26] = GUEST_BASE + DATA_OFF + 0x100 * l->vm->id;	/* each vCPU its slot */
	r.x[28] = MMIO_REPORT;
	r.pc = GUEST_GPA(g_loop);
	vcpu_settle(l->vm);
	return load_regs(l->vm->vcpu, &r, MMIO_DONE);
}

/* Each answer is reported as an MMIO write of x0 to MMIO_REPORT + REP_LOOP. */
enum loop_exit arch_loop_exit(struct loop *l, uint64_t *val)
{
	const struct kvm_run *run = l->vm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_HYPERCALL:
		return run->hypercall.nr == (uint32_t)l->nr &&
		       !memcmp(run->hypercall.args, l->args, 3 * sizeof(l->args[0])) ?
		       LOOP_FORWARD : LOOP_FORWARD_BAD;
	case KVM_EXIT_MMIO:
		if (run->mmio.phys_addr != MMIO_REPORT + REP_LOOP || !run->mmio.is_write)
			return LOOP_OTHER;
		memcpy(val, run->mmio.data, sizeof(*val));
		return LOOP_RESULT;
	case KVM_EXIT_INTR:
		return LOOP_INTR;
	}
	return LOOP_OTHER;
}

/* Upstream's convention: the VMM writes x0 itself. */
int arch_loop_answer(struct loop *l, uint64_t ret)
{
	return set_reg(l->vm->vcpu, XREG(0), ret);
}


int cmd_policy(void)
{
	/* given out of order: the kernel sorts */
	const struct kvm_hc_range ranges[] = {
		RANGE(P_DENY_EINVAL, P_DENY_EINVAL, DENY, -EINVAL),
		RANGE(P_FWD32, P_FWD32, FORWARD, 0),
		RANGE(P_FWD64, P_FWD64, FORWARD, 0),
		RANGE(P_DENY_EPERM, P_DENY_EPERM, DENY, -EPERM),
		RANGE(P_FWD_SIP, P_FWD_SIP, FORWARD, 0),
		RANGE(P_KERNEL, P_KERNEL, KERNEL, 0),
		RANGE(P_DENY_ENOHC, P_DENY_ENOHC, DENY, -KVM_HC_ENOHC),
		RANGE(P_DENY_M2, P_DENY_M2, DENY, -2),
		RANGE(P_DENY_EOPNOTSUPP, P_DENY_EOPNOTSUPP, DENY, -EOPNOTSUPP),
		RANGE(FID_PSCI_VERSION, FID_PSCI_VERSION, KVM, 0),
	};
	const uint64_t g = 0xaaaaaaaa00000000ULL;
	const struct call fwd32 = { .x0 = P_FWD32, .x1 = g | 0x11111111, .x2 = g | 0x22222222,
				    .x3 = g | 0x33333333 };
	const struct call fwd64 = { .x0 = P_FWD64, .x1 = 0x0123456789abcdefULL,
				    .x2 = 0x1122334455667788ULL, .x3 = 0x8877665544332211ULL };
	const uint64_t ans64[4] = { 0x7766554433221100ULL, 0x1010101010101010ULL,
				    0x2020202020202020ULL, 0x3030303030303030ULL };
	const uint64_t ans32[4] = { 0x123456789ULL, 0x11, 0x22, 0x33 };
	struct hvm hv = { .h = -1, .tag = "policy" };
	uint64_t ref_flags[2] = { 0, 0 }, x0, v1, v2, v3, v4;
	int fd;
	struct hc_counts before, after;
	int dev, have_ref, old_open = 0, r;
	struct vm plain;
	char dir[96];

	watchdog_start("policy", 90);
	if (vm_create(&plain, 0, "policy.plain") < 0)
		return 1;
	probe_smccc_over_smc(&plain);
	have_ref = stock_exit_flags(&ref_flags[0], &ref_flags[1]) == 0;
	if (!have_ref)
		printf("INFO policy: no upstream SMCCC filter exit to compare flags with\n");
	dev = hc_open("policy.open");
	if (dev < 0)
		return 1;
	if (vm_create(&hv.vm, 0, "policy") < 0)
		return 1;
	hv.h = hc_attach(dev, hv.vm.fd, "policy");
	if (hv.h < 0)
		return 1;
	hc_sysfs_dir(hv.vm.fd, dir, sizeof(dir));
	report(hc_sysfs_exists(hv.vm.fd), "policy.sysfs_dir_after_attach",
	       "got=%s want=present (%s)", hc_sysfs_exists(hv.vm.fd) ? "present" : "missing", dir);
	if (hc_policy(hv.h, SVCS_DISC, ranges, NRANGES(ranges), "policy") < 0)
		return 1;

	/* KERNEL without an in-kernel handler and KVM: stock KVM's answers */
	hcall(&hv, "policy.kernel.no_handler", &(struct call){ .x0 = P_KERNEL, .x1 = 1 },
	      SMCCC_RET_NOT_SUPPORTED, 0, C_KVM, NULL);
	v1 = hv.x0;
	x0 = plain_call(&plain, &(struct call){ .x0 = FID_PSCI_VERSION }, "policy.plain.psci");
	hcall(&hv, "policy.kvm.psci_version", &(struct call){ .x0 = FID_PSCI_VERSION }, x0, 0,
	      C_KVM, NULL);
	say("VM that opted in: function 0x%08x in a KERNEL range has no in-kernel handler and fell back to KVM: %s; PSCI_VERSION in a KVM range: %s",
	    P_KERNEL, describe(v1), describe(hv.x0));

	/* forwarded to the VMM: SMC32, SMC64, SiP, over SMC, ID with upper garbage */
	check_forward(&hv, "policy.user.smc32", &fwd32, ans32, have_ref, ref_flags);
	if (hv.vm.n_hypercall_exits == 1)
		say("VM that opted in: SMC32 function 0x%08x forwarded to the VMM with x1..x3 = 0x%llx, 0x%llx, 0x%llx (upper halves dropped, as SMC32 says); the VMM wrote x0 = 0x123456789, the guest got %s",
		    P_FWD32, (unsigned long long)hv.vm.last_exit.hypercall.args[0],
		    (unsigned long long)hv.vm.last_exit.hypercall.args[1],
		    (unsigned long long)hv.vm.last_exit.hypercall.args[2], describe(hv.x0));
	check_forward(&hv, "policy.user.smc64", &fwd64, ans64, have_ref, ref_flags);
	if (hv.vm.n_hypercall_exits == 1)
		say("the SMC64 form 0x%08x: the VMM got x1 = 0x%llx whole and answered x0..x3; the guest got x0 = %s",
		    P_FWD64, (unsigned long long)hv.vm.last_exit.hypercall.args[0],
		    describe(hv.x0));
	check_forward(&hv, "policy.user.sip", &(struct call){ .x0 = P_FWD_SIP, .x1 = 5 }, ans32,
		      have_ref, ref_flags);
	check_forward(&hv, "policy.user.x0_upper_garbage",
		      &(struct call){ .x0 = 0xffffffff00000000ULL | P_FWD32, .x1 = 6 }, ans32,
		      have_ref, ref_flags);
	/* HVC #1 reaches KVM's SMCCC handler like HVC #0, so kvm_hc too */
	check_forward(&hv, "policy.user.hvc1", &(struct call){ .via = HVC1, .x0 = P_FWD32,
							      .x1 = 7 }, ans32, have_ref, ref_flags);
	if (smccc_over_smc) {
		check_forward(&hv, "policy.user.smc_conduit",
			      &(struct call){ .via = SMC0, .x0 = P_FWD64, .x1 = 8 }, ans64,
			      have_ref, ref_flags);
		if (hv.vm.n_hypercall_exits == 1)
			say("the same call made with SMC #0 reached the VMM with KVM_HYPERCALL_EXIT_SMC in hypercall.flags (0x%llx)",
			    (unsigned long long)exit_flags(&hv.vm.last_exit));
	} else {
		/* 6.1: KVM answers every SMC itself, kvm_hc never sees it */
		hcall(&hv, "policy.user.smc_conduit_not_seen",
		      &(struct call){ .via = SMC0, .x0 = P_FWD64, .x1 = 8 },
		      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);
	}
	/* SMC #1 is refused by KVM before its SMCCC handler (6.4+) */
	if (kver_at_least(6, 4))
		hcall(&hv, "policy.user.smc1_refused",
		      &(struct call){ .via = SMC1, .x0 = P_FWD32, .x1 = 9 },
		      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);

	/* denied, with five errors and their SMCCC codes */
	hdeny(&hv, "policy.deny.eperm", &(struct call){ .x0 = P_DENY_EPERM, .x1 = 7 },
	      (uint64_t)-EPERM);
	v1 = hv.x0;
	hdeny(&hv, "policy.deny.enohc", &(struct call){ .x0 = P_DENY_ENOHC },
	      SMCCC_RET_NOT_SUPPORTED);
	v2 = hv.x0;
	hdeny(&hv, "policy.deny.einval", &(struct call){ .x0 = P_DENY_EINVAL },
	      SMCCC_RET_INVALID_PARAMETER);
	v3 = hv.x0;
	hdeny(&hv, "policy.deny.not_required", &(struct call){ .x0 = P_DENY_M2 },
	      SMCCC_RET_NOT_REQUIRED);
	v4 = hv.x0;
	hdeny(&hv, "policy.deny.eopnotsupp", &(struct call){ .x0 = P_DENY_EOPNOTSUPP },
	      SMCCC_RET_NOT_SUPPORTED);
	say("functions denied by the VM's policy: -EPERM gave %s, -KVM_HC_ENOHC %s, -EOPNOTSUPP %s, -EINVAL %s, -2 %s",
	    describe(v1), describe(v2), describe(hv.x0), describe(v3), describe(v4));
	hdeny(&hv, "policy.deny.einval.x0_upper_garbage",
	      &(struct call){ .x0 = 0x1234567800000000ULL | P_DENY_EINVAL },
	      SMCCC_RET_INVALID_PARAMETER);
	if (smccc_over_smc)
		hdeny(&hv, "policy.deny.einval.smc", &(struct call){ .via = SMC0,
								     .x0 = P_DENY_EINVAL },
		      SMCCC_RET_INVALID_PARAMETER);

	/* discovery, services = discovery: version, bitmap, FEATURES x3 */
	hcall(&hv, "policy.discover.version", &(struct call){ .x0 = FID_DISCOVER,
							      .x1 = KVM_HC_DISCOVER_VERSION },
	      KVM_HC_ABI_VERSION, 0, C_KERNEL, NULL);
	v1 = hv.x0;
	hcall(&hv, "policy.discover.bitmap0", &(struct call){ .x0 = FID_DISCOVER64,
							      .x1 = KVM_HC_DISCOVER_BITMAP(0) },
	      SVCS_DISC, 0, C_KERNEL, NULL);
	v2 = hv.x0;
	check("policy.discover.features.x3", features_x3(&hv.vm, NULL, "policy.features"),
	      SVCS_DISC);
	check("policy.discover.plain_vm",
	      plain_call(&plain, &(struct call){ .x0 = FID_DISCOVER }, "policy.discover.plain"),
	      SMCCC_RET_NOT_SUPPORTED);
	check("policy.discover.plain_vm.features.x3",
	      features_x3(&plain, NULL, "policy.features.plain"), 0);
	say("discovery with services=1: this VM sees kvm_hc version %s, services %s, and FEATURES x3 = 0x1; a VM that did not opt in gets %s and x3 = 0",
	    describe(v1), describe(v2), describe(SMCCC_RET_NOT_SUPPORTED));

	check_outside(&hv, &plain);

	/* every call so far, counted exactly, by the ioctl and in sysfs */
	counts_check_both("policy", hv.h, hv.vm.fd, &hv.want);
	say("kvm_hc counted this VM's calls exactly (KVM_HC_GET_STATS and %s): %llu handled in the kernel, %llu forwarded, %llu denied, %llu passed to KVM",
	    dir, (unsigned long long)hv.want.total.kernel, (unsigned long long)hv.want.total.forward,
	    (unsigned long long)hv.want.total.deny, (unsigned long long)hv.want.total.kvm);

	/* services = discovery + kick: both show, in the bitmap and in FEATURES x3 */
	if (hc_policy(hv.h, SVCS_DISC_KICK, ranges, NRANGES(ranges), "policy.services3") == 0) {
		hcall(&hv, "policy.services3.bitmap0",
		      &(struct call){ .x0 = FID_DISCOVER, .x1 = KVM_HC_DISCOVER_BITMAP(0) },
		      SVCS_DISC_KICK, 0, C_KERNEL, NULL);
		check("policy.services3.features.x3",
		      features_x3(&hv.vm, NULL, "policy.services3.features"), SVCS_DISC_KICK);
	}

	/* services = 0: the VM's own setting wins over open_discovery=1 */
	if (hc_get_stats(hv.h, &before) < 0)
		memset(&before, 0, sizeof(before));
	if (hc_policy(hv.h, 0, ranges, NRANGES(ranges), "policy.services0") == 0) {
		hcall(&hv, "policy.services0.discover", &(struct call){ .x0 = FID_DISCOVER },
		      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);
		check("policy.services0.features.x3",
		      features_x3(&hv.vm, NULL, "policy.services0.features"), 0);
		if (set_open_discovery(1, &old_open) < 0) {
			report(0, "policy.services0.open_discovery", "cannot write %s errno=%d",
			       HC_OPEN_PARAM, errno);
		} else {
			hcall(&hv, "policy.services0.open_discovery.discover",
			      &(struct call){ .x0 = FID_DISCOVER }, SMCCC_RET_NOT_SUPPORTED, 0,
			      C_NONE, NULL);
			check("policy.services0.open_discovery.features.x3",
			      features_x3(&hv.vm, NULL, "policy.services0.features"), 0);
			r = call_x0(&plain, &(struct call){ .x0 = FID_DISCOVER }, &x0,
				    "policy.services0.open_discovery.plain_vm");
			check("policy.services0.open_discovery.plain_vm", r ? ~0ULL : x0,
			      KVM_HC_ABI_VERSION);
			check("policy.services0.open_discovery.plain_vm.features.x3",
			      features_x3(&plain, NULL, "policy.plain.features"), SVCS_DISC);
			set_open_discovery(old_open, NULL);
			say("with services=0 the VM gets %s for discovery and no bit in FEATURES x3, even while open_discovery=1 lets a VM that did not opt in see version %s",
			    describe(SMCCC_RET_NOT_SUPPORTED), describe(KVM_HC_ABI_VERSION));
		}
		/* the rest of the policy is still the same */
		hcall(&hv, "policy.services0.deny_einval", &(struct call){ .x0 = P_DENY_EINVAL },
		      SMCCC_RET_INVALID_PARAMETER, 0, C_NONE, NULL);
	}
	if (hc_get_stats(hv.h, &after) < 0)
		memset(&after, 0, sizeof(after));
	report(after.total.kernel == before.total.kernel && after.total.forward == before.total.forward &&
	       after.total.deny == before.total.deny + 1, "policy.services0.counters",
	       "got=%s want=kernel:%llu,user:%llu,denied:%llu,kvm:any",
	       fmt_counters(&after.total), (unsigned long long)before.total.kernel,
	       (unsigned long long)before.total.forward,
	       (unsigned long long)before.total.deny + 1);

	fd = trace_begin("policy.tracepoint");
	if (fd >= 0) {
		hdeny(&hv, "policy.tracepoint.deny_0x86000022", &(struct call){ .x0 = 0x86000022 },
		      SMCCC_RET_INVALID_PARAMETER);
		trace_end("policy.tracepoint", fd, 0x86000022);
	}

	/* closing the handle detaches the VM: stock KVM for every function again */
	close(hv.h);
	hv.h = -1;
	report(!hc_sysfs_exists(hv.vm.fd), "policy.closed.sysfs_dir", "got=%s want=gone (%s)",
	       hc_sysfs_exists(hv.vm.fd) ? "present" : "gone", dir);
	hcall(&hv, "policy.closed.discover", &(struct call){ .x0 = FID_DISCOVER },
	      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);
	hcall(&hv, "policy.closed.was_denied", &(struct call){ .x0 = P_DENY_EINVAL },
	      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);
	hcall(&hv, "policy.closed.was_forwarded", &(struct call){ .x0 = P_FWD64 },
	      SMCCC_RET_NOT_SUPPORTED, 0, C_NONE, NULL);
	check("policy.closed.features.x3", features_x3(&hv.vm, NULL, "policy.closed.features"),
	      0);
	say("after the VMM closed its handle the VM sees stock KVM again: the denied and the forwarded functions and discovery get %s",
	    describe(SMCCC_RET_NOT_SUPPORTED));

	policy_many_numbers(dev);

	vm_destroy(&hv.vm);
	vm_destroy(&plain);
	close(dev);
	return nfail ? 1 : 0;
}

/* ---- badinput, forward-unload, policy-live, two-vms ---- */


/* ---- load, sample ---- */

/* PSCI_VERSION's stock answer, which every later one must equal. */
static uint64_t load_psci;

/* The load guest (g_load): @nr with x1 = @arg, then PSCI_VERSION, again. */
int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg)
{
	struct regs r;
	int i;

	if (call_x0(vm, &(struct call){ .x0 = FID_PSCI_VERSION }, &load_psci, "load.psci") < 0)
		return -1;
	for (i = 0; i < 31; i++)
		r.x[i] = MARK(i);
	r.x[19] = nr;
	r.x[20] = arg;
	r.x[21] = FID_PSCI_VERSION;
	r.x[28] = MMIO_REPORT;
	r.pc = GUEST_GPA(g_load);
	return load_regs(vm->vcpu, &r, MMIO_DONE);
}

/* Each answer is an MMIO write of x0: to REP_LOAD_DISC, PSCI_VERSION's to REP_LOAD_STOCK. */
enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want, uint64_t *val)
{
	const struct kvm_run *run = vm->run;

	switch (vm_run_once(vm, "load")) {
	case 0:
		return LK_NONE;
	case -1:
		return LK_ERROR;
	}
	if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write && run->mmio.len == 8) {
		memcpy(val, run->mmio.data, 8);
		if (run->mmio.phys_addr == MMIO_REPORT + REP_LOAD_DISC)
			return *val == want ? LK_HC :
			       *val == SMCCC_RET_NOT_SUPPORTED ? LK_STOCK : LK_INVALID;
		if (run->mmio.phys_addr == MMIO_REPORT + REP_LOAD_STOCK)
			return *val == load_psci ? LK_OTHER : LK_OTHER_BAD;
	}
	print_unexpected_exit(vm, "load");
	return LK_ERROR;
}


/* ---- kick ---- */


/* vCPU 1 waits in WFI for the flag and reports by MMIO: waiting, woke. */
enum halter_exit arch_halter_exit(const struct halter *hl)
{
	if (hl->run->exit_reason == KVM_EXIT_MMIO &&
	    hl->run->mmio.phys_addr == MMIO_REPORT + REP_HALTING)
		return HALTER_WAITING;
	if (hl->run->exit_reason == KVM_EXIT_MMIO &&
	    hl->run->mmio.phys_addr == MMIO_REPORT + REP_WOKE)
		return HALTER_WOKE;
	return hl->run->exit_reason == KVM_EXIT_INTR ? HALTER_INTR : HALTER_OTHER;
}

/*
 * Create vCPU @id (all vCPUs before any runs), optionally with a VMM-chosen
 * MPIDR_EL1; started later by halter_start().
 */
static int halter_create(struct vm *vm, int id, uint64_t mpidr, struct halter *hl,
			 const char *tag)
{
	const char *step;
	char name[96];
	struct regs r;
	int i;

	memset(hl, 0, sizeof(*hl));
	hl->id = id;
	hl->fd = -1;
	hl->run_size = vm->run_size;
	hl->fd = vcpu_add(vm, id, &hl->run, &step);
	if (hl->fd < 0)
		goto fail;
	step = "KVM_SET_ONE_REG(MPIDR_EL1)";
	if (mpidr && set_reg(hl->fd, REG_MPIDR_EL1, mpidr) < 0)
		goto fail;
	for (i = 0; i < 31; i++)
		r.x[i] = MARK(i);
	r.x[27] = GUEST_BASE + FLAG_OFF;
	r.x[28] = MMIO_REPORT;
	r.pc = GUEST_GPA(g_halt);
	step = "KVM_SET_ONE_REG";
	if (load_regs(hl->fd, &r, MMIO_DONE) < 0)
		goto fail;
	return 0;
fail:
	snprintf(name, sizeof(name), "%s.vcpu%d-setup", tag, id);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	return -1;
}

/*
 * The storm's vCPUs (scenario.h): vCPU @id (MPIDR @id) as a struct vm of
 * its own; arm64 wants every vCPU created before the first runs.
 */
int arch_vcpu_add(struct vm *vm, int id, struct vm *v, const char *tag)
{
	const char *step;
	char name[64];

	*v = *vm;
	v->id = id;
	v->run = NULL;
	v->vcpu = vcpu_add(vm, id, &v->run, &step);
	if (v->vcpu >= 0)
		return 0;
	snprintf(name, sizeof(name), "%s.vcpu%d-setup", tag, id);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	return -1;
}

/* The kick service's target is an MPIDR, in x1: vCPU @target's is @target. */
void arch_kick_args(int target, uint64_t args[4])
{
	args[0] = (uint64_t)target;
	args[1] = args[2] = args[3] = 0;
}

/* Let it go on, and wait until it is waiting again. */
static int halter_next(struct halter *hl)
{
	int n = hl->halts;

	halter_release(hl);
	return halter_wait_halted(hl, n + 1);
}

/* A 2-vCPU VM: vCPU 0 kicks, vCPU @id (MPIDR @mpidr if not 0) waits. */
struct kick_vm {
	struct vm vm;
	struct halter hl;
	int h;
	unsigned int kicks;		/* calls of the kick function seen by kvm_hc */
	unsigned int kick_kernel;	/* of which served by kvm_hc */
};

static int kick_vm_create(struct kick_vm *kv, int dev, int id, uint64_t mpidr, uint32_t services,
			  const char *tag)
{
	memset(kv, 0, sizeof(*kv));
	kv->h = -1;
	kv->hl.fd = -1;
	if (vm_create(&kv->vm, VM_NO_VCPU, tag) < 0)
		return -1;
	if (vm_add_vcpu0(&kv->vm, tag) < 0)
		return -1;
	if (halter_create(&kv->vm, id, mpidr, &kv->hl, tag) < 0)
		return -1;
	if (dev >= 0) {
		kv->h = hc_attach(dev, kv->vm.fd, tag);
		if (kv->h < 0 || hc_policy(kv->h, services, NULL, 0, tag) < 0)
			return -1;
	}
	if (halter_start(&kv->hl, tag) < 0)
		return -1;
	if (!halter_wait_halted(&kv->hl, 1)) {
		printf("INFO %s: vCPU %d never reported (err=%d)\n", tag, id, kv->hl.err);
		return -1;
	}
	return 0;
}

/* Check the kvm_hc run's counters, then free the VM. */
static void kick_vm_destroy(struct kick_vm *kv, const char *tag)
{
	char name[96];

	if (kv->h >= 0) {
		struct hc_counts c;
		int r = hc_get_stats(kv->h, &c);

		snprintf(name, sizeof(name), "%s.counters", tag);
		report(r == 0 && c.total.kernel == kv->kick_kernel && !c.total.forward &&
		       !c.total.deny && c.total.kvm == kv->kicks - kv->kick_kernel, name,
		       "got=%s want=kernel:%u,user:0,denied:0,kvm:%u (kicks and AFFINITY_INFO)",
		       r ? resname(r) : fmt_counters(&c.total), kv->kick_kernel,
		       kv->kicks - kv->kick_kernel);
		close(kv->h);
	}
	if (halter_destroy(&kv->hl))
		vm_destroy(&kv->vm);
}

static void set_flag(struct vm *vm)
{
	__atomic_store_n((uint64_t *)(vm->mem + FLAG_OFF), 1, __ATOMIC_SEQ_CST);
}

/*
 * A kick from vCPU 0: x0, or ~0 if the call did not complete.  The flag is
 * set first, so a vCPU that wakes for whatever reason reports it.
 */
static uint64_t kick(struct kick_vm *kv, enum conduit via, uint64_t fid, uint64_t target,
		     int served, const char *tag)
{
	uint64_t x0;

	set_flag(&kv->vm);
	/* counted even if the caller gets stuck: kvm_hc saw the call */
	if (hook_sees(via) && !kv->vm.stuck) {
		kv->kicks++;
		kv->kick_kernel += served;
	}
	if (call_x0(&kv->vm, &(struct call){ .via = via, .x0 = fid, .x1 = target }, &x0,
		    tag) < 0)
		return ~0ULL;
	return x0;
}

static const char *kick_tag(int hc, const char *what)
{
	static char buf[8][80];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, sizeof(buf[0]), "kick.%s.%s", hc ? "kvm_hc" : "stock", what);
	return b;
}

/* x0 of a kick: SUCCESS through kvm_hc, stock's NOT_SUPPORTED otherwise. */
static void kick_check_x0(int served, const char *name, uint64_t got)
{
	check(name, got, served ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED);
}

/* Whether vCPU 1 woke within @s seconds (wake-up number @n): @want. */
static void kick_check_woken(struct halter *hl, int n, int want, double s, const char *name)
{
	int woke = want ? halter_wait_woken(hl, n, s) : (sleep_s(s), hl->wakes >= n);

	report(woke == want, name, "got=%s want=%s (within %.1f s)", woke ? "woken" : "waiting",
	       want ? "woken" : "waiting", s);
}

static double kick_ms[2];

/*
 * vCPU ids 0 and 1: the kick by MPIDR in both conventions and conduits, a
 * kick of an absent MPIDR, of a vCPU that is not waiting, and of oneself.
 * @hc: 0 stock KVM (no VM attached), 1 attached with discovery + kick.
 */
static void kick_default(int dev, int hc)
{
	char tag[64];
	struct kick_vm kv;
	struct halter *hl = &kv.hl;
	int woken = 0, s = hc, ok;
	uint64_t v;
	double t0;

	snprintf(tag, sizeof(tag), "%s", kick_tag(hc, "ids_0_1"));
	if (kick_vm_create(&kv, hc ? dev : -1, 1, 0, SVCS_DISC_KICK, tag) < 0)
		goto out;

	check(kick_tag(hc, "ids_0_1.features.x3"), features_x3(&kv.vm, NULL, tag),
	      hc ? SVCS_DISC_KICK : 0);

	/* a waiting vCPU: woken through kvm_hc, not on stock KVM */
	t0 = now();
	v = kick(&kv, HVC0, FID_KICK, 1, s, tag);
	kick_check_x0(s, kick_tag(hc, "waiting.x0"), v);
	kick_check_woken(hl, woken + 1, s, s ? 2 : 0.3, kick_tag(hc, "waiting.woken"));
	if (hl->wakes > woken) {
		kick_ms[hc] = (hl->t_wake - t0) * 1000;
		woken = hl->wakes;
	}
	if (!s)
		goto out;	/* on stock KVM nothing wakes vCPU 1 but a signal */

	/* an MPIDR no vCPU has: SUCCESS all the same, nobody wakes */
	halter_next(hl);
	v = kick(&kv, HVC0, FID_KICK, 7, 1, tag);
	check(kick_tag(hc, "absent_mpidr7.x0"), v, SMCCC_RET_SUCCESS);
	kick_check_woken(hl, woken + 1, 0, 0.3, kick_tag(hc, "absent_mpidr7.woken"));
	/* vCPU index 1 in Aff1, not Aff0: not vCPU 1's MPIDR either */
	v = kick(&kv, HVC0, FID_KICK, 0x100, 1, tag);
	kick_check_woken(hl, woken + 1, 0, 0.3, kick_tag(hc, "mpidr_0x100.woken"));
	/* SMC32: only w1 counts, so garbage above it does not matter */
	v = kick(&kv, HVC0, FID_KICK, 0xffffffff00000001ULL, 1, tag);
	kick_check_x0(1, kick_tag(hc, "smc32_upper_garbage.x0"), v);
	kick_check_woken(hl, woken + 1, 1, 2, kick_tag(hc, "smc32_upper_garbage.woken"));
	woken = hl->wakes;

	/* the SMC64 form, and Aff3 counts there */
	halter_next(hl);
	v = kick(&kv, HVC0, FID_KICK64, 0x100000001ULL, 1, tag);
	kick_check_woken(hl, woken + 1, 0, 0.3, kick_tag(hc, "smc64_aff3.woken"));
	v = kick(&kv, HVC0, FID_KICK64, 1, 1, tag);
	kick_check_x0(1, kick_tag(hc, "smc64.x0"), v);
	kick_check_woken(hl, woken + 1, 1, 2, kick_tag(hc, "smc64.woken"));
	woken = hl->wakes;

	/* SMC #0 as the conduit (6.4+) */
	if (smccc_over_smc > 0) {
		halter_next(hl);
		v = kick(&kv, SMC0, FID_KICK, 1, 1, tag);
		kick_check_x0(1, kick_tag(hc, "smc_conduit.x0"), v);
		kick_check_woken(hl, woken + 1, 1, 2, kick_tag(hc, "smc_conduit.woken"));
		woken = hl->wakes;
	}

	/*
	 * A vCPU that is not waiting (woken, outside KVM_RUN): SUCCESS, and
	 * once released it must run on to its next wait, not stay stuck in
	 * KVM on a wake-up request nobody consumes.
	 */
	v = kick(&kv, HVC0, FID_KICK, 1, 1, tag);
	kick_check_x0(1, kick_tag(hc, "not_waiting.x0"), v);
	ok = halter_next(hl);
	report(ok, kick_tag(hc, "not_waiting.runs_on"),
	       "got=%s want=reported-waiting-again (vCPU 1 re-entered the guest)",
	       ok ? "reported-waiting-again" : "no-report-within-2s");
	/* the flag the kick set is still there: vCPU 1 sees it at once */
	kick_check_woken(hl, woken + 1, 1, 2, kick_tag(hc, "not_waiting.sees_flag"));
	woken = hl->wakes;
	halter_next(hl);

	/* the caller itself: SUCCESS, and the caller goes on */
	v = kick(&kv, HVC0, FID_KICK, 0, 1, tag);
	__atomic_store_n((uint64_t *)(kv.vm.mem + FLAG_OFF), 0, __ATOMIC_SEQ_CST);
	kick_check_x0(1, kick_tag(hc, "self.x0"), v);
	v = plain_call(&kv.vm, &(struct call){ .x0 = FID_PSCI_VERSION }, tag);
	report(v != ~0ULL, kick_tag(hc, "self.caller_runs_on"), "got=%s want=next-call-completed",
	       v != ~0ULL ? "next-call-completed" : "stuck");
	if (v != ~0ULL)
		kv.kicks++;	/* PSCI_VERSION from an attached VM: counted as kvm */
out:
	kick_vm_destroy(&kv, tag);
	if (!hc)
		report(kv.hl.done, kick_tag(hc, "waiting.stopped_by_signal"),
		       "got=%s want=stopped (only a signal ends vCPU 1's wait on stock KVM)",
		       kv.hl.done ? "stopped" : "running");
}

/*
 * vCPU ids 0 and 17: KVM gives vCPU 17 MPIDR Aff1 = 1, Aff0 = 1 (0x101);
 * a kick names the affinity, not the vCPU id.  Then a VMM-chosen MPIDR.
 */
static void kick_mpidr(int dev)
{
	struct kick_vm kv;
	uint64_t v, aff;
	char tag[64];

	snprintf(tag, sizeof(tag), "%s", kick_tag(1, "ids_0_17"));
	if (kick_vm_create(&kv, dev, 17, 0, SVCS_DISC_KICK, tag) == 0) {
		v = kick(&kv, HVC0, FID_KICK, 17, 1, tag);
		kick_check_x0(1, kick_tag(1, "ids_0_17.kick_17.x0"), v);
		kick_check_woken(&kv.hl, 1, 0, 0.3, kick_tag(1, "ids_0_17.kick_17.woken"));
		v = kick(&kv, HVC0, FID_KICK, 0x101, 1, tag);
		kick_check_woken(&kv.hl, 1, 1, 2, kick_tag(1, "ids_0_17.kick_0x101.woken"));
	}
	kick_vm_destroy(&kv, tag);

	/* Aff2 = 2, Aff1 = 3, Aff0 = 4, set by the VMM; PSCI agrees it is there */
	snprintf(tag, sizeof(tag), "%s", kick_tag(1, "vmm_mpidr"));
	aff = 0x020304;
	if (kick_vm_create(&kv, dev, 1, 0x80000000ULL | aff, SVCS_DISC_KICK, tag) == 0) {
		v = plain_call(&kv.vm, &(struct call){ .x0 = FID_PSCI_AFFINITY_INFO64, .x1 = aff },
			       tag);
		kv.kicks++;
		check(kick_tag(1, "vmm_mpidr.psci_affinity_info"), v, 0);
		v = kick(&kv, HVC0, FID_KICK, 1, 1, tag);
		kick_check_woken(&kv.hl, 1, 0, 0.3, kick_tag(1, "vmm_mpidr.kick_1.woken"));
		v = kick(&kv, HVC0, FID_KICK, aff, 1, tag);
		kick_check_x0(1, kick_tag(1, "vmm_mpidr.kick_0x020304.x0"), v);
		kick_check_woken(&kv.hl, 1, 1, 2, kick_tag(1, "vmm_mpidr.kick_0x020304.woken"));
	}
	kick_vm_destroy(&kv, tag);
}

/* An attached VM whose services do not include the kick: stock's answer. */
static void kick_not_allowed(int dev)
{
	struct kick_vm kv;
	uint64_t v;
	char tag[64];

	snprintf(tag, sizeof(tag), "%s", kick_tag(1, "not_in_services"));
	if (kick_vm_create(&kv, dev, 1, 0, SVCS_DISC, tag) == 0) {
		check(kick_tag(1, "not_in_services.features.x3"), features_x3(&kv.vm, NULL, tag),
		      SVCS_DISC);
		v = kick(&kv, HVC0, FID_KICK, 1, 0, tag);
		kick_check_x0(0, kick_tag(1, "not_in_services.x0"), v);
		kick_check_woken(&kv.hl, 1, 0, 0.3, kick_tag(1, "not_in_services.woken"));
	}
	kick_vm_destroy(&kv, tag);
}

/* Wake tokens held on the host (the module's wake_tokens parameter), or -1. */
static int wake_tokens(void)
{
	FILE *f = fopen("/sys/module/kvm_hc/parameters/wake_tokens", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * vCPU 1 stopped, as PSCI CPU_OFF leaves it, before it ever ran: a kick of
 * its MPIDR is served (SUCCESS) but leaves no wake token behind, which
 * nobody would take and every kvm_arch_vcpu_runnable() on the host would
 * look up.
 */
static void kick_stopped(int dev)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_STOPPED };
	const char *tag = kick_tag(1, "stopped");
	int h = -1, before, after;
	struct halter hl = { .fd = -1 };
	struct vm vm;
	uint64_t x0;

	if (vm_create(&vm, VM_NO_VCPU, tag) < 0)
		return;
	if (vm_add_vcpu0(&vm, tag) < 0 || halter_create(&vm, 1, 0, &hl, tag) < 0)
		goto out;
	if (ioctl(hl.fd, KVM_SET_MP_STATE, &mp) < 0) {
		report(0, kick_tag(1, "stopped.set_mp_state"), "errno=%d (%s)", errno,
		       strerror(errno));
		goto out;
	}
	h = hc_attach(dev, vm.fd, tag);
	if (h < 0 || hc_policy(h, SVCS_DISC_KICK, NULL, 0, tag) < 0)
		goto out;
	before = wake_tokens();
	if (call_x0(&vm, &(struct call){ .via = HVC0, .x0 = FID_KICK, .x1 = 1 }, &x0, tag) == 0)
		kick_check_x0(1, kick_tag(1, "stopped.x0"), x0);
	after = wake_tokens();
	report(before >= 0 && after == before, kick_tag(1, "stopped.no_token"),
	       "got=%d want=%d (wake tokens on the host after the kick)", after, before);
out:
	if (h >= 0)
		close(h);
	if (halter_destroy(&hl))
		vm_destroy(&vm);
}

int cmd_kick(void)
{
	struct vm probe;
	int dev;

	watchdog_start("kick", 90);
	install_sigusr1();
	if (vm_create(&probe, 0, "kick.probe") == 0) {
		probe_smccc_over_smc(&probe);
		vm_destroy(&probe);
	}
	kick_default(-1, 0);
	dev = hc_open("kick.kvm_hc.open");
	if (dev >= 0) {
		kick_default(dev, 1);
		kick_mpidr(dev);
		kick_not_allowed(dev);
		kick_stopped(dev);
		close(dev);
	}
	printf("INFO kick: waiting vCPU woken %.1f ms after the kick (kvm_hc)\n", kick_ms[1]);
	if (kick_ms[1] > 0)
		say("kvm_hc's kick service: vCPU 1, waiting in WFI with interrupts masked, woke %.0f ms after vCPU 0 kicked its MPIDR; on stock KVM the same call is NOT_SUPPORTED and vCPU 1 waits until the VMM stops it",
		    kick_ms[1]);
	if (!nfail)
		say("a kick of an absent MPIDR, of the wrong affinity level or from a VM without the kick service woke nobody; a VMM-set MPIDR is honoured; all %d kick checks passed",
		    npass);
	else
		say("the kick service differed from the documented behaviour in %d of %d checks",
		    nfail, npass + nfail);
	return nfail ? 1 : 0;
}

/*
 * The fuzz scenario's calls: @nr through HVC #0, SMC #0, HVC #1 or SMC #1,
 * with random x1..x3.  KVM's SMCCC handler, and so kvm_hc, sees only what
 * hook_sees() says; KVM answers the rest as it answers any unknown function
 * (SMCCC_RET_NOT_SUPPORTED).  @want is HVC #0's answer under the policy.
 */
struct answer arch_fuzz_call(struct vm *vm, uint64_t nr, uint64_t rnd, struct answer want,
			     struct answer *expect, const char **mode)
{
	static const char *const modes[] = { "HVC #0", "SMC #0", "HVC #1", "SMC #1" };
	static const enum conduit via[] = { HVC0, SMC0, HVC1, SMC1 };
	unsigned int m = (unsigned int)(rnd >> 59) % 4;
	struct call c = { .via = via[m], .x0 = nr, .x1 = rnd * 3, .x2 = rnd * 5, .x3 = rnd * 7 };
	uint64_t v;

	if (via[m] == SMC0 && smccc_over_smc < 0)
		probe_smccc_over_smc(vm);
	*expect = hook_sees(via[m]) ? want : ARCH_STOCK;
	*mode = modes[m];
	if (answer_eq(*expect, ANSWER_EXCEPTION)) {
		struct undef u = { .esr = ~0ULL, .elr = ~0ULL };
		int r = undef_run(vm, &c, &u, "fuzz.policy");

		if (r == 1 && undef_esr_ok(&u) && u.elr == u.before.pc && undef_regs_ok(&u))
			return ANSWER_EXCEPTION;
		return (struct answer){ r == 0 ? u.after.x[0] : ~0ULL, r == 1 ? -3 : r };
	}
	v = plain_call(vm, &c, "fuzz.policy");
	return (struct answer){ v, vm->n_hypercall_exits };
}
