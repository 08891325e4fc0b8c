// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_test - guest-side end-to-end checks for kvm_hc on ppc64le (KVM-HV).
 *
 * A tiny static VMM in the style of the KVM selftests: the guest code (a few
 * instructions, below) and the checks on what the host saw sit side by side.
 * Each VM is a PAPR guest (KVM_CAP_PPC_PAPR) with a radix MMU and 2 MiB of
 * RAM; its one vCPU runs little-endian in real mode.  A call loads the PAPR
 * registers (hcall number in r3, arguments in r4..r12), runs "sc 1", copies
 * r3..r12 to r14..r23 and ends with a second "sc 1" on a number no
 * hypervisor implements (CALL_DONE), which always reaches the VMM.  The VMM
 * answers every other hcall that reaches it (KVM_EXIT_PAPR_HCALL) with
 * VMM_RET and VMM_ARG(i) and records its number and arguments.
 *
 * Subcommands (add --explain to also get "SAY" lines in plain words):
 *
 *   matrix [--open]
 *	Stock KVM-HV behaviour of the PAPR paths kvm_hc sits next to.  Each
 *	observed value is printed as "VAL <key> 0x<16 hex>" so that runs with
 *	and without kvm_hc can be diffed, and checked against stock KVM's
 *	documented answer ("PASS|FAIL <key> got=... want=...").  With
 *	--open (kvm_hc loaded with open_discovery=1) the keys under
 *	"kvmhc.discover." are printed but not checked against stock.
 *	  kernel.*	hcalls KVM handles in the kernel: H_PROD to self and
 *			to a missing vCPU, H_REGISTER_VPA with bad flags,
 *			H_SET_DABR, H_SET_PARTITION_TABLE
 *	  user.*	hcalls that reach the VMM: H_GET_TCE without a TCE
 *			table, H_RANDOM, H_SET_MODE and H_GET_EM_PARMS (not
 *			enabled by default), unknown numbers inside and above
 *			KVM's range
 *	  kvmhc.*	numbers of kvm_hc's block and around it
 *	  enable.*	KVM_CAP_PPC_ENABLE_HCALL: H_RANDOM enabled (handled in
 *			the kernel), H_PROD disabled (reaches the VMM), both
 *			switched back, an hcall KVM does not implement refused
 *	Every entry also records r12 and whether r13 and r24..r31 kept their
 *	values (<key>.preserved).
 *
 *   discover --expect open|closed
 *	../scenario_discover.c: "open" (open_discovery=1): answered in the
 *	kernel, H_SUCCESS and the value in r4, r5..r11 cleared, a bad selector
 *	H_PARAMETER.  "closed": exactly stock, the VMM sees the hcall with its
 *	arguments.  PAPR has one form of the call: no cases of its own.
 *
 *   load --seconds S [--expect-both]
 *	Discovery in a loop while kvm_hc is inserted and removed: every answer
 *	is kvm_hc's or stock KVM's, never anything else, and every call
 *	finishes.  --expect-both also requires both kinds to be seen.
 *	(One hcall at a time from the VMM; the checks are scenario_load.c's,
 *	written once for every architecture, as is "sample".)
 *
 * The VMM interface (/dev/kvm_hc) is checked by policy, in kvm_hc_uapi.c,
 * and by the scenarios written once in ../scenario_*.c (../scenario.h;
 * vm.h declares what this folder provides them):
 *
 *   policy | policy-live | two-vms | badinput | forward-unload
 *
 * Every KVM_RUN loop is bounded: a periodic SIGALRM interrupts KVM_RUN, each
 * call has a deadline.  Exit status is 0 iff no FAIL was printed.
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
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "scenario.h"

static unsigned long long run_interrupted;	/* KVM_RUNs a SIGALRM cut short */
int kvm_fd = -1;
static int matrix_open;		/* matrix --open: open_discovery=1 */


/* ---- guest code ---- */

