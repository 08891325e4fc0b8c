/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the compat layer that needs KVM's types: included by arch
 * code after <linux/kvm_host.h>.  Probes as in kvm_hc_compat.h.
 */
#ifndef _KVM_HC_COMPAT_KVM_H
#define _KVM_HC_COMPAT_KVM_H

#include <linux/kvm_host.h>
#include <linux/sched/task.h>

/*
 * The VM behind a file the VMM passed, with a reference: ERR_PTR(-EINVAL)
 * if it is not a KVM VM (@vm_ioctl is KVM's kvm_vm_ioctl()), ERR_PTR(-EPERM)
 * if it belongs to another process (KVM refuses that process's VM ioctls
 * too) unless @any_process.  kvm_get_kvm() is exported on every kernel,
 * 7.x included.
 */
static inline struct kvm *kvm_hc_kvm_from_file(struct file *file, unsigned long vm_ioctl,
					       bool any_process)
{
	struct kvm *kvm;

	if (!vm_ioctl || (unsigned long)file->f_op->unlocked_ioctl != vm_ioctl)
		return ERR_PTR(-EINVAL);
	kvm = file->private_data;
	if (!any_process && kvm->mm != current->mm)
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

/*
 * A vCPU's MPIDR affinity.  MPIDR_EL1 is read-only to the guest, so the
 * saved copy that KVM's reset and KVM_SET_ONE_REG write is always current.
 */
#ifdef KVM_HC_MPIDR_VIA_READ_SYS_REG
#define kvm_hc_vcpu_mpidr_aff(vcpu)	(__vcpu_sys_reg(vcpu, MPIDR_EL1) & MPIDR_HWID_BITMASK)
#else
#define kvm_hc_vcpu_mpidr_aff(vcpu)	kvm_vcpu_get_mpidr_aff(vcpu)
#endif
#endif /* CONFIG_ARM64 */

/*
 * The task running a vCPU, with a reference (or NULL): vcpu->pid is RCU
 * up to 6.10 and guarded by vcpu->pid_lock since.
 */
static inline struct task_struct *kvm_hc_vcpu_task(struct kvm_vcpu *vcpu)
{
	struct task_struct *task = NULL;

#ifdef KVM_HC_HAVE_VCPU_PID_LOCK
	read_lock(&vcpu->pid_lock);
	if (vcpu->pid)
		task = get_pid_task(vcpu->pid, PIDTYPE_PID);
	read_unlock(&vcpu->pid_lock);
#else
	struct pid *pid;

	rcu_read_lock();
	pid = rcu_dereference(vcpu->pid);
	if (pid)
		task = get_pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
#endif
	return task;
}

/* Whether the current task runs this vCPU (a pointer compare, no lock). */
static inline bool kvm_hc_vcpu_is_current(struct kvm_vcpu *vcpu)
{
#ifdef KVM_HC_HAVE_VCPU_PID_LOCK
	return READ_ONCE(vcpu->pid) == task_pid(current);
#else
	return rcu_access_pointer(vcpu->pid) == task_pid(current);
#endif
}

#ifdef KVM_HC_HAVE_KVM_VCPU_KICK
#define kvm_hc_vcpu_kick(vcpu)	kvm_vcpu_kick(vcpu)
#else
/*
 * 6.19 restricted __kvm_vcpu_kick() to KVM's own modules.  The same steps
 * from public inlines and exported scheduler calls: wake the vCPU if it
 * sleeps (kvm_vcpu_wake_up()), else make its CPU leave guest mode
 * (kick_process() sends the reschedule IPI KVM sends).
 */
static inline void kvm_hc_vcpu_kick(struct kvm_vcpu *vcpu)
{
	struct task_struct *task;

	if (__kvm_vcpu_wake_up(vcpu)) {
		WRITE_ONCE(vcpu->ready, true);
		++vcpu->stat.generic.halt_wakeup;
		return;
	}
	/* kvm_arch_vcpu_should_kick() on x86 and arm64 */
	if (kvm_vcpu_exiting_guest_mode(vcpu) != IN_GUEST_MODE)
		return;
	task = kvm_hc_vcpu_task(vcpu);
	if (task) {
		kick_process(task);
		put_task_struct(task);
	}
}
#endif

#ifdef CONFIG_X86
/*
 * A register of a vCPU's cache in struct kvm_vcpu_arch (kvm_register_read(),
 * kvm_register_write() and kvm_register_mark_dirty() of KVM's private
 * kvm_cache_regs.h): 7.x keeps
 * RIP out of regs[] (VCPU_REG_RIP, arch.rip) and the avail/dirty marks in
 * bitmaps; before, RIP was regs[VCPU_REGS_RIP] and the marks u32s.
 */
#ifdef KVM_HC_HAVE_VCPU_ARCH_RIP
#define KVM_HC_X86_REG_RIP		VCPU_REG_RIP

static inline unsigned long *kvm_hc_x86_rip_slot(struct kvm_vcpu *vcpu)
{
	return &vcpu->arch.rip;
}

static inline bool kvm_hc_x86_reg_avail(struct kvm_vcpu *vcpu, int r)
{
	return test_bit(r, vcpu->arch.regs_avail);
}

static inline void kvm_hc_x86_reg_mark_dirty(struct kvm_vcpu *vcpu, int r)
{
	__set_bit(r, vcpu->arch.regs_avail);
	__set_bit(r, vcpu->arch.regs_dirty);
}
#else
#define KVM_HC_X86_REG_RIP		VCPU_REGS_RIP

static inline unsigned long *kvm_hc_x86_rip_slot(struct kvm_vcpu *vcpu)
{
	return &vcpu->arch.regs[VCPU_REGS_RIP];
}

static inline bool kvm_hc_x86_reg_avail(struct kvm_vcpu *vcpu, int r)
{
	return vcpu->arch.regs_avail & BIT(r);
}

static inline void kvm_hc_x86_reg_mark_dirty(struct kvm_vcpu *vcpu, int r)
{
	vcpu->arch.regs_avail |= BIT(r);
	vcpu->arch.regs_dirty |= BIT(r);
}
#endif
#endif

#endif /* _KVM_HC_COMPAT_KVM_H */
