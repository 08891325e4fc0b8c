/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of kvm_hc's core share, and nothing an
 * architecture or a handler module needs (those use include/kvm_hc.h).
 *
 *   kvm_hc_dispatch.c   the hot path: kvm_hc_take(), the dispatcher,
 *                       counting, the services; the state they read
 *   kvm_hc_handlers.c   the handler registry
 *   kvm_hc_vm.c         per-VM state: attach, detach, policy, counters,
 *                       the architecture's per-VM data, arming the hook
 *   kvm_hc_ring.c       doorbells and the request ring
 *   kvm_hc_uapi.c       the uAPI's structure rules and capabilities
 *   kvm_hc_dev.c        /dev/kvm_hc and the per-VM handles
 *   kvm_hc_sysfs.c      /sys/kernel/kvm_hc/<pid>-<fd>-<id>
 *   kvm_hc_statsfd.c    the KVM-layout stats fd
 *   kvm_hc_hook.c       plumbing every architecture's hook shares
 *   kvm_hc_main.c       module parameters, init and exit
 *
 * The first five are also the KUnit module's (kunit/).
 */
#ifndef _KVM_HC_CORE_H
#define _KVM_HC_CORE_H

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/kallsyms.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <uapi/linux/kvm.h>

#include "include/kvm_hc.h"

/* Distinct numbers a VM gets counters for; later ones count in the total only. */
#define KVM_HC_NR_SLOTS		64
#define KVM_HC_NR_ACTIONS	4

/*
 * A rate-limited range's token bucket, in billionths of a token so that
 * refilling needs no division: full is burst * NSEC_PER_SEC, and
 * @fill_ns, the time from empty to full, caps the refill.
 */
struct kvm_hc_bucket {
	raw_spinlock_t lock;
	u64 tokens;
	u64 last_ns;
	u64 fill_ns;
};

/* A VM's policy: its services and ranges, replaced as one object. */
struct kvm_hc_ruleset {
	struct rcu_head rcu;
	u32 services;
	unsigned int count;
	/* parallel to @ranges, for rate-limited policies only (else NULL) */
	struct kvm_hc_bucket *buckets;
	struct kvm_hc_range ranges[];
};

enum { KVM_HC_SLOT_FREE, KVM_HC_SLOT_CLAIMED, KVM_HC_SLOT_READY };

struct kvm_hc_nr_slot {
	atomic_t state;
	u64 nr;
};

/*
 * A VM's counters, one copy per CPU: a vCPU thread adds to its CPU's copy
 * with a plain this-CPU increment, and readers add the copies up.
 */
struct kvm_hc_vm_counts {
	u64 total[KVM_HC_NR_ACTIONS];
	u64 uncounted;			/* calls of numbers without a slot */
	u64 limited;			/* calls that found their bucket empty */
	u64 nr[KVM_HC_NR_SLOTS][KVM_HC_NR_ACTIONS];
};

/* A doorbell: the eventfd it signals (kvm_hc_ring.c). */
struct kvm_hc_bell {
	struct rcu_head rcu;
	struct eventfd_ctx *ctx;
};

/* A VM's request ring (kvm_hc_ring.c). */
struct kvm_hc_ring {
	refcount_t ref;			/* the VM's, and the ring file's */
	spinlock_t lock;		/* the producers: the VM's vCPUs */
	u32 entries;
	u32 prod;			/* kvm_hc's own producer index */
	u64 busy;
	size_t size;			/* of the mapping */
	struct kvm_hc_ring_header *hdr;	/* shared with the VMM */
	struct kvm_hc_ring_entry *ent;
};

