// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_uapi.c - end-to-end checks of the VMM interface (/dev/kvm_hc),
 * ppc64 (PAPR hcalls under KVM-HV).
 *
 * Part of kvm_hc_test, linked with kvm_hc_test.c, whose VM setup, guest
 * code and call helpers it uses (vm.h).
 *
 * A VMM opts a VM in with KVM_HC_ATTACH, sets its
 * policy of hcall-number ranges with KVM_HC_SET_POLICY and reads its
 * counters with KVM_HC_GET_STATS and in /sys/kernel/kvm_hc/<pid>-<vm fd>/
 * (Documentation/uapi.rst, Documentation/powerpc-abi.rst).  Subcommands:
 *
 *   badinput, forward-unload, policy-live, two-vms
 *	../scenario_*.c, written once for every architecture.
 *
 *   policy
 *	One attached VM against one that is not.  Discovery (number
 *	KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER)) answered in the kernel with
 *	no exit, only for the VM whose policy has the service; USER ranges
 *	forward to the VMM as KVM_EXIT_PAPR_HCALL with r3 and r4..r12, and
 *	the VMM's ret and args reach r3 and r4..r12, also for an hcall KVM
 *	would answer itself (H_PROD); DENY ranges give the guest the error as
 *	its PAPR status in r3 (-KVM_HC_ENOHC as H_FUNCTION, -EINVAL as
 *	H_PARAMETER, others unchanged) and clear r4..r11; KVM ranges, KERNEL
 *	ranges without a handler and numbers outside every range behave as
 *	stock; KVM_CAP_PPC_ENABLE_HCALL still moves hcalls between the kernel
 *	and the VMM (and loses to a DENY range); counters (ioctl and sysfs)
 *	match what the guest did exactly; closing the handle restores stock.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "scenario.h"

#define KICK_NR		KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_KICK)
#define H_PROTECT	0x08u
#define H_CONFER	0xe4u


/* An attached VM and the counters its calls should have produced. */
struct hvm {
	struct vm vm;
	int h;
	struct hc_counts want;
};

/* What a call must show. */
enum pwant {
	P_KERNEL,	/* no exit, r3 == @r3 (stock KVM or kvm_hc in the kernel) */
	P_USER,		/* forwarded: one exit with the call's nr and args */
	P_DENY,		/* no exit, r3 == @r3, r4..r11 == 0, r12 kept */
};

/*
 * What stock KVM does with the hcalls the policy check uses, where KVM-HV
 * and KVM-PR differ.  @kern is an hcall KVM answers in the kernel (r4 = 0:
 * @kern_ok); @confer one for KVM_CAP_PPC_ENABLE_HCALL, answered @confer_ok;
 * @hv_calls is where H_REGISTER_VPA, H_SET_DABR and H_SET_PARTITION_TABLE
 * go (KVM-PR answers only its page table's hcalls in the kernel);
 * @random_enable what enabling H_RANDOM gives (KVM-PR has none).
 */
struct stock {
	uint64_t kern, kern_ok, confer, confer_ok;
	enum pwant hv_calls;
	int random_enable;
};

static struct stock stock_of_kvm(void)
{
	if (ppc_kvm_pr())
		return (struct stock){ H_REMOVE, PR_H_REMOVE_ANSWER, H_PROTECT, PR_H_REMOVE_ANSWER,
				       P_USER, -EINVAL };
	return (struct stock){ H_PROD, H_SUCCESS, H_CONFER, H_SUCCESS, P_KERNEL, 0 };
}

static const char *pwant_name(enum pwant w)
{
	return w == P_USER ? "forwarded to the VMM" : w == P_DENY ? "denied" : "answered in the kernel";
}

/*
 * Run hcall @nr (r4 = @a0, r5 = @a1, then a pattern) in @vm and check it as
 * @w; if @want is given, account it there as @cat (and the CALL_DONE
 * hcall that ends every call, which KVM passes to the VMM, as kvm).
 * Returns r4 of the guest after the call.
 */
