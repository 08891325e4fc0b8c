// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc x86 hook: an ftrace_ops with IPMODIFY on the function through which
 * every vmcall/vmmcall exit of kvm-amd and kvm-intel passes.
 *
 * The hook is armed only while a VM is attached or open_discovery is set
 * (kvm_hc_hook_arm()); until then KVM runs its own code alone.  Armed, the
 * ftrace callback runs on every hypercall.  For calls kvm_hc serves
 * (kvm_hc_take()) it moves the instruction pointer to a
 * replacement, which asks the dispatcher and either answers the guest
 * itself or calls the original function, which then runs untouched (the
 * callback lets calls from this module through).  Every other call never
 * leaves KVM's own code.
 *
 * Which function is hooked depends on the kernel (include/kvm_hc_compat.h):
 *  OUTER  kvm_emulate_hypercall(vcpu), 6.1 to 6.13.  Runs before KVM's Xen
 *         and Hyper-V dispatch, so the callback leaves those VMs alone, and
 *         KVM's CPL accessor is not exported, so it is read from kvm_x86_ops.
 *  INNER  ____kvm_emulate_hypercall(vcpu, cpl, complete_hypercall), 6.19 and
 *         later.  KVM has dispatched Xen and Hyper-V already and passes the
 *         CPL; a handled call sets run->hypercall.ret and returns 1, after
 *         which KVM's caller completes it (writes rax, skips the instruction).
 *
 * An exception range's call (KVM_HC_CALL_EXCEPTION) gets #UD with RIP and
 * the registers as they were.  With OUTER the replacement queues it and
 * returns without completing the instruction.  With INNER KVM's caller
 * completes every call the replacement returns 1 for, so a return probe on
 * that caller (kvm_emulate_hypercall(), through which every vmcall and
 * vmmcall exit of a VM kvm_hc serves passes) puts RIP and rax back
 * afterwards; it is registered only while some VM's policy has an
 * exception range (kvm_hc_x86_exceptions_get()).
 */
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/kprobes.h>
#include <linux/kvm_para.h>
#include <linux/module.h>
#include <linux/static_call.h>
#include <linux/uaccess.h>

#include "kvm_hc_compat_kvm.h"
#include "kvm_hc_trace.h"
#include "kvm_hc_x86.h"

/* The callback reads KVM's arguments from the 64-bit calling convention. */
#ifndef CONFIG_X86_64
#error "kvm_hc: x86 hosts must be 64-bit"
#endif

#ifdef KVM_HC_X86_HOOK_INNER
#define KVM_HC_X86_TARGET	"____kvm_emulate_hypercall"
typedef int (*kvm_hc_x86_emulate_t)(struct kvm_vcpu *vcpu, int cpl,
				    int (*complete_hypercall)(struct kvm_vcpu *vcpu));
#else
#define KVM_HC_X86_TARGET	"kvm_emulate_hypercall"
typedef int (*kvm_hc_x86_emulate_t)(struct kvm_vcpu *vcpu);
static struct kvm_x86_ops *kvm_hc_x86_ops;
/* KVM's complete_hypercall_exit(), static in x86.c. */
static int (*kvm_hc_x86_complete)(struct kvm_vcpu *vcpu);
#endif

/* KVM's kvm_queue_exception(), exported to the vendor modules only on 7.x. */
static void (*kvm_hc_x86_queue_exception)(struct kvm_vcpu *vcpu, unsigned int nr);

/* KVM's kvm_vm_ioctl(), static in kvm_main.c: tells a VM file from others. */
static unsigned long kvm_hc_x86_vm_ioctl;

static kvm_hc_x86_emulate_t kvm_hc_x86_orig;

/*
 * KVM's own kvm:kvm_hypercall event, for the calls kvm_hc answers without
 * KVM's function, which would have emitted it: scripts that count KVM's
 * events keep counting.  The tracepoint is not exported; its iterator is
 * found by name, and without it no event is emitted (kvm_hc_x86_init()
 * says so in the log).
 */
