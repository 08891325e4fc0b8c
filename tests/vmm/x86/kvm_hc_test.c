// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_test - guest-side end-to-end checks for kvm_hc on x86.
 *
 * A tiny static VMM in the style of the KVM selftests: the guest code (a few
 * instructions, below) and the checks on what the host saw sit side by side.
 * Each VM gets 4 MiB of identity-mapped memory and one vCPU that starts
 * directly in long mode (KVM_SET_SREGS), in one of three modes:
 *   64-bit kernel (CPL0), 32-bit compat kernel (CPL0, L=0 D=1), 64-bit user
 *   (CPL3, IOPL3 so it can still report with "out").
 * A call puts the hypercall number in rax and the arguments in rbx, rcx, rdx
 * and rsi, runs the native hypercall instruction (vmmcall on AMD, vmcall on
 * Intel) and reports with "out"; the VMM then reads every register back.
 *
 * Subcommands (add --explain to also get "SAY" lines in plain words):
 *
 *   keeper
 *	Create one VM with a vCPU and sleep forever.  Holding a VM keeps KVM's
 *	preempt notifier static key enabled, so the other tests do not live-patch
 *	scheduler code every time they create or destroy a VM.
 *
 *   matrix
 *	Stock KVM behaviour of every hypercall path kvm_hc sits next to.  Each
 *	observed value is printed as "VAL <key> 0x<16 hex>" so that runs with
 *	and without kvm_hc can be diffed, and checked against the documented
 *	stock value ("PASS|FAIL <key> got=... want=...").  With kvm_hc loaded,
 *	at any open_discovery setting, the output must be identical: that proves
 *	the module leaves every hypercall it does not own untouched, including
 *	the CPL3 refusal, the 32-bit truncation, KVM_EXIT_HYPERCALL forwarding
 *	and the Xen and Hyper-V dispatch that run before KVM's own numbers.
 *	  hc.*		unknown nr -KVM_ENOSYS; VAPIC_POLL_IRQ 0; KICK_CPU 0, but
 *			-KVM_ENOSYS when PV features are enforced and PV_UNHALT
 *			is absent; MAP_GPA_RANGE -KVM_ENOSYS unless the VMM asked
 *			for KVM_EXIT_HYPERCALL, then an exit carrying nr and args
 *			whose answer lands in rax, and -KVM_EINVAL without an
 *			exit for an unaligned gpa
 *	  wrong_vendor.* the other vendor's instruction works, and KVM rewrites it
 *	  cpl3.*	-KVM_EPERM for every number, kvm_hc's included
 *	  compat.*	32-bit code: upper halves ignored, result truncated
 *	  xen.*		Xen VM intercepting hypercalls: the kvm_hc number reaches
 *			the VMM as KVM_EXIT_XEN (skipped where KVM lacks Xen)
 *	  hyperv.*	Hyper-V VM: the kvm_hc number gets a Hyper-V status code
 *
 *   discover --expect open|closed
 *	../scenario_discover.c, from 64-bit kernel code, each call keeping
 *	every register but rax; then x86's own cases (arch_discover_more()):
 *	all of rbx counts in 64-bit mode, only 32 bits of rax and rbx in
 *	32-bit mode, where the result is truncated, and CPL3 is refused as
 *	stock KVM refuses it.  "closed": -KVM_ENOSYS (-KVM_EPERM from CPL3).
 *
 *   load --seconds S [--expect-both]
 *	A guest that loops forever on discovery + VAPIC_POLL_IRQ, reporting
 *	each result with a 4-byte "out".  Run in the background while kvm_hc
 *	is inserted and removed: every answer must be either kvm_hc's (version)
 *	or stock KVM's (-KVM_ENOSYS), never anything else, and the guest must
 *	keep running.  --expect-both also requires both kinds to be seen.
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
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
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
 * Guest code, copied to CODE_GPA.  Each block exists once per instruction:
 * _amd with vmmcall, _intel with vmcall.  The call block encodes the same in
 * 64-bit and 32-bit code (0f 01 d9|c1, e7 10, f4), so it serves every mode.
 *
 * call:  the hypercall with the registers the VMM set, then report.
 * load:  forever: discovery (r8 = nr, r10 = a0), report eax on PORT_LOAD_DISC;
 *        VAPIC_POLL_IRQ (r9 = nr), report eax on PORT_LOAD_POLL.
 * loop:  forever: the hypercall r8 with arguments r9, r10, r11, r12; store
 *        rax at (rdi) and report on PORT_LOOP (64-bit code only).
 * halt:  (no hypercall, one copy) report on PORT_HALTING, cli; hlt, report
 *        on PORT_WOKE, again: only a PV unhalt (KICK_CPU) ends the hlt.
 */
