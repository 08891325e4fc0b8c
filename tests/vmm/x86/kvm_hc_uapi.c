// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_uapi.c - end-to-end checks of the VMM interface (/dev/kvm_hc).
 *
 * Part of kvm_hc_test, linked with kvm_hc_test.c, whose VM setup, guest
 * code and call helpers it uses (vm.h).
 *
 * A VMM opts a VM in with KVM_HC_ATTACH, sets its
 * policy with KVM_HC_SET_POLICY and reads its counters with KVM_HC_GET_STATS
 * and in /sys/kernel/kvm_hc/<pid>-<vm fd>/.  Each check below drives a guest
 * and looks at what the guest saw, what reached the VMM and what kvm_hc
 * counted.  Subcommands:
 *
 *   policy
 *	One attached VM against one that is not: the in-kernel fast path
 *	(VAPIC_POLL_IRQ, KICK_CPU; a number without a handler falls back to
 *	KVM), forwarding to the VMM from 64-bit and 32-bit code, deny with
 *	three errors in both widths, CPL3 callers, discovery by services,
 *	numbers outside every range, counters (ioctl and sysfs, exact), the
 *	tracepoint, per-number counters capped at 64 numbers, and stock
 *	behaviour once the handle is closed.
 *
 *   policy-live
 *	A guest calls one number in a loop while another thread switches its
 *	action between deny, forward and KVM: every answer belongs to one of
 *	the three, all three are seen, the guest never stalls, and the
 *	counters match the answers one for one.
 *
 *   two-vms
 *	Two attached VMs call the same number at the same time, one forwards
 *	it and one denies it, while a third VM that did not opt in calls it
 *	too: each VM sees only its own policy, and the counters stay apart.
 *
 *   badinput
 *	Every malformed or disallowed request fails with its documented errno,
 *	and the guest proves afterwards that the policy in force is unchanged.
 *
 *   kick
 *	KICK_CPU between two vCPUs, on stock KVM and through kvm_hc's
 *	in-kernel handler, scenario by scenario: both must behave alike.
 *
 *   forward-unload
 *	kvm_hc is unloaded while a vCPU sits in a forwarded exit: the handle
 *	holds the module until it is closed, and KVM completes the call.
 *	Unloads kvm_hc: run it last, with nothing else holding the module.
 */
#include <ctype.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scenario.h"

#define KVM_HC_SEND_IPI		10
#define KVM_HC_SCHED_YIELD	11

#define EPERM32		((uint64_t)(uint32_t)-KVM_EPERM)

/* The 8 bytes after hypercall.ret: u32 longmode + pad (6.1), u64 flags (6.12+). */
static uint64_t exit_flags(const struct kvm_run *e)
{
	uint64_t f;

	memcpy(&f, (const uint8_t *)&e->hypercall.ret + sizeof(e->hypercall.ret), sizeof(f));
	return f;
}

/*
 * How stock KVM fills the long-mode indication of KVM_EXIT_HYPERCALL, from
 * MAP_GPA_RANGE with KVM_CAP_EXIT_HYPERCALL, for 64-bit and 32-bit callers.
 * Returns 0, or -1 if this KVM cannot show it.
 */
static int stock_exit_flags(uint64_t *f64, uint64_t *f32)
{
	int mask = xioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);
	struct kvm_regs regs;
	struct vm vm;
	int ok;

	if (mask <= 0 || !(mask & (1 << KVM_HC_MAP_GPA_RANGE)))
		return -1;
	if (vm_create(&vm, VM_EXIT_HC, "stock_exit_flags") < 0)
		return -1;
	ok = guest_call(&vm, &(struct call){ .rax = KVM_HC_MAP_GPA_RANGE, .rbx = DATA_GPA,
					     .rcx = 1, .rdx = 0x10 },
			&regs, "stock_exit_flags") == 0 && vm.n_hypercall_exits == 1;
	*f64 = exit_flags(&vm.last_exit);
	ok = ok && guest_call(&vm, &(struct call){ .mode = MODE_32, .rax = KVM_HC_MAP_GPA_RANGE,
						   .rbx = DATA_GPA, .rcx = 1, .rdx = 0x10 },
			      &regs, "stock_exit_flags") == 0 && vm.n_hypercall_exits == 1;
	*f32 = exit_flags(&vm.last_exit);
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
	uint64_t rax;			/* of the last call, ~0 if it did not complete */
};

/*
 * One call from @hv: check rax, and that it made @want_exits exits to the
 * VMM (-1: do not check); count it as @cat.  Returns 0 if the call completed.
 */
static int hcall(struct hvm *hv, const char *name, const struct call *c, uint64_t want,
		 int want_exits, enum cat cat, struct kvm_regs *out)
{
	struct kvm_regs regs;
	char key[128];

	if (!out)
		out = &regs;
	hv->rax = ~0ULL;
	if (guest_call(&hv->vm, c, out, name) < 0) {
		report(0, name, "got=none want=0x%016llx (guest did not complete the call)",
		       (unsigned long long)want);
		return -1;
	}
	counts_add(&hv->want, c->mode == MODE_32 ? (uint32_t)c->rax : c->rax, cat);
	hv->rax = out->rax;
	check(name, out->rax, want);
	if (want_exits >= 0) {
		snprintf(key, sizeof(key), "%s.exits", name);
		report(hv->vm.n_hypercall_exits == want_exits, key, "got=%d want=%d",
		       hv->vm.n_hypercall_exits, want_exits);
	}
	return 0;
}

/* rax of one call from a VM that did not opt in; ~0 if it did not complete. */
static uint64_t plain_call(struct vm *vm, const struct call *c, const char *name)
{
	uint64_t rax;

	if (call_rax(vm, c, &rax, name) < 0)
		return ~0ULL;
	return rax;
}

/* A forwarded call: the exit the VMM saw, and what the guest got back. */
static void check_forward(struct hvm *hv, const char *name, const struct call *c,
			  uint64_t ret, int have_ref, uint64_t ref_flags)
{
	const int m32 = c->mode == MODE_32;
	const uint64_t mask = m32 ? 0xffffffffULL : ~0ULL;
	const uint64_t args[4] = { c->rbx, c->rcx, c->rdx, c->rsi };
	struct kvm_regs before, after;
	const struct kvm_run *e = &hv->vm.last_exit;
	char key[128];
	uint64_t flags;
	int i;

	hv->vm.hypercall_ret = ret;
	/* args[4] and args[5] must come back as 0: put something else there */
	hv->vm.run->hypercall.args[4] = 0x5a5a5a5a5a5a5a5aULL;
	hv->vm.run->hypercall.args[5] = 0xa5a5a5a5a5a5a5a5ULL;
	if (hcall(hv, name, c, ret & mask, 1, C_FORWARD, &after) < 0)
		return;
	if (hv->vm.n_hypercall_exits != 1)
		return;
	snprintf(key, sizeof(key), "%s.exit.nr", name);
	check(key, e->hypercall.nr, c->rax & mask);
	/* the previous call's answer is still in the field unless KVM clears it */
	snprintf(key, sizeof(key), "%s.exit.ret", name);
	check(key, e->hypercall.ret, 0);
	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "%s.exit.args%d", name, i);
		check(key, e->hypercall.args[i], i < 4 ? args[i] & mask : 0);
	}
	flags = exit_flags(e);
	snprintf(key, sizeof(key), "%s.exit.longmode", name);
	report((flags & 1) == !m32, key, "got=0x%llx want=bit0-%s", (unsigned long long)flags,
	       m32 ? "clear" : "set");
	if (have_ref) {
		snprintf(key, sizeof(key), "%s.exit.flags_as_stock", name);
		report(flags == ref_flags, key, "got=0x%llx want=0x%llx (stock KVM's MAP_GPA_RANGE exit)",
		       (unsigned long long)flags, (unsigned long long)ref_flags);
	}
	call_regs(c, &before);	/* as the call started */
	snprintf(key, sizeof(key), "%s.registers_preserved", name);
	report(regs_preserved(&before, &after), key, "got=%s want=all",
	       regs_preserved(&before, &after) ? "all" : "changed");
}

