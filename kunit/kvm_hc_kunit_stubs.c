// SPDX-License-Identifier: GPL-2.0
/*
 * What the KUnit module has in place of a hook:
 * nothing to arm (kvm_hc_live stays false, so nothing asks to).
 */
#include "../kvm_hc_core.h"

int kvm_hc_hook_arm(void)
{
	return 0;
}

void kvm_hc_hook_disarm(void)
{
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for kvm_hc");
