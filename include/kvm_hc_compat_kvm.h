/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the compat layer that needs KVM's types: included by arch
 * code after <linux/kvm_host.h>.  Probes as in kvm_hc_compat.h.
 */
#ifndef _KVM_HC_COMPAT_KVM_H
#define _KVM_HC_COMPAT_KVM_H

#include <linux/kvm_host.h>
#include <linux/smp.h>

/*
 * The VM behind a file the VMM passed, with a reference: ERR_PTR(-EINVAL)
 * if it is not a KVM VM (@vm_fops is KVM's kvm_vm_fops), ERR_PTR(-EPERM)
 * if it belongs to another process (KVM refuses that process's VM ioctls
 * too).  kvm_get_kvm() is exported on every kernel, 7.x included.
 */
static inline struct kvm *kvm_hc_kvm_from_file(struct file *file,
					       const struct file_operations *vm_fops)
{
	struct kvm *kvm;

	if (!vm_fops || file->f_op != vm_fops)
		return ERR_PTR(-EINVAL);
	kvm = file->private_data;
	if (kvm->mm != current->mm)
		return ERR_PTR(-EPERM);
	kvm_get_kvm(kvm);
	return kvm;
}

#ifdef CONFIG_ARM64
#include <linux/ftrace.h>

/*
 * arm64 ftrace: 6.1 saves pt_regs (WITH_REGS); 6.12 and later pass
 * ftrace_regs (WITH_ARGS) with accessors for the arguments and the PC.
 */
static inline unsigned long kvm_hc_fregs_arg0(struct ftrace_regs *fregs)
{
#ifdef KVM_HC_HAVE_FTRACE_REGS_ACCESSORS
	return ftrace_regs_get_argument(fregs, 0);
#else
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs->regs[0] : 0;
#endif
}

static inline void kvm_hc_fregs_set_ip(struct ftrace_regs *fregs, unsigned long ip)
{
#ifdef KVM_HC_HAVE_FTRACE_REGS_ACCESSORS
	ftrace_regs_set_instruction_pointer(fregs, ip);
#else
	instruction_pointer_set(ftrace_get_regs(fregs), ip);
#endif
}
#endif /* CONFIG_ARM64 */

#ifdef KVM_HC_HAVE_KVM_VCPU_KICK
#define kvm_hc_vcpu_kick(vcpu)	kvm_vcpu_kick(vcpu)
#else
#include <trace/events/ipi.h>	/* smp_send_reschedule() traces since 6.6 */

/*
 * 6.19 restricted __kvm_vcpu_kick() to kvm-amd/kvm-intel.  The same steps
 * from public inlines and exported scheduler calls: wake the vCPU if it
 * sleeps (kvm_vcpu_wake_up()), else send an IPI if it runs in guest mode.
 */
static inline void kvm_hc_vcpu_kick(struct kvm_vcpu *vcpu)
{
	int me, cpu;

	if (__kvm_vcpu_wake_up(vcpu)) {
		WRITE_ONCE(vcpu->ready, true);
		++vcpu->stat.generic.halt_wakeup;
		return;
	}
	me = get_cpu();
	/* kvm_arch_vcpu_should_kick() on x86 and arm64 */
	if (kvm_vcpu_exiting_guest_mode(vcpu) == IN_GUEST_MODE) {
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu != me && (unsigned int)cpu < nr_cpu_ids && cpu_online(cpu))
			smp_send_reschedule(cpu);
	}
	put_cpu();
}
#endif

#endif /* _KVM_HC_COMPAT_KVM_H */
