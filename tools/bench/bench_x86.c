// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hc-bench, x86 part: a real-mode guest that issues one hypercall in a
 * loop (vmmcall on AMD, vmcall on Intel), counting down from esp, and
 * reports the last result with an OUT to port 0x10.  The number is in edi,
 * the arguments in ebx, ecx, edx and esi; nothing in the loop touches
 * them.  A second vCPU either waits in cli; hlt (a KICK_CPU target) or runs
 * the same loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_hc_bench.h"
#include "linux/kvm_hc.h"
#include "linux/kvm_hc_x86.h"
#include "../../samples/kvm_hc_sample.h"

#define MEM_SIZE	0x10000
#define CODE_GPA	0x1000
#define PORT_DONE	0x10
#define ENOSYS32	0xfffffc18ULL	/* -KVM_ENOSYS, as a 32-bit caller sees it */

extern const unsigned char g_code[], g_code_end[];
extern const unsigned char g_loop_amd[], g_loop_intel[], g_halt[];
asm(".pushsection .rodata\n"
    "	.code16\n"
    "	.globl g_code\n"
    "g_code:\n"
    ".macro loop insn, v\n"
    "	.globl g_loop_\\v\n"
    "g_loop_\\v:\n"
    "1:	movl %esp, %ebp\n"
    "2:	movl %edi, %eax\n"
    "	\\insn\n"
    "	decl %ebp\n"
    "	jnz 2b\n"
    "	outl %eax, $0x10\n"
    "	jmp 1b\n"
    ".endm\n"
    "	loop vmmcall, amd\n"
    "	loop vmcall, intel\n"
    "	.globl g_halt\n"
    "g_halt:\n"
    "	cli\n"
    "1:	hlt\n"
    "	jmp 1b\n"
    "	.globl g_code_end\n"
    "g_code_end:\n"
    "	.code64\n"
    ".popsection\n");

#define GUEST_GPA(sym)	(CODE_GPA + (uint64_t)((sym) - g_code))

static const struct bench_fast x86_fast[] = {
	{ "vapic_poll_irq", { .nr = KVM_HC_VAPIC_POLL_IRQ, .want = 0 }, 0, NULL, 0 },
	{ "kick_cpu.absent", { .nr = KVM_HC_KICK_CPU, .args = { 0, 7 }, .want = 0 }, 0, NULL, 0 },
	{ "kick_cpu.halted", { .nr = KVM_HC_KICK_CPU, .args = { 0, 1 }, .want = 0 },
	  BVM_HALTED_PEER, NULL, 0 },
};

const struct bench_arch bench_arch = {
	.name = "x86_64",
	.unknown = { .nr = 0x7ff0, .want = ENOSYS32 },
	.discover = { .nr = KVM_HC_X86_BASE + KVM_HC_SVC_DISCOVER,
		      .args = { KVM_HC_DISCOVER_VERSION }, .want = KVM_HC_ABI_VERSION },
	.discover_stock = { .nr = KVM_HC_X86_BASE + KVM_HC_SVC_DISCOVER,
			    .args = { KVM_HC_DISCOVER_VERSION }, .want = ENOSYS32 },
	.sample = { .nr = KVM_HC_SAMPLE_NR_X86, .args = { 0x1234 },
		    .want = (uint32_t)(0x1234 ^ KVM_HC_SAMPLE_MAGIC) },
	.sample_stock = { .nr = KVM_HC_SAMPLE_NR_X86, .args = { 0x1234 }, .want = ENOSYS32 },
	.deny = { .nr = 0x7ff1, .want = 0xffffffffULL },	/* -KVM_EPERM */
	.deny_error = -1,
	.forward = { .nr = 0x7ff2, .args = { 1, 2, 3, 4 }, .want = 0 },
	/* KVM_CAP_EXIT_HYPERCALL's MAP_GPA_RANGE: one page at 4 KiB. */
	.stock_forward = { .nr = KVM_HC_MAP_GPA_RANGE, .args = { 0x1000, 1, 0 }, .want = 0 },
	.fast = x86_fast,
	.nfast = sizeof(x86_fast) / sizeof(x86_fast[0]),
	.ftrace_hook = 1,
};

static int amd;
static struct kvm_cpuid2 *cpuid;

