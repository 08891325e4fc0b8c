// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_test - guest-side end-to-end checks for kvm_hc on arm64.
 *
 * A tiny static VMM in the style of the KVM selftests: the guest code (a few
 * instructions, below) and the checks on what the host saw sit side by side.
 * Each VM gets 1 MiB of RAM and AArch64 vCPUs that run at EL1 with the MMU
 * off and every interrupt masked.  A call loads the SMCCC registers (function
 * ID in x0, arguments in x1..x3; x4..x30 hold a recognisable pattern), runs
 * one HVC or SMC, and reports by storing x0 to an address outside every
 * memslot (KVM_EXIT_MMIO); the VMM then reads every register back.
 *
 * Subcommands (add --explain to also get "SAY" lines in plain words):
 *
 *   keeper
 *	Create one VM with a vCPU and sleep forever, so that the other tests
 *	never tear down the last VM of the machine.
 *
 *   matrix
 *	Stock KVM behaviour of every SMCCC path kvm_hc sits next to.  Each
 *	observed value is printed as "VAL <key> 0x<16 hex>" so that runs with
 *	and without kvm_hc can be diffed, and checked against the documented
 *	stock value where there is one ("PASS|FAIL <key> got=... want=...").
 *	With kvm_hc loaded and no VM attached the output must be identical;
 *	with open_discovery=1 only the keys under "own." may change (kvm_hc's
 *	own function IDs and the FEATURES bit that announces them).
 *	  smccc.*	SMCCC_VERSION, SMCCC_ARCH_FEATURES of several IDs
 *	  psci.*	PSCI_VERSION, PSCI_FEATURES, MIGRATE_INFO_TYPE, AFFINITY_INFO
 *	  trng.*	TRNG_VERSION, FEATURES, GET_UUID, RND64 status
 *	  vh.*		KVM's vendor-hypervisor service: CALL_UID, FEATURES, PTP,
 *			unknown functions around kvm_hc's block
 *	  std.*, owner.* unknown functions of other owners
 *	  hvc1.*, smc0.*, smc1.*  HVC #1, SMC #0 (SMCCC over SMC from 6.4),
 *			SMC #1
 *	  fw.*		KVM's firmware pseudo-registers
 *	  bmap0.*	a VM whose VMM cleared the vendor-hypervisor bitmap
 *	  filter.*	upstream's SMCCC filter (6.4+): forwarding to the VMM,
 *			deny, the VMM's filter winning over kvm_hc's own IDs
 *	  abi.*		x4..x30 preserved by every call
 *
 *   discover --expect open|closed
 *	../scenario_discover.c over HVC #0 with the SMC32 function ID, x1..x3
 *	0 and x4..x30 kept; then arm64's own cases (arch_discover_more()): HVC
 *	and SMC, SMC32 (only w1 counts) and SMC64 (all of x1), discovery in
 *	FEATURES x3, nothing else opened.  "closed": a VM that did not opt in
 *	sees exactly stock KVM, the answer of an unknown vendor-hypervisor
 *	function, register for register.
 *
 *   load --seconds S [--expect-both]
 *	A guest that loops forever on discovery + PSCI_VERSION, reporting each
 *	result.  Run in the background while kvm_hc is inserted and removed:
 *	every answer must be kvm_hc's (version) or stock KVM's
 *	(NOT_SUPPORTED), never anything else, and the guest must keep running.
 *	--expect-both also requires both kinds to be seen.
 *	(The loop is this file's guest code; the checks are scenario_load.c's,
 *	written once for every architecture, as is "sample".)
 *
 * The VMM interface (/dev/kvm_hc) is checked by policy and kick, in
 * kvm_hc_uapi.c, and by the scenarios written once in ../scenario_*.c
 * (../scenario.h; vm.h declares what this folder provides them):
 *
 *   policy | policy-live | two-vms | badinput | kick | forward-unload
 *
 * Every KVM_RUN loop is bounded: a periodic SIGALRM interrupts KVM_RUN, each
 * call has a deadline, and each subcommand has an overall limit after which
 * it prints a FAIL line and exits.  Exit status is 0 iff no FAIL was printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "scenario.h"

/*
 * Guest code, copied to the start of RAM.  PSTATE is EL1h with D, A, I and F
 * masked (KVM's reset state) and the MMU is off.
 *
 * g_hvc0/g_smc0/g_hvc1/g_smc1: the SMCCC call with the registers the VMM
 *	set, then "str x0, [sp]" (sp = MMIO_DONE) reports.
 * g_load: forever: discovery (x0 = x19, x1 = x20), report x0 at
 *	REP_LOAD_DISC; the stock call x21, report x0 at REP_LOAD_STOCK.
 * g_loop: forever: the call x19 with arguments x20..x22, store x0 at DATA_OFF
 *	(x26) and report it at REP_LOOP.
 * g_halt: (vCPU 1) report at REP_HALTING, then wait for the flag at x27 with
 *	wfi in between, interrupts masked: only a wake-up from the host ends a
 *	wfi; clear the flag, report at REP_WOKE, again.
 * g_vectors: VBAR_EL1 of every vCPU; a synchronous exception taken at EL1
 *	(an UNDEF: the exception scenario) reports at MMIO_UNDEF and stops.
 */
asm(".pushsection .rodata\n"
    "	.balign 2048\n"
    "	.globl guest_code\n"
    "guest_code:\n"
    "	.globl g_hvc0\n"
    "g_hvc0:\n"
    "	hvc #0\n"
    "	str x0, [sp]\n"
    "	b .\n"
    "	.balign 16\n"
    "	.globl g_smc0\n"
    "g_smc0:\n"
    "	smc #0\n"
    "	str x0, [sp]\n"
    "	b .\n"
    "	.balign 16\n"
    "	.globl g_hvc1\n"
    "g_hvc1:\n"
    "	hvc #1\n"
    "	str x0, [sp]\n"
    "	b .\n"
    "	.balign 16\n"
    "	.globl g_smc1\n"
    "g_smc1:\n"
    "	smc #1\n"
    "	str x0, [sp]\n"
    "	b .\n"
    "	.balign 16\n"
    "	.globl g_load\n"
    "g_load:\n"
    "	mov x0, x19\n"
    "	mov x1, x20\n"
    "	hvc #0\n"
    "	str x0, [x28, #0x00]\n"		/* REP_LOAD_DISC */
    "	mov x0, x21\n"
    "	hvc #0\n"
    "	str x0, [x28, #0x08]\n"		/* REP_LOAD_STOCK */
    "	b g_load\n"
    "	.balign 16\n"
    "	.globl g_loop\n"
    "g_loop:\n"
    "	mov x0, x19\n"
    "	mov x1, x20\n"
    "	mov x2, x21\n"
    "	mov x3, x22\n"
    "	hvc #0\n"
    "	str x0, [x26]\n"
    "	str x0, [x28, #0x10]\n"		/* REP_LOOP */
    "	b g_loop\n"
    "	.balign 16\n"
    "	.globl g_halt\n"
    "g_halt:\n"
    "	msr daifset, #0xf\n"
    "1:	str x0, [x28, #0x18]\n"		/* REP_HALTING */
    "2:	ldr x1, [x27]\n"
    "	cbnz x1, 3f\n"
    "	wfi\n"
    "	b 2b\n"
    "3:	str xzr, [x27]\n"
    "	str x0, [x28, #0x20]\n"		/* REP_WOKE */
    "	b 1b\n"
    /*
     * VBAR_EL1: a synchronous exception from EL1h (+0x200) reports at
     * MMIO_UNDEF (sp + 0x2000) without touching a register; the other
     * vectors are never taken.
     */
    "	.balign 2048\n"
    "	.globl g_vectors\n"
    "g_vectors:\n"
    "	.rept 4\n"
    "	b .\n"
    "	.balign 128\n"
    "	.endr\n"
    "	str xzr, [sp, #0x2000]\n"		/* MMIO_UNDEF */
    "	b .\n"
    "	.balign 128\n"
    "	.rept 11\n"
    "	b .\n"
    "	.balign 128\n"
    "	.endr\n"
    "	.globl guest_code_end\n"
    "guest_code_end:\n"
    ".popsection\n");

