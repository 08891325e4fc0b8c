// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc arm64 ABI (Documentation/arm64-abi.rst): SMCCC calls over HVC or
 * SMC, function ID in w0, arguments in x1..x7, results in x0..x3.  kvm_hc's
 * services are KVM vendor-hypervisor functions KVM_HC_ARM64_FUNC_BASE + s,
 * fast calls, in both the SMC32 and the SMC64 convention.  SMC32 arguments
 * are truncated to 32 bits, as the SMCCC specifies.
 */
#include <linux/arm-smccc.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "kvm_hc_arm64.h"

/**
 * kvm_hc_arm64_service() - kvm_hc service an SMCCC function ID selects
 * @fid: the function ID (w0)
 *
 * Return: the service number, or KVM_HC_NO_SVC.
 */
int kvm_hc_arm64_service(u32 fid)
{
	u32 num = ARM_SMCCC_FUNC_NUM(fid);

	if (!ARM_SMCCC_IS_FAST_CALL(fid) ||
	    ARM_SMCCC_OWNER_NUM(fid) != ARM_SMCCC_OWNER_VENDOR_HYP ||
	    (fid & GENMASK(23, 16)) ||
	    num - KVM_HC_ARM64_FUNC_BASE >= KVM_HC_ARM64_FUNC_COUNT)
		return KVM_HC_NO_SVC;
	return num - KVM_HC_ARM64_FUNC_BASE;
}

/**
 * kvm_hc_arm64_decode() - build the call record of an SMCCC call
 * @call:    record to fill
 * @x:       the guest's x0..x7
 * @conduit: KVM_HC_ARM64_SMC and KVM_HC_ARM64_16BIT as the exit reported them
 */
void kvm_hc_arm64_decode(struct kvm_hc_call *call, const unsigned long *x, u16 conduit)
{
	u32 fid = x[0];
	bool smc64 = ARM_SMCCC_IS_64(fid);
	int i;

	memset(call, 0, sizeof(*call));
	call->arch = KVM_HC_ARCH_ARM64;
	call->flags = conduit & (KVM_HC_ARM64_SMC | KVM_HC_ARM64_16BIT);
	if (smc64)
		call->flags |= KVM_HC_CALL_64BIT;
	call->nr = fid;
	call->nargs = KVM_HC_ARM64_NR_ARGS;
	for (i = 0; i < call->nargs; i++)
		call->args[i] = smc64 ? x[1 + i] : (u32)x[1 + i];
	call->svc = kvm_hc_arm64_service(fid);
}

/**
 * kvm_hc_arm64_error() - SMCCC return code for a kvm_hc error
 * @status: negative errno or -KVM_HC_ENOHC
 *
 * Return: SMCCC_RET_NOT_SUPPORTED for -KVM_HC_ENOHC and -EOPNOTSUPP,
 * SMCCC_RET_INVALID_PARAMETER for -EINVAL, the value itself otherwise
 * (so a VMM can deny with any SMCCC code, such as -2 NOT_REQUIRED).
 */
long kvm_hc_arm64_error(int status)
{
	switch (status) {
	case -KVM_HC_ENOHC:
	case -EOPNOTSUPP:
		return SMCCC_RET_NOT_SUPPORTED;
	case -EINVAL:
		return SMCCC_RET_INVALID_PARAMETER;
	}
	return status;
}

/**
 * kvm_hc_arm64_results() - x0..x3 after a handled or denied call
 * @call: the dispatched record
 * @x:    the four result registers to fill
 *
 * As KVM's own SMCCC handler: registers without a result are zeroed, and
 * an error leaves only x0 set.
 */
void kvm_hc_arm64_results(const struct kvm_hc_call *call, unsigned long *x)
{
	int i;

	/* x0..x3 are all of @ret: @nret beyond them has nothing more to give. */
	for (i = 0; i < KVM_HC_MAX_RETS; i++)
		x[i] = !call->status && i < call->nret ? call->ret[i] : 0;
	if (call->status)
		x[0] = kvm_hc_arm64_error(call->status);
}
