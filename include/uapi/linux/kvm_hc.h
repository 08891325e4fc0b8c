/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc guest and VMM ABI.
 *
 * kvm_hc owns one block of hypercall numbers per architecture.  On x86 the
 * block starts at KVM_HC_KVMHC_BASE; a guest issues vmcall/vmmcall with the
 * number in rax, arguments in rbx, rcx, rdx and rsi, and finds the result in
 * rax (truncated to 32 bits when the caller is not in 64-bit mode), exactly
 * as for KVM's own hypercalls.  See Documentation/x86-abi.rst.
 */
#ifndef _UAPI_LINUX_KVM_HC_H
#define _UAPI_LINUX_KVM_HC_H

#include <linux/types.h>

/*
 * The major number of the guest ABI changes when an existing call changes
 * meaning; the minor number when calls are added.
 */
#define KVM_HC_ABI_MAJOR	1
#define KVM_HC_ABI_MINOR	0
/**
 * KVM_HC_ABI_VERSION - version of the kvm_hc guest ABI, major << 16 | minor
 */
#define KVM_HC_ABI_VERSION	((KVM_HC_ABI_MAJOR << 16) | KVM_HC_ABI_MINOR)

/* x86: the block of hypercall numbers reserved for kvm_hc ("KH" << 16). */
#define KVM_HC_KVMHC_BASE	0x4b480000UL
#define KVM_HC_KVMHC_COUNT	0x100

/*
 * arm64: kvm_hc's services are KVM vendor-hypervisor SMCCC functions
 * (owner 6) numbered KVM_HC_ARM64_FUNC_BASE + service, fast calls, SMC32 or
 * SMC64: discovery is 0x86000060 / 0xc6000060.  KVM itself uses 0-65 and
 * 127; the vendor-hypervisor FEATURES call (0x86000000) reports functions
 * 96-127 in x3, where kvm_hc sets bit s for each service s the VM may call.
 */
#define KVM_HC_ARM64_FUNC_BASE	96
#define KVM_HC_ARM64_FUNC_COUNT	16

/*
 * s390: kvm_hc's services are DIAGNOSE KVM_HC_S390_DIAG subcodes (the value
 * of R1) KVM_HC_KVMHC_BASE + service, the numbers of the x86 block;
 * parameters in R2..R7, the result in R2.  Subcodes 0-3 (s390-virtio,
 * virtio-ccw) and DIAGNOSE 0x501 always stay with KVM and its VMM.  See
 * Documentation/s390-abi.rst.
 */
#define KVM_HC_S390_DIAG	0x500

/*
 * powerpc (Documentation/powerpc-abi.rst): two hypercall families.
 *
 * PAPR hcalls (sc 1; Book3S HV): the number in r3, arguments in r4..r11,
 * the status in r3 and outputs in r4..r11.  kvm_hc's services are hcall
 * numbers KVM_HC_PPC_PAPR_BASE + 4 * service (PAPR numbers are multiples of
 * 4): discovery is 0x4b480000.  PAPR and KVM use numbers below 0x1000 and
 * 0xf800-0xf80c, ultracalls 0xef00-0xef14, QEMU's private hcalls 0xf000
 * and up; nothing above 0xffff.
 *
 * ePAPR/KVM hypercalls (KVM-PR and BookE): the token (vendor << 16 |
 * function) in r11, arguments in r3..r10, the status in r3 and outputs in
 * r4..r11.  kvm_hc's services are KVM-vendor (42) functions
 * KVM_HC_PPC_EPAPR_FUNC_BASE + service: discovery is token 0x002a4b48.  KVM
 * itself uses functions 3 (KVM_HC_FEATURES) and 4 (MAP_MAGIC_PAGE).
 * KVM_HC_FEATURES keeps KVM's answer in r4 and, for a VM that may call
 * kvm_hc's services, sets bit KVM_HC_PPC_FEATURES_SHIFT + s for each
 * service s (KVM sets bit 1, KVM_FEATURE_MAGIC_PAGE).
 *
 * Policy ranges are over PAPR numbers and ePAPR tokens alike; the two never
 * overlap (tokens are 0x10000-0x2affff, kvm_hc's PAPR block lies above).
 */
#define KVM_HC_PPC_PAPR_BASE		0x4b480000UL
#define KVM_HC_PPC_EPAPR_VENDOR		42
#define KVM_HC_PPC_EPAPR_FUNC_BASE	0x4b48
#define KVM_HC_PPC_SVC_COUNT		16
#define KVM_HC_PPC_FEATURES_SHIFT	16
#define KVM_HC_PPC_PAPR_NR(s)		(KVM_HC_PPC_PAPR_BASE + 4 * (s))
#define KVM_HC_PPC_EPAPR_TOKEN(s) \
	((KVM_HC_PPC_EPAPR_VENDOR << 16) | (KVM_HC_PPC_EPAPR_FUNC_BASE + (s)))

/* Service numbers inside the block (x86 nr = KVM_HC_KVMHC_BASE + service). */
#define KVM_HC_SVC_DISCOVER	0
#define KVM_HC_SVC_KICK		1	/* arm64: wake vCPUs by MPIDR affinity */
#define KVM_HC_SVC_COUNT	2

/*
 * KVM_HC_SVC_DISCOVER: a0 selects what is returned.
 *   a0 == 0:            the ABI version (KVM_HC_ABI_VERSION)
 *   a0 == 1 + n, n < 8: word n of the bitmap of services this VM may call
 *                       (bit i = service 32 * n + i)
 *   any other a0:       -KVM_EINVAL
 * A VM that may not use kvm_hc gets stock KVM's answer (-KVM_ENOSYS on x86).
 */
