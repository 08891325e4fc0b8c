/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels kvm_hc builds for lives here.
 *
 * Kbuild force-includes this header into every source file.  The
 * KVM_HC_HAVE_* and KVM_HC_X86_HOOK_* macros come from Kbuild's probes of
 * the target kernel's headers and Module.symvers (see Kbuild), never from
 * version numbers, so distribution backports are handled.
 */
#ifndef _KVM_HC_COMPAT_H
#define _KVM_HC_COMPAT_H

/* Every message names the module; defined before any header can. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * Waiting for tasks that may still execute a few instructions of module
 * text after leaving kvm_hc's bookkeeping: RCU Tasks where the kernel has
 * it, else a plain grace period (kernels without preemption).
 */
#ifdef CONFIG_TASKS_RCU
#define kvm_hc_sync_tasks()	synchronize_rcu_tasks()
#else
#define kvm_hc_sync_tasks()	synchronize_rcu()
#endif

/* module_attribute callbacks take a const attribute since 6.14. */
#ifdef KVM_HC_HAVE_CONST_MODULE_ATTRIBUTE
#define kvm_hc_module_attribute	const struct module_attribute
#else
#define kvm_hc_module_attribute	struct module_attribute
#endif

/*
 * A call record on the stack of the hot path is filled in before use:
 * spare it the zeroing of CONFIG_INIT_STACK_ALL_ZERO (GCC 12, clang 16).
 */
#if __has_attribute(__uninitialized__)
#define kvm_hc_noinit	__attribute__((__uninitialized__))
#else
#define kvm_hc_noinit
#endif

/* A module's core text (6.4 split module memory by type). */
#ifdef KVM_HC_HAVE_MODULE_MEMORY
#define kvm_hc_module_text_base(mod)	((unsigned long)(mod)->mem[MOD_TEXT].base)
#define kvm_hc_module_text_size(mod)	((mod)->mem[MOD_TEXT].size)
#else
#define kvm_hc_module_text_base(mod)	((unsigned long)(mod)->core_layout.base)
#define kvm_hc_module_text_size(mod)	((mod)->core_layout.text_size)
#endif

#ifdef CONFIG_X86
/*
 * x86 hook variants (Documentation/design.rst, "The hook per kernel"):
 *  OUTER  kvm_emulate_hypercall(vcpu) is exported without a namespace and
 *         nothing has been split out below it but __kvm_emulate_hypercall
 *         (6.1 to 6.13).
 *  INNER  ____kvm_emulate_hypercall(vcpu, cpl, complete_hypercall), exported
 *         only to kvm-amd/kvm-intel (6.19 and later).
 * Kernels in between changed the inner prototype twice; Kbuild finds
 * neither variant there and the build stops below.
 */
#if defined(KVM_HC_X86_HOOK_INNER) == defined(KVM_HC_X86_HOOK_OUTER)
#error "kvm_hc: cannot tell how this kernel's KVM emulates hypercalls; unsupported kernel"
#endif

/*
 * KVM_EXIT_HYPERCALL's __u32 longmode became the KVM_EXIT_HYPERCALL_LONG_MODE
 * bit of a __u64 flags field (6.4; only flags is visible to the kernel).
 */
#ifdef KVM_HC_HAVE_HYPERCALL_EXIT_FLAGS
#define kvm_hc_set_hypercall_exit_mode(run, long_mode) \
	((run)->hypercall.flags = (long_mode) ? KVM_EXIT_HYPERCALL_LONG_MODE : 0)
#else
#define kvm_hc_set_hypercall_exit_mode(run, long_mode) \
	((run)->hypercall.longmode = !!(long_mode))
#endif

/*
 * The registers an ftrace callback may read and change.  With
 * DYNAMIC_FTRACE_WITH_ARGS (5.11) ftrace saves and restores the argument
 * registers and ip for every callback, so an IPMODIFY hook needs no full
 * pt_regs frame (FTRACE_OPS_FL_SAVE_REGS); struct ftrace_regs became
 * opaque behind arch_ftrace_regs() in 6.12.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define KVM_HC_FTRACE_SAVE_REGS	0
#ifdef KVM_HC_HAVE_ARCH_FTRACE_REGS
#define kvm_hc_ftrace_regs(fregs)	(&arch_ftrace_regs(fregs)->regs)
#else
#define kvm_hc_ftrace_regs(fregs)	(&(fregs)->regs)
#endif
#else
#define KVM_HC_FTRACE_SAVE_REGS	FTRACE_OPS_FL_SAVE_REGS
#define kvm_hc_ftrace_regs(fregs)	ftrace_get_regs(fregs)
#endif

/* CONFIG_KVM_HYPERV (6.8) made Hyper-V emulation optional; before, it was always built. */
#if !defined(KVM_HC_HAVE_KVM_HYPERV_OPTION) || IS_ENABLED(CONFIG_KVM_HYPERV)
#define KVM_HC_HYPERV	1
#else
#define KVM_HC_HYPERV	0
#endif
#endif /* CONFIG_X86 */

#ifdef CONFIG_ARM64
/* KVM_EXIT_HYPERCALL flags for SMC and 16-bit HVC arrived with the SMCCC filter (6.4). */
#ifdef KVM_HC_HAVE_HYPERCALL_EXIT_FLAGS
#define KVM_HC_HYPERCALL_EXIT_SMC	KVM_HYPERCALL_EXIT_SMC
#define KVM_HC_HYPERCALL_EXIT_16BIT	KVM_HYPERCALL_EXIT_16BIT
#define kvm_hc_set_hypercall_exit_flags(run, f)	((run)->hypercall.flags = (f))
#else
/*
 * 6.1 has no SMCCC over SMC to report, and no flags field: the same bits
 * are "longmode" there, which arm64's KVM never sets.
 */
#define KVM_HC_HYPERCALL_EXIT_SMC	0
#define KVM_HC_HYPERCALL_EXIT_16BIT	0
#define kvm_hc_set_hypercall_exit_flags(run, f) do {	\
	struct kvm_run *__run = (run);				\
	u64 __f = (f);						\
								\
	__run->hypercall.longmode = (u32)__f;			\
	__run->hypercall.pad = (u32)(__f >> 32);		\
} while (0)
#endif
#endif /* CONFIG_ARM64 */

#endif /* _KVM_HC_COMPAT_H */
