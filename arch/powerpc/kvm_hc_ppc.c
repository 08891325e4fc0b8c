// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc powerpc hook: kprobes on KVM's hypercall functions whose
 * pre-handlers do all of kvm_hc's work.
 *
 *   kvmppc_pseries_do_hcall(vcpu)  kvm-hv.ko  PAPR hcalls of Book3S HV guests
 *   kvmppc_h_pr(vcpu, cmd)         kvm-pr.ko  PAPR hcalls of Book3S PR guests
 *   kvmppc_kvm_pv(vcpu)            kvm.ko     ePAPR/KVM hypercalls (KVM-PR,
 *                                             BookE)
 *
 * Each is hooked where its module is loaded; one of the first two must be.
 *
 * For a call kvm_hc takes, the pre-handler answers in the guest's registers
 * and then returns from KVM's function on its behalf: r3 = the function's
 * return value, NIP = LR, so KVM's function does not run.  No kvm_hc code
 * ever runs in place of KVM's function, so nothing depends on the ELFv2 TOC
 * pointer (r2) of another module, which an ftrace redirect between modules
 * gets wrong unless the kernel has CONFIG_LIVEPATCH_64 (Debian's ppc64el
 * kernels do not).  Every other call runs KVM's function untouched.  See
 * Documentation/design.rst, "The hook per kernel (powerpc)".
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kstrtox.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <asm/epapr_hcalls.h>
#include <asm/hvcall.h>
#include <asm/kvm_para.h>
#include <asm/kvm_ppc.h>

#include "kvm_hc_compat_kvm.h"
#include "kvm_hc_ppc.h"
#include "kvm_hc_trace.h"

/* The prototype of KVM's kvmppc_kvm_pv(). */
typedef int (*kvm_hc_ppc_pv_fn)(struct kvm_vcpu *vcpu);
/*
 * KVM's kvmppc_kvm_pv(), while hooked (reached with KVM-PR or BookE
 * only): FEATURES runs it, then adds kvm_hc's bits.
 */
static kvm_hc_ppc_pv_fn kvm_hc_ppc_kvm_pv;
/* KVM's kvm_vm_ioctl(): tells a VM file from others. */
static unsigned long kvm_hc_ppc_vm_ioctl;
/* The hooked functions' names, for sysfs: "kvmppc_h_pr kvmppc_kvm_pv". */
static char kvm_hc_ppc_hooked[80];

/**
 * kvm_hc_ppc_func_entry() - function entry for an address a kprobe reports
 * @kprobe_addr: kprobe address of a function
 *
 * An ELFv2 kprobe sits on the function's ftrace call or local entry point,
 * past the global entry that sets up r2; a call through a pointer must go
 * to the global entry, the symbol's address.
 *
 * Return: the start of the symbol that contains @kprobe_addr.
 */
static unsigned long kvm_hc_ppc_func_entry(unsigned long kprobe_addr)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long off;
	char *p, *end;

	/* "name+0x8/0x60" */
	sprint_symbol(sym, kprobe_addr);
	p = strchr(sym, '+');
	end = p ? strchr(p, '/') : NULL;
	if (!end)
		return kprobe_addr;
	*end = '\0';
	if (kstrtoul(p + 1, 16, &off) || off > kprobe_addr)
		return kprobe_addr;
	return kprobe_addr - off;
}

/**
 * kvm_hc_ppc_hook_name() - the KVM functions kvm_hc hooks on this kernel
 *
 * Return: their names, the PAPR one first.
 */
static const char *kvm_hc_ppc_hook_name(void)
{
	return kvm_hc_ppc_hooked;
}

/*
 * r3 .. r11, what the two calling conventions read; the others are left
 * as they are (uninitialised, and not read by the decoders).
 */
static void kvm_hc_ppc_read_gprs(struct kvm_vcpu *vcpu, unsigned long *gpr)
{
	int i;

	for (i = 3; i <= 11; i++)
		gpr[i] = kvmppc_get_gpr(vcpu, i);
}

