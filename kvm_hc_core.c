// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc: a hypercall dispatcher for KVM hosts.
 *
 * This is the arch-neutral core.  Each architecture's hook (arch/<arch>/)
 * decodes a guest hypercall into a struct kvm_hc_call and calls
 * kvm_hc_dispatch(), which answers with one action: leave the call to KVM,
 * handle it here, send it to the VMM, or deny it.  The decision is one
 * lock-free lookup: the VM's state in an RCU hash table, then the VM's
 * policy, a sorted array of number ranges searched by bisection.
 *
 *   insmod kvm_hc.ko                     # invisible: every VM sees stock KVM
 *   echo 1 > /sys/module/kvm_hc/parameters/open_discovery
 *   cat /sys/module/kvm_hc/hook          # the KVM function kvm_hc hooks
 *   rmmod kvm_hc                         # waits for calls in flight
 */
#include <linux/atomic.h>
#include <linux/bsearch.h>
#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/sysfs.h>
#include <linux/wait_bit.h>

#include "include/kvm_hc.h"

/* Upper bound on the ranges of one VM's policy; see Documentation/design.rst. */
#define KVM_HC_MAX_RANGES	64

static bool open_discovery;
module_param(open_discovery, bool, 0644);
MODULE_PARM_DESC(open_discovery,
		 "Let every VM use the discovery hypercall (default: only VMs whose VMM opted in)");

struct kvm_hc_policy {
	struct rcu_head rcu;
	unsigned int count;
	struct kvm_hc_range ranges[];
};

struct kvm_hc_vm {
	struct hlist_node node;
	struct rcu_head rcu;
	struct kvm *kvm;
	u32 services;
	struct kvm_hc_policy __rcu *policy;
};

static DEFINE_HASHTABLE(kvm_hc_vms, 6);
static DEFINE_MUTEX(kvm_hc_vms_lock);
static unsigned int kvm_hc_nr_vms;

static atomic64_t kvm_hc_nr_handled = ATOMIC64_INIT(0);
static atomic64_t kvm_hc_nr_denied = ATOMIC64_INIT(0);
static atomic64_t kvm_hc_nr_passed = ATOMIC64_INIT(0);

/* vCPU threads between the hook's decision to take a call and its return. */
static atomic_t kvm_hc_inflight = ATOMIC_INIT(0);

static struct kvm_hc_vm *kvm_hc_vm_find(struct kvm *kvm)
{
	struct kvm_hc_vm *vm;

	hash_for_each_possible_rcu(kvm_hc_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

/**
 * kvm_hc_wants() - whether kvm_hc may take a hypercall of this VM
 * @kvm:       the VM
 * @own_block: the number lies in kvm_hc's own block of services
 *
 * Hooks call this before anything else, so that with nothing configured a
 * hypercall costs two loads and a branch.  A false positive is harmless:
 * kvm_hc_dispatch() then answers KVM_HC_STOCK.
 *
 * Return: true if the hook should decode the call and dispatch it.
 */
bool kvm_hc_wants(struct kvm *kvm, bool own_block)
{
	bool ret;

	if (own_block && READ_ONCE(open_discovery))
		return true;
	if (!READ_ONCE(kvm_hc_nr_vms))
		return false;
	rcu_read_lock();
	ret = kvm_hc_vm_find(kvm);
	rcu_read_unlock();
	return ret;
}

/**
 * kvm_hc_enter() - a hook is about to run kvm_hc code for one hypercall
 *
 * Paired with kvm_hc_leave(); module unload waits until every vCPU thread
 * between the two has left.
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

static int kvm_hc_range_cmp(const void *key, const void *elt)
{
	u64 nr = *(const u64 *)key;
	const struct kvm_hc_range *r = elt;

	if (nr < r->first)
		return -1;
	return nr > r->last;
}

static const struct kvm_hc_range *kvm_hc_policy_lookup(const struct kvm_hc_policy *p, u64 nr)
{
	if (!p)
		return NULL;
	return bsearch(&nr, p->ranges, p->count, sizeof(p->ranges[0]), kvm_hc_range_cmp);
}

static void kvm_hc_svc_discover(struct kvm_hc_call *call, u32 services)
{
	u64 sel = call->args[0];

	call->nret = 1;
	if (sel == KVM_HC_DISCOVER_VERSION)
		call->ret[0] = KVM_HC_ABI_VERSION;
	else if (sel - KVM_HC_DISCOVER_BITMAP(0) < KVM_HC_DISCOVER_BITMAP_WORDS)
		call->ret[0] = sel == KVM_HC_DISCOVER_BITMAP(0) ? services : 0;
	else
		call->status = -EINVAL;
}

static enum kvm_hc_action kvm_hc_run_service(struct kvm_hc_call *call, u32 services)
{
	switch (call->svc) {
	case KVM_HC_SVC_DISCOVER:
		kvm_hc_svc_discover(call, services);
		return KVM_HC_HANDLED;
	}
	return KVM_HC_STOCK;
}

static enum kvm_hc_action kvm_hc_apply_range(const struct kvm_hc_range *r,
					     struct kvm_hc_call *call)
{
	switch (r->action) {
	case KVM_HC_DENY:
		call->status = r->error;
		return KVM_HC_DENY;
	case KVM_HC_TO_USER:
		return KVM_HC_TO_USER;
	}
	/* No in-kernel handler serves this number: KVM's answer stands. */
	return KVM_HC_STOCK;
}

/**
 * kvm_hc_dispatch() - decide what happens to one guest hypercall
 * @kvm:  the VM that made the call
 * @call: the decoded call; on KVM_HC_HANDLED and KVM_HC_DENY the results
 *        (@ret, @nret, @status) are filled in
 *
 * Lock-free: safe in the vCPU run loop of any number of vCPUs at once.
 * A VM that did not opt in gets KVM_HC_STOCK for every number, except for
 * the discovery call while the open_discovery parameter is set.
 *
 * Return: the enum kvm_hc_action the hook must carry out.
 */
enum kvm_hc_action kvm_hc_dispatch(struct kvm *kvm, struct kvm_hc_call *call)
{
	enum kvm_hc_action act = KVM_HC_STOCK;
	const struct kvm_hc_range *r;
	struct kvm_hc_vm *vm;
	u32 services;

