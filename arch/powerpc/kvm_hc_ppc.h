/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc powerpc ABI: PAPR and ePAPR/KVM hypercall registers to call record
 * and back.  Pure functions, shared by the hook and the KUnit suite, which
 * runs on any architecture: the guest-visible constants are spelled out
 * here and checked against the powerpc headers where the hook is built.
 */
#ifndef _KVM_HC_PPC_H
#define _KVM_HC_PPC_H

#include "kvm_hc.h"
#include "uapi/linux/kvm_hc_powerpc.h"

/* Registers the decoders read: r0 .. r12 (gpr[i] is ri). */
#define KVM_HC_PPC_NR_GPRS	13
/* Arguments of one call: PAPR r4 .. r11, ePAPR r3 .. r10. */
#define KVM_HC_PPC_NR_ARGS	8
/* Result registers: r3 (status) and the outputs r4 .. r11. */
#define KVM_HC_PPC_NR_OUT	9

/* The call came as an ePAPR/KVM hypercall, not a PAPR hcall. */
#define KVM_HC_PPC_EPAPR	KVM_HC_CALL_ARCH(0)

/* PAPR hcall status values (asm/hvcall.h). */
#define KVM_HC_PPC_H_SUCCESS	0
#define KVM_HC_PPC_H_FUNCTION	(-2)
#define KVM_HC_PPC_H_PARAMETER	(-4)

/* ePAPR status values (asm/epapr_hcalls.h). */
#define KVM_HC_PPC_EV_SUCCESS		0
#define KVM_HC_PPC_EV_EINVAL		8
#define KVM_HC_PPC_EV_UNIMPLEMENTED	12

/* KVM's ePAPR functions that keep their stock answers (linux/kvm_para.h). */
#define KVM_HC_PPC_FEATURES_FN		3	/* KVM_HC_FEATURES */
#define KVM_HC_PPC_MAGIC_PAGE_FN	4	/* KVM_HC_PPC_MAP_MAGIC_PAGE */
/* The bit KVM sets in KVM_HC_FEATURES' r4 (asm/kvm_para.h KVM_FEATURE_MAGIC_PAGE). */
#define KVM_HC_PPC_FEATURE_MAGIC_PAGE	1

int kvm_hc_ppc_papr_service(u64 nr);
int kvm_hc_ppc_epapr_service(u32 token);
bool kvm_hc_ppc_epapr_is_kvm(u32 token);
void kvm_hc_ppc_decode_papr(struct kvm_hc_call *call, const unsigned long *gpr, bool sf, bool pr);
void kvm_hc_ppc_decode_epapr(struct kvm_hc_call *call, const unsigned long *gpr, bool sf,
			     bool pr);
long kvm_hc_ppc_error(const struct kvm_hc_call *call);
void kvm_hc_ppc_results(const struct kvm_hc_call *call, unsigned long *out);
u64 kvm_hc_ppc_features(u64 r4, u32 services);

#endif /* _KVM_HC_PPC_H */
