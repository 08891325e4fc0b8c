// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_epapr.c - ePAPR hypercalls and OSI calls of a KVM-PR guest.
 *
 * Part of kvm_hc_test (vm.h).  Only KVM-PR reaches them: KVM-HV guests
 * take their own "sc" interrupts.
 *
 * ePAPR/KVM hypercalls: the guest calls with the instruction sequence
 * KVM_PPC_GET_PVINFO gives, which is what QEMU puts into the device tree's
 * /hypervisor/hypercall-instructions ("lis r0,KVM_SC_MAGIC_R0@h; ori r0,r0,
 * KVM_SC_MAGIC_R0@l; sc; nop"): the token in r11, arguments in r3..r10,
 * the status back in r3 and outputs from r4.  KVM answers them in
 * kvmppc_kvm_pv() and has no exit to the VMM for them.
 *
 * OSI calls (Mac-on-Linux): "sc" with OSI_SC_MAGIC_R3 and _R4 in r3 and
 * r4.  Once the VMM enabled KVM_CAP_PPC_OSI, KVM-PR passes them to the VMM
 * as KVM_EXIT_OSI with all 32 GPRs and writes all 32 back on the next
 * KVM_RUN.  KVM decides that inside its exit handler, in no function kvm_hc
 * could hook: no policy reaches OSI (Documentation/powerpc-abi.rst).
 *
 *   matrix (its KVM-PR part, matrix_epapr())
 *	Stock answers as VAL lines, compared between kvm_hc absent, loaded,
 *	and loaded with open_discovery=1 like the rest of the matrix:
 *	  epapr.*	KVM_PPC_GET_PVINFO's sequence; KVM_HC_FEATURES (the
 *			magic page bit; open_discovery=1 adds kvm_hc's
 *			discovery bit, and its r4 is not compared then);
 *			unknown functions of KVM's vendor and another's
 *			(EV_UNIMPLEMENTED); KVM_HC_PPC_MAP_MAGIC_PAGE and
 *			FEATURES after it
 *	  kvmhc.discover.epapr  kvm_hc's discovery token (stock:
 *			EV_UNIMPLEMENTED; open_discovery=1: kvm_hc's answer)
 *	  osi.*		an OSI call with KVM_CAP_PPC_OSI: the exit, the GPRs
 *			it carries, the VMM's answer in the guest
 *
 *   epapr
 *	kvm_hc attached: discovery by ePAPR token answered in the kernel,
 *	FEATURES with kvm_hc's bit for the attached VM only, deny ranges as
 *	ePAPR statuses, a forward range over an ePAPR token refused (KVM's
 *	answer, counted as kvm, no exit), an OSI call unchanged, the counts
 *	exact; after detach, stock again.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "scenario.h"

#define INSN_SC			0x44000002u
#define INSN_LI(rt, imm)	(0x38000000u | (rt) << 21 | ((imm) & 0xffffu))
#define INSN_MR(ra, rs)		(0x7c000378u | (rs) << 21 | (ra) << 16 | (rs) << 11)
#define INSN_SC1		0x44000022u
#define INSN_B_SELF		0x48000000u

/* ePAPR (Linux's asm/epapr_hcalls.h, asm/kvm_para.h) */
#define EV_SUCCESS		0
#define EV_EINVAL		8
#define EV_UNIMPLEMENTED	12
#define EPAPR_TOKEN(v, f)	((uint32_t)(v) << 16 | (f))
#define KVM_VENDOR		42
#define KVM_SC_MAGIC_R0		0x4b564d21u
#define FEATURES_TOKEN		EPAPR_TOKEN(KVM_VENDOR, 3)
#define MAGIC_PAGE_TOKEN	EPAPR_TOKEN(KVM_VENDOR, 4)
#define FEATURE_MAGIC_PAGE	(1u << 1)	/* 1 << KVM_FEATURE_MAGIC_PAGE */
#define MAGIC_FEATS		3u	/* KVM_MAGIC_FEAT_SR | _MAS0_TO_SPRG7 */
#define MAGIC_PAGE_PA		0x10000u
#define MAGIC_PAGE_EA		0xfffff000u
#define DISCOVER_TOKEN		KVM_HC_PPC_EPAPR_TOKEN(KVM_HC_SVC_DISCOVER)