asm(".pushsection .rodata\n"
    ".macro guest_blocks insn, v\n"
    "	.balign 16\n"
    "	.globl g_call_\\v\n"
    "g_call_\\v:\n"
    "	\\insn\n"
    "	out %eax, $0x10\n"		/* PORT_DONE */
    "	hlt\n"
    "	.balign 16\n"
    "	.globl g_load_\\v\n"
    "g_load_\\v:\n"
    "1:	mov %r8, %rax\n"
    "	mov %r10, %rbx\n"
    "	\\insn\n"
    "	out %eax, $0x20\n"		/* PORT_LOAD_DISC */
    "	mov %r9, %rax\n"
    "	\\insn\n"
    "	out %eax, $0x21\n"		/* PORT_LOAD_POLL */
    "	jmp 1b\n"
    "	.balign 16\n"
    "	.globl g_loop_\\v\n"
    "g_loop_\\v:\n"
    "1:	mov %r8, %rax\n"
    "	mov %r9, %rbx\n"
    "	mov %r10, %rcx\n"
    "	mov %r11, %rdx\n"
    "	mov %r12, %rsi\n"
    "	\\insn\n"
    "	mov %rax, (%rdi)\n"
    "	out %eax, $0x22\n"		/* PORT_LOOP */
    "	jmp 1b\n"
    ".endm\n"
    "	.balign 16\n"
    "	.globl guest_code\n"
    "guest_code:\n"
    "	guest_blocks vmmcall, amd\n"
    "	guest_blocks vmcall, intel\n"
    "	.balign 16\n"
    "	.globl g_halt\n"
    "g_halt:\n"
    "1:	out %eax, $0x30\n"		/* PORT_HALTING */
    "	cli\n"
    "	hlt\n"
    "	out %eax, $0x31\n"		/* PORT_WOKE */
    "	jmp 1b\n"
    /* #UD: report, with the exception's frame on the stack */
    "	.balign 16\n"
    "	.globl g_ud\n"
    "g_ud:\n"
    "	out %eax, $0x11\n"		/* PORT_UD */
    "	hlt\n"
    "	.globl guest_code_end\n"
    "guest_code_end:\n"
    ".popsection\n");

int kvm_fd = -1;
int amd;
struct kvm_cpuid2 *supported_cpuid;

/* ---- output ---- */

/* Value of a hypercall result in words, for SAY lines. */
const char *describe(uint64_t v)
{
	static char buf[4][80];
	static int i;
	char *b = buf[i++ % 4];

	switch (v) {
	case ENOSYS64:
		return "-1000 (KVM_ENOSYS)";
	case ENOSYS32:
		return "0xfffffc18 (-1000, KVM_ENOSYS, in 32 bits)";
	case EPERM64:
		return "-1 (KVM_EPERM)";
	case EINVAL64:
		return "-22 (KVM_EINVAL)";
	case EINVAL32:
		return "0xffffffea (-22, KVM_EINVAL, in 32 bits)";
	case KVM_HC_ABI_VERSION:
		snprintf(b, 80, "%u.%u", (unsigned)(v >> 16), (unsigned)(v & 0xffff));
		return b;
	}
	snprintf(b, 80, "0x%llx", (unsigned long long)v);
	return b;
}

void set_seg(struct kvm_segment *s, uint16_t sel, int code, int l, int db)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = code ? 11 : 3;	/* execute/read or read/write, accessed */
	s->present = 1;
	s->dpl = sel & 3;
	s->s = 1;
	s->l = l;
	s->db = db;
	s->g = 1;
}

static void build_tables(uint8_t *mem)
{
	uint64_t *pml4 = (void *)(mem + PML4_GPA);
	uint64_t *pdpt = (void *)(mem + PDPT_GPA);
	uint64_t *pd = (void *)(mem + PD_GPA);
	uint64_t *gdt = (void *)(mem + GDT_GPA);
	uint64_t *idt = (void *)(mem + IDT_GPA);
	const uint64_t ud = GUEST_GPA(g_ud);

	/* present, writable, user; 2 MiB pages */
	pml4[0] = PDPT_GPA | 7;
	pdpt[0] = PD_GPA | 7;
	pd[0] = 0x000000 | 0x87;
	pd[1] = 0x200000 | 0x87;

	gdt[0] = 0;
	gdt[SEL_CODE64 >> 3] = 0x00af9b000000ffffULL;
	gdt[SEL_DATA >> 3] = 0x00cf93000000ffffULL;
	gdt[SEL_CODE32 >> 3] = 0x00cf9b000000ffffULL;
	gdt[SEL_UCODE64 >> 3] = 0x00affb000000ffffULL;
	gdt[SEL_UDATA >> 3] = 0x00cff3000000ffffULL;
	/* 64-bit busy TSS, 16-byte descriptor */
	gdt[SEL_TSS >> 3] = 0x00008b0000000067ULL | ((uint64_t)TSS_GPA << 16);
	gdt[(SEL_TSS >> 3) + 1] = 0;

	/*
	 * A 64-bit interrupt gate for #UD (vector 6) and no other: any other
	 * exception still ends in a triple fault (KVM_EXIT_SHUTDOWN).
	 */
	idt[2 * 6] = (ud & 0xffff) | ((uint64_t)SEL_CODE64 << 16) | (0x8eULL << 40) |
		     ((ud >> 16 & 0xffff) << 48);
	idt[2 * 6 + 1] = ud >> 32;
}

