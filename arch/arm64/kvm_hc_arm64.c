// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc arm64 hook: an ftrace_ops with IPMODIFY on KVM/arm64's SMCCC
 * dispatcher, which every HVC (and, from 6.4, SMC) exit of a guest reaches:
 * kvm_hvc_call_handler(vcpu) up to 6.3, kvm_smccc_call_handler(vcpu) from
 * 6.4.  KVM is built into Debian's arm64 kernels and exports nothing we
 * need, so the target is found through kallsyms.  As on x86, the callback
 * moves the PC to a replacement with the same prototype for the calls
 * kvm_hc may take; the replacement answers in x0..x3 and returns 1, exits
 * to the VMM (returns 0), or calls KVM's original.
 *
 * 6.1 has DYNAMIC_FTRACE_WITH_REGS on arm64; 6.12 and 7.x only
 * WITH_ARGS, whose ftrace_regs accessors give the argument and set the PC
 * (include/kvm_hc_compat.h).
 *
 * The kick service wakes a vCPU waiting in WFI.  KVM ends such a wait when
 * kvm_arch_vcpu_runnable() says so; a second hook there adds kvm_hc's wake
 * token (kvm_hc_arm64_wake_set()) to KVM's answer, the way x86 KVM adds
 * pv_unhalted.  The token is taken when the vCPU's own thread sees it, so
 * no state is left behind that KVM's run loop does not know about.
 */
#include <linux/arm-smccc.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/maple_tree.h>
#include <linux/module.h>
#include <asm/kvm_emulate.h>

#include "kvm_hc_compat_kvm.h"
#include "kvm_hc_arm64.h"
#include "kvm_hc_trace.h"

#ifdef KVM_HC_HAVE_KVM_SMCCC_CALL_HANDLER
#define KVM_HC_ARM64_TARGET	"kvm_smccc_call_handler"
#else
#define KVM_HC_ARM64_TARGET	"kvm_hvc_call_handler"
#endif

static int (*kvm_hc_arm64_orig)(struct kvm_vcpu *vcpu);
/* KVM's kvm_inject_undefined(), not exported (NULL: no exception ranges). */
static void (*kvm_hc_arm64_inject_undefined)(struct kvm_vcpu *vcpu);
static int (*kvm_hc_arm64_runnable_orig)(struct kvm_vcpu *vcpu);
/* The module of both hooked functions, held while hooked (NULL: built in). */
static struct module *kvm_hc_arm64_owner;

/*
 * KVM's kvm_vm_ioctl(): tells a VM file from others (kvm_vm_fops is data,
 * which 6.1's arm64 kallsyms leaves out).
 */
static unsigned long kvm_hc_arm64_vm_ioctl;

/**
 * kvm_hc_arm64_hook_name() - the KVM function kvm_hc hooks on this kernel
 *
 * Return: its name.
 */
static const char *kvm_hc_arm64_hook_name(void)
{
	return KVM_HC_ARM64_TARGET;
}

static u16 kvm_hc_arm64_conduit(struct kvm_vcpu *vcpu)
{
	u64 esr = kvm_vcpu_get_esr(vcpu);
	u16 conduit = 0;

	if (ESR_ELx_EC(esr) == ESR_ELx_EC_SMC64 || ESR_ELx_EC(esr) == ESR_ELx_EC_SMC32)
		conduit |= KVM_HC_ARM64_SMC;
	if (!(esr & ESR_ELx_IL))
		conduit |= KVM_HC_ARM64_16BIT;
	return conduit;
}

/* The VMM's upstream SMCCC filter (6.4) owns the IDs it names. */
static bool kvm_hc_arm64_filtered(struct kvm *kvm, u32 fid)
{
#ifdef KVM_HC_HAVE_SMCCC_FILTER
	/* Most VMs have no filter: one load decides for them. */
	return !mtree_empty(&kvm->arch.smccc_filter) && mtree_load(&kvm->arch.smccc_filter, fid);
#else
	return false;
#endif
}

static void kvm_hc_arm64_set_results(struct kvm_vcpu *vcpu, const unsigned long *x)
{
	int i;

	for (i = 0; i < KVM_HC_MAX_RETS; i++)
		vcpu_set_reg(vcpu, i, x[i]);
}

/*
 * KVM_EXIT_HYPERCALL as KVM's SMCCC filter makes it, plus the arguments and
 * the marker that tells it from the filter's exits.
 */
