// SPDX-License-Identifier: GPL-2.0
/*
 * What the KUnit module has in place of a hook: nothing to arm
 * (kvm_hc_live stays false, so nothing asks to), and the architecture's
 * per-VM data is arm64's, whose wake tokens the arm64 suite tests.
 */
#include "../kvm_hc_core.h"
#include "../arch/arm64/kvm_hc_arm64.h"

const struct kvm_hc_arch_ops kvm_hc_arch = {
	.arch = KVM_HC_ARCH_X86,	/* the numbering of the exported handler API */
	.vm_data_size = sizeof(struct kvm_hc_arm64_vm),
	.vm_data_release = kvm_hc_arm64_vm_release,
};

int kvm_hc_hook_arm(void)
{
	return 0;
}

void kvm_hc_hook_disarm(void)
{
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kvm_hc");