/* OSI (Linux's asm/kvm_book3s.h) */
#define OSI_SC_MAGIC_R3		0x113724fau
#define OSI_SC_MAGIC_R4		0x77810f9bu
#define OSI_RET			0x05150000ull

/* "mr r14..r23, r3..r12; li r3,CALL_DONE; sc 1; b ." at @p */
static void code_tail(uint32_t *p)
{
	int i;

	for (i = 0; i < 10; i++)
		*p++ = INSN_MR(14 + i, 3 + i);
	*p++ = INSN_LI(3, CALL_DONE);
	*p++ = INSN_SC1;
	*p = INSN_B_SELF;
}

/*
 * The ePAPR call (EPAPR_GPA: KVM's sequence, as KVM_PPC_GET_PVINFO gives
 * it, big-endian as in a device tree) and the OSI call (OSI_GPA), each
 * followed by the common tail.  0, or -1 with errno.
 */
int epapr_code(struct vm *vm)
{
	struct kvm_ppc_pvinfo pv;
	uint32_t *p = vm->mem + EPAPR_GPA / 4;
	int i;

	memset(&pv, 0, sizeof(pv));
	if (xioctl(vm->fd, KVM_PPC_GET_PVINFO, &pv) < 0)
		return -1;
	for (i = 0; i < 4; i++)
		*p++ = be32toh(pv.hcall[i]);
	code_tail(p);
	p = vm->mem + OSI_GPA / 4;
	*p++ = INSN_SC;
	code_tail(p);
	__sync_synchronize();
	return 0;
}

/*
 * ePAPR hypercall @token with @args (r3..r10; NULL: a pattern) in @vm:
 * res->r[0] is r3 (the status), r[1] r4 and so on; res->nexits counts
 * exits to the VMM on the way (none, for KVM has none for these).
 */
int epapr_call(struct vm *vm, uint32_t token, const uint64_t *args, struct result *res,
	       const char *tag)
{
	uint64_t a[9] = { 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999, 0xaaaa, token };

	if (args)
		memcpy(a, args, 8 * sizeof(a[0]));
	if (regs_setup(vm, EPAPR_GPA, 3, a, 9, tag) < 0)
		return -1;
	return hcall_run(vm, res, tag);
}

/*
 * An OSI call with r5..r12 a pattern, in @vm with KVM_CAP_PPC_OSI.  The VMM
 * answers each KVM_EXIT_OSI with the GPRs it got, r3 = OSI_RET and r4 =
 * OSI_RET + 1.  @gprs: the first exit's GPRs.  The number of OSI exits, or
 * -1 with a FAIL line.
 */
static int osi_call(struct vm *vm, struct result *res, uint64_t *gprs, const char *tag)
{
	uint64_t a[10] = { OSI_SC_MAGIC_R3, OSI_SC_MAGIC_R4, 0x5555, 0x6666, 0x7777, 0x8888,
			   0x9999, 0xaaaa, 0xbbbb, 0xcccc };
	uint64_t deadline = now_ns() + CALL_TIMEOUT_S * NSEC_PER_SEC;
	int osi = 0, n;

	if (regs_setup(vm, OSI_GPA, 3, a, 10, tag) < 0)
		return -1;
	for (n = 0; n < 2 * MAX_EXITS; n++) {
		if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
			if ((errno == EINTR || errno == EAGAIN) && now_ns() < deadline) {
				n--;
				continue;
			}
			report(0, tag, "KVM_RUN errno=%d (%s)", errno, strerror(errno));
			return -1;
		}
		if (vm->run->exit_reason == KVM_EXIT_PAPR_HCALL &&
		    vm->run->papr_hcall.nr == CALL_DONE)
			break;
		if (vm->run->exit_reason != KVM_EXIT_OSI) {
			report(0, tag, "unexpected exit %u", vm->run->exit_reason);
			return -1;
		}
		if (!osi++)
			memcpy(gprs, vm->run->osi.gprs, sizeof(vm->run->osi.gprs));
		vm->run->osi.gprs[3] = OSI_RET;
		vm->run->osi.gprs[4] = OSI_RET + 1;
	}
	if (n == 2 * MAX_EXITS) {
		report(0, tag, "the guest made more than %d exits for one call", MAX_EXITS);
		return -1;
	}
	return hcall_result(vm, res, tag) < 0 ? -1 : osi;
}