static void kvm_hc_arm64_prepare_exit(struct kvm_vcpu *vcpu, const struct kvm_hc_call *call)
{
	struct kvm_run *run = vcpu->run;
	u64 flags = KVM_HC_ARM64_EXIT_MARKER;
	int i;

	if (call->flags & KVM_HC_ARM64_SMC)
		flags |= KVM_HC_HYPERCALL_EXIT_SMC;
	if (call->flags & KVM_HC_ARM64_16BIT)
		flags |= KVM_HC_HYPERCALL_EXIT_16BIT;
	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = call->nr;
	for (i = 0; i < ARRAY_SIZE(run->hypercall.args); i++)
		run->hypercall.args[i] = call->args[i];
	run->hypercall.ret = 0;
	kvm_hc_set_hypercall_exit_flags(run, flags);
}

/*
 * The vendor-hypervisor FEATURES call answers with KVM's bitmaps; a VM that
 * may call kvm_hc services also finds them in x3 (functions 96-127).
 */
static int kvm_hc_arm64_features(struct kvm_vcpu *vcpu)
{
	int ret = kvm_hc_arm64_orig(vcpu);
	u32 services;

	if (ret != 1 || vcpu_get_reg(vcpu, 0) == SMCCC_RET_NOT_SUPPORTED)
		return ret;
	services = kvm_hc_services(vcpu->kvm, KVM_HC_ARCH_ARM64);
	BUILD_BUG_ON(KVM_HC_ARM64_FUNC_BASE != 96);
	if (services)
		vcpu_set_reg(vcpu, 3, vcpu_get_reg(vcpu, 3) | services);
	return ret;
}

/* The replacement for the FEATURES call, entered with kvm_hc_enter(). */
static int kvm_hc_arm64_features_entry(struct kvm_vcpu *vcpu)
{
	int ret = kvm_hc_arm64_features(vcpu);

	kvm_hc_leave();
	return ret;
}

static void kvm_hc_arm64_decode_vcpu(struct kvm_vcpu *vcpu, struct kvm_hc_call *call,
				     unsigned long *x)
{
	int i;

	for (i = 0; i < KVM_HC_ARM64_NR_ARGS + 1; i++)
		x[i] = vcpu_get_reg(vcpu, i);
	kvm_hc_arm64_decode(call, x, kvm_hc_arm64_conduit(vcpu));
	call->vcpu_id = vcpu->vcpu_id;
}

/*
 * UNDEF for an exception range's call, as for an instruction that does not
 * exist: ESR_ELx.EC 0 and the return address at the HVC or SMC.  An HVC's
 * PC is past it already (its preferred return address); a trapped SMC's
 * is at the SMC, with the increment KVM queued before its handler
 * (kvm_incr_pc(), 6.4), which a pending exception must not meet.
 */
static void kvm_hc_arm64_undef(struct kvm_vcpu *vcpu, const struct kvm_hc_call *call)
{
	if (call->flags & KVM_HC_ARM64_SMC)
		vcpu_clear_flag(vcpu, INCREMENT_PC);
	else
		*vcpu_pc(vcpu) -= kvm_vcpu_trap_il_is32bit(vcpu) ? 4 : 2;
	kvm_hc_arm64_inject_undefined(vcpu);
}

static int kvm_hc_arm64_exceptions_get(void)
{
	return kvm_hc_arm64_inject_undefined ? 0 : -EOPNOTSUPP;
}

/*
 * The replacement of KVM's SMCCC handler, for a call the ftrace callback
 * found kvm_hc serves (kvm_hc_take()).  It has KVM's prototype: nothing
 * is handed over in spare registers, which another ftrace user on the
 * same function (a BPF trampoline) would not keep.
 */
