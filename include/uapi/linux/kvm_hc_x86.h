/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc on x86 (Documentation/x86-abi.rst): kvm_hc's services are the
 * hypercall numbers KVM_HC_X86_NR(service), a block of KVM_HC_X86_COUNT
 * from KVM_HC_X86_BASE ("KH" << 16).  A guest issues vmcall (Intel) or
 * vmmcall (AMD) with the number in rax and arguments in rbx, rcx, rdx and
 * rsi, and finds the result in rax (truncated to 32 bits when the caller
 * is not in 64-bit mode), exactly as for KVM's own hypercalls.  A forwarded
 * call exits with KVM_EXIT_HYPERCALL (nr, args[0..3]); the VMM's answer is
 * hypercall.ret.
 */
#ifndef _UAPI_LINUX_KVM_HC_X86_H
#define _UAPI_LINUX_KVM_HC_X86_H

#define KVM_HC_X86_BASE		0x4b480000UL
#define KVM_HC_X86_COUNT	0x100
#define KVM_HC_X86_NR(s)	(KVM_HC_X86_BASE + (s))

#endif /* _UAPI_LINUX_KVM_HC_X86_H */
