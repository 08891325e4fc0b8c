/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc s390 ABI: DIAGNOSE 0x500 registers to call record and back.  Pure
 * functions, shared by the hook and the KUnit suite.
 */
#ifndef _KVM_HC_S390_H
#define _KVM_HC_S390_H

#include "kvm_hc.h"
#include "uapi/linux/kvm_hc_s390.h"

struct kvm_run;

/* Opcode of DIAGNOSE, the first byte of the intercepted instruction (ipa). */
#define KVM_HC_S390_DIAG_OPCODE		0x83
/* Not a DIAGNOSE: kvm_hc_s390_diag_code() found another opcode. */
#define KVM_HC_S390_NOT_DIAG		(-1)

/* The program interruption code of a specification exception (PGM_SPECIFICATION). */
#define KVM_HC_S390_PGM_SPECIFICATION	0x06

/* Parameters in R2..R7 (R1 holds the subcode). */
#define KVM_HC_S390_NR_ARGS		6
int kvm_hc_s390_diag_code(u16 ipa, u32 ipb, const u64 *gprs);
int kvm_hc_s390_service(u64 subcode);
bool kvm_hc_s390_reserved(u64 subcode);
bool kvm_hc_s390_candidate(u16 ipa, u32 ipb, const u64 *gprs, bool problem_state);
void kvm_hc_s390_decode(struct kvm_hc_call *call, const u64 *gprs, bool problem_state);
u64 kvm_hc_s390_result(const struct kvm_hc_call *call);
u16 kvm_hc_s390_complete(const struct kvm_hc_call *call, u64 *gprs);
void kvm_hc_s390_exit(struct kvm_run *run, const struct kvm_hc_call *call);

#endif /* _KVM_HC_S390_H */