/* r4 .. r11 from the results; r3 too unless @status_in_r3 is false. */
static unsigned long kvm_hc_ppc_set_results(struct kvm_vcpu *vcpu, const struct kvm_hc_call *call,
					    bool status_in_r3)
{
	unsigned long out[KVM_HC_PPC_NR_OUT] kvm_hc_noinit;
	int i;

	kvm_hc_ppc_results(call, out);
	for (i = status_in_r3 ? 0 : 1; i < KVM_HC_PPC_NR_OUT; i++)
		kvmppc_set_gpr(vcpu, 3 + i, out[i]);
	return out[0];
}

/* Leave the probed function at once, returning @ret to its caller. */
static int kvm_hc_ppc_return(struct pt_regs *regs, unsigned long ret)
{
	regs_set_return_value(regs, ret);
	instruction_pointer_set(regs, regs->link);
	return 1;
}

/*
 * The guest's MSR: kvmppc_get_msr() without the casts sparse rejects in
 * KVM's header.  The run loop has just read it through KVM's accessor,
 * which on a nested-v2 host also refreshed it.
 */
static u64 kvm_hc_ppc_get_msr(struct kvm_vcpu *vcpu)
{
	u64 msr = vcpu->arch.shared->msr;

	if (kvmppc_shared_big_endian(vcpu))
		return be64_to_cpu((__force __be64)msr);
	return le64_to_cpu((__force __le64)msr);
}

static void kvm_hc_ppc_decode(struct kvm_vcpu *vcpu, struct kvm_hc_call *call, bool epapr)
{
	unsigned long gpr[KVM_HC_PPC_NR_GPRS] kvm_hc_noinit;
	u64 msr = kvm_hc_ppc_get_msr(vcpu);

	kvm_hc_ppc_read_gprs(vcpu, gpr);
	if (epapr)
		kvm_hc_ppc_decode_epapr(call, gpr, msr & MSR_SF, msr & MSR_PR);
	else
		kvm_hc_ppc_decode_papr(call, gpr, msr & MSR_SF, msr & MSR_PR);
	call->vcpu_id = vcpu->vcpu_id;
}

/*
 * A program interrupt for an illegal instruction for an exception range's
 * call, as for an instruction that does not exist: SRR0 at the sc, which
 * the hypercall interrupt left behind (its NIP is past it), and the
 * registers as they were.  Delivered by KVM before the vCPU next enters.
 */
static void kvm_hc_ppc_program(struct kvm_vcpu *vcpu)
{
	kvmppc_set_pc(vcpu, kvmppc_get_pc(vcpu) - 4);
	kvmppc_core_queue_program(vcpu, SRR1_PROGILL);
}

/*
 * The answer to a doorbell kvm_hc_take() rang, as the dispatcher gives it
 * (status 0, one result, 0), in r4 .. r11 and, with @status_in_r3, r3.
 *
 * Return: the status.
 */
static unsigned long kvm_hc_ppc_rung(struct kvm_vcpu *vcpu, struct kvm_hc_call *call,
				     bool status_in_r3)
{
	call->flags = 0;
	call->status = 0;
	call->nret = 1;
	call->ret[0] = 0;
	return kvm_hc_ppc_set_results(vcpu, call, status_in_r3);
}

/*
 * Both hooks run in a kprobe pre-handler, with preemption disabled: the
 * decision (kvm_hc_take(), from the number alone) and, for a call kvm_hc
 * serves, the decode and the dispatch in one go.  A call KVM answers
 * anyway is counted (and traced) and left to KVM; so is one of a VM
 * kvm_hc does not know, uncounted.  A doorbell kvm_hc_take() rang is
 * counted (and traced) too, and answered by the caller.
 *
 * Return: what kvm_hc_take() answered.
 */
static enum kvm_hc_take kvm_hc_ppc_take(struct kvm_vcpu *vcpu, u64 nr, int svc, bool epapr)
{
	u16 flags = kvm_hc_ppc_get_msr(vcpu) & MSR_PR ? KVM_HC_CALL_UNPRIV : 0;
	struct kvm_hc_call call kvm_hc_noinit;
	enum kvm_hc_take take;