static uint64_t pcall(struct vm *vm, struct hc_counts *want, const char *name, uint64_t nr,
		      uint64_t a0, uint64_t a1, enum pwant w, uint64_t r3, enum cat cat)
{
	uint64_t args[9] = { a0, a1, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777 };
	struct result res;
	int ok = 0, zero = 1, i;

	if (want) {
		counts_add(want, nr, cat);
		counts_add(want, CALL_DONE, C_KVM);
	}
	if (hcall(vm, nr, args, &res, name) < 0)
		return ~0ull;
	for (i = 1; i <= 8; i++)
		zero &= res.r[i] == 0;
	switch (w) {
	case P_KERNEL:
		ok = res.nexits == 0 && res.r[0] == r3;
		break;
	case P_DENY:
		ok = res.nexits == 0 && res.r[0] == r3 && zero && res.r[9] == 0x7777;
		break;
	case P_USER:
		ok = res.nexits == 1 && res.nr[0] == nr && !memcmp(res.args[0], args, sizeof(args)) &&
		     res.r[0] == VMM_RET;
		for (i = 1; i <= 9; i++)
			ok &= res.r[i] == VMM_ARG(i - 1);
		r3 = VMM_RET;
		break;
	}
	report(ok && res.preserved, name,
	       "got=exits:%d,nr:0x%llx,r3:0x%llx,r4:0x%llx,r5:0x%llx,r12:0x%llx,preserved:%d "
	       "want=exits:%d,r3:0x%llx (%s)", res.nexits,
	       (unsigned long long)(res.nexits ? res.nr[0] : 0), (unsigned long long)res.r[0],
	       (unsigned long long)res.r[1], (unsigned long long)res.r[2],
	       (unsigned long long)res.r[9], res.preserved, w == P_USER, (unsigned long long)r3,
	       pwant_name(w));
	return res.r[1];
}

/* Discovery on a VM that may call it: r3 = H_SUCCESS, r4 = @r4, r5..r11 = 0. */
static void discover(struct hvm *hv, const char *name, uint64_t sel, uint64_t r3, uint64_t r4)
{
	uint64_t args[9] = { sel, 0x5555, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777 };
	struct result res;
	int zero = 1, i;

	counts_add(&hv->want, DISCOVER_NR, C_KERNEL);
	counts_add(&hv->want, CALL_DONE, C_KVM);
	if (hcall(&hv->vm, DISCOVER_NR, args, &res, name) < 0)
		return;
	for (i = 2; i <= 8; i++)
		zero &= res.r[i] == 0;
	report(res.nexits == 0 && res.r[0] == r3 && res.r[1] == r4 && zero && res.r[9] == 0x7777 &&
	       res.preserved, name,
	       "got=exits:%d,r3:0x%llx,r4:0x%llx,r5:0x%llx,r12:0x%llx want=exits:0,r3:0x%llx,"
	       "r4:0x%llx,r5..r11:0,r12:0x7777 (kvm_hc, in the kernel)", res.nexits,
	       (unsigned long long)res.r[0], (unsigned long long)res.r[1],
	       (unsigned long long)res.r[2], (unsigned long long)res.r[9],
	       (unsigned long long)r3, (unsigned long long)r4);
}

static int hvm_create(struct hvm *hv, int dev, const char *tag)
{
	memset(&hv->want, 0, sizeof(hv->want));
	hv->h = -1;
	if (vm_create(&hv->vm, tag) < 0)
		return -1;
	hv->h = hc_attach(dev, hv->vm.fd, tag);
	return hv->h < 0 ? -1 : 0;
}

/* ---- the scenarios written once (scenario.h): what they need of ppc64 ---- */


int arch_vm_create(struct vm *vm, const char *tag)
{
	return vm_create(vm, tag);
}

/* r4 = 0 (for discovery, the version selector), r5..r12 a pattern. */
static struct answer arch_hcall(struct vm *vm, uint64_t nr, const char *what, struct result *res)
{
	uint64_t args[9] = { 0, 0x5555, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777 };

	if (hcall(vm, nr, args, res, what) < 0)
		return (struct answer){ ~0ull, -1 };
	return (struct answer){ res->r[0], res->nexits };
}

struct answer arch_call(struct vm *vm, uint64_t nr, const char *what)
{
	struct result res;

