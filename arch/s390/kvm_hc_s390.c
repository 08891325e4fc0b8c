// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc s390 hook: an ftrace_ops with IPMODIFY on kvm_s390_handle_diag(),
 * KVM/s390's handler of every intercepted DIAGNOSE.  The function is not
 * exported and lives in kvm.ko, which kvm_hc holds while the hook is in
 * place (kvm_hc_hold_owner(): the symbols kvm_hc imports are no pin to
 * count on); the target is found through kallsyms at load time.
 *
 * The callback decodes the function code (RS-a base and displacement) and
 * moves the PSW address to a replacement only for DIAGNOSE 0x500 from the
 * supervisor state, with a subcode that is not reserved (0-4,
 * kvm_hc_s390_reserved()), that kvm_hc_take() says kvm_hc serves.
 * Every other DIAGNOSE (0x501 breakpoint, 0x9c, ...) and every stock
 * subcode never leaves KVM's code.  The replacement answers in R2 and
 * returns 0, exits to the VMM with KVM_EXIT_HYPERCALL (returns -EREMOTE),
 * or calls KVM's original.
 */
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/module.h>

#include "kvm_hc_compat_kvm.h"
#include "kvm_hc_s390.h"
#include "kvm_hc_trace.h"

#define KVM_HC_S390_TARGET	"kvm_s390_handle_diag"

static int (*kvm_hc_s390_orig)(struct kvm_vcpu *vcpu);
/* KVM's kvm_s390_inject_prog_irq(), not exported (NULL: no exception ranges). */
static int (*kvm_hc_s390_inject_prog_irq)(struct kvm_vcpu *vcpu, struct kvm_s390_pgm_info *pgm);
/* KVM's kvm_vm_ioctl(), static in kvm_main.c: tells a VM file from others. */
static unsigned long kvm_hc_s390_vm_ioctl;

/**
 * kvm_hc_s390_hook_name() - the KVM function kvm_hc hooks on this kernel
 *
 * Return: its name.
 */
static const char *kvm_hc_s390_hook_name(void)
{
	return KVM_HC_S390_TARGET;
}

/*
 * The ops ask for full pt_regs, which every s390 kernel with
 * DYNAMIC_FTRACE_WITH_REGS saves (kvm_hc_s390_init() checks that it is
 * there): the argument is in r2, and ftrace returns to the PSW address.
 * The ftrace_regs argument accessor is of no use on s390, since
 * regs_get_register() is not exported.
 */
static struct kvm_vcpu *kvm_hc_s390_fregs_vcpu(struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? (struct kvm_vcpu *)regs->gprs[2] : NULL;
}

static void kvm_hc_s390_fregs_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
	instruction_pointer_set(ftrace_get_regs(fregs), ip);
}

static bool kvm_hc_s390_problem_state(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.sie_block->gpsw.mask & PSW_MASK_PSTATE;
}

/*
 * The replacement of KVM's DIAGNOSE handler, for a call the ftrace
 * callback found kvm_hc serves (kvm_hc_take()); it opens its own section,
 * as the x86 and arm64 replacements do.
 */
static int kvm_hc_s390_emulate(struct kvm_vcpu *vcpu)
{
	u64 *gprs = vcpu->run->s.regs.gprs;
	struct kvm_s390_pgm_info pgm = {};
	struct kvm_hc_call call kvm_hc_noinit;
	struct kvm_hc_ctx ctx;
	int ret;

	kvm_hc_begin(&ctx, vcpu->kvm);
	kvm_hc_s390_decode(&call, gprs, kvm_hc_s390_problem_state(vcpu));
	call.vcpu_id = vcpu->vcpu_id;
	switch (kvm_hc_dispatch_vm(&ctx, vcpu, &call)) {
	case KVM_HC_KERNEL:
	case KVM_HC_DENY:
		/* The PSW is past the DIAGNOSE already. */
		pgm.code = kvm_hc_s390_complete(&call, gprs);
		if (unlikely(pgm.code)) {
			/* kvm_s390_inject_program_int() of KVM's private kvm-s390.h */
			ret = kvm_hc_s390_inject_prog_irq(vcpu, &pgm);
			break;
		}
		vcpu->stat.instruction_diagnose_500++;
		ret = 0;
		break;
	case KVM_HC_FORWARD:
		/*
		 * kvm_arch_vcpu_ioctl_run() turns -EREMOTE into a normal exit
		 * with this kvm_run.  The PSW is past the DIAGNOSE; the VMM
		 * writes R2 into run->s.regs.gprs[2], which the next KVM_RUN
		 * enters the guest with.
		 */
		vcpu->stat.instruction_diagnose_500++;
		kvm_hc_s390_exit(vcpu->run, &call);
		ret = -EREMOTE;
		break;
	default:
		ret = kvm_hc_s390_orig(vcpu);
		break;
	}
	kvm_hc_end(&ctx);
	return ret;
}

/* A call kvm_hc_take() left to KVM, decoded in full for the tracepoint. */
static noinline void kvm_hc_s390_trace_stock(struct kvm_vcpu *vcpu, enum kvm_hc_take take)
{
	struct kvm_hc_call call kvm_hc_noinit;

	kvm_hc_s390_decode(&call, vcpu->run->s.regs.gprs, kvm_hc_s390_problem_state(vcpu));
	call.vcpu_id = vcpu->vcpu_id;
	kvm_hc_trace_taken(vcpu->kvm, &call, take);
}

