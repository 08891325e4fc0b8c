/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc_sample: the number it serves and its answer, shared with the
 * guest-side tests.
 */
#ifndef _KVM_HC_SAMPLE_H
#define _KVM_HC_SAMPLE_H

/* x86: the first number past kvm_hc's own block (0x4b480000-0x4b4800ff). */
#define KVM_HC_SAMPLE_NR_X86	0x4b480100ULL
/* The answer to a call with a0 = x is x ^ KVM_HC_SAMPLE_MAGIC ("SAMPLE!!"). */
#define KVM_HC_SAMPLE_MAGIC	0x53414d504c452121ULL

#endif /* _KVM_HC_SAMPLE_H */