/* Numbers no range covers: the attached VM must get what the plain VM gets. */
static void check_outside(struct hvm *hv, struct vm *plain)
{
	static const struct {
		const char *name;
		struct call c;
	} cases[] = {
		{ "policy.outside.0x1233", { .rax = 0x1233, .rbx = 1 } },
		{ "policy.outside.0x1235", { .rax = 0x1235, .rbx = 1 } },
		{ "policy.outside.0x2000", { .rax = 0x2000 } },
		{ "policy.outside.0x2004", { .rax = 0x2004 } },
		{ "policy.outside.0xbeef", { .rax = 0xbeef, .rbx = 1, .rcx = 2, .rdx = 3,
					     .rsi = 4 } },
		{ "policy.outside.map_gpa_range", { .rax = KVM_HC_MAP_GPA_RANGE, .rbx = DATA_GPA,
						    .rcx = 1 } },
		{ "policy.outside.sched_yield", { .rax = KVM_HC_SCHED_YIELD, .rbx = 0 } },
		{ "policy.outside.send_ipi", { .rax = KVM_HC_SEND_IPI } },
		{ "policy.outside.kvm_hc_block_0x80", { .rax = KVM_HC_X86_BASE + 0x80 } },
		{ "policy.outside.compat.0xbeef", { .mode = MODE_32,
						    .rax = 0xdeadbeef0000beefULL } },
		{ "policy.outside.compat.map_gpa_range", { .mode = MODE_32,
							   .rax = 0x1234567800000000ULL |
								  KVM_HC_MAP_GPA_RANGE,
							   .rbx = DATA_GPA, .rcx = 1 } },
	};
	unsigned int i, same = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t want = plain_call(plain, &cases[i].c, cases[i].name);

		printf("INFO %s: VM without kvm_hc got 0x%llx\n", cases[i].name,
		       (unsigned long long)want);
		if (hcall(hv, cases[i].name, &cases[i].c, want, 0, C_KVM, NULL) == 0 &&
		    hv->vm.n_hypercall_exits == 0)
			same++;
	}
	say("hypercalls outside every range of the policy (%u numbers, 64- and 32-bit) got exactly what a VM without kvm_hc gets: %u of %u",
	    i, same, i);
}

/* ---- the scenarios written once (scenario.h): what they need of x86 ---- */

/* The discovery call for the ABI version: the version is the call's answer. */
struct answer arch_discover(struct vm *vm, const char *what)
{
	return arch_call(vm, KVM_HC_DISCOVER_NR, what);
}

int arch_vm_create(struct vm *vm, const char *tag)
{
	return vm_create(vm, 0, tag);
}

/* 64-bit kernel mode, the arguments 0: for discovery, the version selector. */
struct answer arch_call(struct vm *vm, uint64_t nr, const char *what)
{
	uint64_t rax = plain_call(vm, &(struct call){ .rax = nr }, what);

	return (struct answer){ rax, vm->n_hypercall_exits };
}

struct answer arch_call_user(struct vm *vm, uint64_t nr, const char *what)
{
	const struct call c = { .rax = nr, .mode = MODE_USER64 };
	uint64_t rax = plain_call(vm, &c, what);

	return (struct answer){ rax, vm->n_hypercall_exits };
}

struct answer arch_call_args(struct vm *vm, uint64_t nr, const uint64_t a[3], const char *what)
{
	const struct call c = { .rax = nr, .rbx = a[0], .rcx = a[1], .rdx = a[2] };
	uint64_t rax = plain_call(vm, &c, what);

	return (struct answer){ rax, vm->n_hypercall_exits };
}

/*
 * Run @c to its end: 1 if the guest took #UD (its handler g_ud reported on
 * PORT_UD with the CPU's frame, no error code: RIP, CS, RFLAGS, RSP, SS, at
 * *frame), 0 if the call completed (PORT_DONE), -1 if neither.  *before and
 * *after are the registers at the start and at the report.
 */
static int ud_run(struct vm *vm, const struct call *c, struct kvm_regs *before,
		  struct kvm_regs *after, const uint64_t **frame, const char *name)
{
	const struct kvm_run *run = vm->run;

	call_regs(c, before);
	vm->n_hypercall_exits = 0;
	if (vm->stuck || set_mode(vm, c->mode) < 0 || xioctl(vm->vcpu, KVM_SET_REGS, before) < 0 ||
	    vm_run_to_exit(vm, name) < 0)
		return -1;
	if (run->exit_reason != KVM_EXIT_IO || (run->io.port != PORT_UD && run->io.port != PORT_DONE) ||
	    xioctl(vm->vcpu, KVM_GET_REGS, after) < 0) {
		print_unexpected_exit(vm, name);
		return -1;
	}
	if (run->io.port == PORT_DONE)
		return 0;
	*frame = after->rsp < MEM_SIZE - 5 * 8 ? (const uint64_t *)(vm->mem + after->rsp) : NULL;
	return 1;
}

/* #UD as the architecture defines it: RIP at the instruction, registers kept. */
static int ud_state_ok(const struct kvm_regs *before, struct kvm_regs after,
		       const uint64_t *frame)
{
	if (!frame || frame[0] != before->rip)
		return 0;
	after.rsp = before->rsp;
	return regs_preserved(before, &after) && after.rax == before->rax;
}

/*
 * The exception scenario's call: a pattern in the argument registers, from
 * 64-bit kernel code.
 */
int arch_call_exception(struct vm *vm, uint64_t nr, const char *name)
{
	const struct call c = { .rax = nr, .rbx = 0x1212121212121212ULL,
				.rcx = 0x2323232323232323ULL, .rdx = 0x3434343434343434ULL,
				.rsi = 0x4545454545454545ULL };
	const uint64_t frame_gpa = STACK_TOP - 5 * 8;
	struct kvm_regs before, after;
	const uint64_t *frame = NULL;
	char key[128];
	int r, same;

	r = ud_run(vm, &c, &before, &after, &frame, name);
	snprintf(key, sizeof(key), "%s.raised", name);
	if (r != 1) {
		if (r == 0)
			report(0, key, "got=the call completed, rax 0x%llx want=#UD",
			       (unsigned long long)after.rax);
		else
			report(0, key, "got=no report want=#UD");
		return r < 0 ? -1 : 0;
	}
	report(1, key, "got=#UD want=#UD");
	snprintf(key, sizeof(key), "%s.frame", name);
	report(after.rsp == frame_gpa, key, "got=rsp 0x%llx want=0x%llx (five words pushed)",
	       (unsigned long long)after.rsp, (unsigned long long)frame_gpa);
	snprintf(key, sizeof(key), "%s.rip", name);
	report(frame && frame[0] == before.rip && frame[1] == SEL_CODE64, key,
	       "got=0x%llx:0x%llx want=0x%x:0x%llx (the %s, not completed)",
	       frame ? (unsigned long long)frame[1] : 0ULL,
	       frame ? (unsigned long long)frame[0] : 0ULL, SEL_CODE64,
	       (unsigned long long)before.rip, amd ? "vmmcall" : "vmcall");
	same = ud_state_ok(&before, after, frame);
	snprintf(key, sizeof(key), "%s.registers", name);
	report(same, key, "got=%s want=all, rax too (0x%llx)", same ? "all" : "changed",
	       (unsigned long long)after.rax);
	return 1;
}