int kvm_fd = -1;
int kver_major, kver_minor;
int smccc_over_smc = -1;		/* KVM handles SMCCC calls made with SMC #0 */

/* ---- output ---- */

/* Value of an SMCCC result in words, for SAY lines. */
const char *describe(uint64_t v)
{
	static char buf[4][80];
	static int i;
	char *b = buf[i++ % 4];

	switch (v) {
	case SMCCC_RET_NOT_SUPPORTED:
		return "-1 (NOT_SUPPORTED)";
	case SMCCC_RET_NOT_REQUIRED:
		return "-2 (NOT_REQUIRED)";
	case SMCCC_RET_INVALID_PARAMETER:
		return "-3 (INVALID_PARAMETER)";
	case KVM_HC_ABI_VERSION:
		snprintf(b, 80, "%u.%u", (unsigned)(v >> 16), (unsigned)(v & 0xffff));
		return b;
	}
	snprintf(b, 80, "0x%llx", (unsigned long long)v);
	return b;
}


int get_reg(int vcpu, uint64_t id, uint64_t *v)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)v };

	return xioctl(vcpu, KVM_GET_ONE_REG, &r);
}

int set_reg(int vcpu, uint64_t id, uint64_t v)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&v };

	return xioctl(vcpu, KVM_SET_ONE_REG, &r);
}

void vm_destroy(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, MEM_SIZE);
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
}

/*
 * Create and initialise vCPU @id of @vm (PSCI 0.2+), mapping its kvm_run.
 * Returns the vCPU fd or -1 with errno set and *step naming what failed.
 */
int vcpu_add(struct vm *vm, int id, struct kvm_run **run, const char **step)
{
	int fd;

	*step = "KVM_CREATE_VCPU";
	fd = xioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return -1;
	*step = "mmap kvm_run";
	*run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED)
		goto fail;
	*step = "KVM_ARM_VCPU_INIT";
	if (xioctl(fd, KVM_ARM_VCPU_INIT, &vm->init) < 0)
		goto fail;
	*step = "KVM_SET_ONE_REG(VBAR_EL1)";
	if (set_reg(fd, REG_VBAR_EL1, GUEST_GPA(g_vectors)) < 0)
		goto fail;
	return fd;
fail:
	if (*run != MAP_FAILED)
		munmap(*run, vm->run_size);
	*run = NULL;
	close(fd);
	return -1;
}

/*
 * Create a VM with vCPU 0 (unless VM_NO_VCPU).  Returns 0, or -1 after
 * printing a FAIL line naming the step that failed (tag says which VM).
 */
int vm_create(struct vm *vm, int flags, const char *tag)
{
	struct kvm_userspace_memory_region region = { 0 };
	const char *step;
	char name[96];

	memset(vm, 0, sizeof(*vm));
	vm->vcpu = -1;

	step = "KVM_CREATE_VM";
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto fail;
	step = "mmap guest memory";
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto fail;
	memcpy(vm->mem + CODE_OFF, guest_code, guest_code_end - guest_code);
	region.guest_phys_addr = GUEST_BASE;
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)vm->mem;
	step = "KVM_SET_USER_MEMORY_REGION";
	if (xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		goto fail;
	step = "KVM_ARM_PREFERRED_TARGET";
	if (xioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &vm->init) < 0)
		goto fail;
	vm->init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	step = "KVM_GET_VCPU_MMAP_SIZE";
	vm->run_size = xioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		goto fail;
	if (flags & VM_NO_VCPU)
		return 0;
	vm->vcpu = vcpu_add(vm, 0, &vm->run, &step);
	if (vm->vcpu < 0)
		goto fail;
	return 0;

fail:
	snprintf(name, sizeof(name), "%s.vm-setup", tag);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	vm_destroy(vm);
	return -1;
}

/* Add vCPU 0 to a VM made with VM_NO_VCPU. */
int vm_add_vcpu0(struct vm *vm, const char *tag)
{
	const char *step;
	char name[96];

	vm->vcpu = vcpu_add(vm, 0, &vm->run, &step);
	if (vm->vcpu >= 0)
		return 0;
	snprintf(name, sizeof(name), "%s.vcpu0-setup", tag);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	return -1;
}

static const char *exit_name(unsigned int r)
{
	switch (r) {
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_HYPERCALL: return "HYPERCALL";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	case KVM_EXIT_ARM_NISV: return "ARM_NISV";
	case KVM_EXIT_DEBUG: return "DEBUG";
	}
	return "other";
}

static void print_exit(int vcpu, struct kvm_run *run, const char *tag)
{
	uint64_t pc = 0, x0 = 0;

	get_reg(vcpu, REG_PC, &pc);
	get_reg(vcpu, XREG(0), &x0);
	printf("INFO %s: unexpected exit %u (%s) pc=0x%llx x0=0x%llx", tag,
	       run->exit_reason, exit_name(run->exit_reason),
	       (unsigned long long)pc, (unsigned long long)x0);
	if (run->exit_reason == KVM_EXIT_MMIO)
		printf(" addr=0x%llx write=%d", (unsigned long long)run->mmio.phys_addr,
		       run->mmio.is_write);
	if (run->exit_reason == KVM_EXIT_HYPERCALL)
		printf(" nr=0x%llx", (unsigned long long)run->hypercall.nr);
	if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT)
		printf(" type=%u", run->system_event.type);
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		printf(" hw_reason=0x%llx",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		printf(" suberror=%u", run->internal.suberror);
	putchar('\n');
}

void print_unexpected_exit(struct vm *vm, const char *tag)
{
	print_exit(vm->vcpu, vm->run, tag);
}

/* Write the VMM's answer to a KVM_EXIT_HYPERCALL: x0..x3 (upstream's convention). */
int answer_hypercall(int vcpu, const uint64_t *ret)
{
	int i;

	for (i = 0; i < 4; i++)
		if (set_reg(vcpu, XREG(i), ret[i]) < 0)
			return -1;
	return 0;
}

/*
 * Complete the MMIO write the guest reported with, without running it on:
 * KVM moves the PC past the store on the next KVM_RUN, so that has to
 * happen before the VMM sets a new PC (api.rst: immediate_exit).
 */