typedef int (*kvm_hc_x86_tp_iter_t)(void *data, unsigned long nr, unsigned long a0,
				    unsigned long a1, unsigned long a2, unsigned long a3);
static struct tracepoint *kvm_hc_x86_tp;
static kvm_hc_x86_tp_iter_t kvm_hc_x86_tp_iter;

static noinline void kvm_hc_x86_trace_kvm(const struct kvm_hc_call *call)
{
	preempt_disable_notrace();
	kvm_hc_x86_tp_iter(NULL, call->nr, call->args[0], call->args[1], call->args[2],
			   call->args[3]);
	preempt_enable_notrace();
}

static __always_inline void kvm_hc_x86_kvm_event(const struct kvm_hc_call *call)
{
	if (unlikely(kvm_hc_x86_tp && static_key_enabled(&kvm_hc_x86_tp->key)))
		kvm_hc_x86_trace_kvm(call);
}

/*
 * KVM's own hypercalls that KVM answers in the kernel on every kernel
 * kvm_hc supports.  kvm_hc's fast path for them is KVM's code itself
 * (kvm_hc_register_kvm_handler()): a policy that serves one in the kernel
 * counts it as served there and leaves it to KVM, so the guest gets
 * exactly stock KVM's answer, for the cost of a number outside the policy.
 */
#define KVM_HC_X86_KVM_NRS	(BIT_ULL(KVM_HC_VAPIC_POLL_IRQ) | BIT_ULL(KVM_HC_KICK_CPU) | \
				 BIT_ULL(KVM_HC_CLOCK_PAIRING) | BIT_ULL(KVM_HC_SEND_IPI) | \
				 BIT_ULL(KVM_HC_SCHED_YIELD))

static bool kvm_hc_x86_kvm_nr(u64 nr)
{
	return nr < 64 && (KVM_HC_X86_KVM_NRS & BIT_ULL(nr));
}

/* ENDBR64, f3 0f 1e fa, read as a little-endian u32. */
#define KVM_HC_X86_ENDBR64	0xfa1e0ff3U
#define KVM_HC_X86_ENDBR_SIZE	4

static bool kvm_hc_x86_starts_with_endbr(unsigned long addr)
{
	u32 insn;

	return !get_kernel_nofault(insn, (u32 *)addr) && insn == KVM_HC_X86_ENDBR64;
}

/**
 * kvm_hc_x86_func_entry() - function entry for an address a kprobe reports
 * @kprobe_addr: kprobe address of a function
 *
 * With IBT a kprobe sits after the function's ENDBR64; an indirect call must
 * land on the ENDBR64 itself.
 *
 * Return: the address to call.
 */
static unsigned long kvm_hc_x86_func_entry(unsigned long kprobe_addr)
{
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) &&
	    kvm_hc_x86_starts_with_endbr(kprobe_addr - KVM_HC_X86_ENDBR_SIZE))
		return kprobe_addr - KVM_HC_X86_ENDBR_SIZE;
	return kprobe_addr;
}

/**
 * kvm_hc_x86_hook_name() - the KVM function kvm_hc hooks on this kernel
 *
 * Return: its name.
 */
static const char *kvm_hc_x86_hook_name(void)
{
	return KVM_HC_X86_TARGET;
}

/* is_64_bit_hypercall() of KVM's private x86.h, from public parts. */
static bool kvm_hc_x86_op_64_bit(struct kvm_vcpu *vcpu)
{
	int cs_db, cs_l;

	if (vcpu->arch.guest_state_protected)
		return true;
	if (!(vcpu->arch.efer & EFER_LMA))
		return false;
	static_call(kvm_x86_get_cs_db_l_bits)(vcpu, &cs_db, &cs_l);
	return cs_l;
}