static int kvm_hc_arm64_emulate(struct kvm_vcpu *vcpu)
{
	unsigned long x[KVM_HC_ARM64_NR_ARGS + 1];
	struct kvm_hc_call call kvm_hc_noinit;
	struct kvm_hc_ctx ctx;
	int ret;

	kvm_hc_begin(&ctx, vcpu->kvm);
	kvm_hc_arm64_decode_vcpu(vcpu, &call, x);
	switch (kvm_hc_dispatch_vm(&ctx, vcpu, &call)) {
	case KVM_HC_DENY:
		if (unlikely(call.flags & KVM_HC_CALL_EXCEPTION)) {
			kvm_hc_arm64_undef(vcpu, &call);
			ret = 1;
			break;
		}
		fallthrough;
	case KVM_HC_KERNEL:
		kvm_hc_arm64_results(&call, x);
		kvm_hc_arm64_set_results(vcpu, x);
		ret = 1;
		break;
	case KVM_HC_FORWARD:
		/* The PC is past the HVC or SMC already; the VMM sets x0-x3. */
		kvm_hc_arm64_prepare_exit(vcpu, &call);
		ret = 0;
		break;
	default:
		ret = kvm_hc_arm64_orig(vcpu);
		break;
	}
	kvm_hc_end(&ctx);
	return ret;
}

/* A call kvm_hc_take() left to KVM, decoded in full for the tracepoint. */
static noinline void kvm_hc_arm64_trace_stock(struct kvm_vcpu *vcpu, enum kvm_hc_take take)
{
	unsigned long x[KVM_HC_ARM64_NR_ARGS + 1];
	struct kvm_hc_call call kvm_hc_noinit;

	kvm_hc_arm64_decode_vcpu(vcpu, &call, x);
	kvm_hc_trace_taken(vcpu->kvm, &call, take);
}

/*
 * The ftrace callback, on every SMCCC call of every VM while the hook is
 * armed: a call of a VM kvm_hc does not know, or one KVM answers anyway,
 * goes on into KVM's own handler; only a call kvm_hc serves is redirected.
 */
static void notrace kvm_hc_arm64_ftrace(unsigned long ip, unsigned long parent_ip,
					struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	enum kvm_hc_take take;
	struct kvm_vcpu *vcpu;
	u32 fid;

	/* The replacements calling the original function. */
	if (kvm_hc_from_self(parent_ip))
		return;
	vcpu = (struct kvm_vcpu *)kvm_hc_fregs_arg0(fregs);
	if (!vcpu)
		return;
	fid = vcpu_get_reg(vcpu, 0);
	if (fid == ARM_SMCCC_VENDOR_HYP_KVM_FEATURES_FUNC_ID) {
		if (!kvm_hc_wants(vcpu->kvm, true) || kvm_hc_arm64_filtered(vcpu->kvm, fid))
			return;
		kvm_hc_enter();
		kvm_hc_fregs_set_ip(fregs, (unsigned long)kvm_hc_arm64_features_entry);
		return;
	}
	/*
	 * The VMM's SMCCC filter has the last word on the IDs it names: KVM's
	 * code, uncounted, as before the VM was attached.
	 */
	if (kvm_hc_arm64_filtered(vcpu->kvm, fid))
		return;
	take = kvm_hc_take(vcpu->kvm, KVM_HC_ARCH_ARM64, 0, fid, kvm_hc_arm64_service(fid));
	if (take != KVM_HC_TAKE) {
		if (take != KVM_HC_PASS && unlikely(trace_kvm_hc_dispatch_enabled()))
			kvm_hc_arm64_trace_stock(vcpu, take);
		return;
	}
	kvm_hc_fregs_set_ip(fregs, (unsigned long)kvm_hc_arm64_emulate);
}

/* No FTRACE_OPS_FL_RECURSION: the callback calls nothing that is hooked. */
static struct ftrace_ops kvm_hc_arm64_ops_hook = {
	.func = kvm_hc_arm64_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED | FTRACE_OPS_FL_IPMODIFY,
};

/*
 * kvm_hc's kick service: give the vCPUs with this MPIDR affinity a wake
 * token and wake them.  rcuwait_wake_up() inside the kick orders the token
 * before the wake-up, so a vCPU about to sleep sees one or the other.
 */
/*
 * A vCPU that PSCI CPU_OFF (or its VMM) stopped waits for CPU_ON, which
 * resets it, not in WFI: KVM's kvm_arm_vcpu_stopped(), not exported.
 */
static bool kvm_hc_arm64_stopped(struct kvm_vcpu *vcpu)
{
	return READ_ONCE(vcpu->arch.mp_state.mp_state) == KVM_MP_STATE_STOPPED;
}