	return arch_hcall(vm, nr, what, &res);
}

struct answer arch_call_args(struct vm *vm, uint64_t nr, const uint64_t a[3], const char *what)
{
	uint64_t args[9] = { a[0], a[1], a[2] };
	struct result res;

	if (hcall(vm, nr, args, &res, what) < 0)
		return (struct answer){ ~0ull, -1 };
	return (struct answer){ res.r[0], res.nexits };
}

/* PAPR: the status in r3, the version in r4. */
struct answer arch_discover(struct vm *vm, const char *what)
{
	struct result res;
	struct answer a = arch_hcall(vm, DISCOVER_NR, what, &res);

	if (a.exits >= 0)
		a.val = a.val == H_SUCCESS ? res.r[1] : ~0ull;
	return a;
}


int cmd_policy(void)
{
	const struct stock st = stock_of_kvm();
	const struct kvm_hc_range ranges[] = {
		RANGE(st.kern, st.kern, FORWARD, 0),
		RANGE(H_REGISTER_VPA, H_REGISTER_VPA, DENY, -KVM_HC_ENOHC),
		RANGE(H_SET_DABR, H_SET_DABR, DENY, -EINVAL),
		RANGE(0x3fc, 0x3fc, DENY, -57),
		RANGE(H_RANDOM, H_RANDOM, DENY, -EPERM),
		RANGE(0x5000, 0x5000, KERNEL, 0),
		RANGE(0x6000, 0x6ffc, FORWARD, 0),
		RANGE(0x7000, 0x7000, KVM, 0),
		RANGE(H_SET_PARTITION_TABLE, H_SET_PARTITION_TABLE, KVM, 0),
	};
	struct hvm hv;
	struct vm plain;
	int dev, r, fd, old_open;
	struct answer a;

	dev = hc_open("policy.open");
	if (dev < 0)
		return 1;
	if (vm_create(&plain, "policy.plain.setup") < 0 || hvm_create(&hv, dev, "policy") < 0)
		return 1;
	report(hc_sysfs_exists(hv.vm.fd), "policy.sysfs_dir_after_attach", "got=%s want=present",
	       hc_sysfs_exists(hv.vm.fd) ? "present" : "missing");

	/* Attached, no policy yet: every call is stock KVM's, counted as kvm. */
	pcall(&hv.vm, &hv.want, "policy.none.discover", DISCOVER_NR, 0, 0, P_USER, 0, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.none.kvm_answers", st.kern, 0, 0, P_KERNEL, st.kern_ok,
	      C_KVM);

	if (hc_policy(hv.h, 1u << KVM_HC_SVC_DISCOVER, ranges, NRANGES(ranges), "policy") < 0)
		return 1;
	say("A VM attached to kvm_hc with a policy, and a plain VM next to it.");

	/* discovery: in the kernel, no exit */
	discover(&hv, "policy.discover.version", KVM_HC_DISCOVER_VERSION, H_SUCCESS,
		 KVM_HC_ABI_VERSION);
	discover(&hv, "policy.discover.bitmap0", KVM_HC_DISCOVER_BITMAP(0), H_SUCCESS,
		 1u << KVM_HC_SVC_DISCOVER);
	discover(&hv, "policy.discover.bitmap1", KVM_HC_DISCOVER_BITMAP(1), H_SUCCESS, 0);
	discover(&hv, "policy.discover.bad_selector", 9, H_PARAMETER, 0);
	/* a service kvm_hc does not offer on ppc: stock (the VMM sees it) */
	pcall(&hv.vm, &hv.want, "policy.kick.not_offered", KICK_NR, 0, 0, P_USER, 0, C_KVM);
	/* the plain VM sees stock KVM for the same calls */
	pcall(&plain, NULL, "policy.plain.discover", DISCOVER_NR, 0, 0, P_USER, 0, C_NONE);
	pcall(&plain, NULL, "policy.plain.kvm_answers", st.kern, 0, 0, P_KERNEL, st.kern_ok,
	      C_NONE);
	pcall(&plain, NULL, "policy.plain.h_register_vpa", H_REGISTER_VPA, 0, 0, st.hv_calls,
	      H_PARAMETER, C_NONE);
	say("Discovery answered by kvm_hc in the kernel for the attached VM; the plain VM's VMM sees it as stock.");

	/* forwarding: an hcall KVM answers itself, and a private range */
	pcall(&hv.vm, &hv.want, "policy.user.forward", st.kern, 0x0123456789abcdefull,
	      0xfedcba9876543210ull, P_USER, 0, C_FORWARD);
	pcall(&hv.vm, &hv.want, "policy.user.range_first", 0x6000, 1, 2, P_USER, 0, C_FORWARD);
	pcall(&hv.vm, &hv.want, "policy.user.range_last", 0x6ffc, 3, 4, P_USER, 0, C_FORWARD);

	/* deny: the error as the PAPR status */
	pcall(&hv.vm, &hv.want, "policy.deny.enohc", H_REGISTER_VPA, 0, 0, P_DENY, H_FUNCTION,
	      C_DENY);
	pcall(&hv.vm, &hv.want, "policy.deny.einval", H_SET_DABR, 0, 0, P_DENY, H_PARAMETER,
	      C_DENY);
	pcall(&hv.vm, &hv.want, "policy.deny.other", 0x3fc, 0, 0, P_DENY, (uint64_t)-57, C_DENY);
	pcall(&hv.vm, &hv.want, "policy.deny.disabled_h_random", H_RANDOM, 0, 0, P_DENY,
	      (uint64_t)-EPERM, C_DENY);

	/* the dispatch tracepoint sees a denied call */
	fd = trace_begin("policy.tracepoint");
	if (fd >= 0) {
		pcall(&hv.vm, &hv.want, "policy.tracepoint.deny_h_set_dabr", H_SET_DABR, 0, 0,
		      P_DENY, H_PARAMETER, C_DENY);
		trace_end("policy.tracepoint", fd, H_SET_DABR);
	}

	/* KVM ranges, a KERNEL range without a handler, numbers in no range */
	pcall(&hv.vm, &hv.want, "policy.kvm.h_set_partition_table", H_SET_PARTITION_TABLE, 0, 0,
	      st.hv_calls, H_FUNCTION, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.kvm.0x7000", 0x7000, 0, 0, P_USER, 0, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.kernel.no_handler", 0x5000, 0, 0, P_USER, 0, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.outside.h_get_tce", H_GET_TCE, 0xdead, 0, P_USER, 0, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.outside.h_set_mode", H_SET_MODE, 0, 4, P_USER, 0, C_KVM);
	pcall(&hv.vm, &hv.want, "policy.user.kvm_answers_any_argument", st.kern, 99, 0, P_USER, 0,
	      C_FORWARD);

	/* KVM_CAP_PPC_ENABLE_HCALL still decides for calls kvm_hc leaves to KVM */
	pcall(&hv.vm, &hv.want, "policy.enable.confer.on", st.confer, (uint64_t)-1, 0, P_KERNEL,
	      st.confer_ok, C_KVM);
	r = enable_hcall(&hv.vm, st.confer, 0);
	check("policy.enable.confer.disable", r, 0);
	pcall(&hv.vm, &hv.want, "policy.enable.confer.off", st.confer, (uint64_t)-1, 0, P_USER, 0,
	      C_KVM);
	r = enable_hcall(&hv.vm, st.confer, 1);
	check("policy.enable.confer.enable", r, 0);
	pcall(&hv.vm, &hv.want, "policy.enable.confer.on_again", st.confer, (uint64_t)-1, 0,
	      P_KERNEL, st.confer_ok, C_KVM);
	/* KVM-PR has no H_RANDOM to enable; the deny wins either way */
	r = enable_hcall(&hv.vm, H_RANDOM, 1);
	check("policy.enable.h_random.enable", r, st.random_enable);
	pcall(&hv.vm, &hv.want, "policy.enable.h_random.deny_wins", H_RANDOM, 0, 0, P_DENY,
	      (uint64_t)-EPERM, C_DENY);
	say("Forwarded, denied and stock calls went where the policy says; KVM_CAP_PPC_ENABLE_HCALL still works.");

	/* services = 0: the VM's own setting wins over open_discovery=1 */
	if (hc_policy(hv.h, 0, ranges, NRANGES(ranges), "policy.services0") == 0) {
		pcall(&hv.vm, &hv.want, "policy.services0.discover", DISCOVER_NR, 0, 0, P_USER, 0,
		      C_KVM);
		if (set_open_discovery(1, &old_open) < 0) {
			report(0, "policy.services0.open_discovery", "cannot write %s errno=%d",
			       HC_OPEN_PARAM, errno);
		} else {
			pcall(&hv.vm, &hv.want, "policy.services0.open_discovery.discover",
			      DISCOVER_NR, 0, 0, P_USER, 0, C_KVM);
			a = arch_discover(&plain, "policy.services0.open_discovery.plain_vm");
			check("policy.services0.open_discovery.plain_vm", a.exits ? ~0ull : a.val,
			      KVM_HC_ABI_VERSION);
			set_open_discovery(old_open, NULL);
			say("With services=0 the VM's discovery goes to the VMM as stock, even while open_discovery=1 lets a VM that did not opt in see the version.");
		}
	}

	/* every call so far, counted exactly, by the ioctl and in sysfs */
	counts_check_both("policy", hv.h, hv.vm.fd, &hv.want);

	/* detach: stock again */
	close(hv.h);
	hv.h = -1;
	report(!hc_sysfs_exists(hv.vm.fd), "policy.detach.sysfs_dir_gone", "got=%s want=gone",
	       hc_sysfs_exists(hv.vm.fd) ? "present" : "gone");
	pcall(&hv.vm, NULL, "policy.detach.discover", DISCOVER_NR, 0, 0, P_USER, 0, C_NONE);
	pcall(&hv.vm, NULL, "policy.detach.kvm_answers", st.kern, 0, 0, P_KERNEL, st.kern_ok,
	      C_NONE);
	pcall(&hv.vm, NULL, "policy.detach.h_register_vpa", H_REGISTER_VPA, 0, 0, st.hv_calls,
	      H_PARAMETER, C_NONE);
	pcall(&hv.vm, NULL, "policy.detach.h_set_dabr", H_SET_DABR, 0, 0, st.hv_calls, H_HARDWARE,
	      C_NONE);
	say("Handle closed: the VM sees stock KVM again.");
	vm_destroy(&hv.vm);
	vm_destroy(&plain);

	policy_many_numbers(dev);
	close(dev);
	return nfail ? 1 : 0;
}

