// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc: a hypercall dispatcher for KVM hosts.
 *
 * This is the arch-neutral core.  Each architecture's hook (arch/<arch>/)
 * decodes a guest hypercall into a struct kvm_hc_call and calls
 * kvm_hc_dispatch(), which answers with one action: leave the call to KVM,
 * handle it here, send it to the VMM, or deny it.  The decision is one
 * lock-free lookup: the VM's state in a hash table, then the VM's policy, a
 * sorted array of number ranges searched by bisection, then for in-kernel
 * calls the handler table, also sorted.  All three are read under SRCU,
 * because in-kernel handlers may sleep (a directed yield does).
 *
 * A VMM opts a VM in through /dev/kvm_hc (KVM_HC_ATTACH) and sets its
 * policy on the handle it gets back; see Documentation/uapi.rst.
 *
 *   insmod kvm_hc.ko                     # invisible: every VM sees stock KVM
 *   cat /sys/module/kvm_hc/hook          # the KVM function kvm_hc hooks
 *   ls /sys/kernel/kvm_hc/               # one folder per attached VM
 *   rmmod kvm_hc                         # waits for calls in flight
 */
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
#include <linux/srcu.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <uapi/linux/kvm.h>

#include "include/kvm_hc.h"

#define CREATE_TRACE_POINTS
#include "kvm_hc_trace.h"

static bool open_discovery;

/* Distinct numbers a VM gets counters for; later ones count in the total only. */
#define KVM_HC_NR_SLOTS		64
#define KVM_HC_NR_ACTIONS	4

/* A VM's policy: its services and ranges, replaced as one object. */
struct kvm_hc_ruleset {
	struct rcu_head rcu;
	u32 services;
	unsigned int count;
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
	u64 nr[KVM_HC_NR_SLOTS][KVM_HC_NR_ACTIONS];
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
	unsigned long wake[BITS_TO_LONGS(KVM_HC_WAKE_VCPUS)];
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

/*
 * One SRCU domain protects every policy, the handler table and a VM's
 * state from the moment a hook takes a call until it is done with it;
 * the VM table is read under RCU (kvm_hc_take()) or SRCU.  Writers
 * serialise on kvm_hc_lock.
 */
DEFINE_STATIC_SRCU(kvm_hc_srcu);
static DEFINE_MUTEX(kvm_hc_lock);
/* Attachment ids: 1, 2, ... never reused while the module is loaded. */
static atomic64_t kvm_hc_vm_ids = ATOMIC64_INIT(0);
static DEFINE_HASHTABLE(kvm_hc_vms, 6);
static unsigned int kvm_hc_nr_vms;
static struct kvm_hc_handlers __rcu *kvm_hc_handlers;

struct kvm_hc_global_counts {
	u64 c[KVM_HC_NR_ACTIONS];
};

static DEFINE_PER_CPU(struct kvm_hc_global_counts, kvm_hc_global);

/*
 * The hook is armed only while it has a user: attached VMs plus
 * open_discovery.  Until then KVM runs its own code only.  Arming and
 * disarming patch kernel text and wait for RCU Tasks, which can take a
 * while: their own mutex keeps that away from every other VM's requests.
 */
static DEFINE_MUTEX(kvm_hc_arm_lock);
static unsigned int kvm_hc_arm_count;
/* The architecture's hook is set up (module init done): arming may start. */
static bool kvm_hc_live;

/* kvm_hc's text, for kvm_hc_from_self(); set before any hook exists. */
unsigned long kvm_hc_text, kvm_hc_text_size;

/* vCPU threads between kvm_hc_enter() and kvm_hc_leave() (arm64's rare paths). */
static atomic_t kvm_hc_inflight = ATOMIC_INIT(0);
/* Wake tokens set in all VMs (see kvm_hc_wake_pending()). */
atomic_t kvm_hc_wake_tokens = ATOMIC_INIT(0);

static struct kvm_hc_vm *kvm_hc_vm_find(struct kvm *kvm)
{
	struct hlist_head *head = &kvm_hc_vms[hash_min((unsigned long)kvm, HASH_BITS(kvm_hc_vms))];
	struct kvm_hc_vm *vm;

	hlist_for_each_entry_srcu(vm, head, node, srcu_read_lock_held(&kvm_hc_srcu) ||
				  rcu_read_lock_sched_held() || lockdep_is_held(&kvm_hc_lock))
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

#ifdef KVM_HC_KUNIT
/* The KUnit module has no hook: there is nothing to arm. */
static int kvm_hc_hook_arm(void)
{
	return 0;
}

static void kvm_hc_hook_disarm(void)
{
}
#else
static int kvm_hc_hook_arm(void)
{
	return kvm_hc_arch_arm();
}

static void kvm_hc_hook_disarm(void)
{
	kvm_hc_arch_disarm();
}
#endif

/* One more user of the hook (an attached VM, open_discovery): arm it if first. */
static int kvm_hc_arm_get(void)
{
	int ret;

	mutex_lock(&kvm_hc_arm_lock);
	ret = !kvm_hc_live || kvm_hc_arm_count++ ? 0 : kvm_hc_hook_arm();
	if (ret)
		kvm_hc_arm_count--;
	mutex_unlock(&kvm_hc_arm_lock);
	return ret;
}

/* One user fewer: disarm the hook after the last (calls in flight finish). */
static void kvm_hc_arm_put(void)
{
	mutex_lock(&kvm_hc_arm_lock);
	if (kvm_hc_live && !--kvm_hc_arm_count)
		kvm_hc_hook_disarm();
	mutex_unlock(&kvm_hc_arm_lock);
}

/* Writers of open_discovery, one at a time. */
static DEFINE_MUTEX(kvm_hc_discovery_lock);

static int kvm_hc_open_discovery_set(const char *val, const struct kernel_param *kp)
{
	bool on = true;
	int ret = val ? kstrtobool(val, &on) : 0;	/* a bare "open_discovery" */

	if (ret)
		return ret;
	mutex_lock(&kvm_hc_discovery_lock);
	if (on && !open_discovery)
		ret = kvm_hc_arm_get();
	if (!ret && on != open_discovery) {
		WRITE_ONCE(open_discovery, on);
		if (!on)
			kvm_hc_arm_put();
	}
	mutex_unlock(&kvm_hc_discovery_lock);
	return ret;
}

static const struct kernel_param_ops kvm_hc_open_discovery_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = kvm_hc_open_discovery_set,
	.get = param_get_bool,
};
module_param_cb(open_discovery, &kvm_hc_open_discovery_ops, &open_discovery, 0644);
MODULE_PARM_DESC(open_discovery,
		 "Let every VM use the discovery hypercall (default: only VMs whose VMM opted in)");

/**
 * kvm_hc_wants() - whether kvm_hc may take a hypercall of this VM
 * @kvm:       the VM
 * @own_block: the number lies in kvm_hc's own block of services
 *
 * For the rare calls a hook answers outside kvm_hc_take() (arm64's and
 * powerpc's FEATURES calls, which add kvm_hc's bits to KVM's answer).  A
 * false positive is harmless: kvm_hc_services() then reports none.  May
 * be called with preemption disabled.
 *
 * Return: true if the hook should decode the call and dispatch it.
 */
bool kvm_hc_wants(struct kvm *kvm, bool own_block)
{
	bool ret;
	int idx;

	if (own_block && READ_ONCE(open_discovery))
		return true;
	if (!READ_ONCE(kvm_hc_nr_vms))
		return false;
	idx = srcu_read_lock(&kvm_hc_srcu);
	ret = kvm_hc_vm_find(kvm);
	srcu_read_unlock(&kvm_hc_srcu, idx);
	return ret;
}

/**
 * kvm_hc_enter() - a hook is about to run kvm_hc code outside a section
 *
 * For arm64's FEATURES call and wake hook, which redirect to kvm_hc code
 * without kvm_hc_begin().  Paired with kvm_hc_leave(); module unload waits
 * until every vCPU thread between the two has left.
 */
void kvm_hc_enter(void)
{
	atomic_inc(&kvm_hc_inflight);
}

/**
 * kvm_hc_leave() - the hook is done with kvm_hc code for this hypercall
 */
void kvm_hc_leave(void)
{
	if (atomic_dec_and_test(&kvm_hc_inflight))
		wake_up_var(&kvm_hc_inflight);
}

/*
 * The searches of the hot path are written out rather than bsearch()'s:
 * no call through a compare function per step.
 */
static const struct kvm_hc_range *kvm_hc_policy_lookup(const struct kvm_hc_ruleset *p, u64 nr)
{
	unsigned int lo = 0, hi = p ? p->count : 0, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (nr < p->ranges[mid].first)
			hi = mid;
		else if (nr > p->ranges[mid].last)
			lo = mid + 1;
		else
			return &p->ranges[mid];
	}
	return NULL;
}

static int kvm_hc_handler_cmp(const void *key, const void *elt)
{
	const struct kvm_hc_handler *k = key, *h = elt;

	if (k->arch != h->arch)
		return k->arch < h->arch ? -1 : 1;
	if (k->nr != h->nr)
		return k->nr < h->nr ? -1 : 1;
	return 0;
}

static const struct kvm_hc_handler *kvm_hc_handler_find(u16 arch, u64 nr)
{
	const struct kvm_hc_handlers *t = srcu_dereference(kvm_hc_handlers, &kvm_hc_srcu);
	unsigned int lo = 0, hi = t ? t->count : 0, mid;
	const struct kvm_hc_handler *h;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		h = &t->h[mid];
		if (arch < h->arch || (arch == h->arch && nr < h->nr))
			hi = mid;
		else if (arch > h->arch || nr > h->nr)
			lo = mid + 1;
		else
			return h;
	}
	return NULL;
}

/*
 * Numbers whose in-kernel handler is KVM's own code, per architecture
 * (kvm_hc_register_kvm_handler()): KVM's own numbers are small, so
 * kvm_hc_take() tests a bit rather than searching the handler table.
 */
#define KVM_HC_KVM_NR_LIMIT	64
static u64 kvm_hc_kvm_nrs[8];

