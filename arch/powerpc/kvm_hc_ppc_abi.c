// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc powerpc ABI (Documentation/powerpc-abi.rst).
 *
 * PAPR hcalls: number in r3, arguments r4..r11, status in r3, outputs in
 * r4..r11.  ePAPR/KVM hypercalls: token in r11, arguments r3..r10, status
 * in r3, outputs in r4..r11.  A caller with MSR[SF] clear (32-bit mode)
 * has its arguments truncated to 32 bits, as KVM's kvmppc_kvm_pv() does.
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "kvm_hc_ppc.h"

/**
 * kvm_hc_ppc_papr_service() - kvm_hc service a PAPR hcall number selects
 * @nr: the hcall number (r3)
 *
 * Return: the service number, or KVM_HC_NO_SVC.
 */
int kvm_hc_ppc_papr_service(u64 nr)
{
	u64 off = nr - KVM_HC_PPC_PAPR_BASE;

	if (off % 4 || off / 4 >= KVM_HC_PPC_SVC_COUNT)
		return KVM_HC_NO_SVC;
	return off / 4;
}

/**
 * kvm_hc_ppc_epapr_is_kvm() - whether an ePAPR token belongs to KVM's vendor
 * @token: the token (r11)
 *
 * Return: true for vendor 42 (KVM); kvm_hc leaves other vendors' calls
 * (such as ePAPR's own EV_IDLE) to KVM.
 */
bool kvm_hc_ppc_epapr_is_kvm(u32 token)
{
	return token >> 16 == KVM_HC_PPC_EPAPR_VENDOR;
}

/**
 * kvm_hc_ppc_epapr_service() - kvm_hc service an ePAPR token selects
 * @token: the token (r11)
 *
 * Return: the service number, or KVM_HC_NO_SVC.
 */
int kvm_hc_ppc_epapr_service(u32 token)
{
	u32 fn = (token & 0xffff) - KVM_HC_PPC_EPAPR_FUNC_BASE;

	if (!kvm_hc_ppc_epapr_is_kvm(token) || fn >= KVM_HC_PPC_SVC_COUNT)
		return KVM_HC_NO_SVC;
	return fn;
}

/*
 * Every field but the results, which the dispatcher sets: no memset of
 * the whole record, which costs a powerpc hook more than the rest of
 * the decode.
 */
static void kvm_hc_ppc_decode(struct kvm_hc_call *call, const unsigned long *arg, bool sf,
			      bool pr)
{
	int i;

	call->arch = KVM_HC_ARCH_POWERPC;
	call->flags = (sf ? KVM_HC_CALL_64BIT : 0) | (pr ? KVM_HC_CALL_UNPRIV : 0);
	call->vcpu_id = 0;
	call->nret = 0;
	call->status = 0;
	call->nargs = KVM_HC_PPC_NR_ARGS;
	for (i = 0; i < call->nargs; i++)
		call->args[i] = sf ? arg[i] : (u32)arg[i];
}

/**
 * kvm_hc_ppc_decode_papr() - build the call record of a PAPR hcall
 * @call: record to fill
 * @gpr:  the guest's r0..r12
 * @sf:   MSR[SF]: the caller runs in 64-bit mode
 * @pr:   MSR[PR]: the caller runs in problem state
 *
 * The number is r3 as a whole, as KVM compares it.
 */
void kvm_hc_ppc_decode_papr(struct kvm_hc_call *call, const unsigned long *gpr, bool sf, bool pr)
{
	kvm_hc_ppc_decode(call, gpr + 4, sf, pr);
	call->nr = gpr[3];
	call->svc = kvm_hc_ppc_papr_service(call->nr);
}

/**
 * kvm_hc_ppc_decode_epapr() - build the call record of an ePAPR hypercall
 * @call: record to fill
 * @gpr:  the guest's r0..r12
 * @sf:   MSR[SF]: the caller runs in 64-bit mode
 * @pr:   MSR[PR]: the caller runs in problem state
 *
 * The number is the 32-bit token in r11, as KVM reads it.
 */