static void kvm_hc_x86_decode_vcpu(struct kvm_vcpu *vcpu, struct kvm_hc_call *call, int cpl)
{
	unsigned long gpr[KVM_HC_X86_NR_GPRS] = {
		[KVM_HC_X86_RAX] = vcpu->arch.regs[VCPU_REGS_RAX],
		[KVM_HC_X86_RBX] = vcpu->arch.regs[VCPU_REGS_RBX],
		[KVM_HC_X86_RCX] = vcpu->arch.regs[VCPU_REGS_RCX],
		[KVM_HC_X86_RDX] = vcpu->arch.regs[VCPU_REGS_RDX],
		[KVM_HC_X86_RSI] = vcpu->arch.regs[VCPU_REGS_RSI],
	};

	kvm_hc_x86_decode(call, gpr, kvm_hc_x86_op_64_bit(vcpu), cpl);
	call->vcpu_id = vcpu->vcpu_id;
}

/*
 * KVM_EXIT_HYPERCALL as KVM prepares it for KVM_HC_MAP_GPA_RANGE, but with
 * the call's number and all four arguments.  KVM's own completion callback
 * writes run->hypercall.ret to rax (truncated for 32-bit callers) and skips
 * the instruction when the VMM re-enters, so a pending exit never points
 * into kvm_hc and survives its unloading.
 */
static void kvm_hc_x86_prepare_exit(struct kvm_vcpu *vcpu, const struct kvm_hc_call *call)
{
	struct kvm_run *run = vcpu->run;
	int i;

	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = call->nr;
	for (i = 0; i < ARRAY_SIZE(run->hypercall.args); i++)
		run->hypercall.args[i] = i < call->nargs ? call->args[i] : 0;
	run->hypercall.ret = 0;
	kvm_hc_set_hypercall_exit_mode(run, call->flags & KVM_HC_CALL_64BIT);
}

#ifdef KVM_HC_X86_HOOK_INNER
/*
 * #UD for an exception range's call.  KVM's caller completes what the
 * replacement returns 1 for (rax from run->hypercall.ret, RIP past the
 * instruction, a single-step #DB if TF is set; without NRIPS the skip goes
 * through the emulator, which empties the exception queue), so the
 * replacement marks the vCPU, and the return probe on the caller, which saw
 * RIP and rax at its entry, puts them back and queues the #UD again.  Out
 * of line: its set_bit() is a locked instruction, which the replacement's
 * other paths do without (lint.sh's hotpath check).
 */
struct kvm_hc_x86_vm {
	DECLARE_BITMAP(ud, KVM_MAX_VCPUS);	/* by vcpu_idx: #UD decided */
};

struct kvm_hc_x86_ud {
	struct kvm_vcpu *vcpu;
	unsigned long rip, rax;
};

static unsigned long kvm_hc_x86_rip(struct kvm_vcpu *vcpu)
{
	/* kvm_rip_read() of KVM's private kvm_cache_regs.h */
	if (!kvm_hc_x86_reg_avail(vcpu, KVM_HC_X86_REG_RIP))
		static_call(kvm_x86_cache_reg)(vcpu, KVM_HC_X86_REG_RIP);
	return *kvm_hc_x86_rip_slot(vcpu);
}

static noinline int kvm_hc_x86_exception(struct kvm_vcpu *vcpu)
{
	struct kvm_hc_x86_vm *xvm = kvm_hc_vm_data(vcpu->kvm);

	/* within the replacement's section: the VM is attached */
	if (xvm && vcpu->vcpu_idx < KVM_MAX_VCPUS)
		set_bit(vcpu->vcpu_idx, xvm->ud);
	/* without the return probe's instance: #UD past the instruction */
	kvm_hc_x86_queue_exception(vcpu, UD_VECTOR);
	vcpu->run->hypercall.ret = vcpu->arch.regs[VCPU_REGS_RAX];
	return 1;
}

static int kvm_hc_x86_ud_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)regs->di;
	struct kvm_hc_x86_ud *d = (struct kvm_hc_x86_ud *)ri->data;
	struct kvm_hc_x86_vm *xvm;
	int idx, ret = 1;

	idx = kvm_hc_data_lock();
	xvm = kvm_hc_vm_data(vcpu->kvm);
	if (xvm && vcpu->vcpu_idx < KVM_MAX_VCPUS) {
		/* a mark whose return was missed (kretprobe nmissed) */
		if (unlikely(test_bit(vcpu->vcpu_idx, xvm->ud)))
			clear_bit(vcpu->vcpu_idx, xvm->ud);
		d->vcpu = vcpu;
		d->rip = kvm_hc_x86_rip(vcpu);
		d->rax = vcpu->arch.regs[VCPU_REGS_RAX];
		ret = 0;
	}
	kvm_hc_data_unlock(idx);
	return ret;
}

