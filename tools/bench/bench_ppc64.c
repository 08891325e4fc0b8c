// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hc-bench, ppc64le part: a PAPR guest (KVM-HV, radix, real mode,
 * little-endian) that issues one hcall ("sc 1") in a loop, counting down
 * with CTR from r24, and reports the last result by storing it to an
 * address no memslot covers (r25: KVM_EXIT_MMIO).  The number and
 * arguments are reloaded from r14..r20 into r3..r9 before each call, since
 * the call returns its status in r3 and outputs in r4..r12.  The result
 * reported is the status, or the first output (r4) when the status is
 * H_SUCCESS: what the guest would look at.  A second vCPU, when asked
 * for, runs the same loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_hc_bench.h"
#include "linux/kvm_hc.h"
#include "linux/kvm_hc_powerpc.h"
#include "../../samples/kvm_hc_sample.h"

#define MEM_SIZE	(2UL << 20)
#define CODE_GPA	0x1000UL
#define MMIO_DONE	0x10000000UL
#define MSR_GUEST	0x8000000000001001ULL	/* SF | ME | LE, real mode */

#define H_FUNCTION		((uint64_t)-2)
#define H_PARAMETER		((uint64_t)-4)
#define H_SET_PARTITION_TABLE	0xf800
#define H_TLB_INVALIDATE	0xf808
/* An hcall number nothing implements: KVM-HV leaves it to the VMM. */
#define HCALL_UNUSED		0x7ff0

extern const unsigned char g_code[], g_code_end[];
asm(".pushsection .rodata\n"
    "	.balign 4\n"
    "	.globl g_code\n"
    "g_code:\n"
    "1:	mtctr 24\n"
    "2:	mr 3, 14\n"
    "	mr 4, 15\n"
    "	mr 5, 16\n"
    "	mr 6, 17\n"
    "	mr 7, 18\n"
    "	mr 8, 19\n"
    "	mr 9, 20\n"
    "	sc 1\n"
    "	bdnz 2b\n"
    "	cmpdi 3, 0\n"
    "	bne 3f\n"
    "	mr 3, 4\n"
    "3:	std 3, 0(25)\n"
    "	b 1b\n"
    "	.globl g_code_end\n"
    "g_code_end:\n"
    ".popsection\n");

/*
 * The nested-HV API, which KVM-HV answers H_FUNCTION in the kernel for a
 * VM whose VMM did not enable KVM_CAP_PPC_NESTED_HV: the in-kernel "not
 * supported" that other architectures give an unknown number.  (An hcall
 * KVM does not know at all goes to the VMM.)
 */
#define UNKNOWN_CALL	{ .nr = H_SET_PARTITION_TABLE, .want = H_FUNCTION }

static const struct bench_call ppc_unknown = UNKNOWN_CALL;

/*
 * No KVM hcall goes through kvm_hc's fast path on powerpc, and kvm_hc
 * offers no kick here: its discovery service, the bitmap selector.
 */
static const struct bench_fast ppc_fast[] = {
	{ "discover.bitmap", { .nr = KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER),
			       .args = { KVM_HC_DISCOVER_BITMAP(0) },
			       .want = 1u << KVM_HC_SVC_DISCOVER },
	  0, &ppc_unknown, 1u << KVM_HC_SVC_DISCOVER },
};

/* Stock KVM-HV sends kvm_hc's numbers to the VMM: compare with UNKNOWN_CALL. */
const struct bench_arch bench_arch = {
	.name = "ppc64le",
	.unknown = UNKNOWN_CALL,
	.discover = { .nr = KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER),
		      .args = { KVM_HC_DISCOVER_VERSION }, .want = KVM_HC_ABI_VERSION },
	.discover_stock = UNKNOWN_CALL,
	.sample = { .nr = KVM_HC_SAMPLE_NR_X86 + 0x300, .args = { 0x1234 },
		    .want = 0x1234 ^ KVM_HC_SAMPLE_MAGIC },
	.sample_stock = UNKNOWN_CALL,
	/* Also H_FUNCTION on stock; -EINVAL makes it H_PARAMETER. */
	.deny = { .nr = H_TLB_INVALIDATE, .want = H_PARAMETER },
	.deny_error = -EINVAL,
	.forward = { .nr = HCALL_UNUSED, .args = { 1, 2, 3, 4 }, .want = 0 },
	/* The same number, which stock KVM-HV leaves to the VMM anyway. */
	.stock_forward = { .nr = HCALL_UNUSED, .args = { 1, 2, 3, 4 }, .want = 0 },
	.fast = ppc_fast,
	.nfast = sizeof(ppc_fast) / sizeof(ppc_fast[0]),
	/* kprobes on ftrace, with a full register frame */
	.ftrace_hook = 1,
	.floor_regs = 1,
};


