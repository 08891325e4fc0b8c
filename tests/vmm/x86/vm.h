/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - the x86 part of the test VMM (scenario.h): a VM with 4 MiB of
 * identity-mapped memory whose vCPU starts in long mode, the guest code's
 * blocks, and one hypercall as the guest issues it, in one of three modes.
 * kvm_hc_test.c builds VMs and places calls; kvm_hc_uapi.c holds what the
 * scenarios written once need of x86, the policy and the kick.
 */
#ifndef KVM_HC_X86_VM_H
#define KVM_HC_X86_VM_H

#include <stdint.h>
#include <linux/kvm.h>

#include "kvm_hc_uapi_lib.h"
/* The project's copy when built in the tree, else one found through -I. */
#if __has_include("../../../include/uapi/linux/kvm_hc_x86.h")
#include "../../../include/uapi/linux/kvm_hc_x86.h"
#else
#include <linux/kvm_hc_x86.h>
#endif

/* From include/uapi/linux/kvm_para.h and asm/kvm_para.h. */
#define KVM_ENOSYS		1000
#define KVM_EPERM		1
#define KVM_EINVAL		22
#define KVM_HC_VAPIC_POLL_IRQ	1
#define KVM_HC_KICK_CPU		5
#define KVM_HC_MAP_GPA_RANGE	12
#define KVM_CPUID_FEATURES	0x40000001
#define KVM_FEATURE_PV_UNHALT	7

/* Hyper-V TLFS: interface signature, guest OS id MSR, status codes. */
#define HYPERV_CPUID_VENDOR		0x40000000
#define HYPERV_CPUID_INTERFACE		0x40000001
#define HYPERV_CPUID_SIGNATURE_EAX	0x31237648	/* "Hv#1" */
#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#define HV_STATUS_INVALID_HYPERCALL_CODE 2

/* Any MSR in the synthetic range will do; this is what QEMU uses. */
#define XEN_HYPERCALL_MSR	0x40000200

#ifndef KVM_CAP_ENFORCE_PV_FEATURE_CPUID
#define KVM_CAP_ENFORCE_PV_FEATURE_CPUID 190
#endif
#ifndef KVM_CAP_EXIT_HYPERCALL
#define KVM_CAP_EXIT_HYPERCALL	201
#endif

#define KVM_HC_DISCOVER_NR	(KVM_HC_X86_BASE + KVM_HC_SVC_DISCOVER)

#define ENOSYS64	((uint64_t)-KVM_ENOSYS)
#define EPERM64		((uint64_t)-KVM_EPERM)
#define EINVAL64	((uint64_t)-KVM_EINVAL)
#define ENOSYS32	((uint64_t)(uint32_t)-KVM_ENOSYS)
#define EINVAL32	((uint64_t)(uint32_t)-KVM_EINVAL)

/* Guest physical layout: identity map of 0..4 MiB with two 2 MiB pages. */
#define MEM_SIZE	0x400000UL
#define PML4_GPA	0x1000
#define PDPT_GPA	0x2000
#define PD_GPA		0x3000
#define GDT_GPA		0x4000
#define TSS_GPA		0x5000
#define IDT_GPA		0x6000	/* #UD's gate only (the exception scenario) */
#define IDT_VECTORS	32
#define CODE_GPA	0x8000
#define DATA_GPA	0x200000UL
#define STACK_TOP	0x3ff000UL
/* The loop guest's stack and answer slot on vCPU @id (the storm's vCPUs). */
#define VCPU_STACK(id)	(STACK_TOP - 0x2000UL * (id))
#define VCPU_DATA(id)	(DATA_GPA + 0x100UL * (id))

/* GDT selectors. */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18
#define SEL_UCODE64	(0x20 | 3)
#define SEL_UDATA	(0x28 | 3)
#define SEL_TSS		0x30

/* Ports the guest reports on. */
#define PORT_DONE	0x10
#define PORT_UD		0x11	/* the #UD handler (g_ud) */
#define PORT_LOAD_DISC	0x20
#define PORT_LOAD_POLL	0x21
#define PORT_LOOP	0x22
#define PORT_HALTING	0x30
#define PORT_WOKE	0x31

#define CALL_TIMEOUT_S	2.0	/* one call: well under 1 ms normally, even under TCG */
#define CALL_MAX_EXITS	1000

extern const unsigned char guest_code[], guest_code_end[];
extern const unsigned char g_call_amd[], g_call_intel[];
extern const unsigned char g_load_amd[], g_load_intel[];
extern const unsigned char g_loop_amd[], g_loop_intel[], g_halt[], g_ud[];
#define GUEST_GPA(sym)	(CODE_GPA + (uint64_t)((sym) - guest_code))

enum mode { MODE_64, MODE_32, MODE_USER64 };