static int kvm_hc_x86_ud_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kvm_hc_x86_ud *d = (struct kvm_hc_x86_ud *)ri->data;
	struct kvm_vcpu *vcpu = d->vcpu;
	struct kvm_hc_x86_vm *xvm;
	int idx;

	idx = kvm_hc_data_lock();
	xvm = kvm_hc_vm_data(vcpu->kvm);
	if (xvm && test_and_clear_bit(vcpu->vcpu_idx, xvm->ud)) {
		/* kvm_rip_write() and kvm_rax_write() of kvm_cache_regs.h */
		*kvm_hc_x86_rip_slot(vcpu) = d->rip;
		vcpu->arch.regs[VCPU_REGS_RAX] = d->rax;
		kvm_hc_x86_reg_mark_dirty(vcpu, KVM_HC_X86_REG_RIP);
		kvm_hc_x86_reg_mark_dirty(vcpu, VCPU_REGS_RAX);
		/*
		 * The completion's skip may have dropped the #UD (without
		 * NRIPS, SVM skips through the emulator, which clears the
		 * exception queue) or replaced it (a single-step #DB).
		 */
		vcpu->arch.exception.pending = false;
		vcpu->arch.exception.injected = false;
		kvm_hc_x86_queue_exception(vcpu, UD_VECTOR);
	}
	kvm_hc_data_unlock(idx);
	return 0;
}

static struct kretprobe kvm_hc_x86_ud_probe;

static int kvm_hc_x86_exceptions_get(void)
{
	int ret;

	if (!kvm_hc_x86_queue_exception)
		return -EOPNOTSUPP;
	memset(&kvm_hc_x86_ud_probe, 0, sizeof(kvm_hc_x86_ud_probe));
	kvm_hc_x86_ud_probe.kp.symbol_name = "kvm_emulate_hypercall";
	kvm_hc_x86_ud_probe.entry_handler = kvm_hc_x86_ud_entry;
	kvm_hc_x86_ud_probe.handler = kvm_hc_x86_ud_return;
	kvm_hc_x86_ud_probe.data_size = sizeof(struct kvm_hc_x86_ud);
	/* vCPUs inside KVM's function at once; an in-kernel handler may sleep */
	kvm_hc_x86_ud_probe.maxactive = 4 * num_possible_cpus() + 16;
	ret = register_kretprobe(&kvm_hc_x86_ud_probe);
	if (ret)
		pr_err("cannot place the return probe on kvm_emulate_hypercall for #UD: %d\n", ret);
	return ret;
}

static void kvm_hc_x86_exceptions_put(void)
{
	unregister_kretprobe(&kvm_hc_x86_ud_probe);
	if (kvm_hc_x86_ud_probe.nmissed)
		pr_warn("%d #UD calls missed their return probe (RIP past the instruction)\n",
			kvm_hc_x86_ud_probe.nmissed);
}
#else
static int kvm_hc_x86_exceptions_get(void)
{
	return kvm_hc_x86_queue_exception ? 0 : -EOPNOTSUPP;
}
#endif

/*
 * The replacement of KVM's function, for a call the ftrace callback found
 * kvm_hc serves (kvm_hc_take()).  It has KVM's prototype: nothing is handed
 * over in spare registers, which another ftrace user on the same function
 * (a BPF trampoline) would not keep.
 */