/* forward-unload's call: a pattern of arguments, and the VMM's answer. */
#define FU_ANSWER	0x5151515151515151ULL

static struct call fu_call(uint64_t nr)
{
	return (struct call){ .rax = nr, .rbx = 0x1111, .rcx = 0x2222, .rdx = 0x3333,
			      .rsi = 0x4444 };
}

int arch_fwd_begin(struct vm *vm, uint64_t nr, const char *name)
{
	const struct call c = fu_call(nr);
	const struct kvm_run *run = vm->run;
	struct kvm_regs regs;

	call_regs(&c, &regs);
	if (set_mode(vm, MODE_64) < 0 || xioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0) {
		report(0, name, "setup errno=%d", errno);
		return 0;
	}
	if (vm_run_to_exit(vm, name) < 0)
		return 0;
	if (run->exit_reason == KVM_EXIT_HYPERCALL && run->hypercall.nr == nr &&
	    run->hypercall.args[0] == c.rbx && run->hypercall.args[3] == c.rsi)
		return 1;
	print_unexpected_exit(vm, name);
	return 0;
}

int arch_fwd_end(struct vm *vm, const char *name)
{
	const struct call c = fu_call(vm->run->hypercall.nr);
	struct kvm_regs regs, before;
	char key[96];
	int done;

	/* KVM's completion writes the VMM's answer to rax; libkvmhc places it */
	done = kvmhc_exit_answer(vm->vcpu, vm->run, (const uint64_t[]){ FU_ANSWER }, 1) == 0 &&
	       vm_run_to_exit(vm, name) == 0 && vm->run->exit_reason == KVM_EXIT_IO &&
	       vm->run->io.port == PORT_DONE;
	if (!done) {
		print_unexpected_exit(vm, name);
		return 0;
	}
	if (xioctl(vm->vcpu, KVM_GET_REGS, &regs) < 0)
		return 0;
	snprintf(key, sizeof(key), "%s.rax", name);
	check(key, regs.rax, FU_ANSWER);
	call_regs(&c, &before);	/* as the call started */
	snprintf(key, sizeof(key), "%s.registers_preserved", name);
	report(regs_preserved(&before, &regs), key, "got=%s want=all",
	       regs_preserved(&before, &regs) ? "all" : "changed");
	return 1;
}

/* The loop guest (g_loop_*): the number in r8, its arguments in r9..r12. */
int arch_loop_start(struct loop *l)
{
	struct kvm_regs regs = {
		.rip = amd ? GUEST_GPA(g_loop_amd) : GUEST_GPA(g_loop_intel),
		.rsp = VCPU_STACK(l->vm->id), .rflags = 0x2,
		.rdi = VCPU_DATA(l->vm->id), .r8 = l->nr,
		.r9 = l->args[0], .r10 = l->args[1], .r11 = l->args[2], .r12 = l->args[3],
	};

	if (set_mode(l->vm, MODE_64) < 0 || xioctl(l->vm->vcpu, KVM_SET_REGS, &regs) < 0)
		return -1;
	return 0;
}

/* Each answer is reported with an "out" to PORT_LOOP, rax at DATA_GPA. */
enum loop_exit arch_loop_exit(struct loop *l, uint64_t *val)
{
	const struct kvm_run *run = l->vm->run;

	switch (run->exit_reason) {
	case KVM_EXIT_HYPERCALL:
		return run->hypercall.nr == l->nr &&
		       !memcmp(run->hypercall.args, l->args, sizeof(l->args)) ?
		       LOOP_FORWARD : LOOP_FORWARD_BAD;
	case KVM_EXIT_IO:
		if (run->io.port != PORT_LOOP || run->io.direction != KVM_EXIT_IO_OUT)
			return LOOP_OTHER;
		memcpy(val, l->vm->mem + VCPU_DATA(l->vm->id), sizeof(*val));
		return LOOP_RESULT;
	case KVM_EXIT_INTR:
		return LOOP_INTR;
	}
	return LOOP_OTHER;
}

/* KVM's completion writes the answer to rax. */
int arch_loop_answer(struct loop *l, uint64_t ret)
{
	l->vm->run->hypercall.ret = ret;
	return 0;
}