void finish_mmio(int vcpu, struct kvm_run *run)
{
	run->immediate_exit = 1;
	ioctl(vcpu, KVM_RUN, 0);
	run->immediate_exit = 0;
}

/*
 * Before new registers are loaded: an MMIO exit the vCPU last made (a loop
 * stopped at its report) is completed first, or the next KVM_RUN would
 * complete it by stepping over the new PC's instruction.
 */
void vcpu_settle(struct vm *vm)
{
	if (vm->run->exit_reason == KVM_EXIT_MMIO)
		finish_mmio(vm->vcpu, vm->run);
}

/*
 * Run until the guest reports at MMIO_DONE.  KVM_EXIT_HYPERCALL is recorded
 * and answered with vm->hc_ret.  Returns 0, or -1 after an INFO line.
 */
static int run_to_done(struct vm *vm, const char *tag)
{
	double deadline = now() + CALL_TIMEOUT_S;
	struct kvm_run *run = vm->run;
	int n;

	for (n = 0; n < CALL_MAX_EXITS && now() < deadline; n++) {
		if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			printf("INFO %s: KVM_RUN errno=%d (%s)\n", tag, errno, strerror(errno));
			vm->stuck = 1;
			return -1;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr == MMIO_DONE && run->mmio.is_write)
				return 0;
			break;
		case KVM_EXIT_HYPERCALL:
			vm->n_hypercall_exits++;
			memcpy(&vm->last_exit, run, sizeof(*run));
			if (!vm->hc_noanswer && answer_hypercall(vm->vcpu, vm->hc_ret) < 0) {
				printf("INFO %s: KVM_SET_ONE_REG errno=%d\n", tag, errno);
				return -1;
			}
			continue;
		case KVM_EXIT_INTR:
			continue;
		}
		print_unexpected_exit(vm, tag);
		vm->stuck = 1;
		return -1;
	}
	printf("INFO %s: guest did not report within %.0f s (%d exits)\n",
	       tag, CALL_TIMEOUT_S, n);
	vm->stuck = 1;
	return -1;
}

static uint64_t conduit_gpa(enum conduit via)
{
	switch (via) {
	case SMC0: return GUEST_GPA(g_smc0);
	case HVC1: return GUEST_GPA(g_hvc1);
	case SMC1: return GUEST_GPA(g_smc1);
	default: return GUEST_GPA(g_hvc0);
	}
}

/* The registers guest_call() starts a call with. */
void call_regs(const struct call *c, struct regs *r)
{
	int i;

	r->x[0] = c->x0;
	r->x[1] = c->x1;
	r->x[2] = c->x2;
	r->x[3] = c->x3;
	for (i = 4; i < 31; i++)
		r->x[i] = MARK(i);
	r->pc = conduit_gpa(c->via);
}

/* x4..x30 as the call started: SMCCC 1.1+ preserves them. */
int regs_preserved(const struct regs *r)
{
	int i;

	for (i = 4; i < 31; i++)
		if (r->x[i] != MARK(i))
			return 0;
	return 1;
}

int load_regs(int vcpu, const struct regs *r, uint64_t sp)
{
	int i;

	for (i = 0; i < 31; i++)
		if (set_reg(vcpu, XREG(i), r->x[i]) < 0)
			return -1;
	if (set_reg(vcpu, REG_SP_EL1, sp) < 0)
		return -1;
	return set_reg(vcpu, REG_PC, r->pc);
}

int read_regs(int vcpu, struct regs *r)
{
	int i;

	for (i = 0; i < 31; i++)
		if (get_reg(vcpu, XREG(i), &r->x[i]) < 0)
			return -1;
	return get_reg(vcpu, REG_PC, &r->pc);
}

/*
 * Issue one SMCCC call.  On success fills *out with the registers after it
 * and returns 0; on failure prints an INFO line and returns -1.
 */
int guest_call(struct vm *vm, const struct call *c, struct regs *out, const char *tag)
{
	struct regs r;

	if (vm->stuck) {
		printf("INFO %s: not run, an earlier call in this VM got stuck\n", tag);
		return -1;
	}
	call_regs(c, &r);
	vm->n_hypercall_exits = 0;
	memset(&vm->last_exit, 0, sizeof(vm->last_exit));
	vcpu_settle(vm);
	if (load_regs(vm->vcpu, &r, MMIO_DONE) < 0) {
		printf("INFO %s: setting registers failed, errno=%d\n", tag, errno);
		return -1;
	}
	if (run_to_done(vm, tag) < 0)
		return -1;
	if (read_regs(vm->vcpu, out) < 0) {
		printf("INFO %s: KVM_GET_ONE_REG errno=%d\n", tag, errno);
		return -1;
	}
	finish_mmio(vm->vcpu, vm->run);
	return 0;
}

/* A call whose only interesting output is x0. */
int call_x0(struct vm *vm, const struct call *c, uint64_t *x0, const char *tag)
{
	struct regs r;

	if (guest_call(vm, c, &r, tag) < 0)
		return -1;
	*x0 = r.x[0];
	return 0;
}

/* The 8 bytes after hypercall.ret: u32 longmode + pad (6.1), u64 flags (6.4+). */
uint64_t exit_flags(const struct kvm_run *e)
{
	uint64_t f;

	memcpy(&f, (const uint8_t *)&e->hypercall.ret + sizeof(e->hypercall.ret), sizeof(f));
	return f;
}

/* ---- upstream's SMCCC filter ---- */

int filter_supported(int vm_fd)
{
	struct kvm_device_attr a = { .group = KVM_ARM_VM_SMCCC_CTRL,
				     .attr = KVM_ARM_VM_SMCCC_FILTER };

	return xioctl(vm_fd, KVM_HAS_DEVICE_ATTR, &a) == 0;
}