static bool kvm_hc_kvm_answers(u16 arch, u64 nr)
{
	return arch < ARRAY_SIZE(kvm_hc_kvm_nrs) && nr < KVM_HC_KVM_NR_LIMIT &&
	       (READ_ONCE(kvm_hc_kvm_nrs[arch]) & BIT_ULL(nr));
}

static u32 kvm_hc_arch_services(u16 arch, u32 services);

/*
 * @services: what the VM may call; what its architecture offers of that
 * is worked out only for the selector that reports it.
 */
static void kvm_hc_svc_discover(struct kvm_hc_call *call, u32 services)
{
	u64 sel = call->args[0];

	call->nret = 1;
	if (sel == KVM_HC_DISCOVER_VERSION)
		call->ret[0] = KVM_HC_ABI_VERSION;
	else if (sel == KVM_HC_DISCOVER_BITMAP(0))
		call->ret[0] = kvm_hc_arch_services(call->arch, services);
	else if (sel - KVM_HC_DISCOVER_BITMAP(0) < KVM_HC_DISCOVER_BITMAP_WORDS)
		call->ret[0] = 0;
	else
		call->status = -EINVAL;
}

/*
 * Services an architecture offers: discovery everywhere, the others where
 * the architecture registered a handler for the service's own number.
 */
static u32 kvm_hc_arch_services(u16 arch, u32 services)
{
	u32 offered = BIT(KVM_HC_SVC_DISCOVER);
	int s;

	for (s = 0; s < KVM_HC_SVC_COUNT; s++)
		if ((services & BIT(s)) && kvm_hc_handler_find(arch, KVM_HC_SVC_HANDLER_NR(s)))
			offered |= BIT(s);
	return services & offered;
}

/*
 * Run an in-kernel handler and hold it to the interface: the architectures
 * copy @ret[0..@nret) into guest registers, so a count past the array
 * would hand the guest whatever lies beyond it, and a positive status is
 * no error any architecture can encode.  Another module's handler runs
 * only while that module is live: once its unloading has begun, KVM
 * answers instead.  No reference is taken: the handler table is read
 * under SRCU, and unregistering (by the owner's exit function, or by
 * kvm_hc's module notifier before the owner's code is freed) waits for
 * the calls in flight.
 *
 * Return: false if the handler did not run.
 */
static __always_inline bool kvm_hc_call_handler(const struct kvm_hc_handler *h,
						struct kvm_vcpu *vcpu,
						struct kvm_hc_call *call)
{
	/* No function: KVM's own code answers (kvm_hc_register_kvm_handler()). */
	if (!h->fn || (h->owner && h->owner != THIS_MODULE && !module_is_live(h->owner)))
		return false;
	h->fn(vcpu, call);
	if (WARN_ON_ONCE(call->nret > KVM_HC_MAX_RETS))
		call->nret = KVM_HC_MAX_RETS;
	if (WARN_ON_ONCE(call->status > 0))
		call->status = -EIO;
	return true;
}

static enum kvm_hc_action kvm_hc_run_service(struct kvm_vcpu *vcpu, struct kvm_hc_call *call,
					     u32 services)
{
	const struct kvm_hc_handler *h;

	if (call->svc == KVM_HC_SVC_DISCOVER) {
		kvm_hc_svc_discover(call, services);
		return KVM_HC_KERNEL;
	}
	h = kvm_hc_handler_find(call->arch, KVM_HC_SVC_HANDLER_NR(call->svc));
	if (!h || !kvm_hc_call_handler(h, vcpu, call))
		return KVM_HC_KVM;
	return KVM_HC_KERNEL;
}

/* @p: the VM's policy, NULL for a VM that is not attached (or has none) */
static u32 kvm_hc_policy_services(struct kvm_hc_vm *vm, const struct kvm_hc_ruleset *p)
{
	if (vm)
		return p ? p->services : 0;
	return READ_ONCE(open_discovery) ? BIT(KVM_HC_SVC_DISCOVER) : 0;
}

/**
 * kvm_hc_services() - kvm_hc services a VM may call on an architecture
 * @kvm:  the VM
 * @arch: KVM_HC_ARCH_* of the caller
 *
 * For architectures that announce kvm_hc's services in a feature bitmap
 * of their own (the arm64 vendor-hypervisor FEATURES call).
 *
 * Return: bitmap of KVM_HC_SVC_* numbers.
 */
u32 kvm_hc_services(struct kvm *kvm, u16 arch)
{
	const struct kvm_hc_ruleset *p;
	struct kvm_hc_vm *vm;
	u32 services;
	int idx;

	idx = srcu_read_lock(&kvm_hc_srcu);
	vm = kvm_hc_vm_find(kvm);
	p = vm ? srcu_dereference(vm->policy, &kvm_hc_srcu) : NULL;
	services = kvm_hc_policy_services(vm, p);
	services = kvm_hc_arch_services(arch, services);
	srcu_read_unlock(&kvm_hc_srcu, idx);
	return services;
}

static enum kvm_hc_action kvm_hc_apply_range(const struct kvm_hc_range *r,
					     struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	const struct kvm_hc_handler *h;

	switch (r->action) {
	case KVM_HC_DENY:
		call->status = r->error;
		return KVM_HC_DENY;
	case KVM_HC_FORWARD:
		if (call->flags & KVM_HC_CALL_NO_USER)
			break;
		return KVM_HC_FORWARD;
	case KVM_HC_KERNEL:
		h = kvm_hc_handler_find(call->arch, call->nr);
		if (!h || !kvm_hc_call_handler(h, vcpu, call))
			break;
		return KVM_HC_KERNEL;
	}
	/*
	 * No in-kernel handler serves this number (or its module is going
	 * away), or the hook cannot forward it: KVM's answer stands.
	 */
	return KVM_HC_KVM;
}

/*
 * Claim a free slot for @nr, once per number and VM: the one locked
 * instruction of counting, kept out of line and off the hot path.
 */
static noinline int kvm_hc_nr_slot_claim(struct kvm_hc_nr_slot *slot, u64 nr)
{
	int state;

	/* Claim and publish with preemption off: others spin on CLAIMED. */
	preempt_disable();
	state = atomic_cmpxchg(&slot->state, KVM_HC_SLOT_FREE, KVM_HC_SLOT_CLAIMED);
	if (state == KVM_HC_SLOT_FREE) {
		slot->nr = nr;
		atomic_set_release(&slot->state, KVM_HC_SLOT_READY);
	}
	preempt_enable();
	return state;
}

/*
 * The slot of @nr, claiming one if @nr has none yet (the first call of a
 * number, or after a collision): the linear probe, out of line.
 */
static noinline struct kvm_hc_nr_slot *kvm_hc_nr_slot_find(struct kvm_hc_vm *vm, u64 nr,
							   unsigned int h)
{
	struct kvm_hc_nr_slot *slot;
	unsigned int i;
	int state;

	for (i = 0; i < KVM_HC_NR_SLOTS; i++) {
		slot = &vm->slots[(h + i) % KVM_HC_NR_SLOTS];
		state = atomic_read_acquire(&slot->state);
		if (state == KVM_HC_SLOT_FREE) {
			state = kvm_hc_nr_slot_claim(slot, nr);
			if (state == KVM_HC_SLOT_FREE)
				return slot;
		}
		while (state == KVM_HC_SLOT_CLAIMED) {
			cpu_relax();
			state = atomic_read_acquire(&slot->state);
		}
		if (slot->nr == nr)
			return slot;
	}
	return NULL;
}

/* Usually the number's home slot holds it already: two loads, inline. */
static __always_inline struct kvm_hc_nr_slot *kvm_hc_nr_slot(struct kvm_hc_vm *vm, u64 nr)
{
	unsigned int h = hash_64(nr, ilog2(KVM_HC_NR_SLOTS));
	struct kvm_hc_nr_slot *slot = &vm->slots[h];

	if (likely(atomic_read_acquire(&slot->state) == KVM_HC_SLOT_READY && slot->nr == nr))
		return slot;
	return kvm_hc_nr_slot_find(vm, nr, h);
}

/*
 * Count a call: this CPU's copies only, with this-CPU increments (no
 * locked instruction; preemption between two of them only moves a count
 * to another CPU's copy).  The slot of a number is claimed once, with a
 * cmpxchg; after that finding it only reads.
 */
static __always_inline void kvm_hc_count(struct kvm_hc_vm *vm, u64 nr, enum kvm_hc_action act)
{
	struct kvm_hc_nr_slot *slot;

	this_cpu_inc(kvm_hc_global.c[act]);
	if (!vm)
		return;
	this_cpu_inc(vm->counts->total[act]);
	slot = kvm_hc_nr_slot(vm, nr);
	if (slot)
		this_cpu_inc(vm->counts->nr[slot - vm->slots][act]);
	else
		this_cpu_inc(vm->counts->uncounted);
}

/**
 * kvm_hc_take() - the hook's first look at a hypercall: does kvm_hc serve it?
 * @kvm:   the calling VM
 * @arch:  KVM_HC_ARCH_* of the calling convention
 * @flags: KVM_HC_CALL_* as decoded so far (KVM_HC_CALL_UNPRIV if known)
 * @nr:    the number, truncated to the caller's width
 * @svc:   its service number, or KVM_HC_NO_SVC
 *
 * A VM kvm_hc does not know costs a hash lookup with preemption disabled
 * (an RCU read-side section without a call); a call of an attached VM
 * that KVM answers anyway (a number outside the VM's policy or in a
 * KVM_HC_ACTION_KVM range, a service the VM may not call, an unprivileged
 * caller) is counted and left to KVM, with nothing else done; the hook
 * traces it if the tracepoint is on.  So is a number the policy has
 * served in the kernel whose in-kernel handler is KVM's own code
 * (kvm_hc_register_kvm_handler()), counted as served in the kernel.  Only the number is needed to
 * decide, so a hook can decide before it decodes the rest of the call.
 *
 * Nothing is held on return: a hook that redirects the call to its
 * replacement hands it nothing either (another ftrace user, a BPF
 * trampoline, may run in between and does not keep spare argument
 * registers), and the replacement opens its own section with
 * kvm_hc_begin().  May be called with preemption disabled.
 *
 * Return: KVM_HC_TAKE if the hook must dispatch the call; KVM_HC_COUNTED
 * or KVM_HC_COUNTED_KERNEL if it was counted and left to KVM; KVM_HC_PASS
 * if it is none of kvm_hc's.
 */