	take = kvm_hc_take(vcpu->kvm, KVM_HC_ARCH_POWERPC, flags, nr, svc);
	if (take == KVM_HC_TAKE)
		return take;
	if (take != KVM_HC_PASS && unlikely(trace_kvm_hc_dispatch_enabled())) {
		kvm_hc_ppc_decode(vcpu, &call, epapr);
		if (take == KVM_HC_RUNG) {
			call.nret = 1;
			call.ret[0] = 0;
		}
		kvm_hc_trace_taken(vcpu->kvm, &call, take);
	}
	return take;
}

/*
 * A PAPR hcall, for either hook: @answered is what KVM's function returns
 * for an hcall it answered in the kernel, @forward what sends the hcall
 * to the VMM (KVM_EXIT_PAPR_HCALL, exactly as KVM sends one it does not
 * handle; KVM_RUN's completion then writes r3 and r4 .. r12 from
 * papr_hcall).
 */
static int kvm_hc_ppc_papr(struct pt_regs *regs, struct kvm_vcpu *vcpu, int answered, int forward)
{
	struct kvm_hc_call call kvm_hc_noinit;
	u64 nr = kvmppc_get_gpr(vcpu, 3);

	switch (kvm_hc_ppc_take(vcpu, nr, kvm_hc_ppc_papr_service(nr), false)) {
	case KVM_HC_TAKE:
		break;
	case KVM_HC_RUNG:
		kvm_hc_ppc_rung(vcpu, &call, true);
		vcpu->arch.hcall_needed = 0;
		return kvm_hc_ppc_return(regs, answered);
	default:
		return 0;
	}
	kvm_hc_ppc_decode(vcpu, &call, false);
	switch (kvm_hc_dispatch(vcpu->kvm, vcpu, &call)) {
	case KVM_HC_DENY:
		if (unlikely(call.flags & KVM_HC_CALL_EXCEPTION)) {
			kvm_hc_ppc_program(vcpu);
			vcpu->arch.hcall_needed = 0;
			return kvm_hc_ppc_return(regs, answered);
		}
		fallthrough;
	case KVM_HC_KERNEL:
		kvm_hc_ppc_set_results(vcpu, &call, true);
		vcpu->arch.hcall_needed = 0;
		return kvm_hc_ppc_return(regs, answered);
	case KVM_HC_FORWARD:
		return kvm_hc_ppc_return(regs, forward);
	default:
		return 0;
	}
}

/*
 * KVM-HV's kvmppc_pseries_do_hcall(vcpu): KVM has filled run->papr_hcall
 * (nr, r4 .. r12) and set exit_reason = KVM_EXIT_PAPR_HCALL and
 * hcall_needed before calling it, so RESUME_HOST forwards.
 */
static int kvm_hc_ppc_hv_pre(struct kprobe *p, struct pt_regs *regs)
{
	return kvm_hc_ppc_papr(regs, (struct kvm_vcpu *)regs->gpr[3], RESUME_GUEST, RESUME_HOST);
}

/*
 * KVM-PR's kvmppc_h_pr(vcpu, cmd): EMULATE_DONE resumes the guest; for
 * EMULATE_FAIL its caller fills run->papr_hcall and exits to the VMM.
 */
static int kvm_hc_ppc_pr_pre(struct kprobe *p, struct pt_regs *regs)
{
	return kvm_hc_ppc_papr(regs, (struct kvm_vcpu *)regs->gpr[3], EMULATE_DONE, EMULATE_FAIL);
}

/* KVM_HC_FEATURES: KVM's answer, plus kvm_hc's services in r4. */
static int kvm_hc_ppc_features_call(struct kvm_vcpu *vcpu)
{
	/* A nested hit of this probe is counted as missed; KVM's code runs. */
	int ret = kvm_hc_ppc_kvm_pv(vcpu);
	u32 services;

	if (ret != EV_SUCCESS)
		return ret;
	services = kvm_hc_services(vcpu->kvm, KVM_HC_ARCH_POWERPC);
	if (services)
		kvmppc_set_gpr(vcpu, 4, kvm_hc_ppc_features(kvmppc_get_gpr(vcpu, 4), services));
	return ret;
}