struct kvm_cpuid2 *cpuid_for(int flags)
{
	size_t sz = sizeof(struct kvm_cpuid2) +
		    (supported_cpuid->nent + 2) * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *c = calloc(1, sz);
	unsigned int i, n = 0;

	for (i = 0; i < supported_cpuid->nent; i++) {
		struct kvm_cpuid_entry2 e = supported_cpuid->entries[i];

		/* A Hyper-V VM carries Hyper-V's leaves instead of KVM's. */
		if ((flags & VM_HYPERV) && (e.function & 0xffffff00) == 0x40000000)
			continue;
		if (e.function == KVM_CPUID_FEATURES) {
			if (flags & VM_PV_UNHALT)
				e.eax |= 1u << KVM_FEATURE_PV_UNHALT;
			else
				e.eax &= ~(1u << KVM_FEATURE_PV_UNHALT);
		}
		c->entries[n++] = e;
	}
	if (flags & VM_HYPERV) {
		struct kvm_cpuid_entry2 vendor = {
			.function = HYPERV_CPUID_VENDOR,
			.eax = HYPERV_CPUID_INTERFACE,
		};
		struct kvm_cpuid_entry2 iface = {
			.function = HYPERV_CPUID_INTERFACE,
			.eax = HYPERV_CPUID_SIGNATURE_EAX,
		};

		memcpy(&vendor.ebx, "Microsoft Hv", 12);
		c->entries[n++] = vendor;
		c->entries[n++] = iface;
	}
	c->nent = n;
	return c;
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
 * Create a VM with one vCPU in 64-bit CPL0 mode.  Returns 0, or -1 after
 * printing a FAIL line naming the step that failed (tag says which VM).
 */
/* KVM_SET_MSRS of one MSR on @vcpu_fd: 0, or -1 with errno set. */
int set_msr(int vcpu_fd, uint32_t index, uint64_t data)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[1];
	} msrs = {
		.hdr.nmsrs = 1,
		.e[0] = { .index = index, .data = data },
	};

	errno = 0;
	return xioctl(vcpu_fd, KVM_SET_MSRS, &msrs) == 1 ? 0 : -1;
}

int vm_create(struct vm *vm, int flags, const char *tag)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_cpuid2 *cpuid;
	const char *step;
	char name[96];
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->vcpu = -1;

	step = "KVM_CREATE_VM";
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto fail;
	step = "KVM_SET_TSS_ADDR";
	if (!amd && xioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		goto fail;
	step = "KVM_CREATE_IRQCHIP";
	if (xioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
		goto fail;

	step = "mmap guest memory";
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto fail;
	build_tables(vm->mem);
	memcpy(vm->mem + CODE_GPA, guest_code, guest_code_end - guest_code);
	region.memory_size = MEM_SIZE;
	region.userspace_addr = (uintptr_t)vm->mem;
	step = "KVM_SET_USER_MEMORY_REGION";
	if (xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		goto fail;

	if (flags & VM_EXIT_HC) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_EXIT_HYPERCALL,
			.args = { 1ULL << KVM_HC_MAP_GPA_RANGE },
		};

		step = "KVM_ENABLE_CAP(KVM_CAP_EXIT_HYPERCALL)";
		if (xioctl(vm->fd, KVM_ENABLE_CAP, &cap) < 0)
			goto fail;
	}
	if (flags & VM_NO_BCAST_QUIRK) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_X2APIC_API,
			.args = { KVM_X2APIC_API_DISABLE_BROADCAST_QUIRK },
		};

		step = "KVM_ENABLE_CAP(KVM_CAP_X2APIC_API)";
		if (xioctl(vm->fd, KVM_ENABLE_CAP, &cap) < 0)
			goto fail;
	}
	if (flags & VM_XEN) {
		/*
		 * The MSR is what turns on KVM's Xen static key; without it
		 * the interception flag alone is never looked at.
		 */
		struct kvm_xen_hvm_config xen = {
			.flags = KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL,
			.msr = XEN_HYPERCALL_MSR,
		};

		step = "KVM_XEN_HVM_CONFIG";
		if (xioctl(vm->fd, KVM_XEN_HVM_CONFIG, &xen) < 0)
			goto fail;
	}

	step = "KVM_CREATE_VCPU";
	vm->vcpu = xioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		goto fail;
	step = "KVM_GET_VCPU_MMAP_SIZE";
	vm->run_size = xioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		goto fail;
	step = "mmap kvm_run";
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		goto fail;

	if (flags & VM_ENFORCE_PV) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID,
			.args = { 1 },
		};

		step = "KVM_ENABLE_CAP(KVM_CAP_ENFORCE_PV_FEATURE_CPUID)";
		if (xioctl(vm->vcpu, KVM_ENABLE_CAP, &cap) < 0)
			goto fail;
	}

	cpuid = cpuid_for(flags);
	step = "KVM_SET_CPUID2";
	r = xioctl(vm->vcpu, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	if (r < 0)
		goto fail;

	if (flags & VM_HYPERV) {
		step = "KVM_SET_MSRS(HV_X64_MSR_GUEST_OS_ID)";
		if (set_msr(vm->vcpu, HV_X64_MSR_GUEST_OS_ID, 0x8100000000000000ULL) < 0)
			goto fail;
	}

	step = "KVM_GET_SREGS";
	if (xioctl(vm->vcpu, KVM_GET_SREGS, &vm->sregs) < 0)
		goto fail;
	set_seg(&vm->sregs.cs, SEL_CODE64, 1, 1, 0);
	set_seg(&vm->sregs.ds, SEL_DATA, 0, 0, 1);
	vm->sregs.es = vm->sregs.fs = vm->sregs.gs = vm->sregs.ss = vm->sregs.ds;
	vm->sregs.gdt.base = GDT_GPA;
	vm->sregs.gdt.limit = SEL_TSS + 16 - 1;
	vm->sregs.idt.base = IDT_GPA;
	vm->sregs.idt.limit = IDT_VECTORS * 16 - 1;
	memset(&vm->sregs.tr, 0, sizeof(vm->sregs.tr));
	vm->sregs.tr.base = TSS_GPA;
	vm->sregs.tr.selector = SEL_TSS;
	vm->sregs.tr.limit = 0x67;
	vm->sregs.tr.type = 11;
	vm->sregs.tr.present = 1;
	memset(&vm->sregs.ldt, 0, sizeof(vm->sregs.ldt));
	vm->sregs.ldt.type = 2;
	vm->sregs.ldt.unusable = 1;
	vm->sregs.cr3 = PML4_GPA;
	vm->sregs.cr4 = 1 << 5;			/* PAE */
	vm->sregs.cr0 = 0x80050033;		/* PG WP NE ET MP PE */
	vm->sregs.efer = 0x500;			/* LMA LME */
	step = "KVM_SET_SREGS";
	if (xioctl(vm->vcpu, KVM_SET_SREGS, &vm->sregs) < 0)
		goto fail;
	return 0;

fail:
	snprintf(name, sizeof(name), "%s.vm-setup", tag);
	report(0, name, "step=%s errno=%d (%s)", step, errno, strerror(errno));
	vm_destroy(vm);
	return -1;
}