struct vm {
	int fd;
	int vcpu;
	int id;				/* the vCPU's (0; others: arch_vcpu_add()) */
	struct kvm_run *run;
	int run_size;
	uint8_t *mem;
	struct kvm_sregs sregs;		/* as set up, 64-bit CPL0 */
	uint64_t hypercall_ret;		/* answer to KVM_EXIT_HYPERCALL */
	uint64_t xen_ret;		/* answer to KVM_EXIT_XEN */
	/* exits to userspace seen by the last call */
	int n_hypercall_exits;
	int n_xen_exits;
	struct kvm_run last_exit;
	int stuck;			/* a call timed out: the vCPU is unusable */
};

/* Options for vm_create(). */
#define VM_ENFORCE_PV	(1 << 0)	/* KVM_CAP_ENFORCE_PV_FEATURE_CPUID */
#define VM_PV_UNHALT	(1 << 1)	/* advertise KVM_FEATURE_PV_UNHALT */
#define VM_EXIT_HC	(1 << 2)	/* KVM_CAP_EXIT_HYPERCALL for MAP_GPA_RANGE */
#define VM_XEN		(1 << 3)	/* Xen HVM with hypercall interception */
#define VM_HYPERV	(1 << 4)	/* Hyper-V enlightened: "Hv#1" + guest OS id */
#define VM_X2APIC	(1 << 5)	/* extra vCPUs start with their APIC in x2APIC mode */
#define VM_NO_BCAST_QUIRK (1 << 6)	/* KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK */

/* One hypercall as the guest issues it. */
struct call {
	enum mode mode;
	int other_insn;			/* use the other vendor's instruction */
	uint64_t rax, rbx, rcx, rdx, rsi;
};

extern int amd;				/* AMD (vmmcall) or Intel (vmcall) */
extern struct kvm_cpuid2 *supported_cpuid;

/* kvm_hc_test.c */
const char *describe(uint64_t v);
struct kvm_cpuid2 *cpuid_for(int flags);
int vm_create(struct vm *vm, int flags, const char *tag);
int set_msr(int vcpu_fd, uint32_t index, uint64_t data);
void set_seg(struct kvm_segment *s, uint16_t sel, int code, int l, int db);
const char *exit_name(unsigned int r);
void print_unexpected_exit(struct vm *vm, const char *tag);
void call_regs(const struct call *c, struct kvm_regs *regs);
int guest_call(struct vm *vm, const struct call *c, struct kvm_regs *out, const char *tag);
int set_mode(struct vm *vm, enum mode mode);
int call_rax(struct vm *vm, const struct call *c, uint64_t *rax, const char *tag);
int regs_preserved(const struct kvm_regs *a, const struct kvm_regs *b);

/* ---- what the scenarios written once need of x86 (scenario.h) ---- */

#define ARCH_NR(i)		(0x6000 + (i))
#define ARCH_DISCOVER_NR	KVM_HC_DISCOVER_NR
#define ARCH_RESULT		"rax"
#define ARCH_STOCK		((struct answer){ ENOSYS64, 0 })
/* Errors reach rax unchanged (-KVM_HC_ENOHC is -KVM_ENOSYS). */
#define ARCH_ENOHC		ENOSYS64
#define ARCH_EINVAL		((uint64_t)-EINVAL)
#define ARCH_DISC_EINVAL	EINVAL64
#define ARCH_KVM_NR		ARCH_NR(0x300)
#define ARCH_KVM_ANSWER		ENOSYS64
#define ARCH_SAMPLE_NR		KVM_HC_SAMPLE_NR_X86
#define ARCH_HAS_KICK

/* The storm (scenario_storm.c): KICK_CPU, KVM's, served in kvm_hc's fast path by a kernel range. */
#define ARCH_HAS_STORM
#define ARCH_HAS_USER_CALLS
#define ARCH_HAS_EXCEPTIONS
#define ARCH_USER_STOCK		((struct answer){ EPERM64, 0 })
#define ARCH_KICK_NR		KVM_HC_KICK_CPU
#define ARCH_KICK_SERVICES	0
#define ARCH_KICK_RANGE		1	/* a KERNEL range over ARCH_KICK_NR serves it */
#define ARCH_KICK_SERVED	0	/* KVM's answer and kvm_hc's alike */
#define ARCH_KICK_UNSERVED	0

/* What KVM_HC_CHECK_EXTENSION answers here, and the tracepoint shows (scenario_uapi.c). */
#define ARCH_TRACE_NAME		"x86"
#define ARCH_TRACE_NARGS	4	/* arguments a dispatch event carries */
#define ARCH_HC_ARCH		KVM_HC_ARCH_X86
#define ARCH_SERVICES		(1u << KVM_HC_SVC_DISCOVER)
#define ARCH_FORWARD_ARGS	4	/* rbx, rcx, rdx, rsi */
#define ARCH_EXIT_MARKER	0
/* Calls kvm_hc answers still emit KVM's kvm:kvm_hypercall. */
#define ARCH_KVM_HYPERCALL_EVENT

#endif /* KVM_HC_X86_VM_H */