struct kvm_hc_vm {
	struct hlist_node node;
	struct rcu_head rcu;
	struct kvm *kvm;
	u64 id;				/* the attachment's, never reused */
	refcount_t ref;			/* the attachment, and each stats fd */
	struct kvm_hc_ruleset __rcu *policy;
	struct kvm_hc_vm_counts __percpu *counts;
	/* Which number each nr[] column counts; claimed once per number. */
	struct kvm_hc_nr_slot slots[KVM_HC_NR_SLOTS];
	/* the doorbell action's eventfds, and the request ring (kvm_hc_ring.c) */
	struct kvm_hc_bell __rcu *bells[KVM_HC_MAX_DOORBELLS];
	struct kvm_hc_ring __rcu *ring;
	/* its policy has an exception range (kvm_hc_exceptions_get()) */
	bool exceptions;
	/* the architecture's own state, kvm_hc_arch.vm_data_size bytes */
	unsigned long arch_data[];
};

struct kvm_hc_handler {
	u16 arch;
	u64 nr;
	kvm_hc_handler_t fn;
	struct module *owner;
};

struct kvm_hc_handlers {
	struct rcu_head rcu;
	unsigned int count;
	struct kvm_hc_handler h[];
};

struct kvm_hc_global_counts {
	u64 c[KVM_HC_NR_ACTIONS];
};

/* The per-attachment handle behind a kvm_hc-vm file (kvm_hc_dev.c). */
struct kvm_hc_handle {
	struct kobject kobj;
	struct kvm_hc_vm *vm;
	struct kvm *kvm;
	bool in_sysfs;
	bool operator;			/* KVM_HC_ATTACH_OPERATOR: never forward */
};

/* State (kvm_hc_dispatch.c); see there. */
extern bool open_discovery;
extern struct srcu_struct kvm_hc_srcu;
extern struct mutex kvm_hc_lock;
extern atomic64_t kvm_hc_vm_ids;
extern struct hlist_head kvm_hc_vms[1 << 6];
extern unsigned int kvm_hc_nr_vms;
extern struct kvm_hc_handlers __rcu *kvm_hc_handlers;
DECLARE_PER_CPU(struct kvm_hc_global_counts, kvm_hc_global);
extern struct mutex kvm_hc_arm_lock;
extern unsigned int kvm_hc_arm_count;
extern bool kvm_hc_live;
extern atomic_t kvm_hc_inflight;

/* A range whose calls may get the exception: its action, or over its limit. */
static inline bool kvm_hc_range_raises(const struct kvm_hc_range *r)
{
	return r->action == KVM_HC_ACTION_EXCEPTION ||
	       (r->burst && r->over_action == KVM_HC_ACTION_EXCEPTION);
}