#ifdef KVM_HC_X86_HOOK_INNER
static int kvm_hc_x86_emulate(struct kvm_vcpu *vcpu, int cpl,
			      int (*complete_hypercall)(struct kvm_vcpu *vcpu))
{
	struct kvm_hc_call call kvm_hc_noinit;
	struct kvm_hc_ctx ctx;
	int ret;

	kvm_hc_begin(&ctx, vcpu->kvm);
	kvm_hc_x86_decode_vcpu(vcpu, &call, cpl);
	switch (kvm_hc_dispatch_vm(&ctx, vcpu, &call)) {
	case KVM_HC_DENY:
		if (unlikely(call.flags & KVM_HC_CALL_EXCEPTION)) {
			ret = kvm_hc_x86_exception(vcpu);
			break;
		}
		fallthrough;
	case KVM_HC_KERNEL:
		kvm_hc_x86_kvm_event(&call);
		++vcpu->stat.hypercalls;
		/* KVM's complete_hypercall writes rax and skips the instruction. */
		vcpu->run->hypercall.ret = kvm_hc_x86_result(&call);
		ret = 1;
		break;
	case KVM_HC_FORWARD:
		kvm_hc_x86_kvm_event(&call);
		++vcpu->stat.hypercalls;
		kvm_hc_x86_prepare_exit(vcpu, &call);
		vcpu->arch.complete_userspace_io = complete_hypercall;
		ret = 0;
		break;
	default:
		ret = kvm_hc_x86_orig(vcpu, cpl, complete_hypercall);
		break;
	}
	kvm_hc_end(&ctx);
	return ret;
}

/* The CPL is KVM's second argument. */
static int kvm_hc_x86_cpl(struct kvm_vcpu *vcpu, const struct pt_regs *regs, u64 nr)
{
	return regs->si;
}

static bool kvm_hc_x86_kvm_first(struct kvm_vcpu *vcpu)
{
	/* Xen and Hyper-V hypercalls never reach ____kvm_emulate_hypercall. */
	return false;
}
#else
/* KVM's CPL accessor is not exported: the vendor module's, from kvm_x86_ops. */
static int kvm_hc_x86_get_cpl(struct kvm_vcpu *vcpu)
{
	int (*get_cpl)(struct kvm_vcpu *vcpu) = READ_ONCE(kvm_hc_x86_ops->get_cpl);

	return get_cpl(vcpu);
}

static int kvm_hc_x86_emulate(struct kvm_vcpu *vcpu)
{
	struct kvm_hc_call call kvm_hc_noinit;
	struct kvm_hc_ctx ctx;
	int ret;

	kvm_hc_begin(&ctx, vcpu->kvm);
	kvm_hc_x86_decode_vcpu(vcpu, &call, kvm_hc_x86_get_cpl(vcpu));
	switch (kvm_hc_dispatch_vm(&ctx, vcpu, &call)) {
	case KVM_HC_DENY:
		if (unlikely(call.flags & KVM_HC_CALL_EXCEPTION)) {
			/* #UD; the instruction is not completed: RIP stays */
			kvm_hc_x86_queue_exception(vcpu, UD_VECTOR);
			ret = 1;
			break;
		}
		fallthrough;
	case KVM_HC_KERNEL:
		kvm_hc_x86_kvm_event(&call);
		++vcpu->stat.hypercalls;
		vcpu->arch.regs[VCPU_REGS_RAX] = kvm_hc_x86_result(&call);
		kvm_hc_x86_reg_mark_dirty(vcpu, VCPU_REGS_RAX);
		ret = kvm_skip_emulated_instruction(vcpu);
		break;
	case KVM_HC_FORWARD:
		kvm_hc_x86_kvm_event(&call);
		/* complete_hypercall_exit() counts stat.hypercalls. */
		kvm_hc_x86_prepare_exit(vcpu, &call);
		vcpu->arch.complete_userspace_io = kvm_hc_x86_complete;
		ret = 0;
		break;
	default:
		ret = kvm_hc_x86_orig(vcpu);
		break;
	}
	kvm_hc_end(&ctx);
	return ret;
}

/*
 * Routing needs the CPL only for KVM's own numbers, whose fast path is
 * KVM's code: the callback counts those, and an unprivileged caller's as
 * KVM's (KVM refuses it).  kvm_hc_take() leaves any other unprivileged
 * call outside the policy to KVM as it does a privileged one, and one in
 * a range reaches kvm_hc_x86_emulate(), which reads the CPL before
 * anything is served.  An indirect call saved on nearly every hypercall.
 */
