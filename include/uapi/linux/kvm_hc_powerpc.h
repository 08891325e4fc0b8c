/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc on powerpc (Documentation/powerpc-abi.rst): two hypercall families.
 *
 * PAPR hcalls (sc 1; Book3S HV): the number in r3, arguments in r4..r11,
 * the status in r3 and outputs in r4..r11.  kvm_hc's services are hcall
 * numbers KVM_HC_PPC_PAPR_BASE + 4 * service (PAPR numbers are multiples of
 * 4): discovery is 0x4b480000.  PAPR and KVM use numbers below 0x1000 and
 * 0xf800-0xf80c, ultracalls 0xef00-0xef14, QEMU's private hcalls 0xf000
 * and up; nothing above 0xffff.
 *
 * ePAPR/KVM hypercalls (KVM-PR and BookE): the token (vendor << 16 |
 * function) in r11, arguments in r3..r10, the status in r3 and outputs in
 * r4..r11.  kvm_hc's services are KVM-vendor (42) functions
 * KVM_HC_PPC_EPAPR_FUNC_BASE + service: discovery is token 0x002a4b48.  KVM
 * itself uses functions 3 (KVM_HC_FEATURES) and 4 (MAP_MAGIC_PAGE).
 * KVM_HC_FEATURES keeps KVM's answer in r4 and, for a VM that may call
 * kvm_hc's services, sets bit KVM_HC_PPC_FEATURES_SHIFT + s for each
 * service s (KVM sets bit 1, KVM_FEATURE_MAGIC_PAGE).
 *
 * Policy ranges are over PAPR numbers and ePAPR tokens alike; the two never
 * overlap (tokens are 0x10000-0x2affff, kvm_hc's PAPR block lies above).
 *
 * A forwarded PAPR hcall exits with KVM_EXIT_PAPR_HCALL: nr r3, args[0..8]
 * r4..r12; the VMM's answer is papr_hcall.ret (r3) and args (r4..r12).
 * ePAPR hypercalls are not forwarded: the hook has no exit for them, and a
 * forward range leaves them to KVM.
 */
#ifndef _UAPI_LINUX_KVM_HC_POWERPC_H
#define _UAPI_LINUX_KVM_HC_POWERPC_H

#define KVM_HC_PPC_PAPR_BASE		0x4b480000UL
#define KVM_HC_PPC_EPAPR_VENDOR		42
#define KVM_HC_PPC_EPAPR_FUNC_BASE	0x4b48
#define KVM_HC_PPC_SVC_COUNT		16
#define KVM_HC_PPC_FEATURES_SHIFT	16
#define KVM_HC_PPC_PAPR_NR(s)		(KVM_HC_PPC_PAPR_BASE + 4 * (s))
#define KVM_HC_PPC_EPAPR_TOKEN(s) \
	((KVM_HC_PPC_EPAPR_VENDOR << 16) | (KVM_HC_PPC_EPAPR_FUNC_BASE + (s)))

#endif /* _UAPI_LINUX_KVM_HC_POWERPC_H */
