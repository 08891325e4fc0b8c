/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkvmhc - a small C library over kvm_hc's VMM interface, version 1.0
 * (Documentation/uapi.rst): find the module and what it can do, attach a
 * VM, build, set and read back its policy, read its counters, and decode
 * a forwarded hypercall exit and answer it on the architecture it runs on.
 *
 * Every function that can fail returns 0 (or a value >= 0) on success and
 * a negative errno on failure; kvmhc_strerror() says what it means here.
 * Nothing keeps global state: one struct kvmhc per opener, one struct
 * kvmhc_vm per attached VM.
 */
#ifndef KVMHC_H
#define KVMHC_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <linux/kvm_hc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** struct kvmhc - an open /dev/kvm_hc */
struct kvmhc;
/** struct kvmhc_vm - an attached VM: its kvm_hc handle */
struct kvmhc_vm;
/** struct kvmhc_policy - a policy being built, or read back */
struct kvmhc_policy;

/* The device, and what the module can do. */
int kvmhc_open(struct kvmhc **dev);
void kvmhc_close(struct kvmhc *dev);
long kvmhc_check(const struct kvmhc *dev, unsigned long cap);
int kvmhc_compatible(const struct kvmhc *dev);

/* Attach a VM of this process (its KVM VM file descriptor); detach it. */
int kvmhc_attach(struct kvmhc *dev, int vm_fd, struct kvmhc_vm **vm);
int kvmhc_attach_operator(struct kvmhc *dev, int pid, int vm_fd, struct kvmhc_vm **vm);
void kvmhc_detach(struct kvmhc_vm *vm);
int kvmhc_vm_handle(const struct kvmhc_vm *vm);

/* Policies: services and ranges, set and read back as one. */
struct kvmhc_policy *kvmhc_policy_new(void);
void kvmhc_policy_free(struct kvmhc_policy *p);
void kvmhc_policy_set_services(struct kvmhc_policy *p, uint32_t services);
int kvmhc_policy_add(struct kvmhc_policy *p, uint64_t first, uint64_t last, uint32_t action,
		     int32_t error);
uint32_t kvmhc_policy_services(const struct kvmhc_policy *p);
unsigned int kvmhc_policy_nranges(const struct kvmhc_policy *p);
const struct kvm_hc_range *kvmhc_policy_range(const struct kvmhc_policy *p, unsigned int i);
int kvmhc_set_policy(struct kvmhc_vm *vm, const struct kvmhc_policy *p);
int kvmhc_get_policy(struct kvmhc_vm *vm, struct kvmhc_policy **p);

/**
 * struct kvmhc_stats - a VM's counters
 * @total:     all its calls kvm_hc dispatched
 * @uncounted: calls of numbers past the ones with counters of their own
 * @nnrs:      entries at @nrs
 * @nrs:       counters of each number (up to KVM_HC_CAP_NR_COUNTERS)
 */
struct kvmhc_stats {
	struct kvm_hc_counters total;
	uint64_t uncounted;
	unsigned int nnrs;
	struct kvm_hc_nr_stats nrs[64];
};

int kvmhc_get_stats(struct kvmhc_vm *vm, struct kvmhc_stats *s);
int kvmhc_stats_fd(struct kvmhc_vm *vm);

/**
 * struct kvmhc_call - a hypercall forwarded to the VMM
 * @nr:     its number, as the architecture numbers it
 * @args:   its arguments
 * @nargs:  entries of @args the exit carries
 * @marked: the exit carries kvm_hc's marker (arm64; elsewhere 0)
 */
struct kvmhc_call {
	uint64_t nr;
	uint64_t args[9];
	unsigned int nargs;
	int marked;
};

int kvmhc_exit_decode(const struct kvm_run *run, struct kvmhc_call *call);
int kvmhc_exit_answer(int vcpu_fd, struct kvm_run *run, const uint64_t *ret, unsigned int nret);

/* Doorbells: calls answered in the kernel that signal an eventfd. */
int kvmhc_policy_add_doorbell(struct kvmhc_policy *p, uint64_t first, uint64_t last,
			      uint32_t doorbell, uint32_t flags);
int kvmhc_set_doorbell(struct kvmhc_vm *vm, uint32_t id, int eventfd);

/* Rate limits: a token bucket on the range added last. */
int kvmhc_policy_limit(struct kvmhc_policy *p, uint32_t burst, uint32_t rate,
		       uint32_t over_action, int32_t over_error);
/* Flags of the range added last: KVM_HC_RANGE_USER, KVM_HC_RANGE_RING. */
int kvmhc_policy_flags(struct kvmhc_policy *p, uint32_t flags);

/** struct kvmhc_ring - a VM's request ring, mapped */
struct kvmhc_ring;

int kvmhc_ring_create(struct kvmhc_vm *vm, uint32_t entries, struct kvmhc_ring **ring);
void kvmhc_ring_free(struct kvmhc_ring *ring);
unsigned int kvmhc_ring_read(struct kvmhc_ring *ring, struct kvm_hc_ring_entry *out,
			     unsigned int max);
uint32_t kvmhc_ring_entries(const struct kvmhc_ring *ring);
uint64_t kvmhc_ring_busy(const struct kvmhc_ring *ring);

/* Words for people. */
const char *kvmhc_strerror(int err);
const char *kvmhc_action_name(uint32_t action);
int kvmhc_action_parse(const char *name, uint32_t *action);

#ifdef __cplusplus
}
#endif

#endif /* KVMHC_H */