enum kvm_hc_take kvm_hc_take(struct kvm *kvm, u16 arch, u16 flags, u64 nr, int svc)
{
	enum kvm_hc_take ret = KVM_HC_PASS;
	const struct kvm_hc_ruleset *p = NULL;
	const struct kvm_hc_range *r;
	struct kvm_hc_vm *vm;

	preempt_disable_notrace();
	vm = kvm_hc_vm_find(kvm);
	if (!vm && !(svc != KVM_HC_NO_SVC && READ_ONCE(open_discovery)))
		goto out;
	ret = KVM_HC_TAKE;
	if (flags & KVM_HC_CALL_UNPRIV)
		goto stock;
	if (vm)
		p = rcu_dereference_sched(vm->policy);
	if (svc != KVM_HC_NO_SVC) {
		if (svc < 0 || svc >= KVM_HC_SVC_COUNT ||
		    !(kvm_hc_policy_services(vm, p) & BIT(svc)))
			goto stock;
	} else {
		if (!vm)
			goto stock;
		r = kvm_hc_policy_lookup(p, nr);
		if (!r || r->action == KVM_HC_KVM)
			goto stock;
		if (r->action == KVM_HC_KERNEL && kvm_hc_kvm_answers(arch, nr)) {
			kvm_hc_count(vm, nr, KVM_HC_KERNEL);
			ret = KVM_HC_COUNTED_KERNEL;
		}
	}
	goto out;

stock:
	kvm_hc_count(vm, nr, KVM_HC_KVM);
	ret = KVM_HC_COUNTED;
out:
	preempt_enable_notrace();
	return ret;
}

/**
 * kvm_hc_begin() - open the section in which kvm_hc serves one call
 * @ctx: filled in: the VM's state (NULL if it is not attached), and the
 *       SRCU section that keeps it, its policy and the handlers valid
 * @kvm: the calling VM
 *
 * The replacement of a hooked KVM function calls this first thing, before
 * anything can sleep, and kvm_hc_end() last, after any call of KVM's
 * original: module unload waits for the section (the RCU Tasks grace
 * period of removing the hook covers the way from the callback to here).
 */
void kvm_hc_begin(struct kvm_hc_ctx *ctx, struct kvm *kvm)
	__acquires(&kvm_hc_srcu)
{
	ctx->idx = srcu_read_lock(&kvm_hc_srcu);
	ctx->vm = kvm_hc_vm_find(kvm);
}

/**
 * kvm_hc_end() - close the section kvm_hc_begin() opened
 * @ctx: as kvm_hc_begin() filled it in
 */
void kvm_hc_end(const struct kvm_hc_ctx *ctx)
	__releases(&kvm_hc_srcu)
{
	srcu_read_unlock(&kvm_hc_srcu, ctx->idx);
}

/**
 * kvm_hc_dispatch_vm() - decide what happens to one hypercall kvm_hc took
 * @ctx:  from kvm_hc_begin(); its VM is the caller's, or NULL for a VM
 *        that is not attached (open_discovery)
 * @vcpu: the calling vCPU, handed to in-kernel handlers
 * @call: the decoded call; on KVM_HC_KERNEL and KVM_HC_DENY the results
 *        (@ret, @nret, @status) are filled in
 *
 * Lock-free: safe in the vCPU run loop of any number of vCPUs at once,
 * with no locked instruction on the way (Documentation/design.rst, "The
 * hot path").  May sleep (in-kernel handlers may).  A VM that did not opt
 * in gets KVM_HC_KVM for every number, except for the discovery call
 * while the open_discovery parameter is set.
 *
 * Return: the enum kvm_hc_action the hook must carry out.
 */
enum kvm_hc_action kvm_hc_dispatch_vm(const struct kvm_hc_ctx *ctx, struct kvm_vcpu *vcpu,
				      struct kvm_hc_call *call)
{
	enum kvm_hc_action act = KVM_HC_KVM;
	const struct kvm_hc_ruleset *p = NULL;
	struct kvm_hc_vm *vm = ctx->vm;
	const struct kvm_hc_range *r;
	u32 services;

	call->nret = 0;
	call->status = 0;
	/* KVM refuses unprivileged callers with its own error; so do we. */
	if (call->flags & KVM_HC_CALL_UNPRIV)
		goto count;

	/* One policy for the whole call: its services and its ranges. */
	if (vm)
		p = srcu_dereference(vm->policy, &kvm_hc_srcu);
	services = kvm_hc_policy_services(vm, p);

	if (call->svc != KVM_HC_NO_SVC) {
		if (call->svc >= 0 && call->svc < KVM_HC_SVC_COUNT &&
		    (services & BIT(call->svc)))
			act = kvm_hc_run_service(vcpu, call, services);
	} else if (vm) {
		r = kvm_hc_policy_lookup(p, call->nr);
		if (r)
			act = kvm_hc_apply_range(r, vcpu, call);
	}
count:
	kvm_hc_count(vm, call->nr, act);
	/* the VM's id is looked at only while the event is on */
	if (trace_kvm_hc_dispatch_enabled())
		trace_kvm_hc_dispatch(vm ? vm->id : 0, call, act);
	return act;
}

/**
 * kvm_hc_trace_taken() - trace a call kvm_hc_take() counted and left to KVM
 * @kvm:  the calling VM
 * @call: the call, decoded for the tracepoint
 * @take: what kvm_hc_take() answered
 *
 * For hooks, only while the tracepoint is enabled.  May be called with
 * preemption disabled.
 */
void kvm_hc_trace_taken(struct kvm *kvm, const struct kvm_hc_call *call, enum kvm_hc_take take)
{
	struct kvm_hc_vm *vm;
	u64 id;

	rcu_read_lock();
	vm = kvm_hc_vm_find(kvm);
	id = vm ? vm->id : 0;
	rcu_read_unlock();
	trace_kvm_hc_dispatch(id, call, kvm_hc_take_action(take));
}

/**
 * kvm_hc_dispatch() - kvm_hc_dispatch_vm() in a section of its own
 * @kvm:  the VM that made the call
 * @vcpu: the calling vCPU
 * @call: the decoded call
 *
 * For a hook that calls nothing of KVM's after the dispatch (powerpc,
 * s390) and for KUnit.
 *
 * Return: the enum kvm_hc_action the hook must carry out.
 */
enum kvm_hc_action kvm_hc_dispatch(struct kvm *kvm, struct kvm_vcpu *vcpu,
				   struct kvm_hc_call *call)
{
	struct kvm_hc_ctx ctx;
	enum kvm_hc_action act;

	kvm_hc_begin(&ctx, kvm);
	act = kvm_hc_dispatch_vm(&ctx, vcpu, call);
	kvm_hc_end(&ctx);
	return act;
}

/*
 * Free a replaced handler table once no dispatcher reads it (kvm_hc_take()
 * reads only kvm_hc_kvm_nrs); unregistering also relies on this wait for
 * the handlers that still run.
 */
static void kvm_hc_handlers_retire(struct kvm_hc_handlers *old)
{
	synchronize_srcu(&kvm_hc_srcu);
	kfree(old);
}

static int kvm_hc_handler_add(const struct kvm_hc_handler *key)
{
	struct kvm_hc_handlers *old, *t;
	unsigned int n, i = 0, j;
	struct module *owner = key->owner;

	/*
	 * An owner whose unloading has begun registers nothing; what it
	 * registered before is removed by kvm_hc's module notifier.
	 */
	mutex_lock(&kvm_hc_lock);
	if (owner != THIS_MODULE && !try_module_get(owner)) {
		mutex_unlock(&kvm_hc_lock);
		return -ENOENT;
	}
	if (owner != THIS_MODULE)
		module_put(owner);
	old = rcu_dereference_protected(kvm_hc_handlers, lockdep_is_held(&kvm_hc_lock));
	n = old ? old->count : 0;
	while (i < n && kvm_hc_handler_cmp(&old->h[i], key) < 0)
		i++;
	if (i < n && !kvm_hc_handler_cmp(&old->h[i], key)) {
		mutex_unlock(&kvm_hc_lock);
		return -EEXIST;
	}
	t = kmalloc(struct_size(t, h, n + 1), GFP_KERNEL);
	if (!t) {
		mutex_unlock(&kvm_hc_lock);
		return -ENOMEM;
	}
	t->count = n + 1;
	for (j = 0; j < n + 1; j++)
		t->h[j] = j < i ? old->h[j] : j == i ? *key : old->h[j - 1];
	rcu_assign_pointer(kvm_hc_handlers, t);
	mutex_unlock(&kvm_hc_lock);
	if (old)
		kvm_hc_handlers_retire(old);
	return 0;
}

/**
 * __kvm_hc_register_handler() - serve a hypercall number in the kernel
 * @arch:  KVM_HC_ARCH_* of the calling convention
 * @nr:    the hypercall number
 * @fn:    the handler; runs in the vCPU thread, may sleep
 * @owner: the module @fn lives in (kvm_hc_register_handler() passes
 *         THIS_MODULE)
 *
 * The handler serves VMs whose policy maps @nr to KVM_HC_ACTION_KERNEL.
 * Calls made once @owner has begun to unload go to stock KVM; no
 * reference is held while @fn runs, so @owner must unregister its
 * handlers first thing in its exit function (unregistering waits for the
 * calls in flight) before it frees what they use.  Whatever it leaves
 * registered is removed before its code is freed.
 *
 * Return: 0, -EINVAL without @fn, -EEXIST if @nr has a handler already,
 * -ENOENT if @owner is going away, -ENOMEM.
 */
int __kvm_hc_register_handler(u16 arch, u64 nr, kvm_hc_handler_t fn, struct module *owner)
{
	const struct kvm_hc_handler key = { .arch = arch, .nr = nr, .fn = fn, .owner = owner };

	if (!fn)
		return -EINVAL;
	return kvm_hc_handler_add(&key);
}
EXPORT_SYMBOL_GPL(__kvm_hc_register_handler);