void kvm_hc_ppc_decode_epapr(struct kvm_hc_call *call, const unsigned long *gpr, bool sf,
			     bool pr)
{
	kvm_hc_ppc_decode(call, gpr + 3, sf, pr);
	/* KVM has no exit to the VMM for ePAPR hypercalls. */
	call->flags |= KVM_HC_PPC_EPAPR | KVM_HC_CALL_NO_USER;
	call->nr = (u32)gpr[11];
	call->svc = kvm_hc_ppc_epapr_service(call->nr);
}

/**
 * kvm_hc_ppc_error() - the status register value for a failed call
 * @call: a call whose @status is a negative errno or -KVM_HC_ENOHC
 *
 * PAPR: -KVM_HC_ENOHC is H_FUNCTION, -EINVAL is H_PARAMETER, any other
 * value passes unchanged (PAPR statuses are negative).  ePAPR: -KVM_HC_ENOHC
 * is EV_UNIMPLEMENTED, -EINVAL is EV_EINVAL, any other value -n is n
 * (ePAPR statuses are positive), so a VMM denies with EV_x as -EV_x.
 *
 * Return: the value for r3.
 */
long kvm_hc_ppc_error(const struct kvm_hc_call *call)
{
	bool epapr = call->flags & KVM_HC_PPC_EPAPR;

	switch (call->status) {
	case -KVM_HC_ENOHC:
		return epapr ? KVM_HC_PPC_EV_UNIMPLEMENTED : KVM_HC_PPC_H_FUNCTION;
	case -EINVAL:
		return epapr ? KVM_HC_PPC_EV_EINVAL : KVM_HC_PPC_H_PARAMETER;
	}
	return epapr ? -(long)call->status : call->status;
}

/**
 * kvm_hc_ppc_results() - r3..r11 after a handled or denied call
 * @call: the dispatched record
 * @out:  KVM_HC_PPC_NR_OUT values: r3, then the outputs r4..r11
 *
 * r3 is the status (H_SUCCESS or EV_SUCCESS, or kvm_hc_ppc_error()); the
 * outputs hold @ret[0..@nret) (at most KVM_HC_MAX_RETS of them), the others
 * are zeroed, all of them when the call failed.
 */
void kvm_hc_ppc_results(const struct kvm_hc_call *call, unsigned long *out)
{
	u32 nret = call->status ? 0 : min_t(u32, call->nret, KVM_HC_MAX_RETS);
	int i;

	BUILD_BUG_ON(KVM_HC_PPC_H_SUCCESS != KVM_HC_PPC_EV_SUCCESS);
	out[0] = call->status ? kvm_hc_ppc_error(call) : KVM_HC_PPC_H_SUCCESS;
	for (i = 1; i < KVM_HC_PPC_NR_OUT; i++)
		out[i] = (u32)(i - 1) < nret ? call->ret[i - 1] : 0;
}

/**
 * kvm_hc_ppc_features() - KVM_HC_FEATURES' r4 with kvm_hc's services
 * @r4:       KVM's answer
 * @services: bitmap of the services the VM may call
 *
 * Return: @r4 with bit KVM_HC_PPC_FEATURES_SHIFT + s set for each service s.
 */
u64 kvm_hc_ppc_features(u64 r4, u32 services)
{
	BUILD_BUG_ON(KVM_HC_PPC_FEATURES_SHIFT + KVM_HC_PPC_SVC_COUNT > 32);
	BUILD_BUG_ON(KVM_HC_PPC_FEATURES_SHIFT <= KVM_HC_PPC_FEATURE_MAGIC_PAGE);
	services &= GENMASK(KVM_HC_PPC_SVC_COUNT - 1, 0);
	return r4 | (u64)services << KVM_HC_PPC_FEATURES_SHIFT;
}