static int kvm_hc_x86_cpl(struct kvm_vcpu *vcpu, const struct pt_regs *regs, u64 nr)
{
	return kvm_hc_x86_kvm_nr(nr) ? kvm_hc_x86_get_cpl(vcpu) : 0;
}

/* KVM hands vmcall to its Xen or Hyper-V emulation before anything else. */
static bool kvm_hc_x86_kvm_first(struct kvm_vcpu *vcpu)
{
#ifdef CONFIG_KVM_XEN
	if (vcpu->kvm->arch.xen_hvm_config.flags & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)
		return true;
#endif
#if KVM_HC_HYPERV
	if (vcpu->arch.hyperv_enabled && vcpu->kvm->arch.hyperv.hv_guest_os_id)
		return true;
#endif
	return false;
}
#endif

/*
 * The number, as wide as the caller's mode makes it.  A number that fits
 * in 32 bits is the same in every mode: only a wider rax needs the mode,
 * and with it a call into the vendor module for CS.L.
 */
static noinline u64 kvm_hc_x86_wide_nr(struct kvm_vcpu *vcpu, unsigned long rax)
{
	return kvm_hc_x86_op_64_bit(vcpu) ? rax : (u32)rax;
}

static __always_inline u64 kvm_hc_x86_nr(struct kvm_vcpu *vcpu)
{
	unsigned long rax = vcpu->arch.regs[VCPU_REGS_RAX];

	if (likely(!(rax >> 32)))
		return rax;
	return kvm_hc_x86_wide_nr(vcpu, rax);
}

/* A call kvm_hc_take() left to KVM, decoded in full for the tracepoint. */
static noinline void kvm_hc_x86_trace_stock(struct kvm_vcpu *vcpu, const struct pt_regs *regs,
					    enum kvm_hc_take take)
{
	struct kvm_hc_call call kvm_hc_noinit;

#ifdef KVM_HC_X86_HOOK_INNER
	kvm_hc_x86_decode_vcpu(vcpu, &call, regs->si);
#else
	kvm_hc_x86_decode_vcpu(vcpu, &call, kvm_hc_x86_get_cpl(vcpu));
#endif
	kvm_hc_trace_taken(vcpu->kvm, &call, take);
}

/*
 * The ftrace callback, on every hypercall of every VM while the hook is
 * armed.  A VM kvm_hc does not know costs one RCU-protected hash lookup; a
 * call of an attached VM that KVM answers anyway is counted and left to
 * KVM here, from its number alone; only a call kvm_hc serves is
 * redirected to the replacement, which decodes the rest.
 */
static void notrace kvm_hc_x86_ftrace(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct pt_regs *regs = kvm_hc_ftrace_regs(fregs);
	enum kvm_hc_take take;
	struct kvm_vcpu *vcpu;
	u64 nr;

	if (!regs || kvm_hc_from_self(parent_ip))
		return;
	vcpu = (struct kvm_vcpu *)regs->di;
	if (kvm_hc_x86_kvm_first(vcpu))
		return;
	nr = kvm_hc_x86_nr(vcpu);
	take = kvm_hc_take(vcpu->kvm, KVM_HC_ARCH_X86,
			   kvm_hc_x86_cpl(vcpu, regs, nr) ? KVM_HC_CALL_UNPRIV : 0, nr,
			   kvm_hc_x86_service(nr));
	if (take != KVM_HC_TAKE) {
		if (take != KVM_HC_PASS && unlikely(trace_kvm_hc_dispatch_enabled()))
			kvm_hc_x86_trace_stock(vcpu, regs, take);
		return;
	}
	regs->ip = (unsigned long)kvm_hc_x86_emulate;
}

/* kvm.ko, held while the hook is in place (kvm_hc_hold_owner()). */
static struct module *kvm_hc_x86_owner;