/*
 * kvmppc_kvm_pv(vcpu): its callers put the return value into r3 and resume
 * the guest; KVM has no exit to the VMM for these calls, so the decoder
 * marks them KVM_HC_CALL_NO_USER and a policy's KVM_HC_ACTION_FORWARD leaves
 * them to KVM (and counts them as KVM's).
 */
static int kvm_hc_ppc_epapr_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)regs->gpr[3];
	u32 token = kvmppc_get_gpr(vcpu, 11);
	struct kvm_hc_call call kvm_hc_noinit;

	if (!kvm_hc_ppc_epapr_is_kvm(token))
		return 0;
	if (token == KVM_HCALL_TOKEN(KVM_HC_FEATURES)) {
		if (!kvm_hc_wants(vcpu->kvm, true))
			return 0;
		return kvm_hc_ppc_return(regs, kvm_hc_ppc_features_call(vcpu));
	}
	switch (kvm_hc_ppc_take(vcpu, token, kvm_hc_ppc_epapr_service(token), true)) {
	case KVM_HC_TAKE:
		break;
	case KVM_HC_RUNG:
		return kvm_hc_ppc_return(regs, kvm_hc_ppc_rung(vcpu, &call, false));
	default:
		return 0;
	}
	kvm_hc_ppc_decode(vcpu, &call, true);
	switch (kvm_hc_dispatch(vcpu->kvm, vcpu, &call)) {
	case KVM_HC_DENY:
		if (unlikely(call.flags & KVM_HC_CALL_EXCEPTION)) {
			/* KVM's caller writes the return value to r3: keep it */
			kvm_hc_ppc_program(vcpu);
			return kvm_hc_ppc_return(regs, kvmppc_get_gpr(vcpu, 3));
		}
		fallthrough;
	case KVM_HC_KERNEL:
		return kvm_hc_ppc_return(regs, kvm_hc_ppc_set_results(vcpu, &call, false));
	default:
		return 0;
	}
}

/*
 * A kprobe with a post handler is armed with ftrace's IPMODIFY flag, so a
 * livepatch or another module that redirects the same function makes
 * registration fail instead of silently losing to kvm_hc.
 */
static void kvm_hc_ppc_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

/**
 * struct kvm_hc_ppc_target - one of KVM's functions kvm_hc hooks
 * @kp:     its kprobe, placed disarmed; armed by kvm_hc_ppc_arm()
 * @papr:   one of the PAPR functions, of which one must be there
 * @call:   where to keep the function's entry while it is hooked, for a
 *          function kvm_hc calls itself (NULL: none)
 * @owner:  its module, held while the function is hooked
 * @hooked: the kprobe is registered
 */
struct kvm_hc_ppc_target {
	struct kprobe kp;
	bool papr;
	kvm_hc_ppc_pv_fn *call;
	struct module *owner;
	bool hooked;
};

static struct kvm_hc_ppc_target kvm_hc_ppc_targets[] = {
	{
		.kp = { .symbol_name = "kvmppc_pseries_do_hcall", .pre_handler = kvm_hc_ppc_hv_pre,
			.post_handler = kvm_hc_ppc_post, .flags = KPROBE_FLAG_DISABLED },
		.papr = true,
	},
	{
		.kp = { .symbol_name = "kvmppc_h_pr", .pre_handler = kvm_hc_ppc_pr_pre,
			.post_handler = kvm_hc_ppc_post, .flags = KPROBE_FLAG_DISABLED },
		.papr = true,
	},
	{
		.kp = { .symbol_name = "kvmppc_kvm_pv", .pre_handler = kvm_hc_ppc_epapr_pre,
			.post_handler = kvm_hc_ppc_post, .flags = KPROBE_FLAG_DISABLED },
		.call = &kvm_hc_ppc_kvm_pv,
	},
};