int set_mode(struct vm *vm, enum mode mode)
{
	struct kvm_sregs s = vm->sregs;

	switch (mode) {
	case MODE_64:
		break;
	case MODE_32:
		set_seg(&s.cs, SEL_CODE32, 1, 0, 1);
		break;
	case MODE_USER64:
		set_seg(&s.cs, SEL_UCODE64, 1, 1, 0);
		set_seg(&s.ds, SEL_UDATA, 0, 0, 1);
		s.es = s.fs = s.gs = s.ss = s.ds;
		break;
	}
	return xioctl(vm->vcpu, KVM_SET_SREGS, &s);
}

const char *exit_name(unsigned int r)
{
	switch (r) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_HYPERCALL: return "HYPERCALL";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_XEN: return "XEN";
	case KVM_EXIT_HYPERV: return "HYPERV";
	}
	return "other";
}

void print_unexpected_exit(struct vm *vm, const char *tag)
{
	struct kvm_run *run = vm->run;
	struct kvm_regs regs = { 0 };

	xioctl(vm->vcpu, KVM_GET_REGS, &regs);
	printf("INFO %s: unexpected exit %u (%s) rip=0x%llx rax=0x%llx", tag,
	       run->exit_reason, exit_name(run->exit_reason),
	       (unsigned long long)regs.rip, (unsigned long long)regs.rax);
	if (run->exit_reason == KVM_EXIT_IO)
		printf(" port=0x%x", run->io.port);
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		printf(" hw_reason=0x%llx",
		       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		printf(" suberror=%u", run->internal.suberror);
	putchar('\n');
}

/*
 * Run until the guest reports on PORT_DONE.  KVM_EXIT_HYPERCALL and
 * KVM_EXIT_XEN are recorded and answered with vm->hypercall_ret / xen_ret.
 * Returns 0, or -1 after an INFO line saying why.
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
			printf("INFO %s: KVM_RUN errno=%d (%s)\n", tag, errno,
			       strerror(errno));
			return -1;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.port == PORT_DONE &&
			    run->io.direction == KVM_EXIT_IO_OUT)
				return 0;
			break;
		case KVM_EXIT_HYPERCALL:
			vm->n_hypercall_exits++;
			memcpy(&vm->last_exit, run, sizeof(*run));
			run->hypercall.ret = vm->hypercall_ret;
			continue;
		case KVM_EXIT_XEN:
			vm->n_xen_exits++;
			memcpy(&vm->last_exit, run, sizeof(*run));
			run->xen.u.hcall.result = vm->xen_ret;
			continue;
		case KVM_EXIT_INTR:
			continue;
		}
		print_unexpected_exit(vm, tag);
		return -1;
	}
	printf("INFO %s: guest did not report within %.0f s (%d exits)\n",
	       tag, CALL_TIMEOUT_S, n);
	vm->stuck = 1;
	return -1;
}

/*
 * Issue one hypercall.  On success fills *out with the registers after it
 * and returns 0; on failure prints an INFO line and returns -1.
 */
/* The registers guest_call() starts a call with. */
void call_regs(const struct call *c, struct kvm_regs *regs)
{
	int vmcall = amd ? c->other_insn : !c->other_insn;

	*regs = (struct kvm_regs){
		.rax = c->rax, .rbx = c->rbx, .rcx = c->rcx, .rdx = c->rdx,
		.rsi = c->rsi,
		/* recognisable values in registers the ABI must preserve */
		.rdi = 0x1111111111111111ULL, .r8 = 0x8888888888888888ULL,
		.r9 = 0x9999999999999999ULL, .r10 = 0xaaaaaaaaaaaaaaaaULL,
		.r11 = 0xbbbbbbbbbbbbbbbbULL, .r12 = 0xccccccccccccccccULL,
		.r13 = 0xddddddddddddddddULL, .r14 = 0xeeeeeeeeeeeeeeeeULL,
		.r15 = 0xf0f0f0f0f0f0f0f0ULL, .rbp = 0x5050505050505050ULL,
		.rsp = STACK_TOP,
		.rip = vmcall ? GUEST_GPA(g_call_intel) : GUEST_GPA(g_call_amd),
		/* IOPL 3 so that CPL3 code may report with "out" */
		.rflags = c->mode == MODE_USER64 ? 0x3002 : 0x2,
	};
}

int guest_call(struct vm *vm, const struct call *c, struct kvm_regs *out,
		      const char *tag)
{
	struct kvm_regs regs;

	call_regs(c, &regs);
	if (vm->stuck) {
		printf("INFO %s: not run, an earlier call in this VM got stuck\n", tag);
		return -1;
	}
	vm->n_hypercall_exits = vm->n_xen_exits = 0;
	memset(&vm->last_exit, 0, sizeof(vm->last_exit));
	if (set_mode(vm, c->mode) < 0 || xioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0) {
		printf("INFO %s: setting registers failed, errno=%d\n", tag, errno);
		return -1;
	}
	if (run_to_done(vm, tag) < 0)
		return -1;
	if (xioctl(vm->vcpu, KVM_GET_REGS, out) < 0) {
		printf("INFO %s: KVM_GET_REGS errno=%d\n", tag, errno);
		return -1;
	}
	return 0;
}

/* A hypercall whose only interesting output is rax. */
int call_rax(struct vm *vm, const struct call *c, uint64_t *rax, const char *tag)
{
	struct kvm_regs regs;

	if (guest_call(vm, c, &regs, tag) < 0)
		return -1;
	*rax = regs.rax;
	return 0;
}

/* ---- matrix: stock KVM behaviour ---- */

/* Record a value and check it against stock KVM's. */
static void stock(const char *key, int ok_run, uint64_t got, uint64_t want)
{
	if (!ok_run) {
		report(0, key, "got=none want=0x%016llx (guest did not complete the call)",
		       (unsigned long long)want);
		return;
	}
	val(key, got);
	check(key, got, want);
}

static void stock_call(struct vm *vm, const char *key, const struct call *c, uint64_t want)
{
	uint64_t rax = 0;
	int ok = call_rax(vm, c, &rax, key) == 0;

	stock(key, ok, rax, want);
}

static void matrix_default_vm(void)
{
	const uint64_t other_off = CODE_GPA + (uint64_t)((amd ? g_call_intel : g_call_amd) - guest_code);
	uint8_t before[3], after[3];
	struct vm vm;
	uint64_t rax, bytes = 0;
	int ok;

	if (vm_create(&vm, 0, "matrix.default") < 0)
		return;

	stock_call(&vm, "hc.unknown_0xdead",
		   &(struct call){ .rax = 0xdead, .rbx = 1, .rcx = 2, .rdx = 3, .rsi = 4 },
		   ENOSYS64);
	stock_call(&vm, "hc.vapic_poll_irq",
		   &(struct call){ .rax = KVM_HC_VAPIC_POLL_IRQ }, 0);
	/* a0 = flags, a1 = APIC ID of the vCPU to wake (ourselves) */
	stock_call(&vm, "hc.kick_cpu",
		   &(struct call){ .rax = KVM_HC_KICK_CPU, .rbx = 0, .rcx = 0 }, 0);
	stock_call(&vm, "hc.map_gpa_range.no_exit_cap",
		   &(struct call){ .rax = KVM_HC_MAP_GPA_RANGE, .rbx = DATA_GPA, .rcx = 1 },
		   ENOSYS64);

	/*
	 * The other vendor's instruction traps (#UD); KVM emulates it and, by
	 * default (KVM_X86_QUIRK_FIX_HYPERCALL_INSN), rewrites it in guest
	 * memory to the native one.
	 */
	memcpy(before, vm.mem + other_off, 3);
	ok = call_rax(&vm, &(struct call){ .rax = KVM_HC_VAPIC_POLL_IRQ, .other_insn = 1 },
		      &rax, "wrong_vendor.vapic_poll_irq") == 0;
	memcpy(after, vm.mem + other_off, 3);
	memcpy(&bytes, after, 3);
	stock("wrong_vendor.vapic_poll_irq", ok, rax, 0);
	if (ok) {
		val("wrong_vendor.patched", memcmp(before, after, 3) != 0);
		val("wrong_vendor.bytes_after", bytes);
		printf("INFO wrong_vendor: %s bytes %02x %02x %02x -> %02x %02x %02x (%s)\n",
		       amd ? "vmcall" : "vmmcall", before[0], before[1], before[2],
		       after[0], after[1], after[2],
		       memcmp(before, after, 3) ? "patched by KVM" : "unchanged");
	}
	memcpy(vm.mem + other_off, before, 3);

	/* CPL3: stock KVM refuses every hypercall with -KVM_EPERM. */
	stock_call(&vm, "cpl3.vapic_poll_irq",
		   &(struct call){ .mode = MODE_USER64, .rax = KVM_HC_VAPIC_POLL_IRQ }, EPERM64);
	stock_call(&vm, "cpl3.unknown_0xdead",
		   &(struct call){ .mode = MODE_USER64, .rax = 0xdead }, EPERM64);
	stock_call(&vm, "cpl3.kvm_hc_discover",
		   &(struct call){ .mode = MODE_USER64, .rax = KVM_HC_DISCOVER_NR,
				   .rbx = KVM_HC_DISCOVER_VERSION }, EPERM64);

	/*
	 * 32-bit code: KVM reads only the low 32 bits of rax (the upper half
	 * holds garbage here) and truncates the result to 32 bits.  The second
	 * call would return -KVM_ENOSYS if the garbage were not ignored.
	 */
	stock_call(&vm, "compat.unknown_0xdead",
		   &(struct call){ .mode = MODE_32, .rax = 0x123456780000deadULL }, ENOSYS32);
	stock_call(&vm, "compat.vapic_poll_irq",
		   &(struct call){ .mode = MODE_32,
				   .rax = 0x9abcdef000000000ULL | KVM_HC_VAPIC_POLL_IRQ }, 0);
	vm_destroy(&vm);
}

static void matrix_pv_enforced(void)
{
	struct vm vm;

	/* KICK_CPU is gated on PV_UNHALT in the PV CPUID once enforcement is on. */
	if (vm_create(&vm, VM_ENFORCE_PV, "matrix.enforce_pv") == 0) {
		stock_call(&vm, "hc.kick_cpu.enforce_pv_no_unhalt",
			   &(struct call){ .rax = KVM_HC_KICK_CPU }, ENOSYS64);
		stock_call(&vm, "hc.vapic_poll_irq.enforce_pv",
			   &(struct call){ .rax = KVM_HC_VAPIC_POLL_IRQ }, 0);
		vm_destroy(&vm);
	}
	if (vm_create(&vm, VM_ENFORCE_PV | VM_PV_UNHALT, "matrix.enforce_pv_unhalt") == 0) {
		stock_call(&vm, "hc.kick_cpu.enforce_pv_unhalt",
			   &(struct call){ .rax = KVM_HC_KICK_CPU }, 0);
		vm_destroy(&vm);
	}
}

static void matrix_exit_hypercall(void)
{
	int mask = xioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_EXIT_HYPERCALL);
	const char *key;
	struct vm vm;
	uint64_t rax = 0;
	int ok;

	printf("INFO KVM_CAP_EXIT_HYPERCALL mask=0x%x\n", mask);
	if (mask <= 0 || !(mask & (1 << KVM_HC_MAP_GPA_RANGE))) {
		report(0, "hc.map_gpa_range.exit", "got=mask:0x%x want=bit%d",
		       mask, KVM_HC_MAP_GPA_RANGE);
		return;
	}
	if (vm_create(&vm, VM_EXIT_HC, "matrix.exit_hypercall") < 0)
		return;

	/* MAP_GPA_RANGE goes to userspace; the VMM's answer lands in rax. */
	vm.hypercall_ret = 0x1234;
	key = "hc.map_gpa_range.exit.rax";
	ok = call_rax(&vm, &(struct call){ .rax = KVM_HC_MAP_GPA_RANGE, .rbx = DATA_GPA,
					   .rcx = 2, .rdx = 0x10 }, &rax, key) == 0;
	if (ok) {
		const struct kvm_run *e = &vm.last_exit;
		uint64_t flags;

		/* "longmode" (u32) grew into the u64 "flags" in newer headers */
		memcpy(&flags, &e->hypercall.longmode, sizeof(flags));
		stock("hc.map_gpa_range.exit.count", 1, vm.n_hypercall_exits, 1);
		stock("hc.map_gpa_range.exit.nr", 1, e->hypercall.nr, KVM_HC_MAP_GPA_RANGE);
		stock("hc.map_gpa_range.exit.args0", 1, e->hypercall.args[0], DATA_GPA);
		stock("hc.map_gpa_range.exit.args1", 1, e->hypercall.args[1], 2);
		stock("hc.map_gpa_range.exit.args2", 1, e->hypercall.args[2], 0x10);
		val("hc.map_gpa_range.exit.flags", flags);
	}
	stock(key, ok, rax, 0x1234);

	/* An unaligned gpa is rejected in the kernel, without an exit. */
	key = "hc.map_gpa_range.unaligned.rax";
	ok = call_rax(&vm, &(struct call){ .rax = KVM_HC_MAP_GPA_RANGE, .rbx = DATA_GPA + 1,
					   .rcx = 1 }, &rax, key) == 0;
	stock(key, ok, rax, EINVAL64);
	if (ok)
		stock("hc.map_gpa_range.unaligned.exits", 1, vm.n_hypercall_exits, 0);
	vm_destroy(&vm);
}

