/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc on s390 (Documentation/s390-abi.rst): kvm_hc's services are
 * DIAGNOSE KVM_HC_S390_DIAG subcodes (the value of R1)
 * KVM_HC_S390_SUBCODE(service), a block of KVM_HC_S390_COUNT from
 * KVM_HC_S390_BASE; parameters in R2..R7, the result in R2.  Subcodes 0-4
 * (s390-virtio, virtio-ccw, the storage limit) and DIAGNOSE 0x501 always
 * stay with KVM and its VMM.  A forwarded call exits with
 * KVM_EXIT_HYPERCALL (nr the subcode, args[0..5] R2..R7); the VMM's answer
 * is run->s.regs.gprs[2].
 */
#ifndef _UAPI_LINUX_KVM_HC_S390_H
#define _UAPI_LINUX_KVM_HC_S390_H

#define KVM_HC_S390_DIAG	0x500
#define KVM_HC_S390_BASE	0x4b480000UL
#define KVM_HC_S390_COUNT	0x100
#define KVM_HC_S390_SUBCODE(s)	(KVM_HC_S390_BASE + (s))

#endif /* _UAPI_LINUX_KVM_HC_S390_H */