#define INSN_SC1		0x44000022u
#define INSN_LI(rt, imm)	(0x38000000u | (rt) << 21 | ((imm) & 0xffffu))
#define INSN_MR(ra, rs)		(0x7c000378u | (rs) << 21 | (ra) << 16 | (rs) << 11)
#define INSN_B_SELF		0x48000000u
#define INSN_B(off)		(0x48000000u | ((uint32_t)(off) & 0x03fffffcu))
#define SPR_FIELD(spr)		(((((spr) & 0x1fu) << 5) | ((spr) >> 5)) << 11)
#define INSN_MTSPR(spr, rs)	(0x7c0003a6u | (rs) << 21 | SPR_FIELD(spr))
#define INSN_MFSPR(rt, spr)	(0x7c0002a6u | (rt) << 21 | SPR_FIELD(spr))
#define SPR_SRR0		26u
#define SPR_SRR1		27u
#define SPR_SPRG(n)		(272u + (n))

/*
 *	sc 1			the hcall under test
 *	mr r14,r3 .. mr r23,r12	keep its results
 *	li r3,CALL_DONE
 *	sc 1			tell the VMM the call is over
 *	b .
 */
static void guest_code(uint32_t *mem)
{
	uint32_t *p = mem + CODE_GPA / 4;
	int i;

	*p++ = INSN_SC1;
	for (i = 0; i < 10; i++)
		*p++ = INSN_MR(14 + i, 3 + i);
	*p++ = INSN_LI(3, CALL_DONE);
	*p++ = INSN_SC1;
	*p++ = INSN_B_SELF;

	/*
	 * The loop (LOOP_GPA): hcall r20 with r21..r24 as r4..r7, then report
	 * r3 as CALL_DONE's r4, and again.
	 */
	p = mem + LOOP_GPA / 4;
	for (i = 0; i < 5; i++)
		*p++ = INSN_MR(3 + i, 20 + i);
	*p++ = INSN_SC1;
	*p++ = INSN_MR(4, 3);
	*p++ = INSN_LI(3, CALL_DONE);
	*p++ = INSN_SC1;
	*p = INSN_B((int32_t)(LOOP_GPA - (p - mem) * 4));

	/*
	 * The program interrupt (PROGRAM_GPA, real mode): keep r3, SRR0 and
	 * SRR1 in SPRG0..2 (the report's sc 1 overwrites SRR0 and SRR1),
	 * then report with EXC_REPORT.
	 */
	p = mem + PROGRAM_GPA / 4;
	*p++ = INSN_MTSPR(SPR_SPRG(0), 3);
	*p++ = INSN_MFSPR(3, SPR_SRR0);
	*p++ = INSN_MTSPR(SPR_SPRG(1), 3);
	*p++ = INSN_MFSPR(3, SPR_SRR1);
	*p++ = INSN_MTSPR(SPR_SPRG(2), 3);
	*p++ = INSN_LI(3, EXC_REPORT);
	*p++ = INSN_SC1;
	*p = INSN_B_SELF;
	__sync_synchronize();
}

/* ---- VMs ---- */

/*
 * Which KVM runs the VMs: KVM-HV (kvm_hv, under nested HV), or else KVM-PR
 * (kvm_pr: the guest in problem state, its privileged instructions
 * emulated).  Each answers a few hcalls of its own in the kernel and
 * passes the rest to the VMM; the checks ask this for the difference.
 */
int ppc_kvm_pr(void)
{
	static int pr = -1;

	if (pr < 0)
		pr = access("/sys/module/kvm_hv", F_OK) && !access("/sys/module/kvm_pr", F_OK);
	return pr;
}

int kvm_open(void)
{
	if (kvm_fd < 0)
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		report(0, "setup.open-dev-kvm", "errno=%d (%s)", errno, strerror(errno));
	return kvm_fd;
}