/*
 * One ePAPR entry of the matrix: @token with r3 = @a0, its values under
 * @key, and r3 == @r3 and (unless @r4 is ~0) r4 == @r4, with no exit.
 */
static void ecall(struct vm *vm, const char *key, uint32_t token, uint64_t a0, uint64_t r3,
		  uint64_t r4)
{
	uint64_t a[8] = { a0, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999, 0xaaaa };
	struct result res;
	char name[96];

	snprintf(name, sizeof(name), "%s.call", key);
	if (epapr_call(vm, token, a, &res, name) < 0)
		return;
	kval(key, "exits", res.nexits);
	kval(key, "r3", res.r[0]);
	kval(key, "r4", res.r[1]);
	kval(key, "preserved", res.preserved);
	snprintf(name, sizeof(name), "%s.stock", key);
	report(res.nexits == 0 && res.r[0] == r3 && (r4 == ~0ull || res.r[1] == r4) &&
	       res.preserved, name, "got=exits:%d,r3:0x%llx,r4:0x%llx,preserved:%d "
	       "want=exits:0,r3:0x%llx,r4:0x%llx (answered by KVM)", res.nexits,
	       (unsigned long long)res.r[0], (unsigned long long)res.r[1], res.preserved,
	       (unsigned long long)r3, (unsigned long long)r4);
}

/* OSI on @vm, enabling KVM_CAP_PPC_OSI first: its values under "osi.". */
static void matrix_osi(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_OSI };
	uint64_t gprs[32];
	struct result res;
	int n, ok, i;

	if (xioctl(vm->vcpu, KVM_ENABLE_CAP, &cap) < 0) {
		report(0, "osi.enable", "KVM_ENABLE_CAP(KVM_CAP_PPC_OSI) errno=%d", errno);
		return;
	}
	n = osi_call(vm, &res, gprs, "osi.call");
	val("osi.exits", (uint64_t)(int64_t)n);
	if (n < 0)
		return;
	val("osi.exit.r3", gprs[3]);
	val("osi.exit.r12", gprs[12]);
	val("osi.r3", res.r[0]);
	val("osi.r4", res.r[1]);
	val("osi.r5", res.r[2]);
	ok = n == 1 && gprs[3] == OSI_SC_MAGIC_R3 && gprs[4] == OSI_SC_MAGIC_R4 &&
	     gprs[13] == GPR_PATTERN(13) && res.r[0] == OSI_RET && res.r[1] == OSI_RET + 1 &&
	     res.r[2] == 0x5555 && res.preserved;
	for (i = 5; i <= 12; i++)
		ok &= gprs[i] == 0x5555 + (uint64_t)(i - 5) * 0x1111;
	report(ok, "osi.stock", "got=exits:%d,r3:0x%llx,r4:0x%llx,r13:0x%llx,back:r3:0x%llx,"
	       "r4:0x%llx,r5:0x%llx,preserved:%d want=exits:1 with all GPRs (r3,r4 the magic), "
	       "the VMM's r3 and r4 back, the others kept", n, (unsigned long long)gprs[3],
	       (unsigned long long)gprs[4], (unsigned long long)gprs[13],
	       (unsigned long long)res.r[0], (unsigned long long)res.r[1],
	       (unsigned long long)res.r[2], res.preserved);
}

/*
 * The KVM-PR matrix's ePAPR and OSI part, on @vm and a VM of its own for
 * the magic page (mapping it changes how KVM keeps the vCPU's shared
 * state) and OSI.  @open: open_discovery=1, with which kvm_hc answers its
 * discovery token and adds the discovery bit to FEATURES for every VM.
 */