/* ---- badinput, forward-unload, policy-live, two-vms ---- */


/* forward-unload's call: a pattern of arguments, VMM_RET and VMM_ARG(i) back. */
static const uint64_t fu_args[9] = { 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777,
				     0x8888, 0x9999 };

/*
 * The exception scenario's call: the hcall with a pattern in r4..r12; the
 * program interrupt's handler (PROGRAM_GPA) keeps r3, SRR0 and SRR1 in
 * SPRG0..2 and reports with EXC_REPORT.  A program interrupt for an illegal
 * instruction: SRR0 at the sc 1 (not completed), SRR1_PROGILL, every
 * register as it was.  It runs little-endian, as the guest, with LPCR[ILE]
 * (what a Linux guest asks for with H_SET_MODE).
 */
#define LPCR_ILE	0x0000000002000000ull
#define SRR1_PROGILL	0x0000000000080000ull

/*
 * Run hcall @nr with @args: 1 if the program interrupt's handler reported
 * (EXC_REPORT; *regs as it left them, SPRG0..2 = r3, SRR0, SRR1), 0 if the
 * hcall itself reached the VMM or finished, -1 if neither.  The vCPU is
 * ready for the next call either way.
 */
static int program_run(struct vm *vm, uint64_t nr, const uint64_t *args, struct kvm_regs *regs,
		       const char *name)
{
	uint64_t lpcr = 0;
	struct kvm_one_reg one = { .id = KVM_REG_PPC_LPCR_64, .addr = (uintptr_t)&lpcr };
	int r;

	if (ioctl(vm->vcpu, KVM_GET_ONE_REG, &one) < 0 ||
	    (lpcr |= LPCR_ILE, ioctl(vm->vcpu, KVM_SET_ONE_REG, &one) < 0)) {
		printf("INFO %s: setting LPCR[ILE] failed (errno %d)\n", name, errno);
		return -1;
	}
	if (hcall_setup(vm, nr, args, name) < 0 ||
	    hcall_next_exit(vm, now_ns() + CALL_TIMEOUT_S * 1000000000ull, name) < 0)
		return -1;
	r = vm->run->papr_hcall.nr == EXC_REPORT;
	regs->gpr[3] = vm->run->papr_hcall.nr;
	if (r && xioctl(vm->vcpu, KVM_GET_REGS, regs) < 0)
		r = -1;
	if (hcall_complete(vm, name) < 0)
		return -1;
	return r;
}