void vm_destroy(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0));
	if (vm->mem && vm->mem != MAP_FAILED)
		munmap(vm->mem, MEM_SIZE);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->fd >= 0)
		close(vm->fd);
	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
}

/*
 * A PAPR VM with RAM at 0 and one vCPU, in real mode: under KVM-HV with a
 * radix MMU, under KVM-PR with the hash MMU it emulates (real mode needs
 * no page table).  0 or -1 (FAIL printed).
 */
int vm_create(struct vm *vm, const char *tag)
{
	struct kvm_ppc_mmuv3_cfg mmu = {
		.flags = KVM_PPC_MMUV3_RADIX | KVM_PPC_MMUV3_GTSE,
		.process_table = 1ull << 63,	/* PATB_GR: radix */
	};
	struct kvm_userspace_memory_region slot = { .slot = 0, .memory_size = MEM_SIZE };
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	uint64_t zero = 0;
	struct kvm_one_reg hior = { .id = KVM_REG_PPC_HIOR, .addr = (uintptr_t)&zero };
	const char *step;
	long sz;

	memset(vm, 0, sizeof(*vm));
	vm->fd = vm->vcpu = -1;
	if (kvm_open() < 0)
		return -1;
	step = ppc_kvm_pr() ? "KVM_CREATE_VM(KVM_VM_PPC_PR)" : "KVM_CREATE_VM(KVM_VM_PPC_HV)";
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, ppc_kvm_pr() ? KVM_VM_PPC_PR : KVM_VM_PPC_HV);
	if (vm->fd < 0)
		goto fail;
	step = "KVM_PPC_CONFIGURE_V3_MMU(radix)";
	if (!ppc_kvm_pr() && xioctl(vm->fd, KVM_PPC_CONFIGURE_V3_MMU, &mmu) < 0)
		goto fail;
	step = "mmap(guest RAM)";
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto fail;
	guest_code(vm->mem);
	slot.userspace_addr = (uintptr_t)vm->mem;
	step = "KVM_SET_USER_MEMORY_REGION";
	if (xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		goto fail;
	step = "KVM_CREATE_VCPU";
	vm->vcpu = xioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		goto fail;
	step = "mmap(kvm_run)";
	sz = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		goto fail;
	step = "KVM_ENABLE_CAP(KVM_CAP_PPC_PAPR)";
	if (xioctl(vm->vcpu, KVM_ENABLE_CAP, &papr) < 0)
		goto fail;
	if (ppc_kvm_pr()) {
		/*
		 * KVM-PR starts a 64-bit vCPU with its interrupt vectors at
		 * 0xfff00000 (HIOR); a PAPR guest has them at 0, where QEMU
		 * puts them too.
		 */
		step = "KVM_SET_ONE_REG(KVM_REG_PPC_HIOR)";
		if (xioctl(vm->vcpu, KVM_SET_ONE_REG, &hior) < 0)
			goto fail;
		step = "KVM_PPC_GET_PVINFO";
		if (epapr_code(vm) < 0)
			goto fail;
	}
	return 0;
fail:
	report(0, tag, "setup: %s errno=%d (%s)", step, errno, strerror(errno));
	vm_destroy(vm);
	return -1;
}

/* KVM_CAP_PPC_ENABLE_HCALL on the VM: 0 or -errno. */
int enable_hcall(struct vm *vm, uint64_t nr, int on)
{
	struct kvm_enable_cap c = { .cap = KVM_CAP_PPC_ENABLE_HCALL, .args = { nr, on } };

	return xioctl(vm->fd, KVM_ENABLE_CAP, &c) < 0 ? -errno : 0;
}

static const char *exit_name(unsigned int r)
{
	static char buf[24];

	switch (r) {
	case KVM_EXIT_PAPR_HCALL: return "PAPR_HCALL";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_DEBUG: return "DEBUG";
	}
	snprintf(buf, sizeof(buf), "exit%u", r);
	return buf;
}

