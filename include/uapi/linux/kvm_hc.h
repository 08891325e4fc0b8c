/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm_hc: the guest ABI that every architecture shares and the VMM
 * interface, version 1.0 (Documentation/uapi.rst).  Stable: what is
 * declared here keeps its meaning; new capabilities, flags and struct
 * members are added in a way that 1.0 callers cannot notice, and a caller
 * asks for them with KVM_HC_CHECK_EXTENSION.
 *
 * Each architecture numbers kvm_hc's services in its own hypercall scheme,
 * in a header of its own: kvm_hc_x86.h, kvm_hc_arm64.h, kvm_hc_s390.h and
 * kvm_hc_powerpc.h.
 */
#ifndef _UAPI_LINUX_KVM_HC_H
#define _UAPI_LINUX_KVM_HC_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* ---- the guest ABI ---- */

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

/* kvm_hc's services, numbered in each architecture's block (its header). */
#define KVM_HC_SVC_DISCOVER	0	/* the version and the services a VM may call */
#define KVM_HC_SVC_KICK		1	/* arm64: wake vCPUs by MPIDR affinity */
#define KVM_HC_SVC_COUNT	2

/*
 * KVM_HC_SVC_DISCOVER: a0 selects what is returned.
 *   a0 == 0:            the ABI version (KVM_HC_ABI_VERSION)
 *   a0 == 1 + n, n < 8: word n of the bitmap of services this VM may call
 *                       (bit i = service 32 * n + i)
 *   any other a0:       the architecture's "invalid parameter" error
 * A VM that may not use kvm_hc gets stock KVM's answer.
 */
#define KVM_HC_DISCOVER_VERSION		0
#define KVM_HC_DISCOVER_BITMAP(n)	(1 + (n))
#define KVM_HC_DISCOVER_BITMAP_WORDS	8

/* ---- the VMM interface: the misc device /dev/kvm_hc ---- */

/*
 * A VMM attaches one of its VMs with KVM_HC_ATTACH and gets a handle (a file
 * descriptor) on which it sets the VM's policy and reads its counters.  The
 * handle keeps the VM alive; closing it detaches the VM, which then sees
 * stock KVM again.
 */

/**
 * KVM_HC_API_VERSION - version of this interface, major << 16 | minor;
 * KVM_HC_CHECK_EXTENSION(KVM_HC_CAP_API_VERSION) answers the module's
 */
#define KVM_HC_API_VERSION	0x10000

/*
 * Capabilities, asked with KVM_HC_CHECK_EXTENSION on /dev/kvm_hc or on a
 * handle.  The answer is 0 for a capability this module does not know or
 * does not have, otherwise as described.
 */
#define KVM_HC_CAP_API_VERSION		0	/* KVM_HC_API_VERSION of the module */
#define KVM_HC_CAP_GUEST_ABI		1	/* KVM_HC_ABI_VERSION it serves guests */
#define KVM_HC_CAP_ARCH			2	/* KVM_HC_ARCH_*: which numbering */
#define KVM_HC_CAP_ACTIONS		3	/* bit a: action a may be used in a range */
#define KVM_HC_CAP_SERVICES		4	/* bit s: service s is served here */
#define KVM_HC_CAP_MAX_RANGES		5	/* most ranges in one policy */
#define KVM_HC_CAP_NR_COUNTERS		6	/* numbers with counters of their own */
#define KVM_HC_CAP_FORWARD_ARGS		7	/* arguments a forwarded exit carries */
#define KVM_HC_CAP_EXIT_MARKER		8	/* forwarded exits carry the marker */
#define KVM_HC_CAP_GET_POLICY		9	/* KVM_HC_GET_POLICY works */
#define KVM_HC_CAP_STATS_FD		10	/* KVM_HC_GET_STATS_FD works */
#define KVM_HC_CAP_OPERATOR_ATTACH	11	/* KVM_HC_ATTACH_OPERATOR works */
#define KVM_HC_CAP_DOORBELLS		12	/* doorbells a VM may have (0: none) */
#define KVM_HC_CAP_RING_ENTRIES		13	/* most entries of a request ring */
#define KVM_HC_CAP_RATE_LIMIT		14	/* ranges take a token bucket */
#define KVM_HC_CAP_USER_RANGES		15	/* KVM_HC_RANGE_USER works here */
#define KVM_HC_CAP_EXCEPTIONS		16	/* KVM_HC_ACTION_EXCEPTION works here */