/*
 * A Xen HVM that intercepts hypercalls sends every vmcall/vmmcall to
 * userspace as KVM_EXIT_XEN before KVM looks at its own numbers, so the
 * kvm_hc number must reach the VMM too.
 */
static void matrix_xen(void)
{
	int caps = xioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM);
	const char *key = "xen.exit_reason";
	struct kvm_regs regs;
	struct vm vm;

	printf("INFO KVM_CAP_XEN_HVM=0x%x\n", caps < 0 ? 0 : caps);
	if (caps <= 0 || !(caps & KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)) {
		printf("INFO xen: not supported by this kernel\n");
		val("xen.supported", 0);
		return;
	}
	val("xen.supported", 1);
	if (vm_create(&vm, VM_XEN, "matrix.xen") < 0)
		return;
	vm.xen_ret = 0x5a5a;
	if (guest_call(&vm, &(struct call){ .rax = KVM_HC_DISCOVER_NR,
					    .rbx = KVM_HC_DISCOVER_VERSION }, &regs, key) < 0) {
		report(0, key, "got=none want=0x%016llx (guest did not complete the call)",
		       (unsigned long long)KVM_EXIT_XEN);
	} else {
		const struct kvm_run *e = &vm.last_exit;

		stock("xen.exit_count", 1, vm.n_xen_exits, 1);
		stock(key, 1, e->exit_reason, KVM_EXIT_XEN);
		stock("xen.type", 1, e->xen.type, KVM_EXIT_XEN_HCALL);
		stock("xen.input", 1, e->xen.u.hcall.input, KVM_HC_DISCOVER_NR);
		stock("xen.longmode", 1, e->xen.u.hcall.longmode, 1);
		stock("xen.cpl", 1, e->xen.u.hcall.cpl, 0);
		stock("xen.rax", 1, regs.rax, 0x5a5a);
	}
	vm_destroy(&vm);
}

