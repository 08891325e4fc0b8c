// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hc-bench, arm64 part: a guest at EL1, MMU off, every interrupt
 * masked, that issues one SMCCC call (HVC #0) in a loop, counting down
 * from x26, and reports the last x0 by storing it to an address no memslot
 * covers (x28: KVM_EXIT_MMIO).  The function ID and x1..x3 are reloaded
 * from x19..x22 before each call, since the call returns results there;
 * x4..x6 are set once, SMCCC preserves them.  A second vCPU either waits in
 * WFI (a kick target) or runs the same loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_hc_bench.h"
#include "linux/kvm_hc.h"
#include "linux/kvm_hc_arm64.h"
#include "../../samples/kvm_hc_sample.h"

/* Upstream's SMCCC filter (6.4), missing from older uAPI headers. */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL	0
#define KVM_ARM_VM_SMCCC_FILTER	0
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};

#define KVM_SMCCC_FILTER_FWD_TO_USER	2
#endif

#define MEM_GPA		0x80000000UL
#define MEM_SIZE	0x10000UL
#define MMIO_DONE	0x10000000UL

#define SMCCC_NOT_SUPPORTED	((uint64_t)-1)
#define SMCCC_INVALID_PARAM	((uint64_t)-3)
/* SMC64 fast calls of KVM's vendor-hypervisor service (owner 6). */
#define VH_FID64(n)	(0xc6000000u | (n))
#define FID_KICK64	VH_FID64(KVM_HC_ARM64_FUNC_BASE + KVM_HC_SVC_KICK)
#define FID_DISCOVER64	VH_FID64(KVM_HC_ARM64_FUNC_BASE + KVM_HC_SVC_DISCOVER)
/* Vendor-hypervisor functions KVM does not use: NOT_SUPPORTED on stock. */
#define FID_UNKNOWN	VH_FID64(0x50)
#define FID_DENY	VH_FID64(0x51)
#define FID_FORWARD	VH_FID64(0x52)

extern const unsigned char g_code[], g_code_end[], g_loop[], g_halt[];
asm(".pushsection .rodata\n"
    "	.balign 16\n"
    "	.globl g_code\n"
    "g_code:\n"
    "	.globl g_loop\n"
    "g_loop:\n"
    "1:	mov x27, x26\n"
    "2:	mov x0, x19\n"
    "	mov x1, x20\n"
    "	mov x2, x21\n"
    "	mov x3, x22\n"
    "	hvc #0\n"
    "	subs x27, x27, #1\n"
    "	b.ne 2b\n"
    "	str x0, [x28]\n"
    "	b 1b\n"
    "	.globl g_halt\n"
    "g_halt:\n"
    "	msr daifset, #0xf\n"
    "1:	wfi\n"
    "	b 1b\n"
    "	.globl g_code_end\n"
    "g_code_end:\n"
    ".popsection\n");

#define GUEST_GPA(sym)	(MEM_GPA + (uint64_t)((sym) - g_code))

/*
 * kvm_hc's kick service: of an MPIDR no vCPU has, and of vCPU 1 waiting in
 * WFI (KVM gives it MPIDR affinity 1).  Stock KVM answers the same call as
 * an unknown vendor-hypervisor function.
 */
#define KICK(mpidr, ret)	{ .nr = FID_KICK64, .args = { mpidr }, .want = ret }
static const struct bench_call kick_stock[] = {
	KICK(7, SMCCC_NOT_SUPPORTED), KICK(1, SMCCC_NOT_SUPPORTED),
};

static const struct bench_fast arm64_fast[] = {
	{ "kick.absent", KICK(7, 0), 0, &kick_stock[0], 1u << KVM_HC_SVC_KICK },
	{ "kick.halted", KICK(1, 0), BVM_HALTED_PEER, &kick_stock[1], 1u << KVM_HC_SVC_KICK },
};

const struct bench_arch bench_arch = {
	.name = "aarch64",
	.unknown = { .nr = FID_UNKNOWN, .want = SMCCC_NOT_SUPPORTED },
	.discover = { .nr = FID_DISCOVER64, .args = { KVM_HC_DISCOVER_VERSION },
		      .want = KVM_HC_ABI_VERSION },
	.discover_stock = { .nr = FID_DISCOVER64, .args = { KVM_HC_DISCOVER_VERSION },
			    .want = SMCCC_NOT_SUPPORTED },
	.sample = { .nr = 0xc6000100, .args = { 0x1234 }, .want = 0x1234 ^ KVM_HC_SAMPLE_MAGIC },
	.sample_stock = { .nr = 0xc6000100, .args = { 0x1234 }, .want = SMCCC_NOT_SUPPORTED },
	/* -EINVAL: INVALID_PARAMETER, which stock KVM never gives for it. */
	.deny = { .nr = FID_DENY, .want = SMCCC_INVALID_PARAM },
	.deny_error = -EINVAL,
	.forward = { .nr = FID_FORWARD, .args = { 1, 2, 3, 4 }, .want = 0 },
	/* The same function, sent to the VMM by the SMCCC filter (FWD_TO_USER). */
	.stock_forward = { .nr = FID_FORWARD, .args = { 1, 2, 3, 4 }, .want = 0 },
	.fast = arm64_fast,
	.nfast = sizeof(arm64_fast) / sizeof(arm64_fast[0]),
	.ftrace_hook = 1,
};