/*
 * KVM completes an hcall that reached the VMM on the next KVM_RUN, writing
 * papr_hcall.ret and .args to r3..r12.  Complete the CALL_DONE exit now
 * (KVM_RUN with immediate_exit returns at once with EINTR), so that it does
 * not overwrite the registers the next call sets.
 */
int hcall_complete(struct vm *vm, const char *tag)
{
	int r;

	vm->run->immediate_exit = 1;
	r = ioctl(vm->vcpu, KVM_RUN, 0);
	vm->run->immediate_exit = 0;
	if (r == 0 || errno != EINTR) {
		report(0, tag, "KVM_RUN with immediate_exit got=%d errno=%d want=-1 EINTR", r, errno);
		return -1;
	}
	return 0;
}

/*
 * The vCPU's registers for guest code at @pc: MSR_GUEST, GPR_PATTERN in
 * every GPR, a stack in r1, then r@reg onwards = @vals[0..@n).  0, or -1
 * with a FAIL line (@tag; none if @tag is NULL).
 */
int regs_setup(struct vm *vm, uint64_t pc, int reg, const uint64_t *vals, int n, const char *tag)
{
	struct kvm_regs regs;
	int i;

	if (xioctl(vm->vcpu, KVM_GET_REGS, &regs) < 0) {
		if (tag)
			report(0, tag, "KVM_GET_REGS errno=%d", errno);
		return -1;
	}
	regs.pc = pc;
	regs.msr = MSR_GUEST;
	for (i = 0; i < 32; i++)
		regs.gpr[i] = GPR_PATTERN(i);
	regs.gpr[1] = MEM_SIZE - 0x100;		/* a stack, should anything use one */
	for (i = 0; i < n; i++)
		regs.gpr[reg + i] = vals[i];
	if (xioctl(vm->vcpu, KVM_SET_REGS, &regs) < 0) {
		if (tag)
			report(0, tag, "KVM_SET_REGS errno=%d", errno);
		return -1;
	}
	return 0;
}

/* Load hcall @nr with @args (r4..r12) at the start of the guest code. */
int hcall_setup(struct vm *vm, uint64_t nr, const uint64_t *args, const char *tag)
{
	uint64_t vals[10] = { nr };
	int i;

	for (i = 0; i < 9; i++)
		vals[1 + i] = args ? args[i] : 0;
	return regs_setup(vm, CODE_GPA, 3, vals, 10, tag);
}

/*
 * Run the vCPU until an hcall reaches the VMM (KVM_EXIT_PAPR_HCALL), by
 * @deadline (now_ns()).  0, or -1 with a FAIL line (@tag).
 */
int hcall_next_exit(struct vm *vm, uint64_t deadline, const char *tag)
{
	struct kvm_regs regs;

	for (;;) {
		if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run_interrupted++;
				if (now_ns() < deadline)
					continue;
				report(0, tag, "the guest did not finish the call in %d s",
				       CALL_TIMEOUT_S);
				return -1;
			}
			report(0, tag, "KVM_RUN errno=%d (%s)", errno, strerror(errno));
			return -1;
		}
		if (vm->run->exit_reason == KVM_EXIT_PAPR_HCALL)
			return 0;
		xioctl(vm->vcpu, KVM_GET_REGS, &regs);
		report(0, tag, "unexpected exit %s pc=0x%llx msr=0x%llx",
		       exit_name(vm->run->exit_reason), (unsigned long long)regs.pc,
		       (unsigned long long)regs.msr);
		return -1;
	}
}

/* The VMM's answer to the hcall that reached it: VMM_RET, VMM_ARG(i). */
void hcall_answer(struct vm *vm)
{
	int i;

	vm->run->papr_hcall.ret = VMM_RET;
	for (i = 0; i < 9; i++)
		vm->run->papr_hcall.args[i] = VMM_ARG(i);
}

