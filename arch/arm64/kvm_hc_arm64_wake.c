// SPDX-License-Identifier: GPL-2.0
/*
 * Wake tokens of arm64's kick service: one per vCPU of an attached VM, in
 * the VM's arm64 data (kvm_hc_vm_data()), since arm64 KVM has no field of
 * its own for it (x86 has pv_unhalted).  A kick sets the target's token
 * and wakes it; the wait hook ends the vCPU's wait while the token is set
 * and takes it when the wait ends.  Pure: the KUnit suite links it.
 */
#include <linux/bitmap.h>

#include "kvm_hc_arm64.h"

/* Tokens set in all VMs: a wait hook returns at once while there are none. */
atomic_t kvm_hc_arm64_wake_tokens = ATOMIC_INIT(0);

/**
 * kvm_hc_arm64_wake_set() - give a vCPU of an attached VM a wake token
 * @kvm:      the VM
 * @vcpu_idx: the vCPU's index (vcpu->vcpu_idx)
 *
 * The caller then wakes the vCPU.  Setting a token that is set already
 * changes nothing: tokens do not add up.  Tokens go with the VM's kvm_hc
 * state when the VMM detaches it.
 *
 * Return: false if the VM is not attached or @vcpu_idx is out of range.
 */
bool kvm_hc_arm64_wake_set(struct kvm *kvm, unsigned int vcpu_idx)
{
	struct kvm_hc_arm64_vm *a;
	int idx;

	if (vcpu_idx >= KVM_HC_ARM64_WAKE_VCPUS)
		return false;
	idx = kvm_hc_data_lock();
	a = kvm_hc_vm_data(kvm);
	if (a && !test_and_set_bit(vcpu_idx, a->wake))
		atomic_inc(&kvm_hc_arm64_wake_tokens);
	kvm_hc_data_unlock(idx);
	return !!a;
}

/**
 * kvm_hc_arm64_wake_test() - whether a vCPU holds a wake token, optionally
 * taking it
 * @kvm:      the VM
 * @vcpu_idx: the vCPU's index
 * @take:     clear the token (the vCPU's wait ends now)
 *
 * May be called with preemption disabled.
 *
 * Return: true if the token was set.
 */
bool kvm_hc_arm64_wake_test(struct kvm *kvm, unsigned int vcpu_idx, bool take)
{
	struct kvm_hc_arm64_vm *a;
	bool set = false;
	int idx;

	if (vcpu_idx >= KVM_HC_ARM64_WAKE_VCPUS || !kvm_hc_arm64_wake_pending())
		return false;
	idx = kvm_hc_data_lock();
	a = kvm_hc_vm_data(kvm);
	if (a && take)
		set = test_and_clear_bit(vcpu_idx, a->wake);
	else if (a)
		set = test_bit(vcpu_idx, a->wake);
	if (set && take)
		atomic_dec(&kvm_hc_arm64_wake_tokens);
	kvm_hc_data_unlock(idx);
	return set;
}

/**
 * kvm_hc_arm64_vm_release() - a detached VM's tokens no longer count
 * @data: its struct kvm_hc_arm64_vm, which nobody reads any more
 */
void kvm_hc_arm64_vm_release(void *data)
{
	struct kvm_hc_arm64_vm *a = data;

	atomic_sub(bitmap_weight(a->wake, KVM_HC_ARM64_WAKE_VCPUS), &kvm_hc_arm64_wake_tokens);
}