int cmd_policy(void)
{
	/* given out of order: the kernel sorts */
	const struct kvm_hc_range ranges[] = {
		RANGE(0x2003, 0x2003, DENY, -EINVAL),
		RANGE(0x1234, 0x1234, FORWARD, 0),
		RANGE(KVM_HC_VAPIC_POLL_IRQ, KVM_HC_VAPIC_POLL_IRQ, KERNEL, 0),
		RANGE(0x2001, 0x2001, DENY, -EPERM),
		RANGE(KVM_HC_KICK_CPU, KVM_HC_KICK_CPU, KERNEL, 0),
		RANGE(0xdead, 0xdead, KERNEL, 0),
		RANGE(0x2002, 0x2002, DENY, -KVM_HC_ENOHC),
	};
	const struct call fwd64 = {
		.rax = 0x1234, .rbx = 0x0123456789abcdefULL, .rcx = 0x1122334455667788ULL,
		.rdx = 0x8877665544332211ULL, .rsi = 0xfedcba9876543210ULL,
	};
	const struct call fwd32 = {
		.mode = MODE_32, .rax = 0xdeadbeef00001234ULL, .rbx = 0xaaaaaaaa11111111ULL,
		.rcx = 0xbbbbbbbb22222222ULL, .rdx = 0xcccccccc33333333ULL,
		.rsi = 0xdddddddd44444444ULL,
	};
	const uint64_t disc = KVM_HC_DISCOVER_NR;
	struct hvm hv = { .h = -1, .tag = "policy" };
	uint64_t f64 = 0, f32 = 0, rax, v1, v2, v3;
	int fd;
	struct hc_counts before, after;
	int dev, have_ref, old_open = 0, r;
	struct vm plain;
	char dir[96];

	watchdog_start("policy", 90);
	have_ref = stock_exit_flags(&f64, &f32) == 0;
	if (!have_ref)
		printf("INFO policy: this KVM shows no MAP_GPA_RANGE exit to compare flags with\n");
	dev = hc_open("policy.open");
	if (dev < 0)
		return 1;
	if (vm_create(&plain, 0, "policy.plain") < 0)
		return 1;
	if (vm_create(&hv.vm, 0, "policy") < 0)
		return 1;
	hv.h = hc_attach(dev, hv.vm.fd, "policy");
	if (hv.h < 0)
		return 1;
	hc_sysfs_dir(hv.vm.fd, dir, sizeof(dir));
	report(hc_sysfs_exists(hv.vm.fd), "policy.sysfs_dir_after_attach",
	       "got=%s want=present (%s)", hc_sysfs_exists(hv.vm.fd) ? "present" : "missing", dir);
	if (hc_policy(hv.h, 1u << KVM_HC_SVC_DISCOVER, ranges, NRANGES(ranges), "policy") < 0)
		return 1;

	/* the in-kernel fast path; 0xdead has no handler there and goes to KVM */
	hcall(&hv, "policy.kernel.vapic_poll_irq", &(struct call){ .rax = KVM_HC_VAPIC_POLL_IRQ },
	      0, 0, C_KERNEL, NULL);
	v1 = hv.rax;
	hcall(&hv, "policy.kernel.kick_cpu_self", &(struct call){ .rax = KVM_HC_KICK_CPU,
								   .rbx = 0, .rcx = 0 },
	      0, 0, C_KERNEL, NULL);
	v2 = hv.rax;
	hcall(&hv, "policy.kernel.no_handler_0xdead", &(struct call){ .rax = 0xdead, .rbx = 1 },
	      ENOSYS64, 0, C_KVM, NULL);
	say("VM that opted in: VAPIC_POLL_IRQ and KICK_CPU handled in the kernel by kvm_hc, answers %s and %s; 0xdead, which has no in-kernel handler, fell back to KVM: %s",
	    describe(v1), describe(v2), describe(hv.rax));

	/* forwarded to the VMM, from 64-bit and from 32-bit code */
	check_forward(&hv, "policy.user.64", &fwd64, 0x7766554433221100ULL, have_ref, f64);
	if (hv.vm.n_hypercall_exits == 1) {
		const struct kvm_run *e = &hv.vm.last_exit;

		say("VM that opted in: hypercall 0x%llx forwarded to the VMM with args 0x%llx, 0x%llx, 0x%llx, 0x%llx; the VMM answered 0x7766554433221100, the guest got %s",
		    (unsigned long long)e->hypercall.nr,
		    (unsigned long long)e->hypercall.args[0],
		    (unsigned long long)e->hypercall.args[1],
		    (unsigned long long)e->hypercall.args[2],
		    (unsigned long long)e->hypercall.args[3], describe(hv.rax));
	}
	check_forward(&hv, "policy.user.32", &fwd32, 0x123456789ULL, have_ref, f32);
	if (hv.vm.n_hypercall_exits == 1)
		say("the same from 32-bit code (garbage in the upper halves): the VMM got 0x%llx with args 0x%llx, 0x%llx, ..., answered 0x123456789, the guest got %s",
		    (unsigned long long)hv.vm.last_exit.hypercall.nr,
		    (unsigned long long)hv.vm.last_exit.hypercall.args[0],
		    (unsigned long long)hv.vm.last_exit.hypercall.args[1], describe(hv.rax));

	/* denied, with three errors, from both widths */
	hcall(&hv, "policy.deny.64.eperm", &(struct call){ .rax = 0x2001, .rbx = 7 },
	      EPERM64, 0, C_DENY, NULL);
	v1 = hv.rax;
	hcall(&hv, "policy.deny.64.enosys", &(struct call){ .rax = 0x2002 },
	      ENOSYS64, 0, C_DENY, NULL);
	v2 = hv.rax;
	hcall(&hv, "policy.deny.64.einval", &(struct call){ .rax = 0x2003 },
	      EINVAL64, 0, C_DENY, NULL);
	v3 = hv.rax;
	say("hypercalls denied by the VM's policy: 0x2001 (-EPERM) got %s, 0x2002 (-KVM_HC_ENOHC) got %s, 0x2003 (-EINVAL) got %s",
	    describe(v1), describe(v2), describe(v3));
	hcall(&hv, "policy.deny.32.eperm", &(struct call){ .mode = MODE_32,
							   .rax = 0xffff000000002001ULL },
	      EPERM32, 0, C_DENY, NULL);
	hcall(&hv, "policy.deny.32.enosys", &(struct call){ .mode = MODE_32, .rax = 0x2002 },
	      ENOSYS32, 0, C_DENY, NULL);
	hcall(&hv, "policy.deny.32.einval", &(struct call){ .mode = MODE_32, .rax = 0x2003 },
	      EINVAL32, 0, C_DENY, NULL);
	say("the same from 32-bit code, in 32 bits: 0x2003 got %s", describe(hv.rax));

	/* discovery, services = 1 */
	hcall(&hv, "policy.discover.version", &(struct call){ .rax = disc,
							      .rbx = KVM_HC_DISCOVER_VERSION },
	      KVM_HC_ABI_VERSION, 0, C_KERNEL, NULL);
	v1 = hv.rax;
	hcall(&hv, "policy.discover.bitmap0", &(struct call){ .rax = disc,
							      .rbx = KVM_HC_DISCOVER_BITMAP(0) },
	      1, 0, C_KERNEL, NULL);
	v2 = hv.rax;
	r = call_rax(&plain, &(struct call){ .rax = disc }, &rax, "policy.discover.plain_vm");
	check("policy.discover.plain_vm", r ? ~0ULL : rax, ENOSYS64);
	say("discovery with services=1: this VM sees kvm_hc version %s and services %s; a VM that did not opt in gets %s",
	    describe(v1), describe(v2), describe(r ? ~0ULL : rax));

	check_outside(&hv, &plain);

	/* every call so far, counted exactly, by the ioctl and in sysfs */
	counts_check_both("policy", hv.h, hv.vm.fd, &hv.want);
	say("kvm_hc counted this VM's calls exactly (KVM_HC_GET_STATS and %s): %llu handled in the kernel, %llu forwarded, %llu denied, %llu passed to KVM",
	    dir, (unsigned long long)hv.want.total.kernel, (unsigned long long)hv.want.total.forward,
	    (unsigned long long)hv.want.total.deny, (unsigned long long)hv.want.total.kvm);

	/* CPL3: KVM's -1, no exit, never counted as kernel, user or denied */
	if (hc_get_stats(hv.h, &before) < 0)
		memset(&before, 0, sizeof(before));
	hcall(&hv, "policy.cpl3.user_0x1234", &(struct call){ .mode = MODE_USER64, .rax = 0x1234 },
	      EPERM64, 0, C_NONE, NULL);
	hcall(&hv, "policy.cpl3.deny_0x2001", &(struct call){ .mode = MODE_USER64, .rax = 0x2001 },
	      EPERM64, 0, C_NONE, NULL);
	hcall(&hv, "policy.cpl3.kernel_vapic_poll_irq",
	      &(struct call){ .mode = MODE_USER64, .rax = KVM_HC_VAPIC_POLL_IRQ },
	      EPERM64, 0, C_NONE, NULL);
	if (hc_get_stats(hv.h, &after) < 0)
		memset(&after, 0, sizeof(after));
	printf("INFO policy.cpl3: counters before %s, after %s\n",
	       fmt_counters(&before.total), fmt_counters(&after.total));
	report(after.total.kernel == before.total.kernel && after.total.forward == before.total.forward &&
	       after.total.deny == before.total.deny &&
	       after.total.kvm - before.total.kvm <= 3, "policy.cpl3.counters",
	       "got=%s want=kernel:%llu,user:%llu,denied:%llu,kvm:%llu..%llu",
	       fmt_counters(&after.total), (unsigned long long)before.total.kernel,
	       (unsigned long long)before.total.forward, (unsigned long long)before.total.deny,
	       (unsigned long long)before.total.kvm, (unsigned long long)before.total.kvm + 3);
	say("guest user space (CPL3) calling the forwarded, the denied and a fast-path number was refused as by stock KVM: %s, no exit to the VMM",
	    describe(EPERM64));

	/* services = 0: the VM's own setting wins over open_discovery=1 */
	if (hc_policy(hv.h, 0, ranges, NRANGES(ranges), "policy.services0") == 0) {
		hcall(&hv, "policy.services0.discover", &(struct call){ .rax = disc },
		      ENOSYS64, 0, C_NONE, NULL);
		if (set_open_discovery(1, &old_open) < 0) {
			report(0, "policy.services0.open_discovery", "cannot write %s errno=%d",
			       HC_OPEN_PARAM, errno);
		} else {
			hcall(&hv, "policy.services0.open_discovery.discover",
			      &(struct call){ .rax = disc }, ENOSYS64, 0, C_NONE, NULL);
			r = call_rax(&plain, &(struct call){ .rax = disc }, &rax,
				     "policy.services0.open_discovery.plain_vm");
			check("policy.services0.open_discovery.plain_vm", r ? ~0ULL : rax,
			      KVM_HC_ABI_VERSION);
			set_open_discovery(old_open, NULL);
			say("with services=0 the VM gets %s for discovery, even while open_discovery=1 lets a VM that did not opt in see version %s",
			    describe(ENOSYS64), describe(KVM_HC_ABI_VERSION));
		}
		/* the rest of the policy is still the same */
		hcall(&hv, "policy.services0.deny_0x2001", &(struct call){ .rax = 0x2001 },
		      EPERM64, 0, C_NONE, NULL);
	}

	fd = trace_begin("policy.tracepoint");
	if (fd >= 0) {
		hcall(&hv, "policy.tracepoint.deny_0x2001", &(struct call){ .rax = 0x2001 },
		      EPERM64, 0, C_DENY, NULL);
		trace_end("policy.tracepoint", fd, 0x2001);
	}

	/* closing the handle detaches the VM: stock KVM for every number again */
	close(hv.h);
	hv.h = -1;
	report(!hc_sysfs_exists(hv.vm.fd), "policy.closed.sysfs_dir", "got=%s want=gone (%s)",
	       hc_sysfs_exists(hv.vm.fd) ? "present" : "gone", dir);
	hcall(&hv, "policy.closed.discover", &(struct call){ .rax = disc }, ENOSYS64, 0,
	      C_NONE, NULL);
	hcall(&hv, "policy.closed.was_denied_0x2001", &(struct call){ .rax = 0x2001 },
	      ENOSYS64, 0, C_NONE, NULL);
	hcall(&hv, "policy.closed.was_forwarded_0x1234", &(struct call){ .rax = 0x1234 },
	      ENOSYS64, 0, C_NONE, NULL);
	hcall(&hv, "policy.closed.was_kernel_0xdead", &(struct call){ .rax = 0xdead },
	      ENOSYS64, 0, C_NONE, NULL);
	hcall(&hv, "policy.closed.vapic_poll_irq", &(struct call){ .rax = KVM_HC_VAPIC_POLL_IRQ },
	      0, 0, C_NONE, NULL);
	say("after the VMM closed its handle the VM sees stock KVM again: 0x2001 and 0x1234 get %s, discovery %s",
	    describe(ENOSYS64), describe(ENOSYS64));

	policy_many_numbers(dev);

	vm_destroy(&hv.vm);
	vm_destroy(&plain);
	close(dev);
	return nfail ? 1 : 0;
}