/* What KVM_HC_CAP_ARCH answers: which architecture header numbers the calls. */
#define KVM_HC_ARCH_X86		1
#define KVM_HC_ARCH_ARM64	2
#define KVM_HC_ARCH_S390	3
#define KVM_HC_ARCH_POWERPC	4

/*
 * The actions of a policy range, and the counters of what happened to a
 * VM's calls, in one vocabulary:
 *   kvm      stock KVM handles the call, as without kvm_hc
 *   kernel   kvm_hc answers in the kernel (its services, registered handlers)
 *   forward  the call exits to the VMM (KVM_EXIT_HYPERCALL and its kin)
 *   deny     the guest gets the range's error
 *   doorbell the call signals the range's doorbell (an eventfd of the
 *            VMM's, KVM_HC_SET_DOORBELL) and returns to the guest at once
 *            with 0, without an exit; with KVM_HC_RANGE_RING it is also
 *            written into the VM's request ring (KVM_HC_CREATE_RING), and
 *            a full ring (or none) answers -KVM_HC_EBUSY instead.  Its
 *            calls count as kernel.
 *   exception the call is refused as if the instruction did not exist: the
 *            guest gets the exception its architecture raises for an
 *            undefined instruction, with the instruction not completed and
 *            every register as it was (x86 #UD with RIP at the vmcall or
 *            vmmcall; arm64 an UNDEF, ESR_ELx.EC 0, with the return
 *            address at the HVC or SMC; powerpc a program interrupt for an
 *            illegal instruction, SRR0 at the sc; s390 a specification
 *            exception, the DIAGNOSE nullified).  Only where
 *            KVM_HC_CAP_EXCEPTIONS is 1 (else SET_POLICY fails with
 *            EOPNOTSUPP).  Its calls count as deny.
 */
#define KVM_HC_ACTION_KVM	0
#define KVM_HC_ACTION_KERNEL	1
#define KVM_HC_ACTION_FORWARD	2
#define KVM_HC_ACTION_DENY	3
#define KVM_HC_ACTION_DOORBELL	4
#define KVM_HC_ACTION_EXCEPTION	5

/*
 * Error value "no such hypercall" for a deny range: -KVM_HC_ENOHC.  Each
 * architecture delivers it as its own code for that (x86: -KVM_ENOSYS,
 * which has the same value).
 */
#define KVM_HC_ENOHC		1000

/*
 * "Busy": a doorbell call whose request ring is full (or not created).
 * The guest gets -KVM_HC_EBUSY in its architecture's encoding of an errno
 * value and may call again; nothing was recorded or signalled.
 */
#define KVM_HC_EBUSY		16

/*
 * Every structure starts with its size, as the caller knows it.  The module
 * accepts any size from the structure's *_SIZE_VER0 on: a shorter one is
 * EINVAL, members it does not know must be 0 (else E2BIG), members the
 * caller does not know are taken as 0.  Unknown flags are EINVAL.
 */

/*
 * KVM_HC_ATTACH_OPERATOR: attach a VM of another process, as the host's
 * operator (CAP_SYS_ADMIN), its file descriptor got with pidfd_getfd():
 * the VMM never asked for kvm_hc, so the policy may handle calls in the
 * kernel and deny them, never forward them (EPERM).
 */
#define KVM_HC_ATTACH_OPERATOR	(1U << 0)

/**
 * struct kvm_hc_attach - argument of KVM_HC_ATTACH
 * @size:     sizeof(struct kvm_hc_attach)
 * @flags:    0, or KVM_HC_ATTACH_OPERATOR
 * @vm_fd:    a KVM VM file descriptor of the calling process (with
 *            KVM_HC_ATTACH_OPERATOR, of any process)
 * @reserved: 0
 * @vmm_pid:  with KVM_HC_ATTACH_OPERATOR, the VMM's process id, and
 * @vmm_fd:   the VM's file descriptor in the VMM: they name the VM's sysfs
 *            folder (<vmm_pid>-<vmm_fd>-<id>) as the VMM's own attach
 *            would; a label from root, not checked.  0 and 0: named after
 *            the caller.  Without the flag both must be 0 (since size 24,
 *            KVM_HC_ATTACH_SIZE_VER1)
 */
struct kvm_hc_attach {
	__u32 size;
	__u32 flags;
	__s32 vm_fd;
	__u32 reserved;
	__s32 vmm_pid;
	__s32 vmm_fd;
};