int bench_arch_init(int kvm_fd)
{
	unsigned int eax, ebx, ecx, edx;
	int n = 256;

	asm volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0), "c"(0));
	amd = ebx == 0x68747541;	/* "Auth" of AuthenticAMD */
	if (!amd && ebx == 0x68747948)	/* "Hygo" of HygonGenuine */
		amd = 1;
	cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
	cpuid->nent = n;
	if (xioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		bench_fail("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int vcpu_create(struct bench_vm *vm, int id)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct bench_vcpu *v = bench_vcpu_open(vm, id);
	struct kvm_sregs sregs;

	if (!v)
		return -1;
	if (xioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0)
		return bench_fail("KVM_SET_CPUID2: %s", strerror(errno)), -1;
	if (xioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return bench_fail("KVM_GET_SREGS: %s", strerror(errno)), -1;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = sregs.es.base = sregs.ss.base = 0;
	sregs.ds.selector = sregs.es.selector = sregs.ss.selector = 0;
	if (xioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		return bench_fail("KVM_SET_SREGS: %s", strerror(errno)), -1;
	/* With the in-kernel irqchip an AP waits for INIT/SIPI: start it. */
	if (id && xioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		return bench_fail("KVM_SET_MP_STATE: %s", strerror(errno)), -1;
	return 0;
}

struct bench_vm *bench_vm_create(int kvm_fd, unsigned int flags)
{
	struct bench_vm *vm = bench_vm_open(kvm_fd, 0);

	if (!vm)
		return NULL;
	if (!amd && xioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0) {
		bench_fail("KVM_SET_TSS_ADDR: %s", strerror(errno));
		goto fail;
	}
	if (xioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		bench_fail("KVM_CREATE_IRQCHIP: %s", strerror(errno));
		goto fail;
	}
	if (flags & BVM_STOCK_FWD) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_EXIT_HYPERCALL,
			.args = { 1ULL << KVM_HC_MAP_GPA_RANGE },
		};

		if (xioctl(vm->fd, KVM_ENABLE_CAP, &cap) < 0) {
			bench_fail("KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL): %s", strerror(errno));
			goto fail;
		}
	}
	if (bench_vm_memory(vm, 0, MEM_SIZE, CODE_GPA, g_code, g_code_end - g_code))
		goto fail;
	if (vcpu_create(vm, 0))
		goto fail;
	if ((flags & (BVM_HALTED_PEER | BVM_TWO_CALLERS)) && vcpu_create(vm, 1))
		goto fail;
	if (flags & BVM_HALTED_PEER) {
		struct kvm_regs regs = { .rip = GUEST_GPA(g_halt), .rflags = 2 };

		if (xioctl(vm->vcpu[1].fd, KVM_SET_REGS, &regs) < 0) {
			bench_fail("KVM_SET_REGS: %s", strerror(errno));
			goto fail;
		}
		if (bench_vcpu_halt(&vm->vcpu[1]))
			goto fail;
	}
	return vm;
fail:
	bench_vm_destroy(vm);
	return NULL;
}

int bench_vcpu_prepare(struct bench_vm *vm, int vcpu, const struct bench_call *c,
		       unsigned int calls)
{
	struct kvm_regs regs = {
		.rip = GUEST_GPA(amd ? g_loop_amd : g_loop_intel),
		.rflags = 2,
		.rdi = c->nr,
		.rbx = c->args[0],
		.rcx = c->args[1],
		.rdx = c->args[2],
		.rsi = c->args[3],
		.rsp = calls,
	};

	if (xioctl(vm->vcpu[vcpu].fd, KVM_SET_REGS, &regs) < 0)
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
		case KVM_EXIT_HYPERCALL:
			/* The VMM's answer: 0, as for MAP_GPA_RANGE done. */
			(*exits)++;
			run->hypercall.ret = 0;
			continue;
		case KVM_EXIT_IO:
			if (run->io.port != PORT_DONE || run->io.size != 4)
				break;
			*last = *(uint32_t *)((uint8_t *)run + run->io.data_offset);
			return 0;
		}
		return bench_fail("unexpected exit %u (port 0x%x)", run->exit_reason,
				  run->exit_reason == KVM_EXIT_IO ? run->io.port : 0), -1;
	}
}
