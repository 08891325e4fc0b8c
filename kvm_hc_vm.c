// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM state: attach and detach, the policy, the counters,
 * the architecture's per-VM data, and arming the hook for the first user.
 */
#include "kvm_hc_core.h"
#include "kvm_hc_trace.h"

/* One more user of the hook (an attached VM, open_discovery): arm it if first. */
int kvm_hc_arm_get(void)
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
void kvm_hc_arm_put(void)
{
	mutex_lock(&kvm_hc_arm_lock);
	if (kvm_hc_live && !--kvm_hc_arm_count)
		kvm_hc_hook_disarm();
	mutex_unlock(&kvm_hc_arm_lock);
}

/*
 * A VM's policy gains (@on) or loses its exception ranges: what the hook
 * needs for them alone (kvm_hc_arch.exceptions_get) is placed for the
 * first such VM and removed after the last.  0, or the error of placing it.
 */
static int kvm_hc_exceptions_set(struct kvm_hc_vm *vm, bool on)
{
	static unsigned int users;
	int ret = 0;

	mutex_lock(&kvm_hc_arm_lock);
	if (vm->exceptions != on && kvm_hc_arch.exceptions_get) {
		if (on && !users)
			ret = kvm_hc_arch.exceptions_get();
		if (!ret) {
			users = on ? users + 1 : users - 1;
			if (!users && kvm_hc_arch.exceptions_put)
				kvm_hc_arch.exceptions_put();
		}
	}
	if (!ret)
		vm->exceptions = on;
	mutex_unlock(&kvm_hc_arm_lock);
	return ret;
}