static struct kvm_vcpu_init vcpu_init;

#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, x) / sizeof(__u32)))
#define XREG(n)		(CORE_REG(regs.regs[0]) + (n) * 2)
#define REG_PC		CORE_REG(regs.pc)

static int set_reg(int fd, uint64_t id, uint64_t v)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&v };

	return xioctl(fd, KVM_SET_ONE_REG, &r);
}

int bench_arch_init(int kvm_fd)
{
	(void)kvm_fd;	/* nothing the host reports is needed */
	return 0;
}

static int vcpu_create(struct bench_vm *vm, int id)
{
	struct bench_vcpu *v = bench_vcpu_open(vm, id);

	if (!v)
		return -1;
	if (xioctl(v->fd, KVM_ARM_VCPU_INIT, &vcpu_init) < 0)
		return bench_fail("KVM_ARM_VCPU_INIT: %s", strerror(errno)), -1;
	return 0;
}

struct bench_vm *bench_vm_create(int kvm_fd, unsigned int flags)
{
	struct bench_vm *vm = bench_vm_open(kvm_fd, 0);

	if (!vm)
		return NULL;
	/* The filter can only be set before a vCPU first runs. */
	if (flags & BVM_STOCK_FWD) {
		struct kvm_smccc_filter f = { .base = FID_FORWARD, .nr_functions = 1,
					      .action = KVM_SMCCC_FILTER_FWD_TO_USER };
		struct kvm_device_attr a = { .group = KVM_ARM_VM_SMCCC_CTRL,
					     .attr = KVM_ARM_VM_SMCCC_FILTER,
					     .addr = (uintptr_t)&f };

		if (xioctl(vm->fd, KVM_SET_DEVICE_ATTR, &a) < 0) {
			bench_fail("KVM_ARM_VM_SMCCC_FILTER: %s", strerror(errno));
			goto fail;
		}
	}
	if (bench_vm_memory(vm, MEM_GPA, MEM_SIZE, 0, g_code, g_code_end - g_code))
		goto fail;
	if (xioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &vcpu_init) < 0) {
		bench_fail("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		goto fail;
	}
	vcpu_init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (vcpu_create(vm, 0))
		goto fail;
	if ((flags & (BVM_HALTED_PEER | BVM_TWO_CALLERS)) && vcpu_create(vm, 1))
		goto fail;
	if (flags & BVM_HALTED_PEER) {
		if (set_reg(vm->vcpu[1].fd, REG_PC, GUEST_GPA(g_halt)) < 0) {
			bench_fail("KVM_SET_ONE_REG(pc): %s", strerror(errno));
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
	const struct { int n; uint64_t v; } regs[] = {
		{ 4, c->args[3] }, { 5, c->args[4] }, { 6, c->args[5] },
		{ 19, c->nr }, { 20, c->args[0] }, { 21, c->args[1] }, { 22, c->args[2] },
		{ 26, calls }, { 28, MMIO_DONE },
	};
	int fd = vm->vcpu[vcpu].fd;
	unsigned int i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (set_reg(fd, XREG(regs[i].n), regs[i].v) < 0)
			goto fail;
	if (set_reg(fd, REG_PC, GUEST_GPA(g_loop)) == 0)
		return 0;
fail:
	return bench_fail("KVM_SET_ONE_REG: %s", strerror(errno)), -1;
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
			/* The VMM's answer: x0 = 0 (SUCCESS); the PC is past the HVC. */
			(*exits)++;
			if (set_reg(v->fd, XREG(0), 0) < 0)
				return bench_fail("KVM_SET_ONE_REG(x0): %s", strerror(errno)), -1;
			continue;
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr != MMIO_DONE || !run->mmio.is_write ||
			    run->mmio.len != 8)
				break;
			/* The next KVM_RUN completes the store and starts the next loop. */
			memcpy(last, run->mmio.data, sizeof(*last));
			return 0;
		}
		return bench_fail("unexpected exit %u", run->exit_reason), -1;
	}
}