void matrix_epapr(struct vm *vm, int open)
{
	uint64_t features = FEATURE_MAGIC_PAGE |
			    (open ? 1u << (KVM_HC_PPC_FEATURES_SHIFT + KVM_HC_SVC_DISCOVER) : 0);
	static const uint32_t seq[4] = { 0x3c000000u | KVM_SC_MAGIC_R0 >> 16,
					 0x60000000u | (KVM_SC_MAGIC_R0 & 0xffff), INSN_SC,
					 0x60000000u };
	struct kvm_ppc_pvinfo pv;
	struct vm other;
	char key[64];
	int ok = 1, i;

	say("Stock ePAPR hypercalls (kvmppc_kvm_pv()) and OSI calls of a KVM-PR guest.");
	memset(&pv, 0, sizeof(pv));
	if (xioctl(vm->fd, KVM_PPC_GET_PVINFO, &pv) < 0) {
		report(0, "epapr.pvinfo", "KVM_PPC_GET_PVINFO errno=%d", errno);
		return;
	}
	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "epapr.pvinfo.hcall%d", i);
		val(key, be32toh(pv.hcall[i]));
		ok &= be32toh(pv.hcall[i]) == seq[i];
	}
	val("epapr.pvinfo.flags", pv.flags);
	report(ok, "epapr.pvinfo.sequence", "got=%08x,%08x,%08x,%08x want=lis,ori r0 "
	       "KVM_SC_MAGIC_R0; sc; nop", be32toh(pv.hcall[0]), be32toh(pv.hcall[1]),
	       be32toh(pv.hcall[2]), be32toh(pv.hcall[3]));

	ecall(vm, "epapr.features", FEATURES_TOKEN, 0, EV_SUCCESS, features);
	ecall(vm, "epapr.unknown.kvm", EPAPR_TOKEN(KVM_VENDOR, 0x7ff), 0, EV_UNIMPLEMENTED, ~0ull);
	ecall(vm, "epapr.unknown.vendor1", EPAPR_TOKEN(1, 0x7ff), 0, EV_UNIMPLEMENTED, ~0ull);
	ecall(vm, "kvmhc.discover.epapr", DISCOVER_TOKEN, KVM_HC_DISCOVER_VERSION,
	      open ? EV_SUCCESS : EV_UNIMPLEMENTED, open ? KVM_HC_ABI_VERSION : ~0ull);

	if (vm_create(&other, "epapr.magic_page.setup") < 0)
		return;
	{
		uint64_t a[8] = { MAGIC_PAGE_PA, MAGIC_PAGE_EA | 1, 0x5555, 0x6666, 0x7777,
				  0x8888, 0x9999, 0xaaaa };
		struct result res;

		if (epapr_call(&other, MAGIC_PAGE_TOKEN, a, &res, "epapr.magic_page.call") == 0) {
			val("epapr.magic_page.exits", res.nexits);
			val("epapr.magic_page.r3", res.r[0]);
			val("epapr.magic_page.r4", res.r[1]);
			report(res.nexits == 0 && res.r[0] == EV_SUCCESS && res.r[1] == MAGIC_FEATS,
			       "epapr.magic_page.stock", "got=exits:%d,r3:0x%llx,r4:0x%llx "
			       "want=exits:0,r3:0,r4:0x%x (KVM_MAGIC_FEAT_SR|MAS0_TO_SPRG7)",
			       res.nexits, (unsigned long long)res.r[0],
			       (unsigned long long)res.r[1], MAGIC_FEATS);
		}
	}
	ecall(&other, "epapr.magic_page.features", FEATURES_TOKEN, 0, EV_SUCCESS, features);
	matrix_osi(&other);
	vm_destroy(&other);
}

/* ---- epapr: kvm_hc attached ---- */

/*
 * ePAPR call @token in @vm, checked: no exit, r3 == @r3, r4 == @r4 (unless
 * ~0), and with @zero r5..r11 cleared; counted in @want as @cat.
 */