static int program_regs_ok(const struct kvm_regs *regs, uint64_t nr, const uint64_t *args)
{
	int same = regs->sprg0 == nr, i;

	for (i = 4; i < 13; i++)
		same &= regs->gpr[i] == args[i - 4];
	for (i = 13; i < 32; i++)
		same &= regs->gpr[i] == GPR_PATTERN(i);
	return same;
}

int arch_call_exception(struct vm *vm, uint64_t nr, const char *name)
{
	const uint64_t args[9] = { 0x1212121212121212ull, 0x2323232323232323ull,
				   0x3434343434343434ull };
	struct kvm_regs regs;
	char key[128];
	int r, same;

	r = program_run(vm, nr, args, &regs, name);
	snprintf(key, sizeof(key), "%s.raised", name);
	if (r != 1) {
		if (r == 0)
			report(0, key, "got=hcall 0x%llx reached the VMM want=the program interrupt",
			       (unsigned long long)regs.gpr[3]);
		else
			report(0, key, "got=no report want=the program interrupt");
		return r;
	}
	report(1, key, "got=a program interrupt want=a program interrupt");
	snprintf(key, sizeof(key), "%s.srr0", name);
	report(regs.sprg1 == CODE_GPA, key, "got=0x%llx want=0x%x (the sc 1, not completed)",
	       (unsigned long long)regs.sprg1, CODE_GPA);
	snprintf(key, sizeof(key), "%s.srr1", name);
	report(regs.sprg2 & SRR1_PROGILL, key, "got=0x%llx want=SRR1_PROGILL (0x%llx)",
	       (unsigned long long)regs.sprg2, SRR1_PROGILL);
	same = program_regs_ok(&regs, nr, args);
	snprintf(key, sizeof(key), "%s.registers", name);
	report(same, key, "got=%s want=r3 (0x%llx), r4..r31 as they were",
	       same ? "all" : "changed", (unsigned long long)regs.sprg0);
	return 1;
}