#define KVM_HC_ATTACH_SIZE_VER0		16
#define KVM_HC_ATTACH_SIZE_VER1		24

/**
 * struct kvm_hc_range - hypercall numbers mapped to an action
 * @first:    first number of the range
 * @last:     last number of the range, inclusive (@first <= @last)
 * @action:   KVM_HC_ACTION_*
 * @error:    for KVM_HC_ACTION_DENY the negative error (-4095..-1) the guest
 *            gets: an errno value or -KVM_HC_ENOHC, in the architecture's
 *            encoding (x86: unchanged, so KVM's -KVM_EPERM, -KVM_EINVAL, ...
 *            and -KVM_ENOSYS for -KVM_HC_ENOHC); 0 otherwise
 * @flags:    KVM_HC_RANGE_RING (KVM_HC_ACTION_DOORBELL only),
 *            KVM_HC_RANGE_USER
 * @doorbell: for KVM_HC_ACTION_DOORBELL the doorbell's id
 *            (0..KVM_HC_CAP_DOORBELLS-1); 0 otherwise
 * @reserved: 1.0's name of @doorbell
 * @burst:    a rate limit (KVM_HC_CAP_RATE_LIMIT): the calls the range
 *            takes at once, the size of its token bucket, which starts
 *            full; 0: no limit (and @rate, @over_action, @over_error 0)
 * @rate:     tokens the bucket gets back per second, up to @burst; 0: none
 * @over_action: what a call gets while the bucket is empty:
 *            KVM_HC_ACTION_KVM (stock KVM), KVM_HC_ACTION_DENY or
 *            KVM_HC_ACTION_EXCEPTION (where KVM_HC_CAP_EXCEPTIONS is 1)
 * @over_error: for @over_action KVM_HC_ACTION_DENY the error, as @error;
 *            0 otherwise
 *
 * A range with a limit may not have the action KVM_HC_ACTION_KVM.  A
 * policy's buckets start full each time it is set.  Since the rate limit,
 * the range is KVM_HC_RANGE_SIZE_VER1 bytes.
 */
struct kvm_hc_range {
	__u64 first;
	__u64 last;
	__u32 action;
	__s32 error;
	__u32 flags;
	union {
		__u32 doorbell;
		__u32 reserved;
	};
	__u32 burst;
	__u32 rate;
	__u32 over_action;
	__s32 over_error;
};

/* A doorbell range's calls are also written into the VM's request ring. */
#define KVM_HC_RANGE_RING	(1U << 0)
/*
 * The range's numbers may be called from guest user mode (x86 CPL 3),
 * which KVM refuses with -KVM_EPERM for every number: the guest kernel
 * can then no longer keep its user space from reaching the host through
 * them.  Only where KVM_HC_CAP_USER_RANGES is 1 (x86); elsewhere the
 * hypercall instruction cannot be executed from user mode at all, and a
 * policy with it is refused with EOPNOTSUPP.  KVM's own in-kernel numbers
 * (KICK_CPU and its kin) stay refused: KVM checks the CPL itself.
 */
#define KVM_HC_RANGE_USER	(1U << 1)

#define KVM_HC_RANGE_SIZE_VER0		32
#define KVM_HC_RANGE_SIZE_VER1		48

/* Most ranges one policy may have (also KVM_HC_CAP_MAX_RANGES). */
#define KVM_HC_MAX_RANGES	64

/**
 * struct kvm_hc_policy - argument of KVM_HC_SET_POLICY and KVM_HC_GET_POLICY
 * @size:       sizeof(struct kvm_hc_policy)
 * @flags:      0
 * @services:   bitmap of kvm_hc services (KVM_HC_SVC_*) the guest may call
 * @nranges:    SET: entries at @ranges, at most KVM_HC_MAX_RANGES (0: none);
 *              GET: in, room at @ranges; out, the ranges in force
 * @ranges:     user pointer to an array of ranges, any order, not
 *              overlapping (GET: sorted by @first)
 * @range_size: size of one entry at @ranges, sizeof(struct kvm_hc_range)
 * @reserved:   0
 *
 * Services and ranges are one policy: SET_POLICY replaces both at once, and
 * a vCPU sees either the whole old policy or the whole new one.
 * GET_POLICY with too little room at @ranges fails with E2BIG and sets
 * @nranges to what is needed.
 */