/*
 * A Hyper-V enlightened VM ("Hv#1" and a guest OS id set) gets the Hyper-V
 * hypercall ABI: the call code is in rcx, the status comes back in rax.
 */
static void matrix_hyperv(void)
{
	int cap = xioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_HYPERV);
	const char *key = "hyperv.rax";
	uint64_t rax = 0;
	struct vm vm;
	int ok;

	printf("INFO KVM_CAP_HYPERV=%d\n", cap);
	if (cap <= 0) {
		printf("INFO hyperv: not supported by this kernel\n");
		val("hyperv.supported", 0);
		return;
	}
	val("hyperv.supported", 1);
	if (vm_create(&vm, VM_HYPERV, "matrix.hyperv") < 0)
		return;
	ok = call_rax(&vm, &(struct call){ .rax = KVM_HC_DISCOVER_NR, .rcx = 0 },
		      &rax, key) == 0;
	stock(key, ok, rax, HV_STATUS_INVALID_HYPERCALL_CODE);
	vm_destroy(&vm);
}

int cmd_matrix(int open)
{
	watchdog_start("matrix", 60);
	matrix_default_vm();
	matrix_pv_enforced();
	matrix_exit_hypercall();
	matrix_xen();
	matrix_hyperv();
	if (nfail)
		say("%d of %d stock hypercall results differed from the documented ones",
		    nfail, npass + nfail);
	else
		say("stock KVM gave the documented answer in all %d checks: unknown hypercall -1000 (KVM_ENOSYS), VAPIC_POLL_IRQ 0, MAP_GPA_RANGE handed to the VMM, guest user space refused with -1 (KVM_EPERM), 32-bit callers get 32-bit results",
		    npass);
	return nfail ? 1 : 0;
}