/**
 * kvm_hc_register_kvm_handler() - let KVM's own code serve a number in the kernel
 * @arch: KVM_HC_ARCH_* of the calling convention
 * @nr:   a hypercall number KVM answers in the kernel
 *
 * For an architecture's hook: where KVM already answers a number in the
 * kernel, that answer is kvm_hc's fast path too.  A policy that maps @nr
 * to KVM_HC_ACTION_KERNEL gets the call counted as served in the kernel
 * (kvm_hc_take() decides so from the number alone), and KVM's code runs
 * untouched: the guest sees exactly what stock KVM gives it, at the cost
 * of a number outside the policy.
 *
 * Return: as __kvm_hc_register_handler(); -EINVAL for a number of 64 or
 * more, or an unknown architecture.
 */
int kvm_hc_register_kvm_handler(u16 arch, u64 nr)
{
	const struct kvm_hc_handler key = { .arch = arch, .nr = nr, .owner = THIS_MODULE };
	int ret;

	if (arch >= ARRAY_SIZE(kvm_hc_kvm_nrs) || nr >= KVM_HC_KVM_NR_LIMIT)
		return -EINVAL;
	ret = kvm_hc_handler_add(&key);
	if (!ret) {
		mutex_lock(&kvm_hc_lock);
		WRITE_ONCE(kvm_hc_kvm_nrs[arch], kvm_hc_kvm_nrs[arch] | BIT_ULL(nr));
		mutex_unlock(&kvm_hc_lock);
	}
	return ret;
}

/*
 * Remove the handlers @drop selects (by @key) from the table and wait until
 * none of them runs any more.  Returns how many were removed.
 */
typedef bool (*kvm_hc_handler_pred_t)(const struct kvm_hc_handler *h, const void *key);

static unsigned int kvm_hc_handlers_remove(kvm_hc_handler_pred_t drop, const void *key)
{
	struct kvm_hc_handlers *old, *t = NULL;
	unsigned int i, j = 0, n;

	mutex_lock(&kvm_hc_lock);
	old = rcu_dereference_protected(kvm_hc_handlers, lockdep_is_held(&kvm_hc_lock));
	for (i = 0, n = 0; old && i < old->count; i++)
		n += drop(&old->h[i], key);
	if (!n) {
		mutex_unlock(&kvm_hc_lock);
		return 0;
	}
	for (i = 0; i < old->count; i++) {
		const struct kvm_hc_handler *h = &old->h[i];
		u64 *nrs;

		/* An entry without a function is one of KVM's small numbers. */
		if (h->fn || !drop(h, key))
			continue;
		nrs = &kvm_hc_kvm_nrs[h->arch];
		WRITE_ONCE(*nrs, *nrs & ~BIT_ULL(h->nr));
	}
	if (old->count > n) {
		/* Shrinking cannot be allowed to fail. */
		t = kmalloc(struct_size(t, h, old->count - n), GFP_KERNEL | __GFP_NOFAIL);
		for (i = 0; i < old->count; i++)
			if (!drop(&old->h[i], key))
				t->h[j++] = old->h[i];
		t->count = j;
	}
	rcu_assign_pointer(kvm_hc_handlers, t);
	mutex_unlock(&kvm_hc_lock);
	kvm_hc_handlers_retire(old);
	return n;
}

static bool kvm_hc_handler_is(const struct kvm_hc_handler *h, const void *key)
{
	return !kvm_hc_handler_cmp(h, key);
}

static bool kvm_hc_handler_owned_by(const struct kvm_hc_handler *h, const void *owner)
{
	return h->owner == owner;
}

/**
 * kvm_hc_unregister_handler() - stop serving a hypercall number
 * @arch: as given to kvm_hc_register_handler()
 * @nr:   as given to kvm_hc_register_handler()
 *
 * On return the handler is not running and will not run again; calls for
 * @nr go to stock KVM.
 */
void kvm_hc_unregister_handler(u16 arch, u64 nr)
{
	const struct kvm_hc_handler key = { .arch = arch, .nr = nr };

	kvm_hc_handlers_remove(kvm_hc_handler_is, &key);
}
EXPORT_SYMBOL_GPL(kvm_hc_unregister_handler);

/*
 * Remove every handler of a module that is going away; kvm_hc's module
 * notifier calls this once the module's exit function has run, before its
 * code is freed.  Returns how many it had left registered.
 */
static unsigned int kvm_hc_unregister_owner(struct module *owner)
{
	return kvm_hc_handlers_remove(kvm_hc_handler_owned_by, owner);
}

/**
 * kvm_hc_vm_attach() - start dispatching for a VM
 * @kvm:      the VM
 * @services: bitmap of kvm_hc services the VM may call
 *
 * The caller holds a reference on @kvm until kvm_hc_vm_detach().
 *
 * The first VM attached arms the hook.
 *
 * Return: the per-VM state, or ERR_PTR(-EEXIST) if @kvm is attached already,
 * ERR_PTR(-EINVAL) for unknown services, ERR_PTR(-ENOMEM), or the error of
 * arming the hook (-EBUSY: another ftrace user such as a livepatch
 * redirects KVM's function already).
 */
struct kvm_hc_vm *kvm_hc_vm_attach(struct kvm *kvm, u32 services)
{
	struct kvm_hc_ruleset *p = NULL;
	struct kvm_hc_vm *vm;
	int ret;

	if (services & ~GENMASK(KVM_HC_SVC_COUNT - 1, 0))
		return ERR_PTR(-EINVAL);
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (services)
		p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	vm->counts = alloc_percpu_gfp(struct kvm_hc_vm_counts, GFP_KERNEL_ACCOUNT);
	if (!vm || !vm->counts || (services && !p)) {
		ret = -ENOMEM;
		goto free;
	}
	vm->kvm = kvm;
	vm->id = atomic64_inc_return(&kvm_hc_vm_ids);
	refcount_set(&vm->ref, 1);
	if (p) {
		p->services = services;
		RCU_INIT_POINTER(vm->policy, p);
	}

	/* Armed before the VM is in the table, disarmed after it left. */
	ret = kvm_hc_arm_get();
	if (ret)
		goto free;
	mutex_lock(&kvm_hc_lock);
	if (kvm_hc_vm_find(kvm)) {
		mutex_unlock(&kvm_hc_lock);
		kvm_hc_arm_put();
		ret = -EEXIST;
		goto free;
	}
	hash_add_rcu(kvm_hc_vms, &vm->node, (unsigned long)kvm);
	WRITE_ONCE(kvm_hc_nr_vms, kvm_hc_nr_vms + 1);
	mutex_unlock(&kvm_hc_lock);
	trace_kvm_hc_attach(vm->id, task_tgid_nr(current));
	return vm;

free:
	kfree(p);
	if (vm)
		free_percpu(vm->counts);
	kfree(vm);
	return ERR_PTR(ret);
}

/* The attachment's reference, or a stats fd's, is gone: free it after the last. */
static void kvm_hc_vm_put(struct kvm_hc_vm *vm)
{
	if (!refcount_dec_and_test(&vm->ref))
		return;
	kfree(rcu_access_pointer(vm->policy));
	free_percpu(vm->counts);
	kfree(vm);
}

static void kvm_hc_vm_free(struct rcu_head *head)
{
	struct kvm_hc_vm *vm = container_of(head, struct kvm_hc_vm, rcu);

	atomic_sub(bitmap_weight(vm->wake, KVM_HC_WAKE_VCPUS), &kvm_hc_wake_tokens);
	bitmap_zero(vm->wake, KVM_HC_WAKE_VCPUS);
	kvm_hc_vm_put(vm);
}

/* After the RCU grace period that ends every kvm_hc_take(), the SRCU one. */
static void kvm_hc_vm_free_rcu(struct rcu_head *head)
{
	call_srcu(&kvm_hc_srcu, head, kvm_hc_vm_free);
}

/**
 * kvm_hc_wake_set() - give a vCPU of an attached VM a wake token
 * @kvm:      the VM
 * @vcpu_idx: the vCPU's index (vcpu->vcpu_idx)
 *
 * The caller then wakes the vCPU.  Setting a token that is set already
 * changes nothing: tokens do not add up.  Tokens go with the VM's kvm_hc
 * state when the VMM detaches it.
 *
 * Return: false if the VM is not attached or @vcpu_idx is out of range.
 */
bool kvm_hc_wake_set(struct kvm *kvm, unsigned int vcpu_idx)
{
	struct kvm_hc_vm *vm;
	int idx;

	if (vcpu_idx >= KVM_HC_WAKE_VCPUS)
		return false;
	idx = srcu_read_lock(&kvm_hc_srcu);
	vm = kvm_hc_vm_find(kvm);
	if (vm && !test_and_set_bit(vcpu_idx, vm->wake))
		atomic_inc(&kvm_hc_wake_tokens);
	srcu_read_unlock(&kvm_hc_srcu, idx);
	return !!vm;
}

/**
 * kvm_hc_wake_test() - whether a vCPU holds a wake token, optionally taking it
 * @kvm:      the VM
 * @vcpu_idx: the vCPU's index
 * @take:     clear the token (the vCPU's wait ends now)
 *
 * May be called with preemption disabled.
 *
 * Return: true if the token was set.
 */
bool kvm_hc_wake_test(struct kvm *kvm, unsigned int vcpu_idx, bool take)
{
	struct kvm_hc_vm *vm;
	bool set = false;
	int idx;

	if (vcpu_idx >= KVM_HC_WAKE_VCPUS || !kvm_hc_wake_pending())
		return false;
	idx = srcu_read_lock(&kvm_hc_srcu);
	vm = kvm_hc_vm_find(kvm);
	if (vm && take)
		set = test_and_clear_bit(vcpu_idx, vm->wake);
	else if (vm)
		set = test_bit(vcpu_idx, vm->wake);
	if (set && take)
		atomic_dec(&kvm_hc_wake_tokens);
	srcu_read_unlock(&kvm_hc_srcu, idx);
	return set;
}