/*
 * No FTRACE_OPS_FL_RECURSION: the callback calls nothing that could reach
 * the traced function again.  KVM_HC_FTRACE_SAVE_REGS is 0 where ftrace
 * passes the argument registers and lets the callback move ip without a
 * full register frame (DYNAMIC_FTRACE_WITH_ARGS).
 */
static struct ftrace_ops kvm_hc_x86_ops_hook = {
	.func = kvm_hc_x86_ftrace,
	.flags = KVM_HC_FTRACE_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static void kvm_hc_x86_kvm_handlers_exit(void)
{
	u64 nr;

	for (nr = 0; nr < 64; nr++)
		if (kvm_hc_x86_kvm_nr(nr))
			kvm_hc_unregister_kvm_handler(KVM_HC_ARCH_X86, nr);
}

static int kvm_hc_x86_kvm_handlers_init(void)
{
	int ret;
	u64 nr;

	for (nr = 0; nr < 64; nr++) {
		if (!kvm_hc_x86_kvm_nr(nr))
			continue;
		ret = kvm_hc_register_kvm_handler(KVM_HC_ARCH_X86, nr);
		if (ret) {
			/* Unregistering a number that has no handler does nothing. */
			kvm_hc_x86_kvm_handlers_exit();
			return ret;
		}
	}
	return 0;
}

static int kvm_hc_x86_resolve(unsigned long *target)
{
	*target = kvm_hc_lookup_name(KVM_HC_X86_TARGET);
	if (!*target) {
		pr_err("KVM function %s not found; unsupported kernel\n", KVM_HC_X86_TARGET);
		return -ENOENT;
	}
#ifndef KVM_HC_X86_HOOK_INNER
	/* The inner function's presence means this build does not match KVM. */
	if (kvm_hc_lookup_name("____kvm_emulate_hypercall")) {
		pr_err("this kernel has ____kvm_emulate_hypercall; kvm_hc was built for another KVM\n");
		return -ENOEXEC;
	}
	kvm_hc_x86_ops = (struct kvm_x86_ops *)kvm_hc_lookup_name("kvm_x86_ops");
	if (!kvm_hc_x86_ops) {
		pr_err("kvm_x86_ops not found; cannot read the guest's CPL\n");
		return -ENOENT;
	}
	/*
	 * get_cpl is the vendor module's, NULL until kvm-amd or kvm-intel
	 * is loaded.  kvm_hc may load before it: it reads the pointer on each
	 * call, and a vCPU only runs while a vendor module is loaded (there
	 * is no /dev/kvm and no VM before), so the load order does not
	 * matter.
	 */
	kvm_hc_x86_complete = (void *)kvm_hc_lookup_name("complete_hypercall_exit");
	if (!kvm_hc_x86_complete) {
		pr_err("complete_hypercall_exit not found; cannot forward hypercalls\n");
		return -ENOENT;
	}
#endif
	kvm_hc_x86_queue_exception = (void *)kvm_hc_lookup_name("kvm_queue_exception");
	if (!kvm_hc_x86_queue_exception)
		pr_info("kvm_queue_exception not found: exception ranges are refused\n");
	kvm_hc_x86_vm_ioctl = kvm_hc_lookup_name("kvm_vm_ioctl");
	if (!kvm_hc_x86_vm_ioctl) {
		pr_err("kvm_vm_ioctl not found; cannot recognise VM file descriptors\n");
		return -ENOENT;
	}
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) && cpu_feature_enabled(X86_FEATURE_IBT) &&
	    !kvm_hc_x86_starts_with_endbr(*target)) {
		pr_err("%s cannot be called indirectly (no ENDBR64)\n", KVM_HC_X86_TARGET);
		return -ENOEXEC;
	}
	return 0;
}

/**
 * kvm_hc_x86_init() - find KVM's hypercall function and hook it
 *
 * Either the hook is fully in place on return, or nothing was changed.
 *
 * Return: 0 or a negative errno, with the reason in the kernel log.
 */