/* ---- discover (scenario_discover.c) ---- */

/* Registers a hypercall must preserve: everything but rax, rip, rflags. */
int regs_preserved(const struct kvm_regs *a, const struct kvm_regs *b)
{
	return a->rbx == b->rbx && a->rcx == b->rcx && a->rdx == b->rdx &&
	       a->rsi == b->rsi && a->rdi == b->rdi && a->rsp == b->rsp &&
	       a->rbp == b->rbp && a->r8 == b->r8 && a->r9 == b->r9 &&
	       a->r10 == b->r10 && a->r11 == b->r11 && a->r12 == b->r12 &&
	       a->r13 == b->r13 && a->r14 == b->r14 && a->r15 == b->r15;
}

/* One discovery call (rax, rbx = a0), a pattern in rcx, rdx, rsi. */
static struct answer disc_call(struct vm *vm, enum mode mode, uint64_t rax, uint64_t rbx,
			       const char *name)
{
	struct call c = { .mode = mode, .rax = rax, .rbx = rbx, .rcx = 0x2222222222222222ULL,
			  .rdx = 0x3333333333333333ULL, .rsi = 0x4444444444444444ULL };
	struct kvm_regs before, after;
	char key[128];
	int same;

	if (guest_call(vm, &c, &after, name) < 0)
		return (struct answer){ ~0ULL, -1 };
	call_regs(&c, &before);
	same = regs_preserved(&before, &after);
	snprintf(key, sizeof(key), "%s.registers", name);
	report(same, key, "got=%s want=all-but-rax", same ? "all-but-rax" : "changed");
	return (struct answer){ after.rax, vm->n_hypercall_exits };
}