/**
 * kvm_hc_vm_detach() - stop dispatching for a VM and free its state
 * @vm: state returned by kvm_hc_vm_attach()
 *
 * vCPUs still inside kvm_hc_dispatch() finish with the old state; it is
 * freed after they have left.  The last VM detached disarms the hook.
 */
void kvm_hc_vm_detach(struct kvm_hc_vm *vm)
{
	trace_kvm_hc_detach(vm->id);
	mutex_lock(&kvm_hc_lock);
	hash_del_rcu(&vm->node);
	WRITE_ONCE(kvm_hc_nr_vms, kvm_hc_nr_vms - 1);
	mutex_unlock(&kvm_hc_lock);
	kvm_hc_arm_put();
	call_rcu(&vm->rcu, kvm_hc_vm_free_rcu);
}

static int kvm_hc_range_sort_cmp(const void *a, const void *b)
{
	const struct kvm_hc_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

static int kvm_hc_range_check(const struct kvm_hc_range *r)
{
	if (r->first > r->last || r->flags || r->reserved)
		return -EINVAL;
	switch (r->action) {
	case KVM_HC_KVM:
	case KVM_HC_KERNEL:
	case KVM_HC_FORWARD:
		return r->error ? -EINVAL : 0;
	case KVM_HC_DENY:
		return r->error < 0 && r->error >= -MAX_ERRNO ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static void kvm_hc_ruleset_free(struct rcu_head *head)
{
	kfree(container_of(head, struct kvm_hc_ruleset, rcu));
}

/* kvm_hc_take() looks a range up under RCU, the dispatcher under SRCU. */
static void kvm_hc_ruleset_free_rcu(struct rcu_head *head)
{
	call_srcu(&kvm_hc_srcu, head, kvm_hc_ruleset_free);
}

/**
 * kvm_hc_vm_set_policy() - replace a VM's policy atomically
 * @vm:       the VM
 * @services: bitmap of kvm_hc services the VM may call
 * @ranges:   the new ranges, in any order; must not overlap
 * @count:    number of ranges, at most KVM_HC_MAX_RANGES; 0 clears them
 *
 * Services and ranges are one object: vCPUs see either the whole old
 * policy or the whole new one.
 *
 * Return: 0, -EINVAL for an empty or malformed range or unknown services,
 * -EEXIST for overlapping ranges, -E2BIG for too many, -ENOMEM.  On error
 * the old policy stays in force.
 */
int kvm_hc_vm_set_policy(struct kvm_hc_vm *vm, u32 services,
			 const struct kvm_hc_range *ranges, unsigned int count)
{
	struct kvm_hc_ruleset *p = NULL, *old;
	unsigned int i;
	int ret;

	if (count > KVM_HC_MAX_RANGES)
		return -E2BIG;
	if (services & ~GENMASK(KVM_HC_SVC_COUNT - 1, 0))
		return -EINVAL;
	if (count || services) {
		p = kmalloc(struct_size(p, ranges, count), GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
		p->services = services;
		p->count = count;
		memcpy(p->ranges, ranges, flex_array_size(p, ranges, count));
		sort(p->ranges, count, sizeof(p->ranges[0]), kvm_hc_range_sort_cmp, NULL);
		for (i = 0; i < count; i++) {
			ret = kvm_hc_range_check(&p->ranges[i]);
			if (!ret && i && p->ranges[i].first <= p->ranges[i - 1].last)
				ret = -EEXIST;
			if (ret) {
				kfree(p);
				return ret;
			}
		}
	}

	mutex_lock(&kvm_hc_lock);
	old = rcu_replace_pointer(vm->policy, p, lockdep_is_held(&kvm_hc_lock));
	mutex_unlock(&kvm_hc_lock);
	trace_kvm_hc_policy(vm->id, services, count);
	if (old)
		call_rcu(&old->rcu, kvm_hc_ruleset_free_rcu);
	return 0;
}

/**
 * kvm_hc_vm_get_policy() - a copy of a VM's policy
 * @vm:       the VM
 * @services: out: the services it may call
 * @ranges:   out: room for @max ranges, filled in sorted by first number
 * @max:      room at @ranges
 *
 * Return: the number of ranges in force (may exceed @max; at most @max
 * are copied).
 */
unsigned int kvm_hc_vm_get_policy(struct kvm_hc_vm *vm, u32 *services,
				  struct kvm_hc_range *ranges, unsigned int max)
{
	const struct kvm_hc_ruleset *p;
	unsigned int n;

	mutex_lock(&kvm_hc_lock);
	p = rcu_dereference_protected(vm->policy, lockdep_is_held(&kvm_hc_lock));
	*services = p ? p->services : 0;
	n = p ? p->count : 0;
	if (n)
		memcpy(ranges, p->ranges, min(n, max) * sizeof(*ranges));
	mutex_unlock(&kvm_hc_lock);
	return n;
}

/* Add up the per-CPU copies of one counter array (@offset into @base). */
static void kvm_hc_counters_read(struct kvm_hc_counters *c, const void __percpu *base,
				 size_t offset)
{
	u64 sum[KVM_HC_NR_ACTIONS] = {};
	const u64 *v;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		v = (const u64 *)((const char *)per_cpu_ptr(base, cpu) + offset);
		for (i = 0; i < KVM_HC_NR_ACTIONS; i++)
			sum[i] += READ_ONCE(v[i]);
	}
	c->kvm = sum[KVM_HC_KVM];
	c->kernel = sum[KVM_HC_KERNEL];
	c->forward = sum[KVM_HC_FORWARD];
	c->deny = sum[KVM_HC_DENY];
}

/* Calls of numbers that found no slot, past the bound. */
static u64 kvm_hc_vm_uncounted(struct kvm_hc_vm *vm)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(vm->counts, cpu)->uncounted);
	return sum;
}

static void kvm_hc_vm_total(struct kvm_hc_vm *vm, struct kvm_hc_counters *c)
{
	kvm_hc_counters_read(c, vm->counts, offsetof(struct kvm_hc_vm_counts, total));
}

/*
 * kvm_hc_vm_stats() - a VM's counters: the total, and up to @max numbers at
 * @nrs.  Returns how many numbers have counters.
 */
static unsigned int kvm_hc_vm_stats(struct kvm_hc_vm *vm, struct kvm_hc_counters *total,
				    struct kvm_hc_nr_stats *nrs, unsigned int max)
{
	unsigned int i, n = 0;

	kvm_hc_vm_total(vm, total);
	for (i = 0; i < KVM_HC_NR_SLOTS; i++) {
		struct kvm_hc_nr_slot *slot = &vm->slots[i];

		if (atomic_read_acquire(&slot->state) != KVM_HC_SLOT_READY)
			continue;
		if (n < max) {
			nrs[n].nr = slot->nr;
			kvm_hc_counters_read(&nrs[n].counters, vm->counts,
					     offsetof(struct kvm_hc_vm_counts, nr[i]));
		}
		n++;
	}
	return n;
}

/*
 * Copy in a uAPI structure that starts with its size (struct kvm_hc_*):
 * @ksize bytes at @dst, from a caller's structure of at least @ver0 bytes.
 * Members the caller does not know are 0; members past @ksize must be 0.
 * The caller's size goes to @usize, for copying results back.
 */
static int kvm_hc_copy_in(void *dst, size_t ksize, size_t ver0, const void __user *src,
			  u32 *usize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)src))
		return -EFAULT;
	if (*usize < ver0)
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(dst, ksize, src, *usize);
	if (ret)
		return ret;
	/* the caller's size, not ours, is what it reads back */
	*(u32 *)dst = *usize;
	return 0;
}

/* Copy a uAPI structure back, as much of it as the caller knows. */
static int kvm_hc_copy_out(void __user *dst, const void *src, size_t ksize, u32 usize)
{
	return copy_to_user(dst, src, min_t(size_t, ksize, usize)) ? -EFAULT : 0;
}

/*
 * KVM_HC_SET_POLICY's and KVM_HC_GET_POLICY's argument, before ranges are
 * read or written: @range_size matters only with ranges to pass.
 */
static int kvm_hc_policy_check(const struct kvm_hc_policy *p)
{
	if (p->flags || p->reserved)
		return -EINVAL;
	if (p->nranges && p->range_size < KVM_HC_RANGE_SIZE_VER0)
		return -EINVAL;
	if (p->nranges && p->range_size > PAGE_SIZE)
		return -E2BIG;
	return 0;
}

/*
 * Copy in @n ranges of @size bytes each (copy_struct_from_user() per entry:
 * an entry longer than ours must end in zeros).
 */
static struct kvm_hc_range *kvm_hc_ranges_in(u64 uptr, unsigned int n, u32 size)
{
	const char __user *src = u64_to_user_ptr(uptr);
	struct kvm_hc_range *r;
	unsigned int i;
	int ret;

	r = kcalloc(n, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		ret = copy_struct_from_user(&r[i], sizeof(r[i]), src + (size_t)i * size, size);
		if (ret) {
			kfree(r);
			return ERR_PTR(ret);
		}
	}
	return r;
}

/**
 * kvm_hc_check_extension() - what KVM_HC_CHECK_EXTENSION answers
 * @info: the architecture's facts
 * @cap:  KVM_HC_CAP_*
 *
 * Return: the capability's value; 0 for one unknown or absent.
 */
static long kvm_hc_check_extension(const struct kvm_hc_arch_info *info, unsigned long cap)
{
	switch (cap) {
	case KVM_HC_CAP_API_VERSION:
		return KVM_HC_API_VERSION;
	case KVM_HC_CAP_GUEST_ABI:
		return KVM_HC_ABI_VERSION;
	case KVM_HC_CAP_ARCH:
		return info->arch;
	case KVM_HC_CAP_ACTIONS:
		return BIT(KVM_HC_ACTION_KVM) | BIT(KVM_HC_ACTION_KERNEL) |
		       BIT(KVM_HC_ACTION_FORWARD) | BIT(KVM_HC_ACTION_DENY);
	case KVM_HC_CAP_SERVICES:
		return kvm_hc_arch_services(info->arch, GENMASK(KVM_HC_SVC_COUNT - 1, 0));
	case KVM_HC_CAP_MAX_RANGES:
		return KVM_HC_MAX_RANGES;
	case KVM_HC_CAP_NR_COUNTERS:
		return KVM_HC_NR_SLOTS;
	case KVM_HC_CAP_FORWARD_ARGS:
		return info->forward_args;
	case KVM_HC_CAP_EXIT_MARKER:
		return info->exit_marker;
	case KVM_HC_CAP_GET_POLICY:
	case KVM_HC_CAP_STATS_FD:
		return 1;
	}
	return 0;
}