/* After CALL_DONE: the guest's r3..r12 as the call left them, into @res. */
int hcall_result(struct vm *vm, struct result *res, const char *tag)
{
	struct kvm_regs regs;
	int i;

	if (xioctl(vm->vcpu, KVM_GET_REGS, &regs) < 0) {
		report(0, tag, "KVM_GET_REGS errno=%d", errno);
		return -1;
	}
	for (i = 0; i < 10; i++)
		res->r[i] = regs.gpr[14 + i];
	res->preserved = regs.gpr[13] == GPR_PATTERN(13);
	for (i = 24; i < 32; i++)
		res->preserved &= regs.gpr[i] == GPR_PATTERN(i);
	return hcall_complete(vm, tag);
}

/*
 * hcall @nr with @args (r4..r12) in @vm.  Hcalls that reach the VMM are
 * recorded in @res and answered with VMM_RET / VMM_ARG(i).  0, or -1 with a
 * FAIL line (@tag) if the guest did not finish the call.
 */
int hcall(struct vm *vm, uint64_t nr, const uint64_t *args, struct result *res,
		 const char *tag)
{
	if (hcall_setup(vm, nr, args, tag) < 0)
		return -1;
	return hcall_run(vm, res, tag);
}

/*
 * Run the call the registers are set up for (hcall_setup(), or the ePAPR
 * and OSI setups) until CALL_DONE; the rest as hcall().
 */
int hcall_run(struct vm *vm, struct result *res, const char *tag)
{
	uint64_t deadline = now_ns() + CALL_TIMEOUT_S * NSEC_PER_SEC;
	int n;

	memset(res, 0, sizeof(*res));
	for (n = 0; n < 2 * MAX_EXITS; n++) {
		if (hcall_next_exit(vm, deadline, tag) < 0)
			return -1;
		if (vm->run->papr_hcall.nr == CALL_DONE)
			break;
		if (res->nexits < MAX_EXITS) {
			res->nr[res->nexits] = vm->run->papr_hcall.nr;
			memcpy(res->args[res->nexits], (const void *)vm->run->papr_hcall.args,
			       sizeof(res->args[0]));
		}
		res->nexits++;
		hcall_answer(vm);
	}
	if (n == 2 * MAX_EXITS) {
		report(0, tag, "the guest made more than %d exits for one call", MAX_EXITS);
		return -1;
	}
	return hcall_result(vm, res, tag);
}

/* ---- matrix ---- */

/* "VAL <key>.<what> <v>": one value of a matrix entry. */
void kval(const char *key, const char *what, uint64_t v)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.%s", key, what);
	val(name, v);
}

enum mwant { W_KERNEL, W_USER };

/*
 * One matrix entry: hcall @nr, print its values under @key and check that it
 * went where stock KVM sends it (@w: answered in the kernel, or forwarded
 * to the VMM with its number and arguments) and, for W_KERNEL, r3 == @r3.
 * @r4 says whether r4 is deterministic enough to print.
 */
static void mcall(struct vm *vm, const char *key, uint64_t nr, uint64_t a0, uint64_t a1,
		  enum mwant w, uint64_t r3, int r4)
{
	uint64_t args[9] = { a0, a1, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777 };
	struct result res;
	char name[96];
	int ok, i;

	snprintf(name, sizeof(name), "%s.call", key);
	if (hcall(vm, nr, args, &res, name) < 0) {
		snprintf(name, sizeof(name), "%s.exits", key);
		val(name, ~0ull);
		return;
	}
	snprintf(name, sizeof(name), "%s.exits", key);
	val(name, res.nexits);
	if (res.nexits) {
		snprintf(name, sizeof(name), "%s.exit.nr", key);
		val(name, res.nr[0]);
		for (i = 0; i < 9; i++) {
			snprintf(name, sizeof(name), "%s.exit.r%d", key, 4 + i);
			val(name, res.args[0][i]);
		}
	}
	kval(key, "r3", res.r[0]);
	if (r4)
		kval(key, "r4", res.r[1]);
	kval(key, "r12", res.r[9]);
	kval(key, "preserved", res.preserved);