struct kvm_hc_policy {
	__u32 size;
	__u32 flags;
	__u32 services;
	__u32 nranges;
	__u64 ranges;
	__u32 range_size;
	__u32 reserved;
};

#define KVM_HC_POLICY_SIZE_VER0		32

/**
 * struct kvm_hc_counters - how a VM's hypercalls were dispatched
 * @kvm:     passed to stock KVM (by the policy, or for want of a handler)
 * @kernel:  answered by kvm_hc in the kernel
 * @forward: sent to the VMM
 * @deny:    denied by the policy
 */
struct kvm_hc_counters {
	__u64 kvm;
	__u64 kernel;
	__u64 forward;
	__u64 deny;
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

#define KVM_HC_NR_STATS_SIZE_VER0	40

/**
 * struct kvm_hc_stats - argument of KVM_HC_GET_STATS
 * @size:    sizeof(struct kvm_hc_stats)
 * @flags:   0
 * @nnrs:    in: room at @nrs; out: numbers kvm_hc has counters for
 * @nr_size: size of one entry at @nrs, sizeof(struct kvm_hc_nr_stats)
 * @nrs:     user pointer to an array of per-number entries, or 0 for the
 *           totals and the count alone
 * @uncounted: out: calls in @total whose number has no counters of its own
 * @total:   out: counters of all the VM's hypercalls that kvm_hc dispatched
 * @limited: out: calls of ranges with a rate limit that found the bucket
 *           empty (counted in @total under what they got); since
 *           KVM_HC_STATS_SIZE_VER1
 *
 * A VM gets counters of its own for the first KVM_HC_CAP_NR_COUNTERS (64)
 * distinct numbers it calls; the calls of later numbers count in @total
 * and @uncounted only.  With @nrs set and less room than numbers, the call
 * fails with E2BIG after setting @nnrs and the totals.
 */
struct kvm_hc_stats {
	__u32 size;
	__u32 flags;
	__u32 nnrs;
	__u32 nr_size;
	__u64 nrs;
	__u64 uncounted;
	struct kvm_hc_counters total;
	__u64 limited;
};

#define KVM_HC_STATS_SIZE_VER0		64
#define KVM_HC_STATS_SIZE_VER1		72

/* Doorbells one VM may have (also KVM_HC_CAP_DOORBELLS). */
#define KVM_HC_MAX_DOORBELLS	16

/**
 * struct kvm_hc_doorbell - argument of KVM_HC_SET_DOORBELL
 * @size:  sizeof(struct kvm_hc_doorbell)
 * @flags: 0
 * @id:    the doorbell (0..KVM_HC_MAX_DOORBELLS-1) that ranges name
 * @fd:    an eventfd (eventfd(2)) the doorbell signals: each call adds 1
 *         to its counter, so a read returns the calls since the last read;
 *         -1 removes the doorbell (its calls then return 0 and signal
 *         nothing).  Setting a doorbell replaces the one it had.
 *
 * kvm_hc holds its own reference on the eventfd until the doorbell is
 * replaced or removed, or the handle is closed.
 */
struct kvm_hc_doorbell {
	__u32 size;
	__u32 flags;
	__u32 id;
	__s32 fd;
};

#define KVM_HC_DOORBELL_SIZE_VER0	16

/* Most entries of a request ring (also KVM_HC_CAP_RING_ENTRIES). */
#define KVM_HC_MAX_RING_ENTRIES	65536

/**
 * struct kvm_hc_ring_setup - argument of KVM_HC_CREATE_RING
 * @size:           sizeof(struct kvm_hc_ring_setup)
 * @flags:          0
 * @entries:        in: the ring's entries, a power of two from 2 to
 *                  KVM_HC_MAX_RING_ENTRIES
 * @entry_size:     out: sizeof(struct kvm_hc_ring_entry)
 * @mmap_size:      out: the bytes to mmap from the ring's descriptor
 *                  (offset 0, MAP_SHARED, PROT_READ | PROT_WRITE)
 * @entries_offset: out: where entry 0 lies in that mapping
 *
 * KVM_HC_CREATE_RING returns the ring's file descriptor.  A VM has at
 * most one ring (EEXIST), kept until the handle is closed; the mapping
 * stays valid after that, and records nothing more.
 */
struct kvm_hc_ring_setup {
	__u32 size;
	__u32 flags;
	__u32 entries;
	__u32 entry_size;
	__u64 mmap_size;
	__u64 entries_offset;
};

#define KVM_HC_RING_SETUP_SIZE_VER0	32

/**
 * struct kvm_hc_ring_header - the first page of a request ring's mapping
 * @producer:       entries kvm_hc has written, modulo 2^32: kvm_hc
 *                  stores it with release semantics after writing the
 *                  entry; the VMM loads it with acquire semantics
 * @pad0:           keeps @consumer off @producer's cache line
 * @consumer:       entries the VMM has consumed, modulo 2^32: the VMM
 *                  stores it with release semantics after it has read the
 *                  entries (so kvm_hc never overwrites one being read);
 *                  kvm_hc loads it with acquire semantics
 * @pad1:           as @pad0
 * @entries:        the ring's entries (a power of two)
 * @entry_size:     sizeof(struct kvm_hc_ring_entry)
 * @entries_offset: where entry 0 lies in the mapping
 * @busy:           calls answered -KVM_HC_EBUSY because the ring was full
 *
 * Entry i lies at index i & (@entries - 1).  The ring is full when
 * @producer - @consumer == @entries; a @consumer that would make that
 * difference larger than @entries counts as full too.  Only @consumer is
 * the VMM's to write; kvm_hc keeps its own copy of the rest.
 */
struct kvm_hc_ring_header {
	__u32 producer;
	__u32 pad0[15];
	__u32 consumer;
	__u32 pad1[15];
	__u32 entries;
	__u32 entry_size;
	__u64 entries_offset;
	__u64 busy;
};

/**
 * struct kvm_hc_ring_entry - one call in a request ring
 * @nr:    the hypercall number
 * @args:  its arguments as the architecture's hook decodes them (x86 4,
 *         arm64 6, s390 6, powerpc 8); the rest 0
 * @vcpu:  the calling vCPU's id
 * @flags: 0
 */
struct kvm_hc_ring_entry {
	__u64 nr;
	__u64 args[8];
	__u32 vcpu;
	__u32 flags;
};

/*
 * ioctls: type 0xD1, which no other interface registers
 * (Documentation/userspace-api/ioctl/ioctl-number.rst), so that strace,
 * seccomp filters and readers cannot take them for KVM's.  The size in
 * each number is the 1.0 structure's and stays so; the @size member says
 * which structure the caller passes.
 *
 * On /dev/kvm_hc: KVM_HC_CHECK_EXTENSION, KVM_HC_ATTACH (returns a handle).
 * On a handle: KVM_HC_CHECK_EXTENSION, KVM_HC_SET_POLICY, KVM_HC_GET_POLICY,
 * KVM_HC_GET_STATS, KVM_HC_GET_STATS_FD (returns a stats file descriptor
 * laid out as KVM_GET_STATS_FD's), KVM_HC_SET_DOORBELL, KVM_HC_CREATE_RING
 * (returns the ring's file descriptor).
 */
#define KVM_HC_IOCTL_TYPE	0xD1
#define KVM_HC_CHECK_EXTENSION	_IO(KVM_HC_IOCTL_TYPE, 0x00)
/* struct kvm_hc_attach has grown since 1.0: its number keeps the 1.0 size */
#define KVM_HC_ATTACH		_IOC(_IOC_WRITE, KVM_HC_IOCTL_TYPE, 0x01, KVM_HC_ATTACH_SIZE_VER0)
#define KVM_HC_SET_POLICY	_IOW(KVM_HC_IOCTL_TYPE, 0x02, struct kvm_hc_policy)
#define KVM_HC_GET_POLICY	_IOWR(KVM_HC_IOCTL_TYPE, 0x03, struct kvm_hc_policy)
/* struct kvm_hc_stats has grown since 1.0: its number keeps the 1.0 size */
#define KVM_HC_GET_STATS	_IOC(_IOC_READ | _IOC_WRITE, KVM_HC_IOCTL_TYPE, 0x04, \
				     KVM_HC_STATS_SIZE_VER0)
#define KVM_HC_GET_STATS_FD	_IO(KVM_HC_IOCTL_TYPE, 0x05)
#define KVM_HC_SET_DOORBELL	_IOW(KVM_HC_IOCTL_TYPE, 0x06, struct kvm_hc_doorbell)
#define KVM_HC_CREATE_RING	_IOWR(KVM_HC_IOCTL_TYPE, 0x07, struct kvm_hc_ring_setup)

#endif /* _UAPI_LINUX_KVM_HC_H */