int arch_fwd_begin(struct vm *vm, uint64_t nr, const char *name)
{
	uint64_t deadline = now_ns() + CALL_TIMEOUT_S * NSEC_PER_SEC;

	if (hcall_setup(vm, nr, fu_args, name) < 0 || hcall_next_exit(vm, deadline, name) < 0)
		return 0;
	return vm->run->papr_hcall.nr == nr && vm->run->papr_hcall.args[0] == fu_args[0] &&
	       vm->run->papr_hcall.args[8] == fu_args[8];
}

int arch_fwd_end(struct vm *vm, const char *name)
{
	uint64_t deadline = now_ns() + CALL_TIMEOUT_S * NSEC_PER_SEC;
	struct result res;
	char key[96];
	int i;

	const uint64_t ans[10] = { VMM_RET, VMM_ARG(0), VMM_ARG(1), VMM_ARG(2), VMM_ARG(3),
				   VMM_ARG(4), VMM_ARG(5), VMM_ARG(6), VMM_ARG(7), VMM_ARG(8) };

	/* KVM_RUN's completion writes the VMM's r3..r12; libkvmhc places them */
	if (kvmhc_exit_answer(vm->vcpu, vm->run, ans, 10) < 0 ||
	    hcall_next_exit(vm, deadline, name) < 0 || vm->run->papr_hcall.nr != CALL_DONE ||
	    hcall_result(vm, &res, name) < 0)
		return 0;
	snprintf(key, sizeof(key), "%s.r3", name);
	check(key, res.r[0], VMM_RET);
	for (i = 1; i <= 9; i++) {
		snprintf(key, sizeof(key), "%s.r%d", name, 3 + i);
		check(key, res.r[i], VMM_ARG(i - 1));
	}
	snprintf(key, sizeof(key), "%s.registers_preserved", name);
	report(res.preserved, key, "got=%s want=all(r13, r24..r31)",
	       res.preserved ? "all" : "changed");
	return 1;
}