/* ---- badinput, forward-unload, policy-live, two-vms ---- */


/* ---- load, sample ---- */

/* The load guest (g_load_*): @nr with a0 = @arg, then VAPIC_POLL_IRQ, again. */
int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg)
{
	struct kvm_regs regs = {
		.rip = amd ? GUEST_GPA(g_load_amd) : GUEST_GPA(g_load_intel),
		.rsp = VCPU_STACK(vm->id), .rflags = 0x2,
		.r8 = nr, .r9 = KVM_HC_VAPIC_POLL_IRQ, .r10 = arg,
	};

	return xioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0 ? -1 : 0;
}

/* Each answer is an "out" of eax: to PORT_LOAD_DISC, VAPIC_POLL_IRQ's to PORT_LOAD_POLL. */
enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want, uint64_t *val)
{
	const struct kvm_run *run = vm->run;
	uint32_t v;

	switch (vm_run_once(vm, "load")) {
	case 0:
		return LK_NONE;
	case -1:
		return LK_ERROR;
	}
	if (run->exit_reason == KVM_EXIT_IO && run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.size == 4) {
		memcpy(&v, (const uint8_t *)run + run->io.data_offset, 4);
		*val = v;
		if (run->io.port == PORT_LOAD_DISC)
			return v == (uint32_t)want ? LK_HC :
			       v == (uint32_t)-KVM_ENOSYS ? LK_STOCK : LK_INVALID;
		if (run->io.port == PORT_LOAD_POLL)
			return v == 0 ? LK_OTHER : LK_OTHER_BAD;
	}
	print_unexpected_exit(vm, "load");
	return LK_ERROR;
}


/* ---- kick ---- */


/* vCPU 1 halts with interrupts off and reports with "out": halting, woke. */
enum halter_exit arch_halter_exit(const struct halter *hl)
{
	if (hl->run->exit_reason == KVM_EXIT_IO && hl->run->io.port == PORT_HALTING)
		return HALTER_WAITING;
	if (hl->run->exit_reason == KVM_EXIT_IO && hl->run->io.port == PORT_WOKE)
		return HALTER_WOKE;
	return hl->run->exit_reason == KVM_EXIT_INTR ? HALTER_INTR : HALTER_OTHER;
}

/*
 * KVM_GET_LAPIC + KVM_SET_LAPIC, as QEMU does for every vCPU at reset.  KVM
 * builds its APIC map (which KICK_CPU's delivery looks up) while a vCPU is
 * being created, before the vCPU is in the VM's list, and rebuilds it only
 * when something changes an APIC's ID, mode or enable bit; loading the
 * LAPIC state is such a change.
 */
static int lapic_reload(int vcpu_fd)
{
	struct kvm_lapic_state st;

	if (xioctl(vcpu_fd, KVM_GET_LAPIC, &st) < 0)
		return -1;
	return xioctl(vcpu_fd, KVM_SET_LAPIC, &st);
}

/*
 * vCPU @id of @vm's VM as an application processor is set up (CPUID, the
 * 64-bit mode of vCPU 0, runnable): its fd in *@fd and kvm_run in *@run;
 * 0, or -1 with the failed step in *@step.
 */
static int ap_create(struct vm *vm, int id, int flags, int *fd, struct kvm_run **run,
		     const char **step)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_cpuid2 *cpuid;
	int r;

	*step = "KVM_CREATE_VCPU";
	*fd = xioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (*fd < 0)
		return -1;
	*step = "mmap kvm_run";
	*run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (*run == MAP_FAILED)
		return -1;
	if (flags & VM_ENFORCE_PV) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID,
					      .args = { 1 } };

		*step = "KVM_ENABLE_CAP(KVM_CAP_ENFORCE_PV_FEATURE_CPUID)";
		if (xioctl(*fd, KVM_ENABLE_CAP, &cap) < 0)
			return -1;
	}
	cpuid = cpuid_for(flags);
	*step = "KVM_SET_CPUID2";
	r = xioctl(*fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	if (r < 0)
		return -1;
	*step = "KVM_SET_SREGS";
	if (xioctl(*fd, KVM_SET_SREGS, &vm->sregs) < 0)
		return -1;
	/* an AP waits for INIT/SIPI with the in-kernel irqchip: start it */
	*step = "KVM_SET_MP_STATE";
	return xioctl(*fd, KVM_SET_MP_STATE, &mp) < 0 ? -1 : 0;
}