#define KVM_HC_PPC_TARGETS_END	(kvm_hc_ppc_targets + ARRAY_SIZE(kvm_hc_ppc_targets))

/* Remove the hooks placed so far and drop their modules. */
static void kvm_hc_ppc_unhook(void)
{
	struct kvm_hc_ppc_target *t;

	for (t = kvm_hc_ppc_targets; t < KVM_HC_PPC_TARGETS_END; t++) {
		if (!t->hooked)
			continue;
		unregister_kprobe(&t->kp);
		module_put(t->owner);
		if (t->call)
			*t->call = NULL;
		t->hooked = false;
	}
}

/*
 * Hook @t if its function is there: 0 if hooked or absent, else a
 * negative errno with the reason in the kernel log.
 */
static int kvm_hc_ppc_hook(struct kvm_hc_ppc_target *t)
{
	unsigned long addr = kvm_hc_lookup_name(t->kp.symbol_name);
	int ret;

	if (!addr)
		return 0;
	t->owner = kvm_hc_hold_owner(addr);
	if (IS_ERR(t->owner))
		return PTR_ERR(t->owner);
	ret = register_kprobe(&t->kp);
	if (ret) {
		pr_err("cannot hook %s: %d\n", t->kp.symbol_name, ret);
		module_put(t->owner);
		return ret;
	}
	t->hooked = true;
	if (t->call)
		*t->call = (kvm_hc_ppc_pv_fn)addr;
	if (kvm_hc_ppc_hooked[0])
		strlcat(kvm_hc_ppc_hooked, " ", sizeof(kvm_hc_ppc_hooked));
	strlcat(kvm_hc_ppc_hooked, t->kp.symbol_name, sizeof(kvm_hc_ppc_hooked));
	return 0;
}

/**
 * kvm_hc_ppc_init() - hook KVM's PAPR hcall functions (KVM-HV's, KVM-PR's)
 * and its ePAPR hypercall function, of those that are loaded
 *
 * The kprobes are placed disarmed; kvm_hc_ppc_arm() arms them on first
 * use.  Either all is ready on return, or nothing was changed.
 *
 * Return: 0 or a negative errno, with the reason in the kernel log.
 */
static int kvm_hc_ppc_init(void)
{
	struct kvm_hc_ppc_target *t;
	bool papr = false;
	int ret;

	BUILD_BUG_ON(KVM_HC_PPC_H_SUCCESS != H_SUCCESS);
	BUILD_BUG_ON(KVM_HC_PPC_H_FUNCTION != H_FUNCTION);
	BUILD_BUG_ON(KVM_HC_PPC_H_PARAMETER != H_PARAMETER);
	BUILD_BUG_ON(KVM_HC_PPC_EV_SUCCESS != EV_SUCCESS);
	BUILD_BUG_ON(KVM_HC_PPC_EV_EINVAL != EV_EINVAL);
	BUILD_BUG_ON(KVM_HC_PPC_EV_UNIMPLEMENTED != EV_UNIMPLEMENTED);
	BUILD_BUG_ON(KVM_HC_PPC_FEATURES_FN != KVM_HC_FEATURES);
	BUILD_BUG_ON(KVM_HC_PPC_MAGIC_PAGE_FN != KVM_HC_PPC_MAP_MAGIC_PAGE);
	BUILD_BUG_ON(KVM_HC_PPC_FEATURE_MAGIC_PAGE != KVM_FEATURE_MAGIC_PAGE);
	BUILD_BUG_ON(KVM_HC_PPC_EPAPR_VENDOR != EV_KVM_VENDOR_ID);
	BUILD_BUG_ON(KVM_HC_PPC_PAPR_BASE <= MAX_HCALL_OPCODE);
	BUILD_BUG_ON(KVM_HC_PPC_NR_OUT + 3 > 32);

	kvm_hc_ppc_vm_ioctl = kvm_hc_lookup_name("kvm_vm_ioctl");
	if (!kvm_hc_ppc_vm_ioctl) {
		pr_err("kvm_vm_ioctl not found; cannot recognise VM file descriptors\n");
		return -ENOENT;
	}
	kvm_hc_ppc_hooked[0] = '\0';
	for (t = kvm_hc_ppc_targets; t < KVM_HC_PPC_TARGETS_END; t++) {
		ret = kvm_hc_ppc_hook(t);
		if (ret) {
			kvm_hc_ppc_unhook();
			return ret;
		}
		papr |= t->papr && t->hooked;
	}
	if (!papr) {
		kvm_hc_ppc_unhook();
		pr_err("neither kvm_hv nor kvm_pr is loaded; load one first (modprobe kvm_hv, or kvm_pr)\n");
		return -ENOENT;
	}
	return 0;
}