/* The loop guest (LOOP_GPA): the number in r20, r4..r7 from r21..r24. */
int arch_loop_start(struct loop *l)
{
	uint64_t vals[5] = { l->nr, l->args[0], l->args[1], l->args[2], l->args[3] };

	return regs_setup(l->vm, LOOP_GPA, 20, vals, 5, NULL);
}

/* Each answer is reported as r4 of a CALL_DONE hcall, which KVM passes on. */
enum loop_exit arch_loop_exit(struct loop *l, uint64_t *val)
{
	const struct kvm_run *run = l->vm->run;

	if (run->exit_reason == KVM_EXIT_INTR)
		return LOOP_INTR;
	if (run->exit_reason != KVM_EXIT_PAPR_HCALL)
		return LOOP_OTHER;
	if (run->papr_hcall.nr == CALL_DONE) {
		*val = run->papr_hcall.args[0];
		return LOOP_RESULT;
	}
	return run->papr_hcall.nr == l->nr &&
	       !memcmp((const void *)run->papr_hcall.args, l->args, sizeof(l->args)) ?
	       LOOP_FORWARD : LOOP_FORWARD_BAD;
}

/* KVM_RUN's completion writes the answer to r3. */
int arch_loop_answer(struct loop *l, uint64_t ret)
{
	l->vm->run->papr_hcall.ret = ret;
	return 0;
}


/* ---- load, sample ---- */

static uint64_t load_arg;

/* One hcall per step, from the VMM: nothing to start. */
int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg)
{
	load_arg = arg;
	return 0;
}

/* kvm_hc answers in the kernel (H_SUCCESS, @want in r4); KVM passes it on. */
enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want, uint64_t *val)
{
	uint64_t args[9] = { load_arg };
	struct result res;

	if (hcall(vm, nr, args, &res, "load.call") < 0)
		return LK_ERROR;
	*val = res.r[0];
	if (res.nexits == 0 && res.r[0] == H_SUCCESS && res.r[1] == want)
		return LK_HC;
	if (res.nexits == 1 && res.nr[0] == nr && res.r[0] == VMM_RET)
		return LK_STOCK;
	return LK_INVALID;
}


/*
 * The fuzz scenario's calls: @nr with random arguments in r4..r12 (PAPR
 * hcalls come from the guest's kernel only: sc 1 from problem state is a
 * program interrupt in the guest, never an hcall).
 */
struct answer arch_fuzz_call(struct vm *vm, uint64_t nr, uint64_t rnd, struct answer want,
			     struct answer *expect, const char **mode)
{
	uint64_t args[9];
	struct result res;
	unsigned int i;

	for (i = 0; i < 9; i++)
		args[i] = rnd * (2 * i + 3);
	*expect = want;
	*mode = "sc 1, supervisor";
	if (answer_eq(want, ANSWER_EXCEPTION)) {
		struct kvm_regs regs;
		int r = program_run(vm, nr, args, &regs, "fuzz.policy");

		if (r == 1 && regs.sprg1 == CODE_GPA && (regs.sprg2 & SRR1_PROGILL) &&
		    program_regs_ok(&regs, nr, args))
			return ANSWER_EXCEPTION;
		return (struct answer){ r == 0 ? regs.gpr[3] : ~0ull, r == 1 ? -3 : r };
	}
	if (hcall(vm, nr, args, &res, "fuzz.policy") < 0)
		return (struct answer){ ~0ull, -1 };
	return (struct answer){ res.r[0], res.nexits };
}