static bool kvm_hc_ruleset_exceptions(const struct kvm_hc_ruleset *p)
{
	unsigned int i;

	for (i = 0; p && i < p->count; i++)
		if (kvm_hc_range_raises(&p->ranges[i]))
			return true;
	return false;
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
	vm = kzalloc(sizeof(*vm) + kvm_hc_arch.vm_data_size, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	if (services)
		p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	vm->counts = alloc_percpu_gfp(struct kvm_hc_vm_counts, GFP_KERNEL_ACCOUNT);
	if (!vm->counts || (services && !p)) {
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
	free_percpu(vm->counts);
	kfree(vm);
	return ERR_PTR(ret);
}

/* The attachment's reference, or a stats fd's, is gone: free it after the last. */
void kvm_hc_vm_put(struct kvm_hc_vm *vm)
{
	if (!refcount_dec_and_test(&vm->ref))
		return;
	kvm_hc_vm_doorbells_release(vm);
	kvm_hc_ruleset_free_now(rcu_access_pointer(vm->policy));
	free_percpu(vm->counts);
	kfree(vm);
}

static void kvm_hc_vm_free(struct rcu_head *head)
{
	struct kvm_hc_vm *vm = container_of(head, struct kvm_hc_vm, rcu);

	if (kvm_hc_arch.vm_data_release)
		kvm_hc_arch.vm_data_release(vm->arch_data);
	kvm_hc_vm_put(vm);
}

/* After the RCU grace period that ends every kvm_hc_take(), the SRCU one. */
static void kvm_hc_vm_free_rcu(struct rcu_head *head)
{
	call_srcu(&kvm_hc_srcu, head, kvm_hc_vm_free);
}

/**
 * kvm_hc_data_lock() - begin a section in which kvm_hc_vm_data() may be used
 *
 * May be called with preemption disabled.
 *
 * Return: the cookie for kvm_hc_data_unlock().
 */
int kvm_hc_data_lock(void)
	__acquires(&kvm_hc_srcu)
{
	return srcu_read_lock(&kvm_hc_srcu);
}
EXPORT_SYMBOL_GPL(kvm_hc_data_lock);

/**
 * kvm_hc_data_unlock() - end the section kvm_hc_data_lock() began
 * @idx: its cookie
 */
void kvm_hc_data_unlock(int idx)
	__releases(&kvm_hc_srcu)
{
	srcu_read_unlock(&kvm_hc_srcu, idx);
}
EXPORT_SYMBOL_GPL(kvm_hc_data_unlock);

/**
 * kvm_hc_vm_data() - the architecture's own state of an attached VM
 * @kvm: the VM
 *
 * Within kvm_hc_data_lock() and kvm_hc_data_unlock() (or kvm_hc_begin() and
 * kvm_hc_end()); the state stays valid until then.
 *
 * Return: kvm_hc_arch.vm_data_size bytes, or NULL if @kvm is not attached.
 */
void *kvm_hc_vm_data(struct kvm *kvm)
{
	struct kvm_hc_vm *vm = kvm_hc_vm_find(kvm);

	return vm ? vm->arch_data : NULL;
}
EXPORT_SYMBOL_GPL(kvm_hc_vm_data);

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
	kvm_hc_exceptions_set(vm, false);
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

static int kvm_hc_limit_check(const struct kvm_hc_range *r)
{
	if (!r->burst)
		return r->rate || r->over_action || r->over_error ? -EINVAL : 0;
	if (r->action == KVM_HC_KVM)
		return -EINVAL;
	if (r->over_action == KVM_HC_DENY)
		return r->over_error < 0 && r->over_error >= -MAX_ERRNO ? 0 : -EINVAL;
	return (r->over_action == KVM_HC_KVM || r->over_action == KVM_HC_ACTION_EXCEPTION) &&
	       !r->over_error ? 0 : -EINVAL;
}

static int kvm_hc_range_check(const struct kvm_hc_range *r)
{
	if (r->first > r->last || kvm_hc_limit_check(r))
		return -EINVAL;
	if (r->action == KVM_HC_ACTION_DOORBELL)
		return r->error || (r->flags & ~(KVM_HC_RANGE_RING | KVM_HC_RANGE_USER)) ||
		       r->doorbell >= KVM_HC_MAX_DOORBELLS ? -EINVAL : 0;
	if ((r->flags & ~KVM_HC_RANGE_USER) || r->reserved)
		return -EINVAL;
	/* user mode for stock KVM's numbers: KVM refuses those itself */
	if (r->action == KVM_HC_KVM && r->flags)
		return -EINVAL;
	switch (r->action) {
	case KVM_HC_KVM:
	case KVM_HC_KERNEL:
	case KVM_HC_FORWARD:
	case KVM_HC_ACTION_EXCEPTION:
		return r->error ? -EINVAL : 0;
	case KVM_HC_DENY:
		return r->error < 0 && r->error >= -MAX_ERRNO ? 0 : -EINVAL;
	}
	return -EINVAL;
}

void kvm_hc_ruleset_free_now(struct kvm_hc_ruleset *p)
{
	if (p)
		kfree(p->buckets);
	kfree(p);
}

static void kvm_hc_ruleset_free(struct rcu_head *head)
{
	kvm_hc_ruleset_free_now(container_of(head, struct kvm_hc_ruleset, rcu));
}

/* Buckets for the policy's rate-limited ranges, full; 0 or -ENOMEM. */
static int kvm_hc_buckets_init(struct kvm_hc_ruleset *p)
{
	u64 now = ktime_get_mono_fast_ns();
	unsigned int i;

	for (i = 0; i < p->count && !p->ranges[i].burst; i++)
		;
	if (i == p->count)
		return 0;
	p->buckets = kcalloc(p->count, sizeof(*p->buckets), GFP_KERNEL_ACCOUNT);
	if (!p->buckets)
		return -ENOMEM;
	for (i = 0; i < p->count; i++) {
		const struct kvm_hc_range *r = &p->ranges[i];
		struct kvm_hc_bucket *b = &p->buckets[i];

		raw_spin_lock_init(&b->lock);
		b->tokens = (u64)r->burst * NSEC_PER_SEC;
		b->last_ns = now;
		b->fill_ns = r->rate ? div_u64(b->tokens, r->rate) : 0;
	}
	return 0;
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
	bool exceptions;
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
		p->buckets = NULL;
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
		ret = kvm_hc_buckets_init(p);
		if (ret) {
			kfree(p);
			return ret;
		}
	}
	/* what the hook needs for exceptions is in place before they are */
	exceptions = kvm_hc_ruleset_exceptions(p);
	if (exceptions) {
		ret = kvm_hc_exceptions_set(vm, true);
		if (ret) {
			kvm_hc_ruleset_free_now(p);
			return ret;
		}
	}

	mutex_lock(&kvm_hc_lock);
	old = rcu_replace_pointer(vm->policy, p, lockdep_is_held(&kvm_hc_lock));
	mutex_unlock(&kvm_hc_lock);
	if (!exceptions)
		kvm_hc_exceptions_set(vm, false);
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
void kvm_hc_counters_read(struct kvm_hc_counters *c, const void __percpu *base,
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

/* One counter of a VM's, @offset into struct kvm_hc_vm_counts, added up. */
static u64 kvm_hc_vm_sum(struct kvm_hc_vm *vm, size_t offset)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(u64 *)((char *)per_cpu_ptr(vm->counts, cpu) + offset));
	return sum;
}

/* Calls of rate-limited ranges that found their bucket empty. */
u64 kvm_hc_vm_limited(struct kvm_hc_vm *vm)
{
	return kvm_hc_vm_sum(vm, offsetof(struct kvm_hc_vm_counts, limited));
}

/* Calls of numbers that found no slot, past the bound. */
u64 kvm_hc_vm_uncounted(struct kvm_hc_vm *vm)
{
	return kvm_hc_vm_sum(vm, offsetof(struct kvm_hc_vm_counts, uncounted));
}

void kvm_hc_vm_total(struct kvm_hc_vm *vm, struct kvm_hc_counters *c)
{
	kvm_hc_counters_read(c, vm->counts, offsetof(struct kvm_hc_vm_counts, total));
}

/*
 * kvm_hc_vm_stats() - a VM's counters: the total, and up to @max numbers at
 * @nrs.  Returns how many numbers have counters.
 */
unsigned int kvm_hc_vm_stats(struct kvm_hc_vm *vm, struct kvm_hc_counters *total,
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