#ifndef KVM_HC_KUNIT
/**
 * kvm_hc_lookup_name() - address of a kernel symbol that is not exported
 * @name: the symbol
 *
 * kallsyms_lookup_name() is not exported either; a kprobe placed on it
 * tells where it is.
 *
 * Return: the address, or 0 if there is no such symbol.
 */
unsigned long kvm_hc_lookup_name(const char *name)
{
	static unsigned long (*lookup)(const char *name);
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };

	if (!lookup) {
		if (register_kprobe(&kp))
			return 0;
		lookup = (void *)kvm_hc_arch_func_entry((unsigned long)kp.addr);
		unregister_kprobe(&kp);
	}
	return lookup(name);
}

/**
 * kvm_hc_hold_owner() - hold the module that a hooked function lives in
 * @addr: the function's address
 *
 * A hook placed by address (ftrace, kprobe) does not pin the function's
 * module the way a symbol import does, and kvm_hc imports little or
 * nothing from KVM on some kernels (7.x's kvm.ko exports to kvm-amd and
 * kvm-intel only).  Holding a reference makes ``rmmod kvm`` fail with "in
 * use" while kvm_hc is loaded, instead of leaving a hook on freed code.
 * The module list is walked for the module whose text holds @addr (its
 * lookup functions are not exported); on a kernel whose kallsyms lacks
 * the list head (no CONFIG_KALLSYMS_ALL), find_module() is asked by name.
 *
 * Return: the module, with a reference (drop it with module_put()); NULL
 * if @addr is built into the kernel; ERR_PTR(-ENOENT) if its module cannot
 * be found or is going away.
 */
struct module *kvm_hc_hold_owner(unsigned long addr)
{
	struct module *mod, *found = ERR_PTR(-ENOENT);
	struct module *(*find)(const char *name);
	char sym[KSYM_SYMBOL_LEN], *name, *end;
	struct list_head *modules;

	/* "name+0x0/0x90 [kvm]" for a module's symbol. */
	sprint_symbol(sym, addr);
	name = strchr(sym, '[');
	end = name ? strchr(name, ']') : NULL;
	if (!end)
		return NULL;
	*end = '\0';
	name++;
	/* The list head is data: in kallsyms only with CONFIG_KALLSYMS_ALL. */
	modules = (struct list_head *)kvm_hc_lookup_name("modules");
	find = modules ? NULL : (void *)kvm_hc_lookup_name("find_module");
	if (!modules && !find) {
		pr_err("neither the module list nor find_module is in kallsyms; cannot hold %s\n",
		       name);
		return ERR_PTR(-ENOENT);
	}
	/* Readers of the module list hold RCU (sched RCU up to 6.14). */
	rcu_read_lock();
	preempt_disable();
	if (modules) {
		list_for_each_entry_rcu(mod, modules, list) {
			if (mod->state == MODULE_STATE_UNFORMED || !within_module(addr, mod))
				continue;
			if (try_module_get(mod))
				found = mod;
			break;
		}
	} else {
		mod = find(name);
		if (mod && within_module(addr, mod) && try_module_get(mod))
			found = mod;
	}
	preempt_enable();
	rcu_read_unlock();
	if (IS_ERR(found))
		pr_err("cannot hold module %s\n", name);
	return found;
}

/* ---- the VMM interface: /dev/kvm_hc and per-VM handles ---- */

/*
 * /sys/kernel/kvm_hc: one folder per attachment, named <pid>-<vm fd>-<id>:
 * the VMM's pid and the VM's fd at attach time, for people, and an id no
 * other attachment gets, so that names cannot collide (a VM fd closed and
 * its number reused while the handle stays open).  Readable by root only,
 * as KVM's own statistics are: per-VM hypercall numbers and rates tell
 * about the guest.
 */
static struct kobject *kvm_hc_sysfs;

struct kvm_hc_handle {
	struct kobject kobj;
	struct kvm_hc_vm *vm;
	struct kvm *kvm;
	bool in_sysfs;
};

static struct kvm_hc_handle *to_handle(struct kobject *kobj)
{
	return container_of(kobj, struct kvm_hc_handle, kobj);
}

static ssize_t counters_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	struct kvm_hc_counters c;

	kvm_hc_vm_total(vm, &c);
	return sysfs_emit(buf, "kvm %llu\nkernel %llu\nforward %llu\ndeny %llu\nuncounted %llu\n",
			  c.kvm, c.kernel, c.forward, c.deny, kvm_hc_vm_uncounted(vm));
}

static struct kobj_attribute kvm_hc_attr_counters = __ATTR(counters, 0400, counters_show, NULL);

static struct attribute *kvm_hc_vm_attrs[] = {
	&kvm_hc_attr_counters.attr,
	NULL,
};

static const struct attribute_group kvm_hc_vm_group = {
	.attrs = kvm_hc_vm_attrs,
};

/*
 * numbers/<slot>: one file per counter slot (0 to 63), each
 * "<nr> <kvm> <kernel> <forward> <deny>" while the slot counts a number,
 * empty while it is free: under 110 bytes, so no file can be cut at a page.
 */
static ssize_t slot_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf);