#define KVM_HC_DISCOVER_VERSION		0
#define KVM_HC_DISCOVER_BITMAP(n)	(1 + (n))
#define KVM_HC_DISCOVER_BITMAP_WORDS	(KVM_HC_KVMHC_COUNT / 32)

/*
 * VMM interface: the misc device /dev/kvm_hc.  See Documentation/uapi.rst.
 *
 * A VMM attaches one of its VMs with KVM_HC_ATTACH and gets a handle (a file
 * descriptor) on which it sets the VM's policy and reads its counters.  The
 * handle keeps the VM alive; closing it detaches the VM, which then sees
 * stock KVM again.
 */
#define KVM_HC_UAPI_VERSION	1

/* Actions of a policy range. */
#define KVM_HC_ACTION_KVM	0	/* stock KVM handles it */
#define KVM_HC_ACTION_KERNEL	1	/* kvm_hc's in-kernel fast path */
#define KVM_HC_ACTION_USER	2	/* exit to the VMM (KVM_EXIT_HYPERCALL) */
#define KVM_HC_ACTION_DENY	3	/* the guest gets @error */

/*
 * Error value "no such hypercall" for a deny range: -KVM_HC_ENOHC.  Each
 * architecture delivers it as its own code for that (x86: -KVM_ENOSYS,
 * which has the same value).
 */
#define KVM_HC_ENOHC		1000

/* Most ranges one policy may have. */
#define KVM_HC_MAX_RANGES	64

/**
 * struct kvm_hc_attach - argument of KVM_HC_ATTACH
 * @version: KVM_HC_UAPI_VERSION
 * @flags:   must be 0
 * @vm_fd:   a KVM VM file descriptor of the calling process
 * @pad:     must be 0
 */
struct kvm_hc_attach {
	__u32 version;
	__u32 flags;
	__s32 vm_fd;
	__u32 pad;
};

/**
 * struct kvm_hc_range - hypercall numbers mapped to an action
 * @first:    first number of the range
 * @last:     last number of the range, inclusive (@first <= @last)
 * @action:   KVM_HC_ACTION_*
 * @error:    for KVM_HC_ACTION_DENY the negative error (-4095..-1) the guest
 *            gets: an errno value or -KVM_HC_ENOHC, in the architecture's
 *            encoding (x86: unchanged, so KVM's -KVM_EPERM, -KVM_EINVAL, ...
 *            and -KVM_ENOSYS for -KVM_HC_ENOHC); 0 otherwise
 * @reserved: must be 0
 */
struct kvm_hc_range {
	__u64 first;
	__u64 last;
	__u32 action;
	__s32 error;
	__u64 reserved;
};

/**
 * struct kvm_hc_policy - argument of KVM_HC_SET_POLICY
 * @version:  KVM_HC_UAPI_VERSION
 * @flags:    must be 0
 * @services: bitmap of kvm_hc services (KVM_HC_SVC_*) the guest may call
 * @nranges:  number of entries at @ranges, at most KVM_HC_MAX_RANGES;
 *            0 clears the policy
 * @ranges:   user pointer to an array of struct kvm_hc_range, any order,
 *            not overlapping
 *
 * The new policy replaces the old one atomically for running vCPUs.
 */
struct kvm_hc_policy {
	__u32 version;
	__u32 flags;
	__u32 services;
	__u32 nranges;
	__u64 ranges;
};

/**
 * struct kvm_hc_counters - how a VM's hypercalls were dispatched
 * @kernel: handled by kvm_hc's in-kernel fast path or services
 * @user:   sent to the VMM
 * @denied: denied by the policy
 * @kvm:    passed to stock KVM (by the policy or for want of a handler)
 */
struct kvm_hc_counters {
	__u64 kernel;
	__u64 user;
	__u64 denied;
	__u64 kvm;
};

/**
 * struct kvm_hc_nr_stats - counters of one hypercall number
 * @nr:       the number
 * @counters: its counters
 */
struct kvm_hc_nr_stats {
	__u64 nr;
	struct kvm_hc_counters counters;
};

/**
 * struct kvm_hc_stats - argument of KVM_HC_GET_STATS
 * @version: KVM_HC_UAPI_VERSION
 * @flags:   must be 0
 * @total:   out: counters of all the VM's hypercalls that kvm_hc dispatched
 * @nnrs:    in: entries at @nrs; out: numbers kvm_hc has counters for
 *           (may exceed the input; at most the input are written)
 * @pad:     must be 0
 * @nrs:     user pointer to an array of struct kvm_hc_nr_stats, or 0
 *
 * Counters per number cover the first 64 distinct numbers a VM used after
 * it was attached; later numbers count in @total only.
 */
struct kvm_hc_stats {
	__u32 version;
	__u32 flags;
	struct kvm_hc_counters total;
	__u32 nnrs;
	__u32 pad;
	__u64 nrs;
};

#define KVM_HC_IO		0xAE	/* shares KVM's ioctl type; numbers above KVM's */
#define KVM_HC_ATTACH		_IOW(KVM_HC_IO, 0xf0, struct kvm_hc_attach)
#define KVM_HC_SET_POLICY	_IOW(KVM_HC_IO, 0xf1, struct kvm_hc_policy)
#define KVM_HC_GET_STATS	_IOWR(KVM_HC_IO, 0xf2, struct kvm_hc_stats)

#endif /* _UAPI_LINUX_KVM_HC_H */