	call->nret = 0;
	call->status = 0;
	/* KVM refuses unprivileged callers with its own error; so do we. */
	if (call->flags & KVM_HC_CALL_UNPRIV)
		return KVM_HC_STOCK;

	rcu_read_lock();
	vm = kvm_hc_vm_find(kvm);
	if (vm)
		services = READ_ONCE(vm->services);
	else
		services = READ_ONCE(open_discovery) ? BIT(KVM_HC_SVC_DISCOVER) : 0;

	if (call->svc != KVM_HC_NO_SVC) {
		if (call->svc >= 0 && call->svc < KVM_HC_SVC_COUNT &&
		    (services & BIT(call->svc)))
			act = kvm_hc_run_service(call, services);
	} else if (vm) {
		r = kvm_hc_policy_lookup(rcu_dereference(vm->policy), call->nr);
		if (r)
			act = kvm_hc_apply_range(r, call);
	}
	rcu_read_unlock();

	if (act == KVM_HC_HANDLED)
		atomic64_inc(&kvm_hc_nr_handled);
	else if (act == KVM_HC_DENY)
		atomic64_inc(&kvm_hc_nr_denied);
	else if (act == KVM_HC_STOCK)
		atomic64_inc(&kvm_hc_nr_passed);
	return act;
}

/**
 * kvm_hc_vm_attach() - start dispatching for a VM
 * @kvm:      the VM
 * @services: bitmap of kvm_hc services the VM may call
 *
 * The caller holds a reference on @kvm until kvm_hc_vm_detach().
 *
 * Return: the per-VM state, or ERR_PTR(-EEXIST) if @kvm is attached already,
 * ERR_PTR(-EINVAL) for unknown services, ERR_PTR(-ENOMEM).
 */
struct kvm_hc_vm *kvm_hc_vm_attach(struct kvm *kvm, u32 services)
{
	struct kvm_hc_vm *vm;

	if (services & ~GENMASK(KVM_HC_SVC_COUNT - 1, 0))
		return ERR_PTR(-EINVAL);
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->kvm = kvm;
	vm->services = services;