static struct kobj_attribute kvm_hc_attr_slot0 = __ATTR(0, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot1 = __ATTR(1, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot2 = __ATTR(2, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot3 = __ATTR(3, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot4 = __ATTR(4, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot5 = __ATTR(5, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot6 = __ATTR(6, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot7 = __ATTR(7, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot8 = __ATTR(8, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot9 = __ATTR(9, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot10 = __ATTR(10, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot11 = __ATTR(11, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot12 = __ATTR(12, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot13 = __ATTR(13, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot14 = __ATTR(14, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot15 = __ATTR(15, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot16 = __ATTR(16, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot17 = __ATTR(17, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot18 = __ATTR(18, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot19 = __ATTR(19, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot20 = __ATTR(20, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot21 = __ATTR(21, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot22 = __ATTR(22, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot23 = __ATTR(23, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot24 = __ATTR(24, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot25 = __ATTR(25, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot26 = __ATTR(26, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot27 = __ATTR(27, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot28 = __ATTR(28, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot29 = __ATTR(29, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot30 = __ATTR(30, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot31 = __ATTR(31, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot32 = __ATTR(32, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot33 = __ATTR(33, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot34 = __ATTR(34, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot35 = __ATTR(35, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot36 = __ATTR(36, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot37 = __ATTR(37, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot38 = __ATTR(38, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot39 = __ATTR(39, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot40 = __ATTR(40, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot41 = __ATTR(41, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot42 = __ATTR(42, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot43 = __ATTR(43, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot44 = __ATTR(44, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot45 = __ATTR(45, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot46 = __ATTR(46, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot47 = __ATTR(47, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot48 = __ATTR(48, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot49 = __ATTR(49, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot50 = __ATTR(50, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot51 = __ATTR(51, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot52 = __ATTR(52, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot53 = __ATTR(53, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot54 = __ATTR(54, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot55 = __ATTR(55, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot56 = __ATTR(56, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot57 = __ATTR(57, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot58 = __ATTR(58, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot59 = __ATTR(59, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot60 = __ATTR(60, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot61 = __ATTR(61, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot62 = __ATTR(62, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot63 = __ATTR(63, 0400, slot_show, NULL);

static struct attribute *kvm_hc_slot_attrs[] = {
	&kvm_hc_attr_slot0.attr,
	&kvm_hc_attr_slot1.attr,
	&kvm_hc_attr_slot2.attr,
	&kvm_hc_attr_slot3.attr,
	&kvm_hc_attr_slot4.attr,
	&kvm_hc_attr_slot5.attr,
	&kvm_hc_attr_slot6.attr,
	&kvm_hc_attr_slot7.attr,
	&kvm_hc_attr_slot8.attr,
	&kvm_hc_attr_slot9.attr,
	&kvm_hc_attr_slot10.attr,
	&kvm_hc_attr_slot11.attr,
	&kvm_hc_attr_slot12.attr,
	&kvm_hc_attr_slot13.attr,
	&kvm_hc_attr_slot14.attr,
	&kvm_hc_attr_slot15.attr,
	&kvm_hc_attr_slot16.attr,
	&kvm_hc_attr_slot17.attr,
	&kvm_hc_attr_slot18.attr,
	&kvm_hc_attr_slot19.attr,
	&kvm_hc_attr_slot20.attr,
	&kvm_hc_attr_slot21.attr,
	&kvm_hc_attr_slot22.attr,
	&kvm_hc_attr_slot23.attr,
	&kvm_hc_attr_slot24.attr,
	&kvm_hc_attr_slot25.attr,
	&kvm_hc_attr_slot26.attr,
	&kvm_hc_attr_slot27.attr,
	&kvm_hc_attr_slot28.attr,
	&kvm_hc_attr_slot29.attr,
	&kvm_hc_attr_slot30.attr,
	&kvm_hc_attr_slot31.attr,
	&kvm_hc_attr_slot32.attr,
	&kvm_hc_attr_slot33.attr,
	&kvm_hc_attr_slot34.attr,
	&kvm_hc_attr_slot35.attr,
	&kvm_hc_attr_slot36.attr,
	&kvm_hc_attr_slot37.attr,
	&kvm_hc_attr_slot38.attr,
	&kvm_hc_attr_slot39.attr,
	&kvm_hc_attr_slot40.attr,
	&kvm_hc_attr_slot41.attr,
	&kvm_hc_attr_slot42.attr,
	&kvm_hc_attr_slot43.attr,
	&kvm_hc_attr_slot44.attr,
	&kvm_hc_attr_slot45.attr,
	&kvm_hc_attr_slot46.attr,
	&kvm_hc_attr_slot47.attr,
	&kvm_hc_attr_slot48.attr,
	&kvm_hc_attr_slot49.attr,
	&kvm_hc_attr_slot50.attr,
	&kvm_hc_attr_slot51.attr,
	&kvm_hc_attr_slot52.attr,
	&kvm_hc_attr_slot53.attr,
	&kvm_hc_attr_slot54.attr,
	&kvm_hc_attr_slot55.attr,
	&kvm_hc_attr_slot56.attr,
	&kvm_hc_attr_slot57.attr,
	&kvm_hc_attr_slot58.attr,
	&kvm_hc_attr_slot59.attr,
	&kvm_hc_attr_slot60.attr,
	&kvm_hc_attr_slot61.attr,
	&kvm_hc_attr_slot62.attr,
	&kvm_hc_attr_slot63.attr,
	NULL,
};

static ssize_t slot_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	struct kvm_hc_nr_slot *slot;
	struct kvm_hc_counters c;
	unsigned int i;

	for (i = 0; i < KVM_HC_NR_SLOTS; i++)
		if (kvm_hc_slot_attrs[i] == &attr->attr)
			break;
	if (i == KVM_HC_NR_SLOTS)
		return -EINVAL;
	slot = &vm->slots[i];
	if (atomic_read_acquire(&slot->state) != KVM_HC_SLOT_READY)
		return 0;
	kvm_hc_counters_read(&c, vm->counts, offsetof(struct kvm_hc_vm_counts, nr[i]));
	return sysfs_emit(buf, "0x%llx %llu %llu %llu %llu\n", slot->nr, c.kvm, c.kernel,
			  c.forward, c.deny);
}

static const struct attribute_group kvm_hc_slot_group = {
	.name = "numbers",
	.attrs = kvm_hc_slot_attrs,
};

static const struct attribute_group *kvm_hc_vm_groups[] = {
	&kvm_hc_vm_group,
	&kvm_hc_slot_group,
	NULL,
};

static void kvm_hc_handle_release_kobj(struct kobject *kobj)
{
	kfree(to_handle(kobj));
}

static const struct kobj_type kvm_hc_handle_ktype = {
	.release = kvm_hc_handle_release_kobj,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kvm_hc_vm_groups,
};

static long kvm_hc_set_policy_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_range *ranges = NULL;
	struct kvm_hc_policy p;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&p, sizeof(p), KVM_HC_POLICY_SIZE_VER0, argp, &usize);
	if (!ret)
		ret = kvm_hc_policy_check(&p);
	if (!ret && p.nranges > KVM_HC_MAX_RANGES)
		ret = -E2BIG;
	if (ret)
		return ret;
	if (p.nranges) {
		ranges = kvm_hc_ranges_in(p.ranges, p.nranges, p.range_size);
		if (IS_ERR(ranges))
			return PTR_ERR(ranges);
	}
	ret = kvm_hc_vm_set_policy(h->vm, p.services, ranges, p.nranges);
	kfree(ranges);
	return ret;
}

static long kvm_hc_get_policy_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_range *ranges;
	struct kvm_hc_policy p;
	unsigned int n, i;
	char __user *dst;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&p, sizeof(p), KVM_HC_POLICY_SIZE_VER0, argp, &usize);
	if (!ret)
		ret = kvm_hc_policy_check(&p);
	if (ret)
		return ret;
	ranges = kcalloc(KVM_HC_MAX_RANGES, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	n = kvm_hc_vm_get_policy(h->vm, &p.services, ranges, KVM_HC_MAX_RANGES);
	if (n > p.nranges) {
		ret = -E2BIG;
	} else {
		/* each entry as the caller knows it: ours, then zeros */
		dst = u64_to_user_ptr(p.ranges);
		for (i = 0; i < n && !ret; i++, dst += p.range_size)
			if (copy_to_user(dst, &ranges[i], sizeof(ranges[i])) ||
			    clear_user(dst + sizeof(ranges[i]), p.range_size - sizeof(ranges[i])))
				ret = -EFAULT;
	}
	p.nranges = n;
	if (kvm_hc_copy_out(argp, &p, sizeof(p), usize))
		ret = -EFAULT;
	kfree(ranges);
	return ret;
}

static long kvm_hc_get_stats_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_nr_stats *nrs;
	struct kvm_hc_stats s;
	unsigned int n, i;
	char __user *dst;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&s, sizeof(s), KVM_HC_STATS_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	if (s.flags || (s.nrs && s.nr_size < KVM_HC_NR_STATS_SIZE_VER0))
		return -EINVAL;
	if (s.nrs && s.nr_size > PAGE_SIZE)
		return -E2BIG;
	nrs = kcalloc(KVM_HC_NR_SLOTS, sizeof(*nrs), GFP_KERNEL);
	if (!nrs)
		return -ENOMEM;
	n = kvm_hc_vm_stats(h->vm, &s.total, nrs, KVM_HC_NR_SLOTS);
	s.uncounted = kvm_hc_vm_uncounted(h->vm);
	if (s.nrs && n > s.nnrs) {
		ret = -E2BIG;
	} else if (s.nrs) {
		dst = u64_to_user_ptr(s.nrs);
		for (i = 0; i < n && !ret; i++, dst += s.nr_size)
			if (copy_to_user(dst, &nrs[i], sizeof(nrs[i])) ||
			    clear_user(dst + sizeof(nrs[i]), s.nr_size - sizeof(nrs[i])))
				ret = -EFAULT;
	}
	s.nnrs = n;
	if (kvm_hc_copy_out(argp, &s, sizeof(s), usize))
		ret = -EFAULT;
	kfree(nrs);
	return ret;
}

/*
 * KVM_HC_GET_STATS_FD: a VM's counters laid out as KVM_GET_STATS_FD lays
 * out KVM's (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"), so that
 * a reader of KVM's stats fds (QEMU's query-stats, kvm_stat) reads it
 * without a new parser: a header, the id "kvm_hc-<attachment id>", the
 * descriptors, then the values, read afresh at each read().  The fd holds
 * the VM's counters, not its attachment: after the handle is closed it
 * reads the last values.
 */
struct kvm_hc_statdesc {
	const char *name;
	u32 flags;
	u16 size;
};

#define KVM_HC_STAT_SUM		(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE | \
				 KVM_STATS_BASE_POW10)
#define KVM_HC_STAT_NOW		(KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE | \
				 KVM_STATS_BASE_POW10)

/* In the order of the values; each per-number array has a slot per entry. */
static const struct kvm_hc_statdesc kvm_hc_statdescs[] = {
	{ "kvm", KVM_HC_STAT_SUM, 1 },
	{ "kernel", KVM_HC_STAT_SUM, 1 },
	{ "forward", KVM_HC_STAT_SUM, 1 },
	{ "deny", KVM_HC_STAT_SUM, 1 },
	{ "uncounted", KVM_HC_STAT_SUM, 1 },
	{ "numbers", KVM_HC_STAT_NOW, 1 },		/* slots in use */
	{ "number", KVM_HC_STAT_NOW, KVM_HC_NR_SLOTS },	/* what each slot counts */
	{ "number_kvm", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_kernel", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_forward", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_deny", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
};

#define KVM_HC_STAT_VALUES	(6 + 5 * KVM_HC_NR_SLOTS)
#define KVM_HC_STAT_NAME_SIZE	48	/* KVM's KVM_STATS_NAME_SIZE */

/* KVM's struct kvm_stats_desc, with names of KVM_HC_STAT_NAME_SIZE bytes */
struct kvm_hc_stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
	char name[KVM_HC_STAT_NAME_SIZE];
};

struct kvm_hc_stats_image {
	struct kvm_stats_header header;
	char id[KVM_HC_STAT_NAME_SIZE];
	struct kvm_hc_stats_desc desc[ARRAY_SIZE(kvm_hc_statdescs)];
	u64 data[KVM_HC_STAT_VALUES];
};

static void kvm_hc_stats_fill(struct kvm_hc_vm *vm, struct kvm_hc_stats_image *img)
{
	struct kvm_hc_counters c;
	u64 *v = img->data, *number = v + 6, *nr = number + KVM_HC_NR_SLOTS;
	unsigned int i, off = 0, used = 0;

	BUILD_BUG_ON(offsetof(struct kvm_hc_stats_desc, name) !=
		     offsetof(struct kvm_stats_desc, name));
	img->header = (struct kvm_stats_header){
		.name_size = KVM_HC_STAT_NAME_SIZE,
		.num_desc = ARRAY_SIZE(kvm_hc_statdescs),
		.id_offset = offsetof(struct kvm_hc_stats_image, id),
		.desc_offset = offsetof(struct kvm_hc_stats_image, desc),
		.data_offset = offsetof(struct kvm_hc_stats_image, data),
	};
	snprintf(img->id, sizeof(img->id), "kvm_hc-%llu", vm->id);
	for (i = 0; i < ARRAY_SIZE(kvm_hc_statdescs); i++) {
		img->desc[i] = (struct kvm_hc_stats_desc){
			.flags = kvm_hc_statdescs[i].flags,
			.size = kvm_hc_statdescs[i].size,
			.offset = off * sizeof(u64),
		};
		strscpy(img->desc[i].name, kvm_hc_statdescs[i].name, KVM_HC_STAT_NAME_SIZE);
		off += kvm_hc_statdescs[i].size;
	}

	kvm_hc_vm_total(vm, &c);
	v[0] = c.kvm;
	v[1] = c.kernel;
	v[2] = c.forward;
	v[3] = c.deny;
	v[4] = kvm_hc_vm_uncounted(vm);
	for (i = 0; i < KVM_HC_NR_SLOTS; i++) {
		if (atomic_read_acquire(&vm->slots[i].state) != KVM_HC_SLOT_READY)
			continue;
		used++;
		number[i] = vm->slots[i].nr;
		kvm_hc_counters_read(&c, vm->counts, offsetof(struct kvm_hc_vm_counts, nr[i]));
		nr[i] = c.kvm;
		nr[KVM_HC_NR_SLOTS + i] = c.kernel;
		nr[2 * KVM_HC_NR_SLOTS + i] = c.forward;
		nr[3 * KVM_HC_NR_SLOTS + i] = c.deny;
	}
	v[5] = used;
}

static ssize_t kvm_hc_stats_read(struct file *file, char __user *buf, size_t count,
				 loff_t *ppos)
{
	struct kvm_hc_stats_image *img;
	ssize_t ret;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	kvm_hc_stats_fill(file->private_data, img);
	ret = simple_read_from_buffer(buf, count, ppos, img, sizeof(*img));
	kfree(img);
	return ret;
}

static int kvm_hc_stats_release(struct inode *inode, struct file *file)
{
	kvm_hc_vm_put(file->private_data);
	return 0;
}

static const struct file_operations kvm_hc_stats_fops = {
	.owner = THIS_MODULE,
	.read = kvm_hc_stats_read,
	.release = kvm_hc_stats_release,
	.llseek = noop_llseek,
};

static long kvm_hc_get_stats_fd_ioctl(struct kvm_hc_handle *h)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	refcount_inc(&h->vm->ref);
	file = anon_inode_getfile("kvm_hc-vm-stats", &kvm_hc_stats_fops, h->vm, O_RDONLY);
	if (IS_ERR(file)) {
		kvm_hc_vm_put(h->vm);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	/* read with pread() at the header's offsets, as KVM's stats fds are */
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}

static long kvm_hc_handle_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_hc_handle *h = file->private_data;

	switch (cmd) {
	case KVM_HC_CHECK_EXTENSION:
		return kvm_hc_check_extension(&kvm_hc_arch_info, arg);
	case KVM_HC_SET_POLICY:
		return kvm_hc_set_policy_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_POLICY:
		return kvm_hc_get_policy_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_STATS:
		return kvm_hc_get_stats_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_STATS_FD:
		return kvm_hc_get_stats_fd_ioctl(h);
	}
	return -ENOTTY;
}

static int kvm_hc_handle_release(struct inode *inode, struct file *file)
{
	struct kvm_hc_handle *h = file->private_data;

	if (h->in_sysfs)
		kobject_del(&h->kobj);
	kvm_hc_vm_detach(h->vm);
	kvm_hc_arch_put_vm(h->kvm);
	kobject_put(&h->kobj);
	return 0;
}

static const struct file_operations kvm_hc_handle_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_hc_handle_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = kvm_hc_handle_release,
	.llseek = noop_llseek,
};

static long kvm_hc_attach_ioctl(void __user *argp)
{
	struct kvm_hc_attach a;
	struct kvm_hc_handle *h;
	struct file *vm_file;
	struct kvm *kvm;
	u32 usize;
	int fd, ret;

	ret = kvm_hc_copy_in(&a, sizeof(a), KVM_HC_ATTACH_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	if (a.flags || a.reserved)
		return -EINVAL;
	vm_file = fget(a.vm_fd);
	if (!vm_file)
		return -EBADF;
	kvm = kvm_hc_arch_get_vm(vm_file);
	fput(vm_file);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h) {
		kvm_hc_arch_put_vm(kvm);
		return -ENOMEM;
	}
	kobject_init(&h->kobj, &kvm_hc_handle_ktype);
	h->kvm = kvm;
	h->vm = kvm_hc_vm_attach(kvm, 0);
	if (IS_ERR(h->vm)) {
		ret = PTR_ERR(h->vm);
		goto put;
	}
	/* A failure (no memory) costs only the folder. */
	h->in_sysfs = !kobject_add(&h->kobj, kvm_hc_sysfs, "%d-%d-%llu",
				   task_tgid_nr(current), a.vm_fd, h->vm->id);
	if (!h->in_sysfs)
		pr_warn_ratelimited("no sysfs folder for VM %d-%d-%llu\n",
				    task_tgid_nr(current), a.vm_fd, h->vm->id);

	fd = anon_inode_getfd("kvm_hc-vm", &kvm_hc_handle_fops, h, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	ret = fd;
	if (h->in_sysfs)
		kobject_del(&h->kobj);
	kvm_hc_vm_detach(h->vm);
put:
	kvm_hc_arch_put_vm(kvm);
	kobject_put(&h->kobj);
	return ret;
}

static long kvm_hc_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KVM_HC_CHECK_EXTENSION:
		return kvm_hc_check_extension(&kvm_hc_arch_info, arg);
	case KVM_HC_ATTACH:
		return kvm_hc_attach_ioctl((void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations kvm_hc_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_hc_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kvm_hc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kvm_hc",
	.fops = &kvm_hc_dev_fops,
};

/* ---- module ---- */

static ssize_t hook_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%s\n", kvm_hc_arch_hook_name());
}

static ssize_t stats_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	struct kvm_hc_counters c;

	kvm_hc_counters_read(&c, &kvm_hc_global, 0);
	return sysfs_emit(buf,
			  "kvm %llu\nkernel %llu\nforward %llu\ndeny %llu\ninflight %d\nvms %u\n"
			  "wake_tokens %d\n",
			  c.kvm, c.kernel, c.forward, c.deny, atomic_read(&kvm_hc_inflight),
			  READ_ONCE(kvm_hc_nr_vms), atomic_read(&kvm_hc_wake_tokens));
}

static struct module_attribute kvm_hc_attr_hook = __ATTR_RO(hook);
static struct module_attribute kvm_hc_attr_stats = __ATTR_RO(stats);

static struct attribute *kvm_hc_attrs[] = {
	&kvm_hc_attr_hook.attr,
	&kvm_hc_attr_stats.attr,
	NULL,
};

static const struct attribute_group kvm_hc_attr_group = {
	.attrs = kvm_hc_attrs,
};

/* A module going away takes the handlers it left registered with it. */
static int kvm_hc_module_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	unsigned int n;

	if (state != MODULE_STATE_GOING || mod == THIS_MODULE)
		return NOTIFY_DONE;
	n = kvm_hc_unregister_owner(mod);
	if (n)
		pr_warn("%s left %u hypercall handler%s registered; removed\n", mod->name, n,
			n == 1 ? "" : "s");
	return NOTIFY_DONE;
}

static struct notifier_block kvm_hc_module_nb = {
	.notifier_call = kvm_hc_module_notify,
};

/*
 * Once the hooks are removed: wait until no vCPU runs kvm_hc code any more
 * (calls in flight, a trampoline RCU-tasks may still run, SRCU callbacks),
 * so that the module's text and data can go.  Module exit and every error
 * path of init after the first hook take this one path.
 */
static void kvm_hc_quiesce(void)
{
	wait_var_event(&kvm_hc_inflight, !atomic_read(&kvm_hc_inflight));
	synchronize_srcu(&kvm_hc_srcu);
	kvm_hc_sync_tasks();
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
}

/* Module exit, or init failing late: disarm for open_discovery, stop arming. */
static void kvm_hc_disarm_all(void)
{
	mutex_lock(&kvm_hc_arm_lock);
	WARN_ON(kvm_hc_arm_count > (open_discovery ? 1 : 0));
	if (kvm_hc_arm_count)
		kvm_hc_hook_disarm();
	kvm_hc_arm_count = 0;
	kvm_hc_live = false;
	mutex_unlock(&kvm_hc_arm_lock);
}

static int __init kvm_hc_init(void)
{
	int ret;

	kvm_hc_text = kvm_hc_module_text_base(THIS_MODULE);
	kvm_hc_text_size = kvm_hc_module_text_size(THIS_MODULE);
	kvm_hc_sysfs = kobject_create_and_add("kvm_hc", kernel_kobj);
	if (!kvm_hc_sysfs)
		return -ENOMEM;
	ret = sysfs_create_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
	if (ret)
		goto put_sysfs;
	ret = register_module_notifier(&kvm_hc_module_nb);
	if (ret)
		goto remove_group;
	ret = kvm_hc_arch_init();
	if (ret)
		goto quiesce;
	mutex_lock(&kvm_hc_arm_lock);
	kvm_hc_live = true;
	/* insmod kvm_hc open_discovery=1: the parameter was set before init. */
	ret = open_discovery ? kvm_hc_hook_arm() : 0;
	kvm_hc_arm_count = open_discovery && !ret;
	if (ret)
		kvm_hc_live = false;
	mutex_unlock(&kvm_hc_arm_lock);
	if (ret)
		goto arch_exit;
	ret = misc_register(&kvm_hc_dev);
	if (ret)
		goto disarm;
	pr_info("hooked %s, guest ABI %u.%u\n", kvm_hc_arch_hook_name(),
		KVM_HC_ABI_MAJOR, KVM_HC_ABI_MINOR);
	return 0;

disarm:
	kvm_hc_disarm_all();
arch_exit:
	kvm_hc_arch_exit();
quiesce:
	/* A hook that was in place, even for a moment, may have calls in flight. */
	kvm_hc_quiesce();
	unregister_module_notifier(&kvm_hc_module_nb);
remove_group:
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
put_sysfs:
	kobject_put(kvm_hc_sysfs);
	return ret;
}

static void __exit kvm_hc_exit(void)
{
	struct kvm_hc_counters c;

	/* Open handles hold the module: no VM is attached any more. */
	misc_deregister(&kvm_hc_dev);
	/* No new hypercall enters kvm_hc after this... */
	kvm_hc_disarm_all();
	kvm_hc_arch_exit();
	/* ...and those that did are waited for. */
	kvm_hc_quiesce();
	unregister_module_notifier(&kvm_hc_module_nb);
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
	kobject_put(kvm_hc_sysfs);
	kvm_hc_counters_read(&c, &kvm_hc_global, 0);
	pr_info("unhooked; calls: kvm %llu, kernel %llu, forward %llu, deny %llu\n",
		c.kvm, c.kernel, c.forward, c.deny);
}

module_init(kvm_hc_init);
module_exit(kvm_hc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hypercall dispatcher for KVM hosts");
MODULE_VERSION("0.2");
#endif /* KVM_HC_KUNIT */