/* From 64-bit kernel code (CPL0). */
struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open, const char *name)
{
	return disc_call(vm, MODE_64, KVM_HC_DISCOVER_NR, sel, name);
}

/*
 * In 64-bit mode all of rbx counts; in 32-bit mode only the low halves of
 * rax and rbx count and the answer is 32 bits; CPL3 is refused as stock
 * KVM refuses it.
 */
void arch_discover_more(struct vm *vm, int open)
{
	const uint64_t nr = KVM_HC_DISCOVER_NR, hi = 0xdeadbeef00000000ULL;
	const uint64_t garbage = 0xcafe000000000000ULL;
	const struct {
		const char *name;
		enum mode mode;
		uint64_t rax, rbx, want_open, want_closed;
	} cases[] = {
		{ "discover.cpl0.a0_upper_garbage", MODE_64, nr, garbage | KVM_HC_DISCOVER_VERSION,
		  EINVAL64, ENOSYS64 },
		{ "discover.compat.version", MODE_32, hi | nr, garbage | KVM_HC_DISCOVER_VERSION,
		  KVM_HC_ABI_VERSION, ENOSYS32 },
		{ "discover.compat.a0_9", MODE_32, hi | nr,
		  KVM_HC_DISCOVER_BITMAP(KVM_HC_DISCOVER_BITMAP_WORDS), EINVAL32, ENOSYS32 },
		{ "discover.cpl3.version", MODE_USER64, nr, KVM_HC_DISCOVER_VERSION, EPERM64,
		  EPERM64 },
	};
	struct answer got[sizeof(cases) / sizeof(cases[0])];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t want = open ? cases[i].want_open : cases[i].want_closed;

		got[i] = disc_call(vm, cases[i].mode, cases[i].rax, cases[i].rbx, cases[i].name);
		if (got[i].exits < 0)
			report(0, cases[i].name, "got=none want=0x%016llx (guest did not complete the call)",
			       (unsigned long long)want);
		else
			check(cases[i].name, got[i].val, want);
	}
	if (open && got[1].exits >= 0 && got[2].exits >= 0)
		say("32-bit guest code asked too: version %s; out-of-range selector: %s",
		    describe(got[1].val), describe(got[2].val));
	else if (got[1].exits >= 0)
		say("the same VM in 32-bit code got stock KVM's answer: %s", describe(got[1].val));
	if (open && got[3].exits >= 0)
		say("guest user space (CPL3) asked and was refused, as stock KVM refuses it: %s",
		    describe(got[3].val));
}

/* ---- main ---- */

int kvm_open(void)
{
	unsigned int a, b, c, d;
	char vendor[13] = { 0 };
	struct utsname u;
	int nent = 512;

	__cpuid(0, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	amd = !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		report(0, "setup", "open /dev/kvm errno=%d (%s)", errno, strerror(errno));
		return -1;
	}
	supported_cpuid = calloc(1, sizeof(*supported_cpuid) +
				    nent * sizeof(struct kvm_cpuid_entry2));
	supported_cpuid->nent = nent;
	if (xioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, supported_cpuid) < 0) {
		report(0, "setup", "KVM_GET_SUPPORTED_CPUID errno=%d (%s)", errno, strerror(errno));
		return -1;
	}
	uname(&u);
	printf("INFO kernel %s, cpu vendor %s, hypercall instruction %s\n",
	       u.release, vendor, amd ? "vmmcall" : "vmcall");
	return 0;
}
