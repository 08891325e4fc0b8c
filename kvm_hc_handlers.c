// SPDX-License-Identifier: GPL-2.0
/*
 * The handler registry: in-kernel handlers other modules (and
 * the architectures, for KVM's own numbers and kvm_hc's services) register,
 * kept in one sorted array that the dispatcher bisects under SRCU.
 */
#include "kvm_hc_core.h"

static int kvm_hc_handler_cmp(const void *key, const void *elt)
{
	const struct kvm_hc_handler *k = key, *h = elt;

	if (k->arch != h->arch)
		return k->arch < h->arch ? -1 : 1;
	if (k->nr != h->nr)
		return k->nr < h->nr ? -1 : 1;
	return 0;
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
 * kvm_hc_handler_register() - serve a number of one numbering in the kernel
 * @arch:  KVM_HC_ARCH_* of the numbering (the KUnit suites use several)
 * @nr:    the hypercall number
 * @fn:    the handler
 * @owner: the module @fn lives in
 *
 * Return: as __kvm_hc_register_handler().
 */
int kvm_hc_handler_register(u16 arch, u64 nr, kvm_hc_handler_t fn, struct module *owner)
{
	const struct kvm_hc_handler key = { .arch = arch, .nr = nr, .fn = fn, .owner = owner };

	if (!fn)
		return -EINVAL;
	return kvm_hc_handler_add(&key);
}

/**
 * __kvm_hc_register_handler() - serve a hypercall number in the kernel
 * @nr:    the hypercall number, as the host's architecture numbers it
 *         (x86: rax; arm64: the SMCCC function ID; s390: the DIAGNOSE
 *         0x500 subcode; powerpc: the PAPR hcall number or ePAPR token)
 * @fn:    the handler; runs in the vCPU thread, and may sleep where
 *         kvm_hc_handlers_may_sleep() says so
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
int __kvm_hc_register_handler(u64 nr, kvm_hc_handler_t fn, struct module *owner)
{
	return kvm_hc_handler_register(kvm_hc_arch.arch, nr, fn, owner);
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
 * Return: as kvm_hc_handler_register(); -EINVAL for a number of 64 or
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
 * kvm_hc_handler_unregister() - stop serving a number of one numbering
 * @arch: as given to kvm_hc_handler_register()
 * @nr:   as given to kvm_hc_handler_register()
 *
 * On return the handler is not running and will not run again; calls for
 * @nr go to stock KVM.
 */
void kvm_hc_handler_unregister(u16 arch, u64 nr)
{
	const struct kvm_hc_handler key = { .arch = arch, .nr = nr };

	kvm_hc_handlers_remove(kvm_hc_handler_is, &key);
}

/**
 * kvm_hc_unregister_handler() - stop serving a hypercall number
 * @nr: as given to kvm_hc_register_handler()
 *
 * On return the handler is not running and will not run again; calls for
 * @nr go to stock KVM.
 */
void kvm_hc_unregister_handler(u64 nr)
{
	kvm_hc_handler_unregister(kvm_hc_arch.arch, nr);
}
EXPORT_SYMBOL_GPL(kvm_hc_unregister_handler);

/**
 * kvm_hc_unregister_kvm_handler() - undo kvm_hc_register_kvm_handler()
 * @arch: as registered
 * @nr:   as registered
 */
void kvm_hc_unregister_kvm_handler(u16 arch, u64 nr)
{
	kvm_hc_handler_unregister(arch, nr);
}

/*
 * Remove every handler of a module that is going away; kvm_hc's module
 * notifier calls this once the module's exit function has run, before its
 * code is freed.  Returns how many it had left registered.
 */
unsigned int kvm_hc_unregister_owner(struct module *owner)
{
	return kvm_hc_handlers_remove(kvm_hc_handler_owned_by, owner);
}

/* kvm_hc's own services an architecture's hook serves (kvm_hc_core.h) */
kvm_hc_handler_t kvm_hc_service_fns[KVM_HC_ARCH_MAX + 1][KVM_HC_SVC_COUNT];

/**
 * kvm_hc_register_service() - serve one of kvm_hc's services in the kernel
 * @arch: KVM_HC_ARCH_* of the calling convention
 * @svc:  the service (KVM_HC_SVC_*, not discovery)
 * @fn:   its handler, in kvm_hc's own module (an architecture's hook)
 *
 * A VM whose policy has the service in its services gets it from then on;
 * discovery offers it.
 *
 * Return: 0, -EINVAL for a bad @arch or @svc, -EEXIST if one is set.
 */
int kvm_hc_register_service(u16 arch, int svc, kvm_hc_handler_t fn)
{
	int ret = 0;

	if (arch > KVM_HC_ARCH_MAX || svc <= KVM_HC_SVC_DISCOVER || svc >= KVM_HC_SVC_COUNT)
		return -EINVAL;
	mutex_lock(&kvm_hc_lock);
	if (kvm_hc_service_fns[arch][svc])
		ret = -EEXIST;
	else
		WRITE_ONCE(kvm_hc_service_fns[arch][svc], fn);
	mutex_unlock(&kvm_hc_lock);
	return ret;
}

/**
 * kvm_hc_unregister_service() - stop serving a service in the kernel
 * @arch: as registered
 * @svc:  as registered
 *
 * On return no vCPU runs the handler any more.
 */
void kvm_hc_unregister_service(u16 arch, int svc)
{
	if (!kvm_hc_service_fn(arch, svc))
		return;
	mutex_lock(&kvm_hc_lock);
	WRITE_ONCE(kvm_hc_service_fns[arch][svc], NULL);
	mutex_unlock(&kvm_hc_lock);
	synchronize_srcu(&kvm_hc_srcu);
}
