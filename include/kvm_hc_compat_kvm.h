/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of the compat layer that needs KVM's types: included by arch
 * code after <linux/kvm_host.h>.  Probes as in kvm_hc_compat.h.
 */
#ifndef _KVM_HC_COMPAT_KVM_H
#define _KVM_HC_COMPAT_KVM_H

#include <linux/kvm_host.h>
#include <linux/smp.h>

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
	/* kvm_arch_vcpu_should_kick() on x86 */
	if (kvm_vcpu_exiting_guest_mode(vcpu) == IN_GUEST_MODE) {
		cpu = READ_ONCE(vcpu->cpu);
		if (cpu != me && (unsigned int)cpu < nr_cpu_ids && cpu_online(cpu))
			smp_send_reschedule(cpu);
	}
	put_cpu();
}
#endif

#endif /* _KVM_HC_COMPAT_KVM_H */
