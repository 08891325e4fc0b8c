// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc's in-kernel fast path for KVM's own x86 hypercalls: KICK_CPU and
 * VAPIC_POLL_IRQ.  VMs whose policy maps these numbers to
 * KVM_HC_ACTION_KERNEL get these handlers; their guest-visible results are
 * those of stock KVM (Documentation/x86-abi.rst).
 *
 * KICK_CPU finds its target by APIC ID without KVM's private APIC map:
 * every vCPU's APIC ID is taken to be its vcpu_id, which is what KVM gives
 * a vCPU at creation (the x2APIC ID is read-only and equals vcpu_id; the
 * xAPIC ID starts as vcpu_id).  Two cases differ from stock KVM: a guest
 * that rewrites its xAPIC ID, and a VM whose VMM never loaded LAPIC state
 * (KVM's APIC map then lacks the last vCPU created; Documentation/design.rst).
 */
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>
#include <linux/sched.h>
#include <linux/sched/stat.h>
#include <linux/smp.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "kvm_hc_compat_kvm.h"
#include "kvm_hc_x86.h"

#define KVM_HC_X86_XAPIC_BROADCAST	0xffU
#define KVM_HC_X86_X2APIC_BROADCAST	0xffffffffU

/* guest_pv_has() of KVM's private cpuid.h. */
static bool kvm_hc_x86_guest_pv_has(struct kvm_vcpu *vcpu, unsigned int feature)
{
	return !vcpu->arch.pv_cpuid.enforce || (vcpu->arch.pv_cpuid.features & BIT(feature));
}

/*
 * Whether @vcpu accepts KICK_CPU's physical-destination interrupt for
 * @apic_id, as KVM delivers it (kvm_apic_is_broadcast_dest(),
 * kvm_apic_mda() and kvm_apic_match_physical_addr() of lapic.c): an
 * in-kernel APIC that is enabled, matched by ID or by a broadcast.  A kick
 * has no source APIC, so under KVM's x2APIC broadcast quirk (on unless the
 * VMM set KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK) 0xff is the broadcast of
 * every vCPU, x2APIC-mode ones included, and 0xffffffff reaches nobody;
 * without the quirk each mode has its own broadcast ID.
 */
static bool kvm_hc_x86_apic_matches(struct kvm_vcpu *vcpu, u32 apic_id)
{
	u64 base = vcpu->arch.apic_base;

	if (!vcpu->arch.apic || !(base & MSR_IA32_APICBASE_ENABLE))
		return false;
	if (!vcpu->kvm->arch.x2apic_broadcast_quirk_disabled)
		return apic_id == KVM_HC_X86_XAPIC_BROADCAST || apic_id == vcpu->vcpu_id;
	if (base & X2APIC_ENABLE)
		return apic_id == KVM_HC_X86_X2APIC_BROADCAST || apic_id == vcpu->vcpu_id;
	return apic_id == KVM_HC_X86_XAPIC_BROADCAST || apic_id == vcpu->vcpu_id;
}

/* kvm_vcpu_yield_to() of kvm_main.c, from exported scheduler calls. */
static int kvm_hc_x86_yield_to(struct kvm_vcpu *target)
{
	struct task_struct *task = kvm_hc_vcpu_task(target);
	int ret;

	if (!task)
		return 0;
	ret = yield_to(task, 1);
	put_task_struct(task);
	return ret;
}

/*
 * KVM's kvm_sched_yield(): give the rest of the time slice to the kicked
 * vCPU if it is runnable but preempted and something else competes for
 * this CPU.
 */
static void kvm_hc_x86_directed_yield(struct kvm_vcpu *vcpu, struct kvm_vcpu *target)
{
	vcpu->stat.directed_yield_attempted++;
	if (single_task_running())
		return;
	if (!target || !READ_ONCE(target->ready) || target == vcpu)
		return;
	if (kvm_hc_x86_yield_to(target) > 0)
		vcpu->stat.directed_yield_successful++;
}

/* What KVM's APIC does with an APIC_DM_REMRD interrupt: a PV unhalt. */
static void kvm_hc_x86_unhalt(struct kvm_vcpu *target)
{
	WRITE_ONCE(target->arch.pv.pv_unhalted, true);
	kvm_make_request(KVM_REQ_EVENT, target);
	kvm_hc_vcpu_kick(target);
}

static void kvm_hc_x86_kick_cpu(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	/* KVM's struct kvm_lapic_irq holds a u32 destination. */
	u32 apic_id = call->args[1];
	struct kvm_vcpu *v, *target = NULL;
	unsigned long i;

	call->nret = 1;
	call->ret[0] = 0;
	if (!kvm_hc_x86_guest_pv_has(vcpu, KVM_FEATURE_PV_UNHALT)) {
		call->status = -KVM_HC_ENOHC;
		return;
	}
	/*
	 * One vCPU has the ID, found as KVM finds it by vcpu_id; only a
	 * broadcast ID may reach several, and only those need the scan.
	 */
	if (apic_id != KVM_HC_X86_XAPIC_BROADCAST && apic_id != KVM_HC_X86_X2APIC_BROADCAST) {
		v = apic_id <= INT_MAX ? kvm_get_vcpu_by_id(vcpu->kvm, apic_id) : NULL;
		if (v && kvm_hc_x86_apic_matches(v, apic_id)) {
			kvm_hc_x86_unhalt(v);
			target = v;
		}
	} else {
		kvm_for_each_vcpu(i, v, vcpu->kvm) {
			if (!kvm_hc_x86_apic_matches(v, apic_id))
				continue;
			kvm_hc_x86_unhalt(v);
			if (v->vcpu_id == apic_id)
				target = v;
		}
	}
	kvm_hc_x86_directed_yield(vcpu, target);
}

/*
 * Stock KVM answers 0 and does nothing else: the exit itself is the point,
 * since KVM checks for pending interrupts on every entry anyway.
 */
static void kvm_hc_x86_vapic_poll_irq(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	call->nret = 1;
	call->ret[0] = 0;
}

static const struct {
	u64 nr;
	kvm_hc_handler_t fn;
} kvm_hc_x86_pv_handlers[] = {
	{ KVM_HC_VAPIC_POLL_IRQ, kvm_hc_x86_vapic_poll_irq },
	{ KVM_HC_KICK_CPU, kvm_hc_x86_kick_cpu },
};

/**
 * kvm_hc_x86_pv_init() - register the fast-path handlers
 *
 * Return: 0 or a negative errno; on error nothing is registered.
 */
int kvm_hc_x86_pv_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(kvm_hc_x86_pv_handlers); i++) {
		ret = kvm_hc_register_handler(KVM_HC_ARCH_X86, kvm_hc_x86_pv_handlers[i].nr,
					      kvm_hc_x86_pv_handlers[i].fn);
		if (ret) {
			while (i--)
				kvm_hc_unregister_handler(KVM_HC_ARCH_X86,
							  kvm_hc_x86_pv_handlers[i].nr);
			return ret;
		}
	}
	return 0;
}

/**
 * kvm_hc_x86_pv_exit() - unregister the fast-path handlers
 */
void kvm_hc_x86_pv_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvm_hc_x86_pv_handlers); i++)
		kvm_hc_unregister_handler(KVM_HC_ARCH_X86, kvm_hc_x86_pv_handlers[i].nr);
}