int bench_arch_init(int kvm_fd)
{
	(void)kvm_fd;	/* nothing the host reports is needed */
	return 0;
}

static int vcpu_create(struct bench_vm *vm, int id)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct bench_vcpu *v = bench_vcpu_open(vm, id);

	if (!v)
		return -1;
	if (xioctl(v->fd, KVM_ENABLE_CAP, &papr) < 0)
		return bench_fail("KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR): %s", strerror(errno)), -1;
	return 0;
}

struct bench_vm *bench_vm_create(int kvm_fd, unsigned int flags)
{
	struct kvm_ppc_mmuv3_cfg mmu = {
		.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE,
		.process_table = 1ULL << 63,	/* PATB_GR: radix */
	};
	struct bench_vm *vm = bench_vm_open(kvm_fd, KVM_VM_PPC_HV);

	if (!vm)
		return NULL;
	if (xioctl(vm->fd, KVM_PPC_CONFIGURE_V3_MMU, &mmu) < 0) {
		bench_fail("KVM_PPC_CONFIGURE_V3_MMU: %s", strerror(errno));
		goto fail;
	}
	if (bench_vm_memory(vm, 0, MEM_SIZE, CODE_GPA, g_code, g_code_end - g_code))
		goto fail;
	if (vcpu_create(vm, 0))
		goto fail;
	/* No kick on powerpc: a halted peer is only ever a vCPU that never runs. */
	if ((flags & (BVM_HALTED_PEER | BVM_TWO_CALLERS)) && vcpu_create(vm, 1))
		goto fail;
	return vm;
fail:
	bench_vm_destroy(vm);
	return NULL;
}

int bench_vcpu_prepare(struct bench_vm *vm, int vcpu, const struct bench_call *c,
		       unsigned int calls)
{
	struct kvm_regs regs;
	int fd = vm->vcpu[vcpu].fd, i;

	if (xioctl(fd, KVM_GET_REGS, &regs) < 0)
		return bench_fail("KVM_GET_REGS: %s", strerror(errno)), -1;
	regs.pc = CODE_GPA;
	regs.msr = MSR_GUEST;
	regs.gpr[14] = c->nr;
	for (i = 0; i < BENCH_MAX_ARGS; i++)
		regs.gpr[15 + i] = c->args[i];
	regs.gpr[24] = calls;
	regs.gpr[25] = MMIO_DONE;
	if (xioctl(fd, KVM_SET_REGS, &regs) < 0)
		return bench_fail("KVM_SET_REGS: %s", strerror(errno)), -1;
	return 0;
}

int bench_vcpu_loop(struct bench_vm *vm, int vcpu, uint64_t *last, unsigned int *exits)
{
	struct bench_vcpu *v = &vm->vcpu[vcpu];
	struct kvm_run *run = v->run;

	*exits = 0;
	for (;;) {
		if (bench_vcpu_run(v))
			return -1;
		switch (run->exit_reason) {
		case KVM_EXIT_PAPR_HCALL:
			/*
			 * The VMM's answer: H_SUCCESS, outputs 0.  KVM writes
			 * them to r3 and r4..r12 on the next KVM_RUN.
			 */
			(*exits)++;
			run->papr_hcall.ret = 0;
			memset((void *)run->papr_hcall.args, 0, sizeof(run->papr_hcall.args));
			continue;
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr != MMIO_DONE || !run->mmio.is_write ||
			    run->mmio.len != 8)
				break;
			/* Little-endian store; the next KVM_RUN resumes after it. */
			memcpy(last, run->mmio.data, sizeof(*last));
			return 0;
		}
		return bench_fail("unexpected exit %u", run->exit_reason), -1;
	}
}