static inline struct kvm_hc_vm *kvm_hc_vm_find(struct kvm *kvm)
{
	struct hlist_head *head = &kvm_hc_vms[hash_min((unsigned long)kvm, HASH_BITS(kvm_hc_vms))];
	struct kvm_hc_vm *vm;

	hlist_for_each_entry_srcu(vm, head, node, srcu_read_lock_held(&kvm_hc_srcu) ||
				  rcu_read_lock_sched_held() || lockdep_is_held(&kvm_hc_lock))
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

/* kvm_hc_dispatch.c */
const struct kvm_hc_handler *kvm_hc_handler_find(u16 arch, u64 nr);
u32 kvm_hc_arch_services(u16 arch, u32 services);
/*
 * Numbers whose in-kernel handler is KVM's own code, a bit per number
 * below KVM_HC_KVM_NR_LIMIT, per architecture (kvm_hc_register_kvm_handler()):
 * kvm_hc_take() tests a bit rather than searching the handler table.
 */
#define KVM_HC_KVM_NR_LIMIT	64
extern u64 kvm_hc_kvm_nrs[8];

/* kvm_hc_handlers.c */
/*
 * The handlers of kvm_hc's own services that an architecture's hook
 * serves (discovery is the core's), by architecture and service: kept
 * apart from the number table, which holds hypercall numbers only.
 */
extern kvm_hc_handler_t kvm_hc_service_fns[KVM_HC_ARCH_MAX + 1][KVM_HC_SVC_COUNT];

static inline kvm_hc_handler_t kvm_hc_service_fn(u16 arch, int svc)
{
	if (arch > KVM_HC_ARCH_MAX || svc < 0 || svc >= KVM_HC_SVC_COUNT)
		return NULL;
	return READ_ONCE(kvm_hc_service_fns[arch][svc]);
}

unsigned int kvm_hc_unregister_owner(struct module *owner);
int kvm_hc_handler_register(u16 arch, u64 nr, kvm_hc_handler_t fn, struct module *owner);
void kvm_hc_handler_unregister(u16 arch, u64 nr);

/* kvm_hc_vm.c */
int kvm_hc_arm_get(void);
void kvm_hc_arm_put(void);
void kvm_hc_vm_put(struct kvm_hc_vm *vm);
void kvm_hc_counters_read(struct kvm_hc_counters *c, const void __percpu *base, size_t offset);
u64 kvm_hc_vm_uncounted(struct kvm_hc_vm *vm);
u64 kvm_hc_vm_limited(struct kvm_hc_vm *vm);
void kvm_hc_ruleset_free_now(struct kvm_hc_ruleset *p);
void kvm_hc_vm_total(struct kvm_hc_vm *vm, struct kvm_hc_counters *c);
unsigned int kvm_hc_vm_stats(struct kvm_hc_vm *vm, struct kvm_hc_counters *total,
			     struct kvm_hc_nr_stats *nrs, unsigned int max);

/* kvm_hc_ring.c */
struct eventfd_ctx;
void kvm_hc_doorbell_take(struct kvm_hc_vm *vm, const struct kvm_hc_range *r);
void kvm_hc_doorbell(struct kvm_hc_vm *vm, const struct kvm_hc_range *r,
		     struct kvm_hc_call *call);
int kvm_hc_vm_set_doorbell(struct kvm_hc_vm *vm, u32 id, struct eventfd_ctx *ctx);
u32 kvm_hc_vm_doorbells(struct kvm_hc_vm *vm);
bool kvm_hc_vm_ring_state(struct kvm_hc_vm *vm, struct kvm_hc_ring_header *out);
void kvm_hc_vm_doorbells_release(struct kvm_hc_vm *vm);
struct file *kvm_hc_ring_file(struct kvm_hc_ring_setup *setup);
int kvm_hc_vm_install_ring(struct kvm_hc_vm *vm, struct file *file);

/* kvm_hc_uapi.c */
int kvm_hc_copy_in(void *dst, size_t ksize, size_t ver0, const void __user *src, u32 *usize);
int kvm_hc_copy_out(void __user *dst, const void *src, size_t ksize, u32 usize);
int kvm_hc_entries_out(u64 uptr, const void *src, unsigned int n, size_t ksize, u32 usize);
int kvm_hc_policy_check(const struct kvm_hc_policy *p);
struct kvm_hc_range *kvm_hc_ranges_in(u64 uptr, unsigned int n, u32 size);
long kvm_hc_check_extension(const struct kvm_hc_arch_ops *info, unsigned long cap);

/* kvm_hc_hook.c (the KUnit module has stubs: it has no hook) */
int kvm_hc_hook_arm(void);
void kvm_hc_hook_disarm(void);
struct kvm *kvm_hc_get_vm(struct file *file, bool any_process);
void kvm_hc_put_vm(struct kvm *kvm);

/* kvm_hc_sysfs.c */
extern struct kobject *kvm_hc_sysfs;
int kvm_hc_sysfs_init(void);
void kvm_hc_sysfs_exit(void);
extern const struct kobj_type kvm_hc_handle_ktype;

/* kvm_hc_statsfd.c */
long kvm_hc_get_stats_fd_ioctl(struct kvm_hc_handle *h);

/* kvm_hc_dev.c */
extern struct miscdevice kvm_hc_dev;

#endif /* _KVM_HC_CORE_H */