/**
 * kvm_hc_ppc_arm() - arm the kprobes, which kvm_hc_ppc_init() placed disarmed
 *
 * Return: 0 or a negative errno, with the reason in the kernel log.
 */
static int kvm_hc_ppc_arm(void)
{
	struct kvm_hc_ppc_target *t, *u;
	int ret;

	for (t = kvm_hc_ppc_targets; t < KVM_HC_PPC_TARGETS_END; t++) {
		ret = t->hooked ? enable_kprobe(&t->kp) : 0;
		if (ret) {
			pr_err("cannot arm the hook of %s: %d\n", t->kp.symbol_name, ret);
			for (u = kvm_hc_ppc_targets; u < t; u++)
				if (u->hooked)
					disable_kprobe(&u->kp);
			return ret;
		}
	}
	return 0;
}

/**
 * kvm_hc_ppc_disarm() - disarm the kprobes
 *
 * A pre-handler still running finishes with preemption disabled, which
 * the RCU grace period before any VM state is freed waits for.
 */
static void kvm_hc_ppc_disarm(void)
{
	struct kvm_hc_ppc_target *t;

	for (t = kvm_hc_ppc_targets; t < KVM_HC_PPC_TARGETS_END; t++)
		if (t->hooked)
			disable_kprobe(&t->kp);
}

/**
 * kvm_hc_ppc_exit() - remove the hooks
 *
 * unregister_kprobe() waits until no pre-handler runs any more.
 */
static void kvm_hc_ppc_exit(void)
{
	kvm_hc_ppc_unhook();
}

/*
 * A VM kvm_hc cannot serve, refused at attach: a secure VM under the
 * ultravisor (PEF), of which the host sees only what the ultravisor
 * passes on.  One made secure after attach is not refused.
 */
static bool kvm_hc_ppc_vm_confidential(struct kvm *kvm)
{
#ifdef CONFIG_KVM_BOOK3S_HV_POSSIBLE
	return kvm->arch.secure_guest != 0;
#else
	/* secure VMs are KVM-HV's: a kernel without it has none */
	return false;
#endif
}

/*
 * What the core needs of powerpc: KVM_EXIT_PAPR_HCALL carries r4..r12
 * (KVM_HC_CHECK_EXTENSION tells VMMs); in-kernel handlers run with
 * preemption disabled, in a kprobe pre-handler.
 */
const struct kvm_hc_arch_ops kvm_hc_arch = {
	.arch = KVM_HC_ARCH_POWERPC,
	.forward_args = 9,
	.exit_marker = false,
	.handlers_may_sleep = false,
	.init = kvm_hc_ppc_init,
	.exit = kvm_hc_ppc_exit,
	.hook_name = kvm_hc_ppc_hook_name,
	.func_entry = kvm_hc_ppc_func_entry,
	.vm_confidential = kvm_hc_ppc_vm_confidential,
	.arm = kvm_hc_ppc_arm,
	.disarm = kvm_hc_ppc_disarm,
	.vm_ioctl = &kvm_hc_ppc_vm_ioctl,
	/* kvmppc_core_queue_program() is exported to kvm-hv */
	.exceptions = true,
	/* a doorbell is answered at the first look (kvm_hc_ppc_rung()) */
	.take_doorbells = true,
};