/* KVM_SET_DEVICE_ATTR(SMCCC_FILTER): 0 or -errno. */
int filter_set(int vm_fd, uint32_t base, uint32_t n, uint8_t action, uint8_t pad0)
{
	struct kvm_smccc_filter f = { .base = base, .nr_functions = n, .action = action };
	struct kvm_device_attr a = { .group = KVM_ARM_VM_SMCCC_CTRL,
				     .attr = KVM_ARM_VM_SMCCC_FILTER,
				     .addr = (uintptr_t)&f };

	f.pad[0] = pad0;
	return xioctl(vm_fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

/* ---- matrix: stock KVM behaviour ---- */

static int abi_calls, abi_changed;

/*
 * One call of the matrix: record x0..x(nres-1) as "VAL key.xN", count
 * whether x4..x30 survived.  Returns 0 if the call completed.
 */
static int mcall(struct vm *vm, const char *key, enum conduit via, uint64_t x0, uint64_t x1,
		 uint64_t x2, int nres, struct regs *out)
{
	struct call c = { .via = via, .x0 = x0, .x1 = x1, .x2 = x2 };
	struct regs r;
	char k[128];
	int i;

	if (!out)
		out = &r;
	if (guest_call(vm, &c, out, key) < 0) {
		report(0, key, "got=none want=an-answer (guest did not complete the call)");
		return -1;
	}
	for (i = 0; i < nres; i++) {
		snprintf(k, sizeof(k), "%s.x%d", key, i);
		val(k, out->x[i]);
	}
	abi_calls++;
	if (!regs_preserved(out)) {
		abi_changed++;
		printf("INFO %s: a register of x4..x30 changed\n", key);
	}
	return 0;
}

/* Record x0..x3 of a call and check x0. */
static void mcheck(struct vm *vm, const char *key, enum conduit via, uint64_t x0, uint64_t x1,
		   uint64_t x2, uint64_t want_x0)
{
	struct regs r;
	char k[128];

	if (mcall(vm, key, via, x0, x1, x2, 4, &r) == 0) {
		snprintf(k, sizeof(k), "%s.x0", key);
		check(k, r.x[0], want_x0);
	}
}

/* Record x0..x3 of a call without a documented value. */
static void mrec(struct vm *vm, const char *key, enum conduit via, uint64_t x0, uint64_t x1,
		 uint64_t x2)
{
	mcall(vm, key, via, x0, x1, x2, 4, NULL);
}

/* FEATURES: x0..x2 are stock KVM's; x3 carries kvm_hc's bits ("own."). */
static void mfeatures(struct vm *vm, const char *key, enum conduit via, uint64_t *x0)
{
	struct regs r;
	char k[128];

	if (mcall(vm, key, via, FID_VH_FEATURES, 0, 0, 3, &r) < 0)
		return;
	snprintf(k, sizeof(k), "own.%s.x3", key);
	val(k, r.x[3]);
	if (x0)
		*x0 = r.x[0];
}

static void kernel_version(void)
{
	struct utsname u;

	uname(&u);
	if (sscanf(u.release, "%d.%d", &kver_major, &kver_minor) != 2)
		kver_major = kver_minor = 0;
}

int kver_at_least(int major, int minor)
{
	return kver_major > major || (kver_major == major && kver_minor >= minor);
}

/*
 * Whether KVM takes SMCCC calls made with SMC #0 (6.4+); 6.1 answers every
 * SMC with -1 and leaves x1..x3 alone.  Probed with PSCI_VERSION.
 */
int probe_smccc_over_smc(struct vm *vm)
{
	uint64_t x0 = SMCCC_RET_NOT_SUPPORTED;

	if (smccc_over_smc < 0) {
		if (call_x0(vm, &(struct call){ .via = SMC0, .x0 = FID_PSCI_VERSION }, &x0,
			    "probe.smc") < 0)
			return 0;
		smccc_over_smc = x0 != SMCCC_RET_NOT_SUPPORTED;
		printf("INFO SMCCC calls over SMC #0: %s (PSCI_VERSION over SMC: 0x%llx)\n",
		       smccc_over_smc ? "handled by KVM" : "not handled (every SMC gets -1)",
		       (unsigned long long)x0);
	}
	return smccc_over_smc;
}

static void matrix_fw_regs(struct vm *vm)
{
	static const struct { const char *key; uint64_t id; } fw[] = {
		{ "fw.psci_version", KVM_REG_ARM_PSCI_VERSION },
		{ "fw.std_bmap", KVM_REG_ARM_STD_BMAP },
		{ "fw.std_hyp_bmap", KVM_REG_ARM_STD_HYP_BMAP },
		{ "fw.vendor_hyp_bmap", KVM_REG_ARM_VENDOR_HYP_BMAP },
		{ "fw.vendor_hyp_bmap_2", KVM_REG_ARM_VENDOR_HYP_BMAP_2 },
	};
	unsigned int i;
	char k[96];

	for (i = 0; i < sizeof(fw) / sizeof(fw[0]); i++) {
		uint64_t v = 0;

		if (get_reg(vm->vcpu, fw[i].id, &v) < 0) {
			snprintf(k, sizeof(k), "%s.errno", fw[i].key);
			val(k, errno);
		} else {
			val(fw[i].key, v);
		}
	}
}

static void matrix_default_vm(void)
{
	const uint64_t garbage = 0xffffffff00000000ULL;
	uint64_t features = 0;
	struct regs r;
	struct vm vm;
	char k[96];
	int i, ok;

	if (vm_create(&vm, 0, "matrix.default") < 0)
		return;
	matrix_fw_regs(&vm);

	/* Arm architecture calls */
	if (mcall(&vm, "smccc.version", HVC0, FID_SMCCC_VERSION, 0, 0, 4, &r) == 0)
		report(r.x[0] >= 0x10001 && r.x[0] < 0x20000, "smccc.version.x0",
		       "got=0x%016llx want=1.1..1.x", (unsigned long long)r.x[0]);
	mrec(&vm, "smccc.arch_features.smccc_version", HVC0, FID_SMCCC_ARCH_FEATURES,
	     FID_SMCCC_VERSION, 0);
	mrec(&vm, "smccc.arch_features.wa1", HVC0, FID_SMCCC_ARCH_FEATURES,
	     FID_SMCCC_ARCH_WORKAROUND_1, 0);
	mrec(&vm, "smccc.arch_features.wa2", HVC0, FID_SMCCC_ARCH_FEATURES,
	     FID_SMCCC_ARCH_WORKAROUND_2, 0);
	mrec(&vm, "smccc.arch_features.wa3", HVC0, FID_SMCCC_ARCH_FEATURES,
	     FID_SMCCC_ARCH_WORKAROUND_3, 0);
	mrec(&vm, "smccc.arch_features.wa1_upper_garbage", HVC0, FID_SMCCC_ARCH_FEATURES,
	     garbage | FID_SMCCC_ARCH_WORKAROUND_1, 0);
	mrec(&vm, "smccc.arch_features.pv_time_features", HVC0, FID_SMCCC_ARCH_FEATURES,
	     FID_PV_TIME_FEATURES, 0);
	mcheck(&vm, "smccc.arch_features.vh_features", HVC0, FID_SMCCC_ARCH_FEATURES,
	       FID_VH_FEATURES, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "smccc.arch_features.kvm_hc_discover", HVC0, FID_SMCCC_ARCH_FEATURES,
	       FID_DISCOVER, 0, SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "smccc.arch_unknown_0x80000002", HVC0, 0x80000002, 0, 0);

	/* PSCI */
	if (mcall(&vm, "psci.version", HVC0, FID_PSCI_VERSION, 0, 0, 4, &r) == 0)
		report(r.x[0] >= 0x10000 && r.x[0] < 0x20000, "psci.version.x0",
		       "got=0x%016llx want=1.0..1.x", (unsigned long long)r.x[0]);
	mcheck(&vm, "psci.features.psci_version", HVC0, FID_PSCI_FEATURES, FID_PSCI_VERSION, 0,
	       0);
	mrec(&vm, "psci.features.cpu_suspend64", HVC0, FID_PSCI_FEATURES,
	     FID_PSCI_CPU_SUSPEND64, 0);
	mrec(&vm, "psci.features.cpu_on64", HVC0, FID_PSCI_FEATURES, FID_PSCI_CPU_ON64, 0);
	mrec(&vm, "psci.features.system_off", HVC0, FID_PSCI_FEATURES, FID_PSCI_SYSTEM_OFF, 0);
	mrec(&vm, "psci.features.system_reset2_64", HVC0, FID_PSCI_FEATURES,
	     FID_PSCI_SYSTEM_RESET2_64, 0);
	mrec(&vm, "psci.features.smccc_version", HVC0, FID_PSCI_FEATURES, FID_SMCCC_VERSION, 0);
	mrec(&vm, "psci.features.upper_garbage", HVC0, FID_PSCI_FEATURES,
	     garbage | FID_PSCI_VERSION, 0);
	mcheck(&vm, "psci.features.unknown_0x840000ff", HVC0, FID_PSCI_FEATURES, 0x840000ff, 0,
	       SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "psci.features.kvm_hc_discover", HVC0, FID_PSCI_FEATURES, FID_DISCOVER, 0,
	       SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "psci.migrate_info_type", HVC0, FID_PSCI_MIGRATE_INFO_TYPE, 0, 0);
	mrec(&vm, "psci.affinity_info64.self", HVC0, FID_PSCI_AFFINITY_INFO64, 0, 0);
	mrec(&vm, "psci.affinity_info64.absent", HVC0, FID_PSCI_AFFINITY_INFO64, 7, 0);

	/* TRNG (the random bits themselves are not comparable: x0 only) */
	mrec(&vm, "trng.version", HVC0, FID_TRNG_VERSION, 0, 0);
	mrec(&vm, "trng.features.rnd64", HVC0, FID_TRNG_FEATURES, FID_TRNG_RND64, 0);
	mrec(&vm, "trng.features.unknown", HVC0, FID_TRNG_FEATURES, 0x84000055, 0);
	mrec(&vm, "trng.get_uuid", HVC0, FID_TRNG_GET_UUID, 0, 0);
	mcall(&vm, "trng.rnd64", HVC0, FID_TRNG_RND64, 64, 0, 1, NULL);

	/* KVM's vendor-hypervisor service */
	if (mcall(&vm, "vh.call_uid", HVC0, FID_VH_CALL_UID, 0, 0, 4, &r) == 0) {
		for (i = 0; i < 4; i++) {
			snprintf(k, sizeof(k), "vh.call_uid.x%d", i);
			check(k, r.x[i], kvm_uid[i]);
		}
	}
	mfeatures(&vm, "vh.features", HVC0, &features);
	report((features & 3) == 3 && features != SMCCC_RET_NOT_SUPPORTED, "vh.features.x0",
	       "got=0x%016llx want=bit0(FEATURES)+bit1(PTP)", (unsigned long long)features);
	mcheck(&vm, "vh.features_smc64_id", HVC0, FID_VH_FEATURES | FID_SMC64_BIT, 0, 0,
	       SMCCC_RET_NOT_SUPPORTED);
	/* PTP answers with the time: only whether it answered is comparable */
	for (i = 0; i < 2; i++) {
		const char *key = i ? "vh.ptp.phys" : "vh.ptp.virt";
		struct call c = { .via = HVC0, .x0 = FID_VH_PTP, .x1 = i };

		ok = guest_call(&vm, &c, &r, key) == 0;
		if (ok) {
			snprintf(k, sizeof(k), "%s.answered", key);
			val(k, r.x[0] != SMCCC_RET_NOT_SUPPORTED);
			check(k, r.x[0] != SMCCC_RET_NOT_SUPPORTED, 1);
			abi_calls++;
			abi_changed += !regs_preserved(&r);
		} else {
			report(0, key, "got=none want=an-answer (guest did not complete the call)");
		}
	}
	mcheck(&vm, "vh.ptp.bad_counter", HVC0, FID_VH_PTP, 2, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "vh.ptp.smc64_id", HVC0, FID_VH_PTP | FID_SMC64_BIT, 0, 0,
	       SMCCC_RET_NOT_SUPPORTED);
	{
		/* unknown vendor-hypervisor functions around kvm_hc's block */
		static const uint32_t fids[] = {
			0x86000002, 0x86000040, FID_VH_UNKNOWN, 0x8600005f, FID_KICK,
			HC_FID32(2), HC_FID32(KVM_HC_ARM64_FUNC_COUNT - 1),
			HC_FID32(KVM_HC_ARM64_FUNC_COUNT), 0x8600007f, 0x86000080,
			0x86010000 | FID_DISCOVER, 0x8600ff00, FID_KICK64,
			FID_DISCOVER & ~0x80000000u,	/* a yielding call */
		};

		for (i = 0; i < (int)(sizeof(fids) / sizeof(fids[0])); i++) {
			snprintf(k, sizeof(k), "vh.unknown_0x%08x", fids[i]);
			mcheck(&vm, k, HVC0, fids[i], 0, 0, SMCCC_RET_NOT_SUPPORTED);
		}
	}
	/* kvm_hc's own discovery IDs: stock KVM does not know them */
	mrec(&vm, "own.discover.hvc32", HVC0, FID_DISCOVER, 0, 0);
	mrec(&vm, "own.discover.hvc64", HVC0, FID_DISCOVER64, 0, 0);
	mrec(&vm, "own.discover.x0_upper_garbage", HVC0, garbage | FID_DISCOVER, 0, 0);

	/* other owners */
	mcheck(&vm, "std.unknown_0x8400001f", HVC0, 0x8400001f, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "std.unknown_0x840000ff", HVC0, 0x840000ff, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "std.psci_version_x0_upper_garbage", HVC0, garbage | FID_PSCI_VERSION, 0, 0);
	mcheck(&vm, "owner.cpu_0x81000001", HVC0, 0x81000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "owner.sip_0x82000001", HVC0, 0x82000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "owner.oem_0x83000001", HVC0, 0x83000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "owner.std_hyp_0x85000001", HVC0, 0x85000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "owner.pv_time_st", HVC0, FID_PV_TIME_ST, 0, 0);
	mcheck(&vm, "owner.tapp_0xb0000001", HVC0, 0xb0000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "owner.tos_0xb2000001", HVC0, 0xb2000001, 0, 0, SMCCC_RET_NOT_SUPPORTED);

	/* HVC #1: not an SMCCC call by the spec; what KVM makes of it */
	mrec(&vm, "hvc1.psci_version", HVC1, FID_PSCI_VERSION, 0, 0);
	mrec(&vm, "hvc1.vh_call_uid", HVC1, FID_VH_CALL_UID, 0, 0);
	mrec(&vm, "hvc1.vh_unknown", HVC1, FID_VH_UNKNOWN, 0, 0);
	mrec(&vm, "own.hvc1.discover", HVC1, FID_DISCOVER, 0, 0);

	/* SMC #0: SMCCC from 6.4; 6.1 answers -1 and leaves x1..x3 alone */
	probe_smccc_over_smc(&vm);
	val("smc0.handled", smccc_over_smc > 0);
	if (kver_major && !kver_at_least(6, 4))
		check("smc0.handled", smccc_over_smc > 0, 0);
	mrec(&vm, "smc0.psci_version", SMC0, FID_PSCI_VERSION, 0x1111, 0x2222);
	mrec(&vm, "smc0.smccc_version", SMC0, FID_SMCCC_VERSION, 0x1111, 0x2222);
	mrec(&vm, "smc0.vh_call_uid", SMC0, FID_VH_CALL_UID, 0x1111, 0x2222);
	mfeatures(&vm, "smc0.vh_features", SMC0, NULL);
	mcheck(&vm, "smc0.vh_unknown", SMC0, FID_VH_UNKNOWN, 0x1111, 0x2222,
	       SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "own.smc0.discover32", SMC0, FID_DISCOVER, 0, 0x2222);
	mrec(&vm, "own.smc0.discover64", SMC0, FID_DISCOVER64, 0, 0x2222);
	/* SMC #1: DEN0028 reserves non-zero immediates */
	mcheck(&vm, "smc1.psci_version", SMC1, FID_PSCI_VERSION, 0x1111, 0x2222,
	       SMCCC_RET_NOT_SUPPORTED);
	mcheck(&vm, "smc1.vh_unknown", SMC1, FID_VH_UNKNOWN, 0x1111, 0x2222,
	       SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "own.smc1.discover", SMC1, FID_DISCOVER, 0, 0x2222);
	vm_destroy(&vm);
}

/* A VM whose VMM turned off KVM's vendor-hypervisor service (UID, FEATURES, PTP). */
static void matrix_bmap0(void)
{
	struct vm vm;
	int r;

	if (vm_create(&vm, 0, "matrix.bmap0") < 0)
		return;
	r = set_reg(vm.vcpu, KVM_REG_ARM_VENDOR_HYP_BMAP, 0);
	val("bmap0.set", r == 0);
	if (r < 0) {
		printf("INFO bmap0: KVM_SET_ONE_REG(VENDOR_HYP_BMAP) errno=%d\n", errno);
		vm_destroy(&vm);
		return;
	}
	mcheck(&vm, "bmap0.vh.call_uid", HVC0, FID_VH_CALL_UID, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mcall(&vm, "bmap0.vh.features", HVC0, FID_VH_FEATURES, 0, 0, 3, NULL);
	mcheck(&vm, "bmap0.vh.ptp", HVC0, FID_VH_PTP, 0, 0, SMCCC_RET_NOT_SUPPORTED);
	mrec(&vm, "bmap0.psci_version", HVC0, FID_PSCI_VERSION, 0, 0);
	mrec(&vm, "own.bmap0.discover", HVC0, FID_DISCOVER, 0, 0);
	vm_destroy(&vm);
}

/*
 * Upstream's SMCCC filter (6.4+): the VMM takes function ranges for itself.
 * kvm_hc leaves every ID the VMM's filter names alone, its own included.
 */
static void matrix_filter(void)
{
	static const struct {
		const char *key;
		uint32_t base, n;
		uint8_t action, pad0;
		int want;		/* 0 or -errno */
	} filters[] = {
		{ "filter.set.fwd_0x86000010", 0x86000010, 1, KVM_SMCCC_FILTER_FWD_TO_USER, 0, 0 },
		{ "filter.set.deny_0x86000011", 0x86000011, 1, KVM_SMCCC_FILTER_DENY, 0, 0 },
		{ "filter.set.fwd_kvm_hc_discover_kick", FID_DISCOVER, 2,
		  KVM_SMCCC_FILTER_FWD_TO_USER, 0, 0 },
		{ "filter.set.fwd_kvm_hc_discover64", FID_DISCOVER64, 1,
		  KVM_SMCCC_FILTER_FWD_TO_USER, 0, 0 },
		{ "filter.set.fwd_sip", 0x82000000, 0x10000, KVM_SMCCC_FILTER_FWD_TO_USER, 0, 0 },
		{ "filter.set.arch_range_reserved", FID_SMCCC_VERSION, 1,
		  KVM_SMCCC_FILTER_FWD_TO_USER, 0, -EEXIST },
		{ "filter.set.overlap", 0x86000010, 2, KVM_SMCCC_FILTER_DENY, 0, -EEXIST },
		{ "filter.set.pad", 0x86000030, 1, KVM_SMCCC_FILTER_DENY, 1, -EINVAL },
		{ "filter.set.zero_functions", 0x86000030, 0, KVM_SMCCC_FILTER_DENY, 0, -EINVAL },
		{ "filter.set.action_3", 0x86000030, 1, 3, 0, -EINVAL },
	};
	const uint64_t ans[4] = { 0xa0a0, 0xa1a1, 0xa2a2, 0xa3a3 };
	struct call c;
	struct regs r;
	struct vm vm;
	unsigned int i;
	char k[128];
	int sup, ret;

	if (vm_create(&vm, 0, "matrix.filter") < 0)
		return;
	sup = filter_supported(vm.fd);
	val("filter.supported", sup);
	if (kver_major && kver_at_least(6, 4))
		check("filter.supported", sup, 1);
	if (!sup) {
		printf("INFO filter: KVM_ARM_VM_SMCCC_FILTER not supported by this kernel\n");
		vm_destroy(&vm);
		return;
	}
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		ret = filter_set(vm.fd, filters[i].base, filters[i].n, filters[i].action,
				 filters[i].pad0);
		val(filters[i].key, (uint64_t)(int64_t)ret);
		report(ret == filters[i].want, filters[i].key, "got=%d want=%d", ret,
		       filters[i].want);
	}

	memcpy(vm.hc_ret, ans, sizeof(ans));
	/* forwarded: exit with the ID, no arguments; the VMM's x0..x3 reach the guest */
	for (i = 0; i < 3; i++) {
		static const char *const keys[] = { "filter.fwd.hvc", "filter.fwd.smc",
						    "filter.fwd.hvc1" };
		static const enum conduit via[] = { HVC0, SMC0, HVC1 };
		const struct kvm_run *e = &vm.last_exit;

		if (via[i] == SMC0 && !probe_smccc_over_smc(&vm))
			continue;
		c = (struct call){ .via = via[i], .x0 = 0x86000010, .x1 = 0x1111,
				   .x2 = 0x2222, .x3 = 0x3333 };
		if (guest_call(&vm, &c, &r, keys[i]) < 0) {
			report(0, keys[i], "got=none want=an-answer (guest did not complete the call)");
			continue;
		}
		snprintf(k, sizeof(k), "%s.exits", keys[i]);
		val(k, vm.n_hypercall_exits);
		check(k, vm.n_hypercall_exits, 1);
		if (vm.n_hypercall_exits == 1) {
			snprintf(k, sizeof(k), "%s.exit.nr", keys[i]);
			val(k, e->hypercall.nr);
			check(k, e->hypercall.nr, 0x86000010);
			snprintf(k, sizeof(k), "%s.exit.flags", keys[i]);
			val(k, exit_flags(e));
			check(k, exit_flags(e), via[i] == SMC0 ? KVM_HYPERCALL_EXIT_SMC : 0);
			for (ret = 0; ret < 6; ret++) {
				snprintf(k, sizeof(k), "%s.exit.args%d", keys[i], ret);
				val(k, e->hypercall.args[ret]);
			}
			snprintf(k, sizeof(k), "%s.exit.ret", keys[i]);
			val(k, e->hypercall.ret);
		}
		for (ret = 0; ret < 4; ret++) {
			snprintf(k, sizeof(k), "%s.x%d", keys[i], ret);
			val(k, r.x[ret]);
			check(k, r.x[ret], ans[ret]);
		}
		snprintf(k, sizeof(k), "%s.registers_preserved", keys[i]);
		report(regs_preserved(&r), k, "got=%s want=all",
		       regs_preserved(&r) ? "all" : "changed");
	}
	/* the VMM leaves the registers alone: the guest sees its own x0..x3 */
	vm.hc_noanswer = 1;
	if (mcall(&vm, "filter.fwd.noanswer", HVC0, 0x86000010, 0x1111, 0x2222, 4, &r) == 0)
		check("filter.fwd.noanswer.x0", r.x[0], 0x86000010);
	vm.hc_noanswer = 0;

	/* the VMM's filter owns kvm_hc's IDs in this VM, whatever kvm_hc's settings */
	{
		static const struct { const char *key; uint64_t fid; } own[] = {
			{ "filter.kvm_hc_discover", FID_DISCOVER },
			{ "filter.kvm_hc_kick", FID_KICK },
			{ "filter.kvm_hc_discover64", FID_DISCOVER64 },
			{ "filter.sip_0x82001234", 0x82001234 },
		};

		for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
			if (mcall(&vm, own[i].key, HVC0, own[i].fid, 0, 0, 4, &r) < 0)
				continue;
			snprintf(k, sizeof(k), "%s.exits", own[i].key);
			val(k, vm.n_hypercall_exits);
			check(k, vm.n_hypercall_exits, 1);
			snprintf(k, sizeof(k), "%s.exit.nr", own[i].key);
			val(k, vm.last_exit.hypercall.nr);
			check(k, vm.last_exit.hypercall.nr, own[i].fid);
			for (ret = 0; ret < 6; ret++) {
				snprintf(k, sizeof(k), "%s.exit.args%d", own[i].key, ret);
				val(k, vm.last_exit.hypercall.args[ret]);
			}
		}
	}
	mcheck(&vm, "filter.deny", HVC0, 0x86000011, 0x1111, 0, SMCCC_RET_NOT_SUPPORTED);
	val("filter.deny.exits", vm.n_hypercall_exits);
	mcheck(&vm, "filter.unfiltered_0x86000012", HVC0, 0x86000012, 0, 0,
	       SMCCC_RET_NOT_SUPPORTED);
	val("filter.unfiltered_0x86000012.exits", vm.n_hypercall_exits);
	mrec(&vm, "filter.psci_version", HVC0, FID_PSCI_VERSION, 0, 0);
	mrec(&vm, "filter.smccc_version", HVC0, FID_SMCCC_VERSION, 0, 0);
	mfeatures(&vm, "filter.vh_features", HVC0, NULL);
	mrec(&vm, "filter.vh_call_uid", HVC0, FID_VH_CALL_UID, 0, 0);
	/* once a vCPU ran, the filter is fixed */
	ret = filter_set(vm.fd, 0x86000030, 1, KVM_SMCCC_FILTER_DENY, 0);
	val("filter.set.after_run", (uint64_t)(int64_t)ret);
	report(ret == -EBUSY, "filter.set.after_run", "got=%d want=%d", ret, -EBUSY);
	vm_destroy(&vm);
}

int cmd_matrix(int open)
{
	watchdog_start("matrix", 90);
	matrix_default_vm();
	matrix_bmap0();
	matrix_filter();
	val("abi.x4_x30_changed", abi_changed);
	report(abi_changed == 0 && abi_calls > 0, "abi.x4_x30_preserved",
	       "got=%d-of-%d-calls-changed-one want=0", abi_changed, abi_calls);
	if (nfail)
		say("%d of %d stock SMCCC results differed from the documented ones",
		    nfail, npass + nfail);
	else
		say("stock KVM gave the documented answer in all %d checks: SMCCC 1.1, PSCI 1.x, KVM's vendor-hypervisor UID and FEATURES, NOT_SUPPORTED (-1) for unknown functions, SMC%s, the SMCCC filter%s",
		    npass, smccc_over_smc > 0 ? " handled like HVC" : " answered -1",
		    kver_at_least(6, 4) ? " forwarding to the VMM" : " absent (before 6.4)");
	return nfail ? 1 : 0;
}

/* ---- discover ---- */

enum dwant { D_VERSION, D_BITMAP0, D_ZERO, D_INVAL, D_STOCK };

struct disc_case {
	const char *name;
	enum conduit via;
	uint64_t x0, x1;
	enum dwant open;	/* closed: always as stock */
};

/* The stock answer a call gets: the same call to an unknown vendor-hyp function. */
static int stock_reference(struct vm *vm, const struct call *c, struct regs *ref, const char *tag)
{
	struct call s = *c;

	s.x0 = (c->x0 & FID_SMC64_BIT) ? (FID_VH_UNKNOWN | FID_SMC64_BIT) : FID_VH_UNKNOWN;
	return guest_call(vm, &s, ref, tag);
}

static const char *dwant_name(enum dwant w)
{
	switch (w) {
	case D_VERSION: return "version";
	case D_BITMAP0: return "bitmap0=0x1";
	case D_ZERO: return "0";
	case D_INVAL: return "INVALID_PARAMETER";
	default: return "stock";
	}
}

/*
 * One discovery call and its registers: where kvm_hc answers (@w not
 * D_STOCK), x1..x3 are 0, as in KVM's own SMCCC handler; otherwise x0..x3
 * are what the same call to an unknown vendor-hyp function gets.  x4..x30
 * are preserved either way.
 */
static struct answer disc_call(struct vm *vm, const struct call *c, enum dwant w,
			       const char *name)
{
	struct regs r, ref;
	char k[128];
	int j, ok;

	if (guest_call(vm, c, &r, name) < 0 ||
	    (w == D_STOCK && stock_reference(vm, c, &ref, name) < 0))
		return (struct answer){ ~0ULL, -1 };
	printf("INFO %s: x0..x3 = 0x%llx 0x%llx 0x%llx 0x%llx\n", name,
	       (unsigned long long)r.x[0], (unsigned long long)r.x[1],
	       (unsigned long long)r.x[2], (unsigned long long)r.x[3]);
	ok = regs_preserved(&r);
	for (j = 1; j < 4; j++)
		ok &= r.x[j] == (w == D_STOCK ? ref.x[j] : 0);
	snprintf(k, sizeof(k), "%s.registers", name);
	report(ok, k, "got=0x%llx,0x%llx,0x%llx,x4..x30:%s want=%s,x4..x30:kept",
	       (unsigned long long)r.x[1], (unsigned long long)r.x[2], (unsigned long long)r.x[3],
	       regs_preserved(&r) ? "kept" : "changed",
	       w == D_STOCK ? "x1..x3-as-stock" : "0,0,0");
	if (w == D_STOCK) {
		snprintf(k, sizeof(k), "%s.x0_as_stock", name);
		report(r.x[0] == ref.x[0], k,
		       "got=0x%016llx want=0x%016llx (stock: unknown vendor-hyp function)",
		       (unsigned long long)r.x[0], (unsigned long long)ref.x[0]);
	}
	return (struct answer){ r.x[0], vm->n_hypercall_exits };
}

/* HVC #0, the SMC32 function ID, the selector in w1. */
struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open, const char *name)
{
	struct call c = { .via = HVC0, .x0 = FID_DISCOVER, .x1 = sel,
			  .x2 = 0x2222222222222222ULL, .x3 = 0x3333333333333333ULL };

	return disc_call(vm, &c, open ? D_VERSION : D_STOCK, name);
}