/* Create vCPU @id running g_halt, in a thread of its own. */
static int halter_create(struct vm *vm, int id, int flags, int reload_lapic,
			 struct halter *hl, const char *tag)
{
	struct kvm_regs regs = { .rip = GUEST_GPA(g_halt), .rsp = STACK_TOP - 0x1000,
				 .rflags = 0x2 };
	const char *step;
	char name[96];

	memset(hl, 0, sizeof(*hl));
	hl->id = id;
	hl->fd = -1;
	hl->run_size = vm->run_size;
	if (ap_create(vm, id, flags, &hl->fd, &hl->run, &step) < 0)
		goto fail;
	step = "KVM_SET_REGS";
	if (xioctl(hl->fd, KVM_SET_REGS, &regs) < 0)
		goto fail;
	/* enabled, x2APIC mode, not the BSP: as a guest's x2APIC AP is */
	step = "KVM_SET_MSRS(IA32_APIC_BASE, x2APIC)";
	if ((flags & VM_X2APIC) && set_msr(hl->fd, 0x1b, 0xfee00000ULL | 1u << 11 | 1u << 10) < 0)
		goto fail;
	step = "KVM_GET_LAPIC/KVM_SET_LAPIC";
	if (reload_lapic && (lapic_reload(vm->vcpu) < 0 || lapic_reload(hl->fd) < 0))
		goto fail;
	return halter_start(hl, tag);
fail:
	snprintf(name, sizeof(name), "%s.vcpu%d-setup", tag, id);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	return -1;
}

/*
 * The storm's vCPUs (scenario.h): vCPU @id as a struct vm of its own, with
 * its own stack and answer slot for the loop guest; every vCPU's LAPIC is
 * loaded again so that KVM's APIC map, which KICK_CPU looks up, has them
 * all.
 */
int arch_vcpu_add(struct vm *vm, int id, struct vm *v, const char *tag)
{
	const char *step;
	char name[64];

	*v = *vm;
	v->id = id;
	v->vcpu = -1;
	v->run = NULL;
	if (ap_create(vm, id, 0, &v->vcpu, &v->run, &step) < 0)
		goto fail;
	step = "KVM_GET_LAPIC/KVM_SET_LAPIC";
	if (lapic_reload(vm->vcpu) < 0 || lapic_reload(v->vcpu) < 0)
		goto fail;
	return 0;
fail:
	snprintf(name, sizeof(name), "%s.vcpu%d-setup", tag, id);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	vcpu_destroy(v);
	return -1;
}

/* KICK_CPU of the vCPU whose APIC ID is @target (flags 0 in rbx, the ID in rcx). */
void arch_kick_args(int target, uint64_t args[4])
{
	args[0] = 0;
	args[1] = (uint64_t)target;
	args[2] = args[3] = 0;
}

/* One scenario value, from the run on stock KVM and the run through kvm_hc. */
#define WANT_STOCK	0xffffffff00000000ULL	/* no fixed value: as stock KVM */

struct kick_val {
	const char *key;
	uint64_t want;
	uint64_t got[2];
	int have[2];
	const char *what;
};

#define KICK_VALS	48

struct kick_set {
	struct kick_val v[KICK_VALS];
	int n;
	double wake_ms[2];		/* halted vCPU kicked to woken */
};

static void kick_rec(struct kick_set *ks, int run, const char *key, uint64_t want,
		     uint64_t got, const char *what)
{
	int i;

	for (i = 0; i < ks->n && strcmp(ks->v[i].key, key); i++)
		;
	if (i == ks->n) {
		if (ks->n == KICK_VALS)
			return;
		ks->n++;
		ks->v[i] = (struct kick_val){ .key = key, .want = want, .what = what };
	}
	ks->v[i].got[run] = got;
	ks->v[i].have[run] = 1;
}

/* KICK_CPU from vCPU 0: rax, or ~0 if the call did not complete. */
static uint64_t kick(struct vm *vm, enum mode mode, uint64_t apic_id, const char *tag)
{
	return plain_call(vm, &(struct call){ .mode = mode, .rax = KVM_HC_KICK_CPU, .rbx = 0,
					      .rcx = apic_id }, tag);
}

/* A 2-vCPU VM (vCPU 0 and @id), attached with {5..5 KERNEL} when @hc. */
struct kick_vm {
	struct vm vm;
	struct halter hl;
	int h;
	unsigned int cpl0_kicks;	/* counted as kernel */
	unsigned int other_kicks;	/* CPL3: counted as kvm, or not at all */
	int other_kvm;			/* this many of cpl0_kicks may count as kvm */
};

static int kick_vm_create(struct kick_vm *kv, int dev, int flags, int id, int hc,
			  int reload_lapic, const char *tag)
{
	const struct kvm_hc_range r[] = { RANGE(KVM_HC_KICK_CPU, KVM_HC_KICK_CPU, KERNEL, 0) };

	memset(kv, 0, sizeof(*kv));
	kv->h = -1;
	if (vm_create(&kv->vm, flags, tag) < 0)
		return -1;
	if (hc) {
		kv->h = hc_attach(dev, kv->vm.fd, tag);
		if (kv->h < 0 || hc_policy(kv->h, 0, r, 1, tag) < 0)
			return -1;
	}
	if (halter_create(&kv->vm, id, flags, reload_lapic, &kv->hl, tag) < 0)
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
		uint64_t k = c.total.kernel, m = c.total.kvm;
		int ok;

		/* k kicks in the kernel, the rest of the CPL0 ones and up to all CPL3 in kvm */
		ok = k <= kv->cpl0_kicks && k + kv->other_kvm >= kv->cpl0_kicks &&
		     m >= kv->cpl0_kicks - k && m <= kv->cpl0_kicks - k + kv->other_kicks;
		snprintf(name, sizeof(name), "%s.counters", tag);
		report(r == 0 && ok && !c.total.forward && !c.total.deny, name,
		       "got=%s want=kernel:%u%s,user:0,denied:0,kvm:0..%u", fmt_counters(&c.total),
		       kv->cpl0_kicks, kv->other_kvm ? "(or kvm)" : "",
		       kv->other_kicks + kv->other_kvm);
		close(kv->h);
	}
	if (halter_destroy(&kv->hl))
		vm_destroy(&kv->vm);
}

static const char *kick_tag(int run, const char *vm)
{
	static char buf[4][64];
	static int i;
	char *b = buf[i++ % 4];

	snprintf(b, sizeof(buf[0]), "kick.%s.%s", run ? "kvm_hc" : "stock", vm);
	return b;
}

