/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - the arm64 part of the test VMM (scenario.h): a VM whose vCPU starts
 * at EL1 with the MMU off, the guest code's blocks, and one SMCCC call as
 * the guest issues it (HVC or SMC, #0 or #1).  kvm_hc_test.c builds VMs and
 * places calls; kvm_hc_uapi.c holds what the scenarios written once need of
 * arm64, the policy and the kick.
 */
#ifndef KVM_HC_ARM64_VM_H
#define KVM_HC_ARM64_VM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "kvm_hc_uapi_lib.h"
/* The project's copy when built in the tree, else one found through -I. */
#if __has_include("../../../include/uapi/linux/kvm_hc_arm64.h")
#include "../../../include/uapi/linux/kvm_hc_arm64.h"
#else
#include <linux/kvm_hc_arm64.h>
#endif


/* Upstream's SMCCC filter and KVM_EXIT_HYPERCALL flags (6.4; not in 6.1 headers). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL	0
#define KVM_ARM_VM_SMCCC_FILTER	0
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
enum kvm_smccc_filter_action {
	KVM_SMCCC_FILTER_HANDLE = 0,
	KVM_SMCCC_FILTER_DENY,
	KVM_SMCCC_FILTER_FWD_TO_USER,
};
#endif
#ifndef KVM_HYPERCALL_EXIT_SMC
#define KVM_HYPERCALL_EXIT_SMC		(1U << 0)
#define KVM_HYPERCALL_EXIT_16BIT	(1U << 1)
#endif
#ifndef KVM_REG_ARM_VENDOR_HYP_BMAP_2
#define KVM_REG_ARM_VENDOR_HYP_BMAP_2	KVM_REG_ARM_FW_FEAT_BMAP_REG(3)
#endif

/* SMCCC (DEN0028) return codes. */
#define SMCCC_RET_SUCCESS		0
#define SMCCC_RET_NOT_SUPPORTED		((uint64_t)-1)
#define SMCCC_RET_NOT_REQUIRED		((uint64_t)-2)
#define SMCCC_RET_INVALID_PARAMETER	((uint64_t)-3)

/* SMCCC function IDs: Arm architecture, standard (PSCI, TRNG), vendor hyp. */
#define FID_SMCCC_VERSION		0x80000000u
#define FID_SMCCC_ARCH_FEATURES		0x80000001u
#define FID_SMCCC_ARCH_WORKAROUND_1	0x80008000u
#define FID_SMCCC_ARCH_WORKAROUND_2	0x80007fffu
#define FID_SMCCC_ARCH_WORKAROUND_3	0x80003fffu
#define FID_PSCI_VERSION		0x84000000u
#define FID_PSCI_CPU_SUSPEND64		0xc4000001u
#define FID_PSCI_CPU_ON64		0xc4000003u
#define FID_PSCI_AFFINITY_INFO64	0xc4000004u
#define FID_PSCI_MIGRATE_INFO_TYPE	0x84000006u
#define FID_PSCI_SYSTEM_OFF		0x84000008u
#define FID_PSCI_FEATURES		0x8400000au
#define FID_PSCI_SYSTEM_RESET2_64	0xc4000012u
#define FID_TRNG_VERSION		0x84000050u
#define FID_TRNG_FEATURES		0x84000051u
#define FID_TRNG_GET_UUID		0x84000052u
#define FID_TRNG_RND64			0xc4000053u
#define FID_PV_TIME_FEATURES		0xc5000020u
#define FID_PV_TIME_ST			0xc5000021u
#define FID_VH_FEATURES			0x86000000u
#define FID_VH_PTP			0x86000001u
#define FID_VH_CALL_UID			0x8600ff01u
#define FID_VH_UNKNOWN			0x86000050u	/* stock: NOT_SUPPORTED */
#define FID_SMC64_BIT			0x40000000u

/* KVM's vendor-hypervisor UID, 28b46fb6-2ec5-11e9-a9ca-4b564d003a74. */
static const uint64_t kvm_uid[4] = { 0xb66fb428, 0xe911c52e, 0x564bcaa9, 0x743a004d };

/* kvm_hc's functions: vendor hyp, fast call, number KVM_HC_ARM64_FUNC_BASE + s. */
#define HC_FID32(s)	(0x86000000u | (KVM_HC_ARM64_FUNC_BASE + (s)))
#define HC_FID64(s)	(0xc6000000u | (KVM_HC_ARM64_FUNC_BASE + (s)))
#define FID_DISCOVER	HC_FID32(KVM_HC_SVC_DISCOVER)
#define FID_DISCOVER64	HC_FID64(KVM_HC_SVC_DISCOVER)
#define FID_KICK	HC_FID32(KVM_HC_SVC_KICK)
#define FID_KICK64	HC_FID64(KVM_HC_SVC_KICK)

/* Guest physical layout: RAM at 2 GiB, reports below it where no memslot is. */
#define GUEST_BASE	0x80000000UL
#define MEM_SIZE	0x100000UL
#define CODE_OFF	0x0
#define DATA_OFF	0x80000UL	/* loop results */
#define FLAG_OFF	0x81000UL	/* kick: the flag vCPU 1 waits for */
#define MMIO_DONE	0x10000000UL	/* sp: a call finished */
#define MMIO_REPORT	0x10001000UL	/* x28: loops and the halter */
#define MMIO_UNDEF	0x10002000UL	/* sp + 0x2000: the exception handler */
#define REP_LOAD_DISC	0x00
#define REP_LOAD_STOCK	0x08
#define REP_LOOP	0x10
#define REP_HALTING	0x18
#define REP_WOKE	0x20

#define CALL_TIMEOUT_S	2.0	/* one call: a few ms normally, even under TCG */
#define CALL_MAX_EXITS	1000

extern const unsigned char guest_code[], guest_code_end[];
extern const unsigned char g_hvc0[], g_smc0[], g_hvc1[], g_smc1[];
extern const unsigned char g_load[], g_loop[], g_halt[], g_vectors[];
#define GUEST_GPA(sym)	(GUEST_BASE + CODE_OFF + (uint64_t)((sym) - guest_code))

/* How the guest calls: the instruction and its immediate. */
enum conduit { HVC0, SMC0, HVC1, SMC1 };

/* One SMCCC call as the guest issues it; x4..x30 always hold MARK(n). */
struct call {
	enum conduit via;
	uint64_t x0, x1, x2, x3;
};

#define MARK(n)		(0x0101010101010101ULL * (n))

/* x0..x30 and the PC after a call. */
struct regs {
	uint64_t x[31];
	uint64_t pc;
};

struct vm {
	int fd;
	int vcpu;
	int id;				/* the vCPU's (0; others: arch_vcpu_add()) */
	struct kvm_run *run;
	int run_size;
	uint8_t *mem;
	struct kvm_vcpu_init init;	/* as vCPU 0 was initialised */
	/* answer to KVM_EXIT_HYPERCALL: x0..x3, unless hc_noanswer */
	uint64_t hc_ret[4];
	int hc_noanswer;
	/* exits to userspace seen by the last call */
	int n_hypercall_exits;
	struct kvm_run last_exit;
	int stuck;			/* a call timed out: the vCPU is unusable */
};

/* Options for vm_create(). */
#define VM_NO_VCPU	(1 << 0)	/* no vCPU yet (the caller adds them) */

extern int kver_major, kver_minor;	/* the running kernel's version */
extern int smccc_over_smc;		/* KVM handles SMCCC calls made with SMC #0; -1: not probed */

/* KVM_{GET,SET}_ONE_REG ids */
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define XREG(n)		(CORE_REG(regs.regs[0]) + (n) * 2)
#define REG_PC		CORE_REG(regs.pc)
#define REG_SP_EL1	CORE_REG(sp_el1)
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_ELR_EL1	CORE_REG(elr_el1)

/* kvm_hc_test.c */
const char *describe(uint64_t v);
int set_reg(int vcpu, uint64_t id, uint64_t v);
int get_reg(int vcpu, uint64_t id, uint64_t *v);
int vcpu_add(struct vm *vm, int id, struct kvm_run **run, const char **step);
int vm_create(struct vm *vm, int flags, const char *tag);
int vm_add_vcpu0(struct vm *vm, const char *tag);
void print_unexpected_exit(struct vm *vm, const char *tag);
int answer_hypercall(int vcpu, const uint64_t *ret);
void finish_mmio(int vcpu, struct kvm_run *run);
void call_regs(const struct call *c, struct regs *r);
int regs_preserved(const struct regs *r);
int load_regs(int vcpu, const struct regs *r, uint64_t sp);
void vcpu_settle(struct vm *vm);
int read_regs(int vcpu, struct regs *r);
int guest_call(struct vm *vm, const struct call *c, struct regs *out, const char *tag);
int call_x0(struct vm *vm, const struct call *c, uint64_t *x0, const char *tag);
uint64_t exit_flags(const struct kvm_run *e);
int filter_supported(int vm_fd);
int filter_set(int vm_fd, uint32_t base, uint32_t n, uint8_t action, uint8_t pad0);
int kver_at_least(int major, int minor);
int probe_smccc_over_smc(struct vm *vm);

/* ---- what the scenarios written once need of arm64 (scenario.h) ---- */

/* Vendor-hypervisor fast calls that neither KVM nor kvm_hc serves. */
#define ARCH_NR(i)		(0x86000015u + (i))
#define ARCH_DISCOVER_NR	FID_DISCOVER
#define ARCH_RESULT		"x0"
#define ARCH_STOCK		((struct answer){ SMCCC_RET_NOT_SUPPORTED, 0 })
/* Documentation/arm64-abi.rst */
#define ARCH_ENOHC		SMCCC_RET_NOT_SUPPORTED
#define ARCH_EINVAL		SMCCC_RET_INVALID_PARAMETER
#define ARCH_EOPNOTSUPP		SMCCC_RET_NOT_SUPPORTED	/* kvm_hc_arm64_error() */
#define ARCH_DISC_EINVAL	SMCCC_RET_INVALID_PARAMETER
#define ARCH_KVM_NR		ARCH_NR(0x300)
#define ARCH_KVM_ANSWER		SMCCC_RET_NOT_SUPPORTED
/* The function ID samples/kvm_hc_sample.c serves on arm64: SMC64 vendor-hyp 0x100. */
#define ARCH_SAMPLE_NR		0xc6000100ULL
#define ARCH_HAS_EXCEPTIONS
#define ARCH_HAS_KICK

/* The storm (scenario_storm.c): kvm_hc's kick service, of vCPU (MPIDR) N. */
#define ARCH_HAS_STORM
#define ARCH_KICK_NR		FID_KICK
#define ARCH_KICK_SERVICES	(1u << KVM_HC_SVC_KICK)
#define ARCH_KICK_RANGE		0
#define ARCH_KICK_SERVED	SMCCC_RET_SUCCESS
#define ARCH_KICK_UNSERVED	SMCCC_RET_NOT_SUPPORTED

/* What KVM_HC_CHECK_EXTENSION answers here, and the tracepoint shows (scenario_uapi.c). */
#define ARCH_TRACE_NAME		"arm64"
#define ARCH_TRACE_NARGS	7	/* arguments a dispatch event carries */
#define ARCH_HC_ARCH		KVM_HC_ARCH_ARM64
#define ARCH_SERVICES		((1u << KVM_HC_SVC_DISCOVER) | (1u << KVM_HC_SVC_KICK))
#define ARCH_FORWARD_ARGS	6	/* x1..x6 */
#define ARCH_EXIT_MARKER	1	/* KVM_HC_ARM64_EXIT_MARKER */

#endif /* KVM_HC_ARM64_VM_H */
