// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc s390 ABI (Documentation/s390-abi.rst): DIAGNOSE 0x500 with the
 * subcode in R1, parameters in R2..R7 and the result in R2, as
 * Documentation/virt/kvm/s390/s390-diag.rst defines it.  kvm_hc's services
 * are the subcodes KVM_HC_S390_BASE + s, the numbers of the x86 block.
 * The guest runs in z/Architecture mode, so every register is 64 bits wide.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kvm.h>
#include <linux/string.h>

#include "kvm_hc_s390.h"

/**
 * kvm_hc_s390_diag_code() - function code of an intercepted DIAGNOSE
 * @ipa:  the first halfword of the instruction (opcode, R1, R3)
 * @ipb:  the second halfword in its upper half (B2, D2)
 * @gprs: the guest's general registers 0..15
 *
 * DIAGNOSE has the RS-a format: the function code is bits 48-63 of the
 * second-operand address, base register B2 (0: no base) plus the 12-bit
 * displacement D2, as KVM's kvm_s390_get_base_disp_rs() computes it.
 *
 * Return: the function code (0..0xffff), or KVM_HC_S390_NOT_DIAG if @ipa
 * is not a DIAGNOSE.
 */
int kvm_hc_s390_diag_code(u16 ipa, u32 ipb, const u64 *gprs)
{
	u32 base = ipb >> 28;
	u32 disp = (ipb & 0x0fff0000) >> 16;

	if (ipa >> 8 != KVM_HC_S390_DIAG_OPCODE)
		return KVM_HC_S390_NOT_DIAG;
	return ((base ? gprs[base] : 0) + disp) & 0xffff;
}

/**
 * kvm_hc_s390_service() - kvm_hc service a DIAGNOSE 0x500 subcode selects
 * @subcode: the value of R1
 *
 * Return: the service number, or KVM_HC_NO_SVC outside kvm_hc's block.
 */
int kvm_hc_s390_service(u64 subcode)
{
	if (subcode - KVM_HC_S390_BASE < KVM_HC_S390_COUNT)
		return subcode - KVM_HC_S390_BASE;
	return KVM_HC_NO_SVC;
}

/*
 * DIAGNOSE 0x500 subcodes that belong to KVM and its VMM whatever a
 * policy says (Documentation/s390-abi.rst, "What stays with KVM").  A guest
 * needs them to boot and to drive its devices: denying or forwarding them
 * would break it.
 */
static const u64 kvm_hc_s390_reserved_subcodes[] = {
	0,	/* s390-virtio notification (KVM_S390_VIRTIO_NOTIFY) */
	1,	/* s390-virtio reset (KVM_S390_VIRTIO_RESET) */
	2,	/* s390-virtio set status (KVM_S390_VIRTIO_SET_STATUS) */
	3,	/* virtio-ccw notification, KVM's ioeventfd (KVM_S390_VIRTIO_CCW_NOTIFY) */
	4,	/* storage limit, read by Linux's boot code (DIAG500_STORAGE_LIMIT) */
};

/**
 * kvm_hc_s390_reserved() - whether a DIAGNOSE 0x500 subcode stays with KVM
 * @subcode: the value of R1
 *
 * Return: true for the subcodes of kvm_hc_s390_reserved_subcodes[].
 */
bool kvm_hc_s390_reserved(u64 subcode)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvm_hc_s390_reserved_subcodes); i++)
		if (subcode == kvm_hc_s390_reserved_subcodes[i])
			return true;
	return false;
}

/**
 * kvm_hc_s390_candidate() - whether kvm_hc may take an intercepted DIAGNOSE
 * @ipa:           the first halfword of the instruction
 * @ipb:           the second halfword in its upper half
 * @gprs:          the guest's general registers 0..15
 * @problem_state: the guest's PSW is in problem state
 *
 * Only DIAGNOSE 0x500 from the supervisor state with a subcode that is not
 * reserved (kvm_hc_s390_reserved()): KVM injects a privileged operation
 * exception into problem state, serves virtio-ccw notifications through
 * ioeventfd, its VMM the other reserved subcodes, and KVM leaves every other
 * function code (0x501, the breakpoint, among them) to itself or its VMM.
 *
 * Return: true if the call may go to the dispatcher.
 */
bool kvm_hc_s390_candidate(u16 ipa, u32 ipb, const u64 *gprs, bool problem_state)
{
	return kvm_hc_s390_diag_code(ipa, ipb, gprs) == KVM_HC_S390_DIAG &&
	       !kvm_hc_s390_reserved(gprs[1]) && !problem_state;
}

/**
 * kvm_hc_s390_decode() - build the call record of a DIAGNOSE 0x500 call
 * @call:          record to fill
 * @gprs:          the guest's general registers 0..7 (at least)
 * @problem_state: the guest's PSW is in problem state
 */
void kvm_hc_s390_decode(struct kvm_hc_call *call, const u64 *gprs, bool problem_state)
{
	int i;

	memset(call, 0, sizeof(*call));
	call->arch = KVM_HC_ARCH_S390;
	call->flags = KVM_HC_CALL_64BIT;
	if (problem_state)
		call->flags |= KVM_HC_CALL_UNPRIV;
	call->nr = gprs[1];
	call->nargs = KVM_HC_S390_NR_ARGS;
	for (i = 0; i < call->nargs; i++)
		call->args[i] = gprs[2 + i];
	call->svc = kvm_hc_s390_service(call->nr);
}

/**
 * kvm_hc_s390_result() - the value a handled or denied call leaves in R2
 * @call: the dispatched record
 *
 * Errors are delivered as they cross the core's interface, sign-extended
 * to 64 bits: a negative errno, or -KVM_HC_ENOHC for "no such hypercall"
 * (the values x86 guests see).
 *
 * Return: R2.
 */
u64 kvm_hc_s390_result(const struct kvm_hc_call *call)
{
	if (call->status)
		return (s64)call->status;
	return call->nret ? call->ret[0] : 0;
}

/**
 * kvm_hc_s390_complete() - the guest's state after a handled or denied call
 * @call: the dispatched record
 * @gprs: the guest's general registers
 *
 * Sets R2 to kvm_hc_s390_result(), or, for an exception range's call
 * (KVM_HC_CALL_EXCEPTION), leaves every register alone: the hook raises a
 * specification exception, as KVM does for a DIAGNOSE code it does not
 * know (the operation suppressed).
 *
 * Return: 0, or the program interruption code the hook injects.
 */
u16 kvm_hc_s390_complete(const struct kvm_hc_call *call, u64 *gprs)
{
	if (call->flags & KVM_HC_CALL_EXCEPTION)
		return KVM_HC_S390_PGM_SPECIFICATION;
	gprs[2] = kvm_hc_s390_result(call);
	return 0;
}

/**
 * kvm_hc_s390_exit() - KVM_EXIT_HYPERCALL for a call sent to the VMM
 * @run:  the vCPU's kvm_run
 * @call: the dispatched record
 *
 * The exit carries the subcode in hypercall.nr and R2..R7 in
 * hypercall.args; ret and flags are 0.  The VMM answers in
 * run->s.regs.gprs[2].
 */
void kvm_hc_s390_exit(struct kvm_run *run, const struct kvm_hc_call *call)
{
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(run->hypercall.args) != KVM_HC_S390_NR_ARGS);
	memset(&run->hypercall, 0, sizeof(run->hypercall));
	run->exit_reason = KVM_EXIT_HYPERCALL;
	run->hypercall.nr = call->nr;
	for (i = 0; i < KVM_HC_S390_NR_ARGS; i++)
		run->hypercall.args[i] = call->args[i];
}