static void acall(struct vm *vm, struct hc_counts *want, const char *name, uint32_t token,
		  uint64_t a0, uint64_t r3, uint64_t r4, int zero, enum cat cat)
{
	uint64_t a[8] = { a0, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999, 0xaaaa };
	struct result res;
	int ok, i;

	if (want) {
		if (cat != C_NONE)
			counts_add(want, token, cat);
		counts_add(want, CALL_DONE, C_KVM);
	}
	if (epapr_call(vm, token, a, &res, name) < 0)
		return;
	ok = res.nexits == 0 && res.r[0] == r3 && (r4 == ~0ull || res.r[1] == r4) && res.preserved;
	for (i = 2; zero && i <= 8; i++)
		ok &= res.r[i] == 0;
	report(ok, name, "got=exits:%d,r3:0x%llx,r4:0x%llx,r5:0x%llx,preserved:%d "
	       "want=exits:0,r3:0x%llx,r4:0x%llx%s", res.nexits, (unsigned long long)res.r[0],
	       (unsigned long long)res.r[1], (unsigned long long)res.r[2], res.preserved,
	       (unsigned long long)r3, (unsigned long long)r4, zero ? ",r5..r11:0" : "");
}

/* /sys/module/kvm_hc/hook names KVM-PR's two functions. */
static void epapr_hook(void)
{
	char buf[128] = "";
	int fd = open("/sys/module/kvm_hc/hook", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n > 0)
		buf[n - (buf[n - 1] == '\n')] = '\0';
	report(strstr(buf, "kvmppc_h_pr") && strstr(buf, "kvmppc_kvm_pv") &&
	       !strstr(buf, "kvmppc_pseries_do_hcall"), "epapr.hook",
	       "got=%s want=kvmppc_h_pr and kvmppc_kvm_pv", n > 0 ? buf : "unreadable");
}