	snprintf(name, sizeof(name), "%s.stock", key);
	if (matrix_open && !strncmp(key, "kvmhc.discover.", 15)) {
		/* kvm_hc answers these now; "discover --expect open" checks how */
	} else if (w == W_USER) {
		ok = res.nexits == 1 && res.nr[0] == nr && res.args[0][0] == a0 &&
		     res.args[0][8] == 0x7777 && res.r[0] == VMM_RET && res.r[1] == VMM_ARG(0) &&
		     res.r[9] == VMM_ARG(8);
		report(ok, name, "got=exits:%d,nr:0x%llx,r3:0x%llx,r4:0x%llx want=exits:1,nr:0x%llx,"
		       "r3:0x%llx,r4:0x%llx (forwarded to the VMM)", res.nexits,
		       (unsigned long long)(res.nexits ? res.nr[0] : 0), (unsigned long long)res.r[0],
		       (unsigned long long)res.r[1], (unsigned long long)nr,
		       (unsigned long long)VMM_RET, (unsigned long long)VMM_ARG(0));
	} else {
		ok = res.nexits == 0 && res.r[0] == r3;
		report(ok, name, "got=exits:%d,r3:0x%llx want=exits:0,r3:0x%llx (answered by KVM)",
		       res.nexits, (unsigned long long)res.r[0], (unsigned long long)r3);
	}
	snprintf(name, sizeof(name), "%s.preserved", key);
	report(res.preserved, name, "got=%d want=1 (r13, r24..r31 unchanged)", res.preserved);
}

