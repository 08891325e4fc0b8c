// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_sample: a module that serves one hypercall number in the kernel,
 * through kvm_hc's handler table.
 *
 *   insmod kvm_hc.ko
 *   insmod samples/kvm_hc_sample.ko          # nr=0x4b480100 on x86
 *   # a VMM attaches its VM through /dev/kvm_hc and maps nr to
 *   # KVM_HC_ACTION_KERNEL: the guest's call with a0 = x returns
 *   # x ^ 0x53414d504c452121
 *   rmmod kvm_hc_sample                      # the number is stock KVM's again
 *
 * The handler runs in the vCPU thread, in KVM's run loop: no exit to user
 * space.  Unloading is safe while guests call it: kvm_hc holds the module
 * for each call and sends calls to stock KVM once unloading has begun.
 */
#include <linux/module.h>

#include "kvm_hc.h"
#include "kvm_hc_sample.h"

#if defined(CONFIG_X86)
#define KVM_HC_SAMPLE_NR	KVM_HC_SAMPLE_NR_X86
#elif defined(CONFIG_ARM64)
/* SMC64/HVC64 fast call, vendor-specific hypervisor service 0x100. */
#define KVM_HC_SAMPLE_NR	0xc6000100ULL
#elif defined(CONFIG_S390)
#define KVM_HC_SAMPLE_NR	KVM_HC_SAMPLE_NR_X86
#else
/* A PAPR hcall number past kvm_hc's block. */
#define KVM_HC_SAMPLE_NR	(KVM_HC_SAMPLE_NR_X86 + 0x300)
#endif

static ulong nr = KVM_HC_SAMPLE_NR;
module_param(nr, ulong, 0444);
MODULE_PARM_DESC(nr, "The hypercall number to serve");

static void kvm_hc_sample_call(struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	call->ret[0] = call->args[0] ^ KVM_HC_SAMPLE_MAGIC;
	call->nret = 1;
}

static int __init kvm_hc_sample_init(void)
{
	int ret;

	ret = kvm_hc_register_handler(nr, kvm_hc_sample_call);
	if (ret)
		pr_err("cannot serve hypercall 0x%lx: %d\n", nr, ret);
	else
		pr_info("serving hypercall 0x%lx\n", nr);
	return ret;
}

static void __exit kvm_hc_sample_exit(void)
{
	kvm_hc_unregister_handler(nr);
}

module_init(kvm_hc_sample_init);
module_exit(kvm_hc_sample_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A hypercall served in the kernel through kvm_hc");