int cmd_epapr(void)
{
	const struct kvm_hc_range ranges[] = {
		RANGE(EPAPR_TOKEN(KVM_VENDOR, 0x7f0), EPAPR_TOKEN(KVM_VENDOR, 0x7f0), DENY,
		      -KVM_HC_ENOHC),
		RANGE(EPAPR_TOKEN(KVM_VENDOR, 0x7f1), EPAPR_TOKEN(KVM_VENDOR, 0x7f1), DENY, -EINVAL),
		RANGE(EPAPR_TOKEN(KVM_VENDOR, 0x7f2), EPAPR_TOKEN(KVM_VENDOR, 0x7f2), DENY, -1),
		RANGE(EPAPR_TOKEN(KVM_VENDOR, 0x7f4), EPAPR_TOKEN(KVM_VENDOR, 0x7f4), FORWARD, 0),
	};
	struct hc_counts want;
	uint64_t gprs[32];
	struct result res;
	struct vm vm, plain;
	int dev, h, n;

	if (!ppc_kvm_pr()) {
		printf("INFO epapr: KVM-HV has no ePAPR hypercalls or OSI calls "
		       "(tests/pr-kernel.sh's KVM-PR kernel runs this scenario)\n");
		return 0;
	}
	epapr_hook();
	dev = hc_open("epapr.open");
	if (dev < 0)
		return 1;
	if (vm_create(&vm, "epapr.setup") < 0 || vm_create(&plain, "epapr.plain.setup") < 0)
		return 1;
	h = hc_attach(dev, vm.fd, "epapr.attach");
	if (h < 0 || hc_policy(h, 1u << KVM_HC_SVC_DISCOVER, ranges, NRANGES(ranges),
			       "epapr.policy") < 0)
		return 1;
	memset(&want, 0, sizeof(want));

	say("An attached KVM-PR VM calls kvm_hc with ePAPR hypercalls.");
	acall(&vm, &want, "epapr.discover.version", DISCOVER_TOKEN, KVM_HC_DISCOVER_VERSION,
	      EV_SUCCESS, KVM_HC_ABI_VERSION, 1, C_KERNEL);
	acall(&vm, &want, "epapr.discover.bitmap0", DISCOVER_TOKEN, KVM_HC_DISCOVER_BITMAP(0),
	      EV_SUCCESS, 1u << KVM_HC_SVC_DISCOVER, 1, C_KERNEL);
	acall(&vm, &want, "epapr.discover.bad_selector", DISCOVER_TOKEN, 9, EV_EINVAL, 0, 1,
	      C_KERNEL);
	acall(&plain, NULL, "epapr.plain.discover", DISCOVER_TOKEN, KVM_HC_DISCOVER_VERSION,
	      EV_UNIMPLEMENTED, ~0ull, 0, C_NONE);
	/* KVM's answer, with kvm_hc's services from bit 16 (not counted) */
	acall(&vm, &want, "epapr.features", FEATURES_TOKEN, 0, EV_SUCCESS,
	      FEATURE_MAGIC_PAGE | 1u << (KVM_HC_PPC_FEATURES_SHIFT + KVM_HC_SVC_DISCOVER), 0,
	      C_NONE);
	acall(&plain, NULL, "epapr.plain.features", FEATURES_TOKEN, 0, EV_SUCCESS,
	      FEATURE_MAGIC_PAGE, 0, C_NONE);

	say("Deny ranges answer with ePAPR statuses; a forward range cannot forward an ePAPR call.");
	acall(&vm, &want, "epapr.deny.enohc", EPAPR_TOKEN(KVM_VENDOR, 0x7f0), 0, EV_UNIMPLEMENTED,
	      0, 1, C_DENY);
	acall(&vm, &want, "epapr.deny.einval", EPAPR_TOKEN(KVM_VENDOR, 0x7f1), 0, EV_EINVAL, 0, 1,
	      C_DENY);
	acall(&vm, &want, "epapr.deny.eperm", EPAPR_TOKEN(KVM_VENDOR, 0x7f2), 0, 1, 0, 1, C_DENY);
	/* KVM has no exit for ePAPR calls: KVM's answer, counted as KVM's */
	acall(&vm, &want, "epapr.forward.refused", EPAPR_TOKEN(KVM_VENDOR, 0x7f4), 0,
	      EV_UNIMPLEMENTED, ~0ull, 0, C_KVM);
	acall(&vm, &want, "epapr.outside", EPAPR_TOKEN(KVM_VENDOR, 0x7f8), 0, EV_UNIMPLEMENTED,
	      ~0ull, 0, C_KVM);
	/* another vendor's calls are no concern of kvm_hc's: not even counted */
	acall(&vm, &want, "epapr.vendor1", EPAPR_TOKEN(1, 0x7f0), 0, EV_UNIMPLEMENTED, ~0ull, 0,
	      C_NONE);

	/* OSI of an attached VM: as stock, KVM_EXIT_OSI with all GPRs */
	{
		struct kvm_enable_cap cap = { .cap = KVM_CAP_PPC_OSI };

		if (xioctl(vm.vcpu, KVM_ENABLE_CAP, &cap) < 0) {
			report(0, "epapr.osi", "KVM_ENABLE_CAP(KVM_CAP_PPC_OSI) errno=%d", errno);
		} else {
			n = osi_call(&vm, &res, gprs, "epapr.osi");
			counts_add(&want, CALL_DONE, C_KVM);
			report(n == 1 && gprs[3] == OSI_SC_MAGIC_R3 && res.r[0] == OSI_RET &&
			       res.preserved, "epapr.osi", "got=exits:%d,r3:0x%llx,back:0x%llx "
			       "want=exits:1,r3:0x%x,back:0x%llx (stock, kvm_hc attached)", n,
			       (unsigned long long)gprs[3], (unsigned long long)res.r[0],
			       OSI_SC_MAGIC_R3, OSI_RET);
		}
	}
	counts_check_both("epapr", h, vm.fd, &want);
	say("Discovery and deny answered by kvm_hc, forward left to KVM, OSI untouched, counted exactly.");

	close(h);
	acall(&vm, NULL, "epapr.detach.discover", DISCOVER_TOKEN, KVM_HC_DISCOVER_VERSION,
	      EV_UNIMPLEMENTED, ~0ull, 0, C_NONE);
	acall(&vm, NULL, "epapr.detach.features", FEATURES_TOKEN, 0, EV_SUCCESS,
	      FEATURE_MAGIC_PAGE, 0, C_NONE);
	acall(&vm, NULL, "epapr.detach.deny", EPAPR_TOKEN(KVM_VENDOR, 0x7f1), 0, EV_UNIMPLEMENTED,
	      ~0ull, 0, C_NONE);
	say("Handle closed: the VM's ePAPR calls get stock KVM's answers again.");
	vm_destroy(&vm);
	vm_destroy(&plain);
	close(dev);
	return nfail ? 1 : 0;
}