/*
 * The SMC32 form reads w1 only, the SMC64 form all of x1; SMC #0 where
 * KVM takes SMCCC calls over SMC; what open_discovery does not open; the
 * vendor-hyp FEATURES call, whose x3 shows kvm_hc's functions.
 */
void arch_discover_more(struct vm *vm, int open)
{
	const uint64_t garbage = 0xcafe000000000000ULL;
	const struct disc_case cases[] = {
		{ "discover.hvc32.sel_upper_garbage", HVC0, FID_DISCOVER,
		  garbage | KVM_HC_DISCOVER_VERSION, D_VERSION },
		{ "discover.hvc32.sel9_upper_garbage", HVC0, FID_DISCOVER, garbage | 9, D_INVAL },
		/* the function ID is w0 */
		{ "discover.hvc32.x0_upper_garbage", HVC0, 0xdeadbeef00000000ULL | FID_DISCOVER,
		  KVM_HC_DISCOVER_VERSION, D_VERSION },
		{ "discover.hvc64.version", HVC0, FID_DISCOVER64, KVM_HC_DISCOVER_VERSION, D_VERSION },
		{ "discover.hvc64.bitmap0", HVC0, FID_DISCOVER64, KVM_HC_DISCOVER_BITMAP(0),
		  D_BITMAP0 },
		/* SMC64: all of x1 counts, so this selector is not 0 */
		{ "discover.hvc64.sel_upper_garbage", HVC0, FID_DISCOVER64,
		  garbage | KVM_HC_DISCOVER_VERSION, D_INVAL },
		{ "discover.hvc64.sel9", HVC0, FID_DISCOVER64, 9, D_INVAL },
		{ "discover.smc32.version", SMC0, FID_DISCOVER, KVM_HC_DISCOVER_VERSION, D_VERSION },
		{ "discover.smc32.sel9", SMC0, FID_DISCOVER, 9, D_INVAL },
		{ "discover.smc64.version", SMC0, FID_DISCOVER64, KVM_HC_DISCOVER_VERSION, D_VERSION },
		/* open_discovery opens discovery, nothing else */
		{ "discover.kick_not_opened", HVC0, FID_KICK, 0, D_STOCK },
		{ "discover.kick64_not_opened", HVC0, FID_KICK64, 0, D_STOCK },
		{ "discover.svc2_not_opened", HVC0, HC_FID32(2), 0, D_STOCK },
		/* SMC #1 is refused by KVM before anyone looks at the ID (6.4+) */
		{ "discover.smc1.version", SMC1, FID_DISCOVER, KVM_HC_DISCOVER_VERSION, D_STOCK },
	};
	const int n = sizeof(cases) / sizeof(cases[0]);
	struct answer got[sizeof(cases) / sizeof(cases[0])];
	int i, over_smc = probe_smccc_over_smc(vm);
	struct regs r;
	char k[128];

	for (i = 0; i < n; i++) {
		const struct disc_case *dc = &cases[i];
		struct call c = { .via = dc->via, .x0 = dc->x0, .x1 = dc->x1,
				  .x2 = 0x2222222222222222ULL, .x3 = 0x3333333333333333ULL };
		enum dwant w = dc->open;
		uint64_t want = 0;

		/* without SMCCC over SMC, SMC gets stock's -1 whatever kvm_hc thinks */
		if (!open || ((dc->via == SMC0 || dc->via == SMC1) && !over_smc))
			w = D_STOCK;
		got[i] = disc_call(vm, &c, w, dc->name);
		if (got[i].exits < 0) {
			report(0, dc->name, "got=none want=%s (guest did not complete the call)",
			       dwant_name(w));
			continue;
		}
		switch (w) {
		case D_STOCK:
			continue;
		case D_VERSION:
			want = KVM_HC_ABI_VERSION;
			break;
		case D_BITMAP0:
			want = 1u << KVM_HC_SVC_DISCOVER;
			break;
		case D_ZERO:
			want = 0;
			break;
		case D_INVAL:
			want = SMCCC_RET_INVALID_PARAMETER;
			break;
		}
		snprintf(k, sizeof(k), "%s.x0", dc->name);
		check(k, got[i].val, want);
	}

	/* HVC #1 is not an SMCCC call; kvm_hc and KVM may see it alike */
	if (guest_call(vm, &(struct call){ .via = HVC1, .x0 = FID_DISCOVER }, &r,
		       "discover.hvc1") == 0)
		printf("INFO discover.hvc1.version: x0=0x%llx\n", (unsigned long long)r.x[0]);

	/* FEATURES: x3 bit 0 is discovery while kvm_hc answers it, else 0 */
	for (i = 0; i < 2; i++) {
		const char *key = i ? "discover.features.smc" : "discover.features.hvc";
		uint64_t want3 = open ? 1u << KVM_HC_SVC_DISCOVER : 0;

		if (i && !over_smc)
			continue;
		if (guest_call(vm, &(struct call){ .via = i ? SMC0 : HVC0, .x0 = FID_VH_FEATURES },
			       &r, key) < 0) {
			report(0, key, "got=none want=an-answer (guest did not complete the call)");
			continue;
		}
		printf("INFO %s: x0..x3 = 0x%llx 0x%llx 0x%llx 0x%llx\n", key,
		       (unsigned long long)r.x[0], (unsigned long long)r.x[1],
		       (unsigned long long)r.x[2], (unsigned long long)r.x[3]);
		snprintf(k, sizeof(k), "%s.x0", key);
		report((r.x[0] & 3) == 3 && r.x[0] != SMCCC_RET_NOT_SUPPORTED, k,
		       "got=0x%016llx want=bit0+bit1 (KVM's FEATURES, PTP)",
		       (unsigned long long)r.x[0]);
		snprintf(k, sizeof(k), "%s.x1", key);
		check(k, r.x[1], 0);
		snprintf(k, sizeof(k), "%s.x3", key);
		check(k, r.x[3], want3);
		if (!i)
			say("the vendor-hypervisor FEATURES call shows kvm_hc's functions in x3: 0x%llx%s",
			    (unsigned long long)r.x[3], r.x[3] & 1 ? " (bit 0: discovery, function 96)"
								   : " (none)");
	}

	if (open && got[3].exits >= 0 && got[5].exits >= 0)
		say("the SMC64 form 0x%08x gives the version too (%s), and there all 64 bits of x1 count: %s",
		    FID_DISCOVER64, describe(got[3].val), describe(got[5].val));
	else if (!open && got[3].exits >= 0)
		say("the SMC64 form got stock KVM's answer too: %s", describe(got[3].val));
	if (open && got[7].exits >= 0)
		say("the same call made with SMC #0: %s%s", describe(got[7].val),
		    over_smc ? "" : " (this kernel answers every SMC with -1)");
}

/* ---- main ---- */

int kvm_open(void)
{
	struct utsname u;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		report(0, "setup", "open /dev/kvm errno=%d (%s)", errno, strerror(errno));
		return -1;
	}
	uname(&u);
	kernel_version();
	printf("INFO kernel %s (%s), KVM API %d, kvm_hc functions 0x%08x.. (SMC64 0x%08x..)\n",
	       u.release, u.machine, ioctl(kvm_fd, KVM_GET_API_VERSION, 0), FID_DISCOVER,
	       FID_DISCOVER64);
	return 0;
}