/* Default PV features, vCPU ids 0 and 1. */
static void kick_default(struct kick_set *ks, int dev, int run)
{
	const char *tag = kick_tag(run, "default");
	struct kick_vm kv;
	struct halter *hl = &kv.hl;
	double t0;
	uint64_t v;

	if (kick_vm_create(&kv, dev, 0, 1, run, 1, tag) == 0) {
		/* a halted vCPU: woken */
		t0 = now();
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "halted.rax", 0, v, "kick of halted vCPU 1");
		kick_rec(ks, run, "halted.woken", 1, halter_wait_woken(hl, 1, 2),
			 "halted vCPU 1 woke within 2 s");
		if (hl->wakes >= 1)
			ks->wake_ms[run] = (hl->t_wake - t0) * 1000;

		/* a running vCPU: itself */
		v = kick(&kv.vm, MODE_64, 0, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "running_self.rax", 0, v, "kick of the running caller itself");

		/* a woken vCPU, not back in KVM_RUN: 0, and its next hlt returns */
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "woken.rax", 0, v, "kick of woken, not halted vCPU 1");
		halter_release(hl);
		kick_rec(ks, run, "woken.kick_kept", 1, halter_wait_woken(hl, 2, 2),
			 "that kick was kept: vCPU 1's next hlt returned at once");

		/* an APIC ID no vCPU has: 0, nobody wakes */
		halter_release(hl);
		halter_wait_halted(hl, 3);
		v = kick(&kv.vm, MODE_64, 7, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "apic7.rax", 0, v, "kick of APIC ID 7 (no such vCPU)");
		sleep_s(0.3);
		kick_rec(ks, run, "apic7.woken", 0, hl->wakes >= 3,
			 "vCPU 1 still halted after 300 ms");
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "apic7.then_kick1.woken", 1,
			 v == 0 && halter_wait_woken(hl, 3, 2), "then a kick of vCPU 1 woke it");

		/* from CPL3: -1, nobody wakes */
		halter_release(hl);
		halter_wait_halted(hl, 4);
		v = kick(&kv.vm, MODE_USER64, 1, tag);
		kv.other_kicks++;
		kick_rec(ks, run, "cpl3.rax", EPERM64, v, "kick from CPL3");
		sleep_s(0.3);
		kick_rec(ks, run, "cpl3.woken", 0, hl->wakes >= 4,
			 "vCPU 1 still halted after 300 ms");
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "cpl3.then_kick1.woken", 1, v == 0 && halter_wait_woken(hl, 4, 2),
			 "then a kick from CPL0 woke it");
	}
	kick_vm_destroy(&kv, tag);
}

/* KVM_CAP_ENFORCE_PV_FEATURE_CPUID, with and without PV_UNHALT. */
static void kick_enforced(struct kick_set *ks, int dev, int run)
{
	const char *tag = kick_tag(run, "enforce_no_unhalt");
	struct kick_vm kv;
	uint64_t v;

	if (kick_vm_create(&kv, dev, VM_ENFORCE_PV, 1, run, 1, tag) == 0) {
		v = kick(&kv.vm, MODE_64, 1, tag);
		/* kvm_hc may refuse it itself or leave it to KVM: kernel or kvm */
		kv.cpl0_kicks++;
		kv.other_kvm = 1;
		kick_rec(ks, run, "enforce_no_unhalt.rax", ENOSYS64, v,
			 "kick with PV_UNHALT missing from the enforced PV CPUID");
		sleep_s(0.3);
		kick_rec(ks, run, "enforce_no_unhalt.woken", 0, kv.hl.wakes >= 1,
			 "vCPU 1 still halted after 300 ms");
	}
	/* vCPU 1 can only be stopped with a signal now */
	kick_vm_destroy(&kv, tag);
	kick_rec(ks, run, "enforce_no_unhalt.stopped_by_signal", 1, kv.hl.done,
		 "the halted vCPU's thread ended with a signal");

	tag = kick_tag(run, "enforce_unhalt");
	if (kick_vm_create(&kv, dev, VM_ENFORCE_PV | VM_PV_UNHALT, 1, run, 1, tag) == 0) {
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "enforce_unhalt.rax", 0, v,
			 "kick with PV_UNHALT in the enforced PV CPUID");
		kick_rec(ks, run, "enforce_unhalt.woken", 1, halter_wait_woken(&kv.hl, 1, 2),
			 "halted vCPU 1 woke within 2 s");
	}
	kick_vm_destroy(&kv, tag);
}

/* vCPU ids 0 and 5: the kick names an APIC ID, not a vCPU index. */
static void kick_apic_id(struct kick_set *ks, int dev, int run)
{
	const char *tag = kick_tag(run, "ids_0_5");
	struct kick_vm kv;
	uint64_t v;

	if (kick_vm_create(&kv, dev, 0, 5, run, 1, tag) == 0) {
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "ids_0_5.apic1.rax", 0, v, "kick of APIC ID 1 (vCPU index 1)");
		sleep_s(0.3);
		kick_rec(ks, run, "ids_0_5.apic1.woken", 0, kv.hl.wakes >= 1,
			 "vCPU with APIC ID 5 still halted after 300 ms");
		v = kick(&kv.vm, MODE_64, 5, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "ids_0_5.apic5.rax", 0, v, "kick of APIC ID 5");
		kick_rec(ks, run, "ids_0_5.apic5.woken", 1, halter_wait_woken(&kv.hl, 1, 2),
			 "vCPU with APIC ID 5 woke within 2 s");
	}
	kick_vm_destroy(&kv, tag);
}

/*
 * The VMM never loads LAPIC state: KVM builds its APIC map while vCPU 1 is
 * being created, before it counts, and does not rebuild it until something
 * marks it dirty (KVM_SET_LAPIC, an APIC ID or mode write), so stock KVM's
 * kick may reach nobody.  kvm_hc's fast path for KICK_CPU is KVM's own
 * code (Documentation/design.rst, "The fast path on x86"): whatever stock
 * KVM does here, kvm_hc must do the same.
 */
static void kick_stale_map(struct kick_set *ks, int dev, int run)
{
	const char *tag = kick_tag(run, "stale_apic_map");
	struct kick_vm kv;
	uint64_t v;

	if (kick_vm_create(&kv, dev, 0, 1, run, 0, tag) == 0) {
		v = kick(&kv.vm, MODE_64, 1, tag);
		kv.cpl0_kicks++;
		kick_rec(ks, run, "stale_apic_map.rax", 0, v,
			 "kick of halted vCPU 1, no LAPIC state loaded by the VMM");
		kick_rec(ks, run, "stale_apic_map.woken", WANT_STOCK,
			 halter_wait_woken(&kv.hl, 1, run ? 2 : 1),
			 "halted vCPU 1 woke, no LAPIC state loaded by the VMM");
	}
	kick_vm_destroy(&kv, tag);
}

/*
 * Kick @apic_id from vCPU 0, record rax under @key_rax and whether vCPU 1
 * woke (within 2 s) under @key_woken; a woken vCPU 1 is sent back to its
 * hlt.  *@woken counts its wakes.
 */
static void kick_x2apic_step(struct kick_set *ks, int run, struct kick_vm *kv, uint32_t apic_id,
			     const char *key_rax, const char *key_woken, uint64_t want_woken,
			     const char *what, int *woken, const char *tag)
{
	uint64_t v = kick(&kv->vm, MODE_64, apic_id, tag);
	int w;

	kv->cpl0_kicks++;
	kick_rec(ks, run, key_rax, 0, v, what);
	w = halter_wait_woken(&kv->hl, *woken + 1, 2);
	kick_rec(ks, run, key_woken, want_woken, w, what);
	if (w) {
		(*woken)++;
		halter_release(&kv->hl);
		halter_wait_halted(&kv->hl, *woken + 1);
	}
}

/*
 * vCPU 1 in x2APIC mode, kicked with each broadcast ID.  A kick has no
 * source APIC, so under KVM's x2APIC broadcast quirk (the default) 0xff is
 * a broadcast that reaches x2APIC-mode vCPUs too and 0xffffffff reaches
 * nobody; with KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK it is the reverse
 * (lapic.c: kvm_apic_is_broadcast_dest(), kvm_apic_mda()).
 */