	mutex_lock(&kvm_hc_vms_lock);
	if (kvm_hc_vm_find(kvm)) {
		mutex_unlock(&kvm_hc_vms_lock);
		kfree(vm);
		return ERR_PTR(-EEXIST);
	}
	hash_add_rcu(kvm_hc_vms, &vm->node, (unsigned long)kvm);
	WRITE_ONCE(kvm_hc_nr_vms, kvm_hc_nr_vms + 1);
	mutex_unlock(&kvm_hc_vms_lock);
	return vm;
}
EXPORT_SYMBOL_GPL(kvm_hc_vm_attach);

static void kvm_hc_vm_free_rcu(struct rcu_head *head)
{
	struct kvm_hc_vm *vm = container_of(head, struct kvm_hc_vm, rcu);

	kfree(rcu_access_pointer(vm->policy));
	kfree(vm);
}

/**
 * kvm_hc_vm_detach() - stop dispatching for a VM and free its state
 * @vm: state returned by kvm_hc_vm_attach()
 *
 * vCPUs still inside kvm_hc_dispatch() finish with the old state; it is
 * freed after an RCU grace period.
 */
void kvm_hc_vm_detach(struct kvm_hc_vm *vm)
{
	mutex_lock(&kvm_hc_vms_lock);
	hash_del_rcu(&vm->node);
	WRITE_ONCE(kvm_hc_nr_vms, kvm_hc_nr_vms - 1);
	mutex_unlock(&kvm_hc_vms_lock);
	call_rcu(&vm->rcu, kvm_hc_vm_free_rcu);
}
EXPORT_SYMBOL_GPL(kvm_hc_vm_detach);

static int kvm_hc_range_sort_cmp(const void *a, const void *b)
{
	const struct kvm_hc_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

static int kvm_hc_range_check(const struct kvm_hc_range *r)
{
	if (r->first > r->last)
		return -EINVAL;
	switch (r->action) {
	case KVM_HC_STOCK:
	case KVM_HC_HANDLED:
	case KVM_HC_TO_USER:
		return r->error ? -EINVAL : 0;
	case KVM_HC_DENY:
		return r->error < 0 && r->error >= -MAX_ERRNO ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/**
 * kvm_hc_vm_set_policy() - replace a VM's policy atomically
 * @vm:     the VM
 * @ranges: the new ranges, in any order; must not overlap
 * @count:  number of ranges, at most 64; 0 removes the policy
 *
 * vCPUs see either the whole old policy or the whole new one.
 *
 * Return: 0, -EINVAL for an empty or malformed range, -EEXIST for
 * overlapping ranges, -E2BIG for too many, -ENOMEM.  On error the old
 * policy stays in force.
 */
int kvm_hc_vm_set_policy(struct kvm_hc_vm *vm, const struct kvm_hc_range *ranges,
			 unsigned int count)
{
	struct kvm_hc_policy *p = NULL, *old;
	unsigned int i;
	int ret;

	if (count > KVM_HC_MAX_RANGES)
		return -E2BIG;
	if (count) {
		p = kmalloc(struct_size(p, ranges, count), GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
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

	mutex_lock(&kvm_hc_vms_lock);
	old = rcu_replace_pointer(vm->policy, p, lockdep_is_held(&kvm_hc_vms_lock));
	mutex_unlock(&kvm_hc_vms_lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}
EXPORT_SYMBOL_GPL(kvm_hc_vm_set_policy);

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

static ssize_t hook_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%s\n", kvm_hc_arch_hook_name());
}

static ssize_t stats_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "handled %lld\ndenied %lld\npassed %lld\ninflight %d\nvms %u\n",
			  atomic64_read(&kvm_hc_nr_handled), atomic64_read(&kvm_hc_nr_denied),
			  atomic64_read(&kvm_hc_nr_passed), atomic_read(&kvm_hc_inflight),
			  READ_ONCE(kvm_hc_nr_vms));
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

static int __init kvm_hc_init(void)
{
	int ret;

	ret = kvm_hc_arch_init();
	if (ret)
		return ret;
	ret = sysfs_create_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
	if (ret) {
		kvm_hc_arch_exit();
		return ret;
	}
	pr_info("hooked %s, guest ABI %u.%u\n", kvm_hc_arch_hook_name(),
		KVM_HC_ABI_MAJOR, KVM_HC_ABI_MINOR);
	return 0;
}

static void __exit kvm_hc_exit(void)
{
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
	/* No new hypercall enters kvm_hc after this... */
	kvm_hc_arch_exit();
	/* ...and those that did are waited for. */
	wait_var_event(&kvm_hc_inflight, !atomic_read(&kvm_hc_inflight));
	kvm_hc_sync_tasks();
	rcu_barrier();
	pr_info("unhooked; handled %lld, denied %lld, passed %lld\n",
		atomic64_read(&kvm_hc_nr_handled), atomic64_read(&kvm_hc_nr_denied),
		atomic64_read(&kvm_hc_nr_passed));
}

module_init(kvm_hc_init);
module_exit(kvm_hc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hypercall dispatcher for KVM hosts");
MODULE_VERSION("0.1");
#endif /* KVM_HC_KUNIT */