static void notrace kvm_hc_s390_ftrace(unsigned long ip, unsigned long parent_ip,
				       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	enum kvm_hc_take take;
	struct kvm_vcpu *vcpu;
	const u64 *gprs;

	/* kvm_hc_s390_emulate() calling the original function. */
	if (kvm_hc_from_self(parent_ip))
		return;
	vcpu = kvm_hc_s390_fregs_vcpu(fregs);
	if (!vcpu)
		return;
	gprs = vcpu->run->s.regs.gprs;
	if (!kvm_hc_s390_candidate(vcpu->arch.sie_block->ipa, vcpu->arch.sie_block->ipb,
				   gprs, kvm_hc_s390_problem_state(vcpu)))
		return;
	/* A candidate comes from the supervisor state. */
	take = kvm_hc_take(vcpu->kvm, KVM_HC_ARCH_S390, 0, gprs[1], kvm_hc_s390_service(gprs[1]));
	if (take != KVM_HC_TAKE) {
		if (take != KVM_HC_PASS && unlikely(trace_kvm_hc_dispatch_enabled()))
			kvm_hc_s390_trace_stock(vcpu, take);
		return;
	}
	kvm_hc_s390_fregs_set_ip(fregs, (unsigned long)kvm_hc_s390_emulate);
}

/* kvm.ko, held while the hook is in place. */
static struct module *kvm_hc_s390_owner;

static struct ftrace_ops kvm_hc_s390_ops_hook = {
	.func = kvm_hc_s390_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION,
};

/**
 * kvm_hc_s390_init() - find KVM's DIAGNOSE handler and prepare its hook
 *
 * Either all is ready on return, or nothing was changed.
 *
 * Return: 0 or a negative errno, with the reason in the kernel log.
 */
static int kvm_hc_s390_init(void)
{
	unsigned long target;
	int ret;

	if (!IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS)) {
		pr_err("this kernel's ftrace cannot save registers; cannot hook KVM\n");
		return -EOPNOTSUPP;
	}
	target = kvm_hc_lookup_name(KVM_HC_S390_TARGET);
	if (!target) {
		pr_err("KVM function %s not found; unsupported kernel\n", KVM_HC_S390_TARGET);
		return -ENOENT;
	}
	kvm_hc_s390_inject_prog_irq = (void *)kvm_hc_lookup_name("kvm_s390_inject_prog_irq");
	if (!kvm_hc_s390_inject_prog_irq)
		pr_info("kvm_s390_inject_prog_irq not found: exception ranges are refused\n");
	kvm_hc_s390_vm_ioctl = kvm_hc_lookup_name("kvm_vm_ioctl");
	if (!kvm_hc_s390_vm_ioctl) {
		pr_err("kvm_vm_ioctl not found; cannot recognise VM file descriptors\n");
		return -ENOENT;
	}
	kvm_hc_s390_orig = (void *)target;
	kvm_hc_s390_owner = kvm_hc_hold_owner(target);
	if (IS_ERR(kvm_hc_s390_owner))
		return PTR_ERR(kvm_hc_s390_owner);

	/* The hook itself is placed by kvm_hc_hook_arm(), on first use. */
	ret = ftrace_set_filter_ip(&kvm_hc_s390_ops_hook, target, 0, 0);
	if (ret) {
		pr_err("cannot trace %s: %d\n", KVM_HC_S390_TARGET, ret);
		module_put(kvm_hc_s390_owner);
	}
	return ret;
}

/**
 * kvm_hc_s390_unhook() - undo kvm_hc_s390_init(); the hook is disarmed
 */
static void kvm_hc_s390_unhook(void)
{
	ftrace_set_filter_ip(&kvm_hc_s390_ops_hook, (unsigned long)kvm_hc_s390_orig, 1, 0);
	module_put(kvm_hc_s390_owner);
}

/*
 * A VM kvm_hc cannot serve, refused at attach: a protected virtualization
 * (secure execution) guest, of which the host sees only what the
 * ultravisor passes on.  One converted after attach is not refused.
 */
static bool kvm_hc_s390_vm_confidential(struct kvm *kvm)
{
	return kvm->arch.pv.handle != 0;
}

static int kvm_hc_s390_exceptions_get(void)
{
	return kvm_hc_s390_inject_prog_irq ? 0 : -EOPNOTSUPP;
}

/*
 * What the core needs of s390: KVM_EXIT_HYPERCALL carries R2..R7
 * (KVM_HC_CHECK_EXTENSION tells VMMs); in-kernel handlers may sleep.
 */
static struct ftrace_ops *const kvm_hc_s390_hooks[] = { &kvm_hc_s390_ops_hook };

const struct kvm_hc_arch_ops kvm_hc_arch = {
	.arch = KVM_HC_ARCH_S390,
	.forward_args = 6,
	.exit_marker = false,
	.handlers_may_sleep = true,
	.init = kvm_hc_s390_init,
	.exit = kvm_hc_s390_unhook,
	.hook_name = kvm_hc_s390_hook_name,
	.vm_confidential = kvm_hc_s390_vm_confidential,
	.hooks = kvm_hc_s390_hooks,
	.nhooks = ARRAY_SIZE(kvm_hc_s390_hooks),
	.vm_ioctl = &kvm_hc_s390_vm_ioctl,
	.exceptions = true,
	.exceptions_get = kvm_hc_s390_exceptions_get,
};