/* kvm_hc's block and its neighbours: stock KVM forwards them all. */
static void matrix_kvmhc(struct vm *vm)
{
	mcall(vm, "kvmhc.below", KVM_HC_PPC_PAPR_NR(0) - 4, 0, 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.discover.version", KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER),
	      KVM_HC_DISCOVER_VERSION, 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.discover.bitmap0", KVM_HC_PPC_PAPR_NR(KVM_HC_SVC_DISCOVER),
	      KVM_HC_DISCOVER_BITMAP(0), 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.odd", KVM_HC_PPC_PAPR_NR(0) + 1, 0, 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.svc1", KVM_HC_PPC_PAPR_NR(1), 0, 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.last", KVM_HC_PPC_PAPR_NR(KVM_HC_PPC_SVC_COUNT - 1), 0, 0, W_USER, 0, 1);
	mcall(vm, "kvmhc.above", KVM_HC_PPC_PAPR_NR(KVM_HC_PPC_SVC_COUNT), 0, 0, W_USER, 0, 1);
}

/*
 * KVM-PR answers the hash page table's hcalls (of the default set
 * kvmppc_pr_init_default_hcalls() enables) in the kernel and passes every
 * other hcall to the VMM.  It reads the table at SDR1 as an address of
 * the VMM's (QEMU keeps it in its own memory); with none set up (SDR1 0)
 * H_REMOVE cannot read an entry: PR_H_REMOVE_ANSWER.
 */
static void matrix_pr(struct vm *vm)
{
	int r;

	say("Stock PAPR hcalls: which KVM-PR answers in the kernel and which reach the VMM.");
	mcall(vm, "kernel.h_remove.empty", H_REMOVE, 0, 0, W_KERNEL, PR_H_REMOVE_ANSWER, 1);
	mcall(vm, "kernel.h_remove.index1", H_REMOVE, 0, 1, W_KERNEL, PR_H_REMOVE_ANSWER, 1);
	mcall(vm, "user.h_prod", H_PROD, 0, 0, W_USER, 0, 1);
	mcall(vm, "user.h_register_vpa", H_REGISTER_VPA, 0, 0, W_USER, 0, 1);
	mcall(vm, "user.h_set_dabr", H_SET_DABR, 0, 0, W_USER, 0, 1);
	mcall(vm, "user.h_random", H_RANDOM, 0, 0, W_USER, 0, 1);
	mcall(vm, "user.h_set_partition_table", H_SET_PARTITION_TABLE, 0, 0, W_USER, 0, 1);
	mcall(vm, "user.unknown.0x3fc", 0x3fc, 1, 2, W_USER, 0, 1);
	mcall(vm, "user.unknown.0x6000", 0x6000, 1, 2, W_USER, 0, 1);
	mcall(vm, "user.unknown.0xf7fc", 0xf7fc, 1, 2, W_USER, 0, 1);
	matrix_kvmhc(vm);
	matrix_epapr(vm, matrix_open);

	say("KVM_CAP_PPC_ENABLE_HCALL moves hcalls between the kernel and the VMM.");
	check("enable.h_remove.off", enable_hcall(vm, H_REMOVE, 0), 0);
	mcall(vm, "enable.h_remove.disabled", H_REMOVE, 0, 0, W_USER, 0, 1);
	check("enable.h_remove.on", enable_hcall(vm, H_REMOVE, 1), 0);
	mcall(vm, "enable.h_remove.enabled", H_REMOVE, 0, 0, W_KERNEL, PR_H_REMOVE_ANSWER, 1);
	/* Only hcalls KVM-PR implements can be switched. */
	r = enable_hcall(vm, H_RANDOM, 1);
	report(r == -EINVAL, "enable.h_random.pr", "got=%d want=%d (-EINVAL)", r, -EINVAL);
	val("enable.h_random.pr.rc", (uint64_t)(int64_t)r);
}

int cmd_matrix(int open)
{
	struct vm vm;
	struct result res;
	char name[64];
	int r;

	matrix_open = open;
	if (vm_create(&vm, "matrix.setup") < 0)
		return 1;
	if (ppc_kvm_pr()) {
		matrix_pr(&vm);
		vm_destroy(&vm);
		return nfail ? 1 : 0;
	}
	say("Stock PAPR hcalls: which KVM-HV answers in the kernel and which reach the VMM.");
	mcall(&vm, "kernel.h_prod.self", H_PROD, 0, 0, W_KERNEL, H_SUCCESS, 1);
	mcall(&vm, "kernel.h_prod.novcpu", H_PROD, 99, 0, W_KERNEL, H_PARAMETER, 1);
	mcall(&vm, "kernel.h_register_vpa.badflags", H_REGISTER_VPA, 0, 0, W_KERNEL, H_PARAMETER, 1);
	/* POWER9 has no DABR; KVM emulates it only with dawr_enable_dangerous. */
	mcall(&vm, "kernel.h_set_dabr.zero", H_SET_DABR, 0, 0, W_KERNEL, H_HARDWARE, 1);
	/* The nested-HV API: not offered to a VM of a kvm-hv that is nested itself. */
	mcall(&vm, "kernel.h_set_partition_table", H_SET_PARTITION_TABLE, 0, 0, W_KERNEL,
	      H_FUNCTION, 1);
	mcall(&vm, "user.h_get_tce.notable", H_GET_TCE, 0xdead, 0, W_USER, 0, 1);
	mcall(&vm, "user.h_random.disabled", H_RANDOM, 0, 0, W_USER, 0, 1);
	mcall(&vm, "user.h_set_mode.disabled", H_SET_MODE, 0, 4, W_USER, 0, 1);
	mcall(&vm, "user.h_get_em_parms", H_GET_EM_PARMS, 0, 0, W_USER, 0, 1);
	mcall(&vm, "user.unknown.0x3fc", 0x3fc, 1, 2, W_USER, 0, 1);
	mcall(&vm, "user.unknown.0x6000", 0x6000, 1, 2, W_USER, 0, 1);
	mcall(&vm, "user.unknown.0xf7fc", 0xf7fc, 1, 2, W_USER, 0, 1);
	matrix_kvmhc(&vm);

	say("KVM_CAP_PPC_ENABLE_HCALL moves hcalls between the kernel and the VMM.");
	r = enable_hcall(&vm, H_RANDOM, 1);
	check("enable.h_random.on", r, 0);
	/* Random bits in r4, and H_HARDWARE where the host has no random source. */
	if (hcall(&vm, H_RANDOM, NULL, &res, "enable.h_random.call") == 0) {
		val("enable.h_random.exits", res.nexits);
		val("enable.h_random.r3", res.r[0]);
		report(res.nexits == 0 && (res.r[0] == H_SUCCESS || res.r[0] == H_HARDWARE),
		       "enable.h_random.stock", "got=exits:%d,r3:0x%llx want=exits:0,r3:0|0x%llx "
		       "(answered by KVM)", res.nexits, (unsigned long long)res.r[0],
		       (unsigned long long)H_HARDWARE);
	}
	check("enable.h_random.off", enable_hcall(&vm, H_RANDOM, 0), 0);
	mcall(&vm, "enable.h_random.again", H_RANDOM, 0, 0, W_USER, 0, 1);
	check("enable.h_prod.off", enable_hcall(&vm, H_PROD, 0), 0);
	mcall(&vm, "enable.h_prod.disabled", H_PROD, 0, 0, W_USER, 0, 1);
	check("enable.h_prod.on", enable_hcall(&vm, H_PROD, 1), 0);
	mcall(&vm, "enable.h_prod.enabled", H_PROD, 0, 0, W_KERNEL, H_SUCCESS, 1);
	/* Only hcalls KVM implements can be switched. */
	r = enable_hcall(&vm, 0x6000, 1);
	snprintf(name, sizeof(name), "enable.unknown");
	report(r == -EINVAL, name, "got=%d want=%d (-EINVAL)", r, -EINVAL);
	val("enable.unknown.rc", (uint64_t)(int64_t)r);
	vm_destroy(&vm);
	return nfail ? 1 : 0;
}

/* ---- discover (scenario_discover.c) ---- */

/*
 * A discovery hcall, r4 = @sel, r5..r12 a pattern.  Where kvm_hc answers
 * (@open): no exit, the status in r3, the value in r4 (0 with an error),
 * r5..r11 cleared, r12 kept; otherwise stock: one exit to the VMM with the
 * number and all nine arguments, and the VMM's r3 and r4.  val: r4 with
 * H_SUCCESS, else r3.
 */
struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open, const char *name)
{
	uint64_t args[9] = { sel, 0x5555, 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777 };
	struct result res;
	char key[128];
	int ok, i;

	if (hcall(vm, DISCOVER_NR, args, &res, name) < 0)
		return (struct answer){ ~0ULL, -1 };
	if (open) {
		ok = res.r[9] == 0x7777 && (res.r[0] == H_SUCCESS || res.r[1] == 0);
		for (i = 2; i <= 8; i++)
			ok &= res.r[i] == 0;
	} else {
		ok = res.nexits == 1 && res.nr[0] == DISCOVER_NR &&
		     !memcmp(res.args[0], args, sizeof(args)) && res.r[1] == VMM_ARG(0);
	}
	snprintf(key, sizeof(key), "%s.registers", name);
	report(ok && res.preserved, key, "got=exits:%d,r4:0x%llx,r12:0x%llx,preserved:%d want=%s",
	       res.nexits, (unsigned long long)res.r[1], (unsigned long long)res.r[9],
	       res.preserved, open ? "r5..r11:0,r12:0x7777,r13,r24..r31:kept" :
				     "the-exit-with-all-arguments,r4:the-VMM's,r13,r24..r31:kept");
	return (struct answer){ res.r[0] == H_SUCCESS ? res.r[1] : res.r[0], res.nexits };
}

/* PAPR has one form of the call: nothing more to ask. */
void arch_discover_more(struct vm *vm, int open)
{
}