static int kvm_hc_x86_init(void)
{
	unsigned long target;
	int ret;

	ret = kvm_hc_x86_resolve(&target);
	if (ret)
		return ret;
	kvm_hc_x86_orig = (kvm_hc_x86_emulate_t)target;
	kvm_hc_x86_owner = kvm_hc_hold_owner(target);
	if (IS_ERR(kvm_hc_x86_owner))
		return PTR_ERR(kvm_hc_x86_owner);
	/* In the module just held: both live as long as the hook. */
	kvm_hc_x86_tp_iter = (kvm_hc_x86_tp_iter_t)kvm_hc_lookup_name("__traceiter_kvm_hypercall");
	kvm_hc_x86_tp = (struct tracepoint *)kvm_hc_lookup_name("__tracepoint_kvm_hypercall");
	if (!kvm_hc_x86_tp_iter || !kvm_hc_x86_tp) {
		kvm_hc_x86_tp = NULL;
		pr_info("kvm:kvm_hypercall not found: calls kvm_hc answers do not emit it\n");
	}

	ret = kvm_hc_x86_kvm_handlers_init();
	if (ret)
		goto put_owner;
	/* The hook itself is placed by kvm_hc_hook_arm(), on first use. */
	ret = ftrace_set_filter_ip(&kvm_hc_x86_ops_hook, target, 0, 0);
	if (ret) {
		pr_err("cannot trace %s: %d\n", KVM_HC_X86_TARGET, ret);
		goto kvm_handlers_exit;
	}
	return 0;

kvm_handlers_exit:
	kvm_hc_x86_kvm_handlers_exit();
put_owner:
	module_put(kvm_hc_x86_owner);
	return ret;
}

/**
 * kvm_hc_x86_exit() - undo kvm_hc_x86_init(); the hook is disarmed
 */
static void kvm_hc_x86_exit(void)
{
	ftrace_set_filter_ip(&kvm_hc_x86_ops_hook, (unsigned long)kvm_hc_x86_orig, 1, 0);
	kvm_hc_x86_kvm_handlers_exit();
	module_put(kvm_hc_x86_owner);
}

/*
 * A VM kvm_hc cannot serve, refused at attach: SEV-ES, SEV-SNP and TDX
 * guests, whose registers KVM cannot read.  Kernels before 6.11 cannot
 * tell such a VM apart; a VM made confidential after attach is not
 * refused either (Documentation/uapi.rst).
 */
static bool kvm_hc_x86_vm_confidential(struct kvm *kvm)
{
#ifdef KVM_HC_HAVE_PROTECTED_STATE
	return kvm->arch.has_protected_state;
#else
	return false;
#endif
}

/*
 * What the core needs of x86: KVM_EXIT_HYPERCALL carries rbx, rcx, rdx, rsi
 * (KVM_HC_CHECK_EXTENSION tells VMMs); in-kernel handlers may sleep.
 */
static struct ftrace_ops *const kvm_hc_x86_hooks[] = { &kvm_hc_x86_ops_hook };

const struct kvm_hc_arch_ops kvm_hc_arch = {
	.arch = KVM_HC_ARCH_X86,
	.forward_args = 4,
	/* CPL 3 reaches the hooked function, which KVM refuses it in */
	.user_ranges = true,
	.exceptions = true,
	.exceptions_get = kvm_hc_x86_exceptions_get,
#ifdef KVM_HC_X86_HOOK_INNER
	.exceptions_put = kvm_hc_x86_exceptions_put,
	.vm_data_size = sizeof(struct kvm_hc_x86_vm),
#endif
	.exit_marker = false,
	.handlers_may_sleep = true,
	.init = kvm_hc_x86_init,
	.exit = kvm_hc_x86_exit,
	.hook_name = kvm_hc_x86_hook_name,
	.func_entry = kvm_hc_x86_func_entry,
	.vm_confidential = kvm_hc_x86_vm_confidential,
	.hooks = kvm_hc_x86_hooks,
	.nhooks = ARRAY_SIZE(kvm_hc_x86_hooks),
	.vm_ioctl = &kvm_hc_x86_vm_ioctl,
};