static void kick_x2apic_one(struct kick_set *ks, int dev, int run, int quirk,
			    const char *const keys[6])
{
	const char *tag = kick_tag(run, quirk ? "x2apic_quirk" : "x2apic_no_quirk");
	int flags = VM_X2APIC | (quirk ? 0 : VM_NO_BCAST_QUIRK);
	struct kick_vm kv;
	int woken = 0;

	if (kick_vm_create(&kv, dev, flags, 1, run, 1, tag) == 0) {
		kick_x2apic_step(ks, run, &kv, 0xffffffff, keys[0], keys[1], !quirk,
				 "x2APIC-mode vCPU 1 kicked with APIC ID 0xffffffff", &woken, tag);
		kick_x2apic_step(ks, run, &kv, 0xff, keys[2], keys[3], quirk,
				 "x2APIC-mode vCPU 1 kicked with APIC ID 0xff", &woken, tag);
		kick_x2apic_step(ks, run, &kv, 1, keys[4], keys[5], 1,
				 "x2APIC-mode vCPU 1 kicked with its own APIC ID", &woken, tag);
	}
	kick_vm_destroy(&kv, tag);
}

static void kick_x2apic(struct kick_set *ks, int dev, int run)
{
	static const char *const quirk[6] = {
		"x2apic_quirk.bcast32.rax", "x2apic_quirk.bcast32.woken",
		"x2apic_quirk.bcast8.rax", "x2apic_quirk.bcast8.woken",
		"x2apic_quirk.apic1.rax", "x2apic_quirk.apic1.woken",
	};
	static const char *const no_quirk[6] = {
		"x2apic_no_quirk.bcast32.rax", "x2apic_no_quirk.bcast32.woken",
		"x2apic_no_quirk.bcast8.rax", "x2apic_no_quirk.bcast8.woken",
		"x2apic_no_quirk.apic1.rax", "x2apic_no_quirk.apic1.woken",
	};

	kick_x2apic_one(ks, dev, run, 1, quirk);
	kick_x2apic_one(ks, dev, run, 0, no_quirk);
}

int cmd_kick(void)
{
	struct kick_set ks = { .n = 0 };
	int dev, dev_errno, run, i;

	watchdog_start("kick", 90);
	install_sigusr1();
	dev = open(HC_DEV, O_RDWR | O_CLOEXEC);
	dev_errno = errno;
	for (run = 0; run < 2; run++) {
		if (run == 1 && dev < 0) {
			report(0, "kick.kvm_hc.open", "open " HC_DEV " errno=%d (%s)", dev_errno,
			       strerror(dev_errno));
			break;
		}
		kick_default(&ks, dev, run);
		kick_enforced(&ks, dev, run);
		kick_apic_id(&ks, dev, run);
		kick_stale_map(&ks, dev, run);
		kick_x2apic(&ks, dev, run);
	}
	for (i = 0; i < ks.n; i++) {
		const struct kick_val *v = &ks.v[i];
		char name[96];

		snprintf(name, sizeof(name), "kick.stock.%s", v->key);
		if (v->want == WANT_STOCK)
			printf("INFO %s got=%s (%s)\n", name,
			       v->have[0] ? (v->got[0] ? "0x1" : "0x0") : "none", v->what);
		else if (!v->have[0])
			report(0, name, "got=none want=0x%llx (%s)", (unsigned long long)v->want,
			       v->what);
		else
			report(v->got[0] == v->want, name, "got=0x%llx want=0x%llx (%s)",
			       (unsigned long long)v->got[0], (unsigned long long)v->want, v->what);
		snprintf(name, sizeof(name), "kick.kvm_hc.%s", v->key);
		if (!v->have[1])
			report(0, name, "got=none want=0x%llx (%s)", (unsigned long long)v->want,
			       v->what);
		else if (v->want == WANT_STOCK)
			report(v->have[0] && v->got[0] == v->got[1], name,
			       "got=0x%llx want=stock stock=0x%llx (%s)",
			       (unsigned long long)v->got[1], (unsigned long long)v->got[0],
			       v->what);
		else
			report(v->got[1] == v->want && v->have[0] && v->got[0] == v->got[1], name,
			       "got=0x%llx want=0x%llx stock=0x%llx (%s)",
			       (unsigned long long)v->got[1], (unsigned long long)v->want,
			       (unsigned long long)v->got[0], v->what);
	}
	printf("INFO kick: halted vCPU woken %.1f ms after the kick (stock), %.1f ms (kvm_hc)\n",
	       ks.wake_ms[0], ks.wake_ms[1]);
	if (ks.wake_ms[1] > 0)
		say("KICK_CPU handled in the kernel by kvm_hc: halted vCPU 1 woke up %.0f ms after vCPU 0's kick (stock KVM: %.0f ms)",
		    ks.wake_ms[1], ks.wake_ms[0]);
	if (!nfail)
		say("a kick of APIC ID 7, from guest user space, or without PV_UNHALT when PV features are enforced woke nobody; kvm_hc and stock KVM agreed in all %d kick checks",
		    npass);
	else
		say("kvm_hc's KICK_CPU differed from stock KVM's, or from the documented result, in %d of %d checks",
		    nfail, npass + nfail);
	if (dev >= 0)
		close(dev);
	return nfail ? 1 : 0;
}

/*
 * The fuzz scenario's calls: @nr from 64-bit kernel code with either
 * vendor's instruction (KVM emulates the other one), from 32-bit kernel code
 * with random high bits in rax (KVM reads eax and answers in 32 bits), or
 * from 64-bit user code (KVM's -KVM_EPERM, whatever the policy), with random
 * arguments.  @want is the 64-bit kernel's answer under the policy.
 */
struct answer arch_fuzz_call(struct vm *vm, uint64_t nr, uint64_t rnd, struct answer want,
			     struct answer *expect, const char **mode)
{
	static const char *const modes[] = { "64-bit CPL0", "64-bit CPL0, the other instruction",
					     "32-bit CPL0", "64-bit CPL3" };
	struct call c = { .rax = nr, .rbx = rnd * 3, .rcx = rnd * 5, .rdx = rnd * 7,
			  .rsi = rnd * 11 };
	unsigned int m = (unsigned int)(rnd >> 59) % 4;
	struct kvm_regs before, after;
	const uint64_t *frame = NULL;
	uint64_t v;
	int r;

	*expect = want;
	if (answer_eq(want, ANSWER_EXCEPTION) && m != 3) {
		/* #UD from every kernel mode; CPL 3 keeps KVM's refusal */
		c.other_insn = m == 1;
		c.mode = m == 2 ? MODE_32 : MODE_64;
		*mode = modes[m];
		r = ud_run(vm, &c, &before, &after, &frame, "fuzz.policy");
		if (r == 1 && ud_state_ok(&before, after, frame))
			return ANSWER_EXCEPTION;
		return (struct answer){ r == 0 ? after.rax : ~0ULL, r == 1 ? -3 : r };
	}
	switch (m) {
	case 1:
		c.other_insn = 1;
		break;
	case 2:
		c.mode = MODE_32;
		c.rax |= rnd & 0xffffffff00000000ULL;
		expect->val = (uint32_t)want.val;
		break;
	case 3:
		c.mode = MODE_USER64;
		*expect = (struct answer){ EPERM64, 0 };
		break;
	}
	*mode = modes[m];
	v = plain_call(vm, &c, "fuzz.policy");
	return (struct answer){ v, vm->n_hypercall_exits };
}