static void kvm_hc_arm64_kick(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	unsigned long mpidr = call->args[0] & MPIDR_HWID_BITMASK;
	struct kvm_vcpu *v;
	unsigned long i;

	kvm_for_each_vcpu(i, v, vcpu->kvm) {
		/*
		 * A stopped vCPU gets no token: it may never wait in WFI
		 * again, and a token nobody takes would make every
		 * kvm_arch_vcpu_runnable() on the host look tokens up.
		 */
		if (kvm_hc_vcpu_mpidr_aff(v) != mpidr || kvm_hc_arm64_stopped(v))
			continue;
		if (kvm_hc_arm64_wake_set(v->kvm, v->vcpu_idx))
			kvm_hc_vcpu_kick(v);
	}
	call->nret = 1;
	call->ret[0] = SMCCC_RET_SUCCESS;
}

/*
 * KVM's answer, or true while the vCPU holds a wake token.  Only the vCPU's
 * own thread (ending its WFI) takes the token; another vCPU's directed
 * yield (kvm_arch_dy_runnable()) just sees it.  A vCPU stopped since it
 * got its token keeps KVM's answer, as KVM's own test of runnability
 * requires, and loses the token: CPU_ON resets the vCPU anyway.
 */
static int kvm_hc_arm64_runnable(struct kvm_vcpu *vcpu)
{
	int ret = kvm_hc_arm64_runnable_orig(vcpu);
	bool own = kvm_hc_vcpu_is_current(vcpu);

	if (kvm_hc_arm64_stopped(vcpu))
		kvm_hc_arm64_wake_test(vcpu->kvm, vcpu->vcpu_idx, true);
	else if (kvm_hc_arm64_wake_test(vcpu->kvm, vcpu->vcpu_idx, own))
		ret = 1;
	kvm_hc_leave();
	return ret;
}

static void notrace kvm_hc_arm64_runnable_ftrace(unsigned long ip, unsigned long parent_ip,
						 struct ftrace_ops *op,
						 struct ftrace_regs *fregs)
{
	struct kvm_vcpu *vcpu;

	if (!kvm_hc_arm64_wake_pending() || kvm_hc_from_self(parent_ip))
		return;
	vcpu = (struct kvm_vcpu *)kvm_hc_fregs_arg0(fregs);
	if (!vcpu || !kvm_hc_arm64_wake_test(vcpu->kvm, vcpu->vcpu_idx, false))
		return;
	kvm_hc_enter();
	kvm_hc_fregs_set_ip(fregs, (unsigned long)kvm_hc_arm64_runnable);
}

static struct ftrace_ops kvm_hc_arm64_ops_runnable = {
	.func = kvm_hc_arm64_runnable_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED | FTRACE_OPS_FL_IPMODIFY |
		 FTRACE_OPS_FL_RECURSION,
};

static int kvm_hc_arm64_filter(struct ftrace_ops *ops, unsigned long target, const char *name)
{
	int ret = ftrace_set_filter_ip(ops, target, 0, 0);

	if (ret)
		pr_err("cannot trace %s: %d\n", name, ret);
	return ret;
}

/**
 * kvm_hc_arm64_init() - find KVM's SMCCC dispatcher and prepare its hook
 *
 * Also prepares the hook of kvm_arch_vcpu_runnable() for the kick service.
 * The hooks are placed by kvm_hc_hook_arm(), on first use.  Either all is
 * ready on return, or nothing was changed.
 *
 * Return: 0 or a negative errno, with the reason in the kernel log.
 */
