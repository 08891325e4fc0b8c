/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - the ppc64 part of the test VMM (scenario.h): a KVM-HV VM whose
 * vCPU runs a few instructions in real mode, and one PAPR hcall ("sc 1",
 * the number in r3, the arguments in r4..r12) with what it did.
 * kvm_hc_test.c builds VMs and places hcalls; kvm_hc_uapi.c holds what the
 * scenarios written once need of ppc64 and the policy.  No kick: kvm_hc
 * serves none on powerpc.
 */
#ifndef KVM_HC_PPC64_VM_H
#define KVM_HC_PPC64_VM_H

#include <stdint.h>
#include <linux/kvm.h>

#include "kvm_hc_uapi_lib.h"
/* The project's copy when built in the tree, else one found through -I. */
#if __has_include("../../../include/uapi/linux/kvm_hc_powerpc.h")
#include "../../../include/uapi/linux/kvm_hc_powerpc.h"
#else
#include <linux/kvm_hc_powerpc.h>
#endif

/* PAPR hcall numbers and status codes (LoPAR; Linux's asm/hvcall.h). */
#define H_SUCCESS		0
#define H_HARDWARE		((uint64_t)-1)
#define H_FUNCTION		((uint64_t)-2)
#define H_PARAMETER		((uint64_t)-4)
#define H_GET_TCE		0x1cu
#define H_SET_DABR		0x28u
#define H_REGISTER_VPA		0xdcu
#define H_REMOVE		0x04u
#define H_PROD			0xe8u
#define H_GET_EM_PARMS		0x2b8u
#define H_RANDOM		0x300u
#define H_SET_MODE		0x31cu
#define H_SET_PARTITION_TABLE	0xf800u

/* Guest layout and the VMM's fixed answers. */
#define MEM_SIZE		(2u << 20)
#define CODE_GPA		0x1000u
#define MSR_GUEST		0x8000000000001001ull	/* SF | ME | LE, real mode */
#define LOOP_GPA		0x1100u
#define CALL_DONE		0x7ff0u		/* "sc 1" that ends a call */
#define PROGRAM_GPA		0x700u		/* the program interrupt's vector */
#define EXC_REPORT		0x7fe0u		/* its "sc 1" (the exception scenario) */
#define VMM_RET			0x5a5a0000ull
#define VMM_ARG(i)		(0xa0a0a0a000000000ull | (i))
#define GPR_PATTERN(n)		(0x6b68000000000000ull | ((uint64_t)(n) << 8) | (n))
#define MAX_EXITS		4
#define CALL_TIMEOUT_S		10

struct vm {
	int fd;
	int vcpu;
	struct kvm_run *run;
	uint32_t *mem;
};

/* What one call did: the exits that reached the VMM and the guest's r3..r12. */
struct result {
	int nexits;
	uint64_t nr[MAX_EXITS];
	uint64_t args[MAX_EXITS][9];
	uint64_t r[10];			/* r3 .. r12 after the hcall */
	int preserved;			/* r13, r24..r31 kept their values */
};

#define DISCOVER_NR		KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER)

/* kvm_hc_test.c */
int ppc_kvm_pr(void);
int vm_create(struct vm *vm, const char *tag);
int enable_hcall(struct vm *vm, uint64_t nr, int on);
int regs_setup(struct vm *vm, uint64_t pc, int reg, const uint64_t *vals, int n, const char *tag);
int hcall_setup(struct vm *vm, uint64_t nr, const uint64_t *args, const char *tag);
int hcall_next_exit(struct vm *vm, uint64_t deadline, const char *tag);
int hcall_complete(struct vm *vm, const char *tag);
void hcall_answer(struct vm *vm);
int hcall_result(struct vm *vm, struct result *res, const char *tag);
int hcall(struct vm *vm, uint64_t nr, const uint64_t *args, struct result *res,
		 const char *tag);
int hcall_run(struct vm *vm, struct result *res, const char *tag);
void kval(const char *key, const char *what, uint64_t v);

/* kvm_hc_epapr.c: ePAPR hypercalls and OSI calls (KVM-PR only) */
#define EPAPR_GPA		0x1200u		/* the ePAPR call: KVM's sequence */
#define OSI_GPA			0x1300u		/* the OSI call: "sc" */
int epapr_code(struct vm *vm);
int epapr_call(struct vm *vm, uint32_t token, const uint64_t *args, struct result *res,
	       const char *tag);
void matrix_epapr(struct vm *vm, int open);
/* the epapr scenario: ePAPR and OSI calls of an attached KVM-PR VM */
#define ARCH_HAS_EPAPR
int cmd_epapr(void);

/* ---- what the scenarios written once need of ppc64 (scenario.h) ---- */

/* Above KVM-HV's hcall range: stock KVM passes them to the VMM. */
#define ARCH_NR(i)		(0x6000u + 4 * (i))
#define ARCH_DISCOVER_NR	DISCOVER_NR
#define ARCH_RESULT		"r3"
/* KVM passes an hcall it does not know to the VMM, which answers VMM_RET. */
#define ARCH_STOCK		((struct answer){ VMM_RET, 1 })
/* Documentation/powerpc-abi.rst */
#define ARCH_ENOHC		H_FUNCTION
#define ARCH_EINVAL		H_PARAMETER
#define ARCH_DISC_EINVAL	H_PARAMETER
/* KVM-PR's H_REMOVE without a page table: it cannot read the entry. */
#define PR_H_REMOVE_ANSWER	H_FUNCTION
/*
 * KVM-HV: H_PROD of vCPU 1 (the loop's first argument), which the VM does
 * not have.  KVM-PR: H_REMOVE of an entry of a page table nobody set up.
 */
#define ARCH_KVM_NR		(ppc_kvm_pr() ? H_REMOVE : H_PROD)
#define ARCH_KVM_ANSWER		(ppc_kvm_pr() ? PR_H_REMOVE_ANSWER : H_PARAMETER)
/* Every call, and each answer of the loop, ends with CALL_DONE: KVM's to count. */
#define ARCH_REPORT_NR	CALL_DONE
#define ARCH_HAS_EXCEPTIONS
/* The PAPR hcall samples/kvm_hc_sample.c serves on powerpc. */
#define ARCH_SAMPLE_NR		(KVM_HC_SAMPLE_NR_X86 + 0x300)

/* What KVM_HC_CHECK_EXTENSION answers here, and the tracepoint shows (scenario_uapi.c). */
#define ARCH_TRACE_NAME		"powerpc"
#define ARCH_TRACE_NARGS	8	/* arguments a dispatch event carries */
#define ARCH_HC_ARCH		KVM_HC_ARCH_POWERPC
#define ARCH_SERVICES		(1u << KVM_HC_SVC_DISCOVER)
#define ARCH_FORWARD_ARGS	9	/* r4..r12 */
#define ARCH_EXIT_MARKER	0

#endif /* KVM_HC_PPC64_VM_H */