static int kvm_hc_arm64_init(void)
{
	unsigned long target = kvm_hc_lookup_name(KVM_HC_ARM64_TARGET);
	unsigned long runnable = kvm_hc_lookup_name("kvm_arch_vcpu_runnable");
	int ret;

	if (!target || !runnable) {
		pr_err("KVM function %s not found; unsupported kernel\n",
		       target ? "kvm_arch_vcpu_runnable" : KVM_HC_ARM64_TARGET);
		return -ENOENT;
	}
	kvm_hc_arm64_inject_undefined = (void *)kvm_hc_lookup_name("kvm_inject_undefined");
	if (!kvm_hc_arm64_inject_undefined)
		pr_info("kvm_inject_undefined not found: exception ranges are refused\n");
	kvm_hc_arm64_vm_ioctl = kvm_hc_lookup_name("kvm_vm_ioctl");
	if (!kvm_hc_arm64_vm_ioctl) {
		pr_err("kvm_vm_ioctl not found; cannot recognise VM file descriptors\n");
		return -ENOENT;
	}
	kvm_hc_arm64_orig = (void *)target;
	kvm_hc_arm64_runnable_orig = (void *)runnable;
	/* Both functions are KVM's: one owner (none where KVM is built in). */
	kvm_hc_arm64_owner = kvm_hc_hold_owner(target);
	if (IS_ERR(kvm_hc_arm64_owner))
		return PTR_ERR(kvm_hc_arm64_owner);

	ret = kvm_hc_register_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK, kvm_hc_arm64_kick);
	if (ret)
		goto put_owner;
	ret = kvm_hc_arm64_filter(&kvm_hc_arm64_ops_runnable, runnable, "kvm_arch_vcpu_runnable");
	if (ret)
		goto unregister;
	ret = kvm_hc_arm64_filter(&kvm_hc_arm64_ops_hook, target, KVM_HC_ARM64_TARGET);
	if (ret)
		goto unfilter;
	return 0;

unfilter:
	ftrace_set_filter_ip(&kvm_hc_arm64_ops_runnable, runnable, 1, 0);
unregister:
	kvm_hc_unregister_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK);
put_owner:
	module_put(kvm_hc_arm64_owner);
	return ret;
}

/**
 * kvm_hc_arm64_exit() - undo kvm_hc_arm64_init(); the hooks are disarmed
 */
static void kvm_hc_arm64_exit(void)
{
	ftrace_set_filter_ip(&kvm_hc_arm64_ops_hook, (unsigned long)kvm_hc_arm64_orig, 1, 0);
	ftrace_set_filter_ip(&kvm_hc_arm64_ops_runnable,
			     (unsigned long)kvm_hc_arm64_runnable_orig, 1, 0);
	kvm_hc_unregister_service(KVM_HC_ARCH_ARM64, KVM_HC_SVC_KICK);
	module_put(kvm_hc_arm64_owner);
}

/*
 * A VM kvm_hc cannot serve, refused at attach: a pKVM protected VM, whose
 * registers the host cannot read (kernels before 6.10 have none).
 */
static bool kvm_hc_arm64_vm_confidential(struct kvm *kvm)
{
#ifdef KVM_HC_HAVE_KVM_VM_IS_PROTECTED
	return kvm_vm_is_protected(kvm);
#else
	return false;
#endif
}

/*
 * What the core needs of arm64: KVM_EXIT_HYPERCALL carries x1..x6, marked
 * with KVM_HC_ARM64_EXIT_MARKER (KVM_HC_CHECK_EXTENSION tells VMMs); in-
 * kernel handlers may sleep.
 */
/* The wait hook first: the kick must never lose its waiter. */
static struct ftrace_ops *const kvm_hc_arm64_hooks[] = {
	&kvm_hc_arm64_ops_runnable,
	&kvm_hc_arm64_ops_hook,
};

const struct kvm_hc_arch_ops kvm_hc_arch = {
	.arch = KVM_HC_ARCH_ARM64,
	.forward_args = 6,
	.exit_marker = true,
	.handlers_may_sleep = true,
	.init = kvm_hc_arm64_init,
	.exit = kvm_hc_arm64_exit,
	.hook_name = kvm_hc_arm64_hook_name,
	.vm_confidential = kvm_hc_arm64_vm_confidential,
	.hooks = kvm_hc_arm64_hooks,
	.nhooks = ARRAY_SIZE(kvm_hc_arm64_hooks),
	.vm_ioctl = &kvm_hc_arm64_vm_ioctl,
	.vm_data_size = sizeof(struct kvm_hc_arm64_vm),
	.vm_data_release = kvm_hc_arm64_vm_release,
	.exceptions = true,
	.exceptions_get = kvm_hc_arm64_exceptions_get,
};

/* The wake tokens held now, for tests and people (read-only). */
static int kvm_hc_arm64_wake_tokens_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&kvm_hc_arm64_wake_tokens));
}

static const struct kernel_param_ops kvm_hc_arm64_wake_tokens_ops = {
	.get = kvm_hc_arm64_wake_tokens_get,
};

module_param_cb(wake_tokens, &kvm_hc_arm64_wake_tokens_ops, NULL, 0444);
MODULE_PARM_DESC(wake_tokens, "arm64: vCPUs holding a wake token of the kick service");
