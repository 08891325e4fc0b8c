// SPDX-License-Identifier: GPL-2.0
/*
 * The hot path: what a hook asks of kvm_hc for each hypercall.
 *
 * Each architecture's hook (arch/<arch>/) decodes a guest hypercall into a
 * struct kvm_hc_call and calls kvm_hc_dispatch(), which answers with one
 * action: leave the call to KVM, handle it here, send it to the VMM, or
 * deny it.  The decision is one lock-free lookup: the VM's state in a hash
 * table, then the VM's policy, a sorted array of number ranges searched by
 * bisection, then for in-kernel calls the handler table, also sorted.  All
 * three are read under SRCU, because in-kernel handlers may sleep (a
 * directed yield does).  kvm_hc_take() decides from the number alone,
 * before the hook decodes the rest.
 */
#include "kvm_hc_core.h"

#define CREATE_TRACE_POINTS
#include "kvm_hc_trace.h"

/* open_discovery: a VM that did not opt in may call discovery (kvm_hc_main.c). */
bool open_discovery;

/*
 * One SRCU domain protects every policy, the handler table and a VM's
 * state from the moment a hook takes a call until it is done with it;
 * the VM table is read under RCU (kvm_hc_take()) or SRCU.  Writers
 * serialise on kvm_hc_lock.
 */
DEFINE_SRCU(kvm_hc_srcu);
/* Serialises every writer: attach, detach, policies, the handler table. */
DEFINE_MUTEX(kvm_hc_lock);
/* Attachment ids: 1, 2, ... never reused while the module is loaded. */
atomic64_t kvm_hc_vm_ids = ATOMIC64_INIT(0);
DEFINE_HASHTABLE(kvm_hc_vms, 6);
unsigned int kvm_hc_nr_vms;
struct kvm_hc_handlers __rcu *kvm_hc_handlers;

DEFINE_PER_CPU(struct kvm_hc_global_counts, kvm_hc_global);

/*
 * The hook is armed only while it has a user: attached VMs plus
 * open_discovery.  Until then KVM runs its own code only.  Arming and
 * disarming patch kernel text and wait for RCU Tasks, which can take a
 * while: their own mutex keeps that away from every other VM's requests.
 */
DEFINE_MUTEX(kvm_hc_arm_lock);
unsigned int kvm_hc_arm_count;
/* The architecture's hook is set up (module init done): arming may start. */
bool kvm_hc_live;

/* kvm_hc's text, for kvm_hc_from_self(); set before any hook exists. */
unsigned long kvm_hc_text, kvm_hc_text_size;

/* vCPU threads between kvm_hc_enter() and kvm_hc_leave() (arm64's rare paths). */
atomic_t kvm_hc_inflight = ATOMIC_INIT(0);

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

const struct kvm_hc_handler *kvm_hc_handler_find(u16 arch, u64 nr)
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
u64 kvm_hc_kvm_nrs[8];

static bool kvm_hc_kvm_answers(u16 arch, u64 nr)
{
	return arch < ARRAY_SIZE(kvm_hc_kvm_nrs) && nr < KVM_HC_KVM_NR_LIMIT &&
	       (READ_ONCE(kvm_hc_kvm_nrs[arch]) & BIT_ULL(nr));
}

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
u32 kvm_hc_arch_services(u16 arch, u32 services)
{
	u32 offered = BIT(KVM_HC_SVC_DISCOVER);
	int s;

	for (s = 0; s < KVM_HC_SVC_COUNT; s++)
		if ((services & BIT(s)) && kvm_hc_service_fn(arch, s))
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
	if (unlikely(call->nret > KVM_HC_MAX_RETS)) {
		pr_warn_once("handler %ps for 0x%llx returned %u results; the first %u kept\n",
			     h->fn, call->nr, call->nret, KVM_HC_MAX_RETS);
		call->nret = KVM_HC_MAX_RETS;
	}
	if (unlikely(call->status > 0)) {
		pr_warn_once("handler %ps for 0x%llx returned status %d; the guest gets -EIO\n",
			     h->fn, call->nr, call->status);
		call->status = -EIO;
	}
	return true;
}

static enum kvm_hc_action kvm_hc_run_service(struct kvm_vcpu *vcpu, struct kvm_hc_call *call,
					     u32 services)
{
	struct kvm_hc_handler h = { .owner = THIS_MODULE };

	if (call->svc == KVM_HC_SVC_DISCOVER) {
		kvm_hc_svc_discover(call, services);
		return KVM_HC_KERNEL;
	}
	h.fn = kvm_hc_service_fn(call->arch, call->svc);
	if (!h.fn || !kvm_hc_call_handler(&h, vcpu, call))
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

/*
 * Take a token from a rate-limited range's bucket, refilled first for the
 * time since the last call: false if it is empty.  Out of line: only
 * limited ranges come here.
 */
static noinline bool kvm_hc_bucket_take(struct kvm_hc_bucket *b, const struct kvm_hc_range *r)
{
	u64 now = ktime_get_mono_fast_ns(), full = (u64)r->burst * NSEC_PER_SEC, dt, t;
	unsigned long flags;
	bool ok;

	raw_spin_lock_irqsave(&b->lock, flags);
	t = b->tokens;
	dt = now - b->last_ns;
	if (r->rate)
		/* dt * rate < full <= 2^32 * 10^9: no overflow */
		t = dt >= b->fill_ns ? full : min(full, t + dt * r->rate);
	b->last_ns = now;
	ok = t >= NSEC_PER_SEC;
	b->tokens = ok ? t - NSEC_PER_SEC : t;
	raw_spin_unlock_irqrestore(&b->lock, flags);
	return ok;
}

/* A rate-limited range's call that found its bucket empty. */
static noinline enum kvm_hc_action kvm_hc_over_limit(struct kvm_hc_vm *vm,
						     const struct kvm_hc_range *r,
						     struct kvm_hc_call *call)
{
	this_cpu_inc(vm->counts->limited);
	switch (r->over_action) {
	case KVM_HC_ACTION_EXCEPTION:
		call->flags |= KVM_HC_CALL_EXCEPTION;
		return KVM_HC_DENY;
	case KVM_HC_ACTION_DENY:
		call->status = r->over_error;
		return KVM_HC_DENY;
	}
	return KVM_HC_KVM;
}

/* Inline in the dispatcher: a call of its own cost 30 instructions a call. */
static __always_inline enum kvm_hc_action
kvm_hc_apply_range(struct kvm_hc_vm *vm, const struct kvm_hc_ruleset *p,
		   const struct kvm_hc_range *r, struct kvm_vcpu *vcpu, struct kvm_hc_call *call)
{
	const struct kvm_hc_handler *h;

	if (unlikely(r->burst) && !kvm_hc_bucket_take(&p->buckets[r - p->ranges], r))
		return kvm_hc_over_limit(vm, r, call);
	switch (r->action) {
	case KVM_HC_ACTION_DOORBELL:
		/* answered here: counted, and carried out by the hook, as kernel */
		kvm_hc_doorbell(vm, r, call);
		return KVM_HC_KERNEL;
	case KVM_HC_DENY:
		call->status = r->error;
		return KVM_HC_DENY;
	case KVM_HC_ACTION_EXCEPTION:
		/* a deny the hook carries out as the architecture's exception */
		call->flags |= KVM_HC_CALL_EXCEPTION;
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
 * Count a call, with preemption disabled: this CPU's copies only, with
 * plain increments (no locked instruction, and nothing to protect them
 * from interrupts, where no call is ever counted).  Where this_cpu_inc()
 * is not one instruction (powerpc's saves and restores the interrupt
 * mask), three of them cost more than the rest of the dispatch.  The slot
 * of a number is claimed once, with a cmpxchg; after that finding it
 * only reads.
 */
static __always_inline void __kvm_hc_count(struct kvm_hc_vm *vm, u64 nr, enum kvm_hc_action act)
{
	struct kvm_hc_nr_slot *slot;

	__this_cpu_inc(kvm_hc_global.c[act]);
	if (!vm)
		return;
	__this_cpu_inc(vm->counts->total[act]);
	slot = kvm_hc_nr_slot(vm, nr);
	if (slot)
		__this_cpu_inc(vm->counts->nr[slot - vm->slots][act]);
	else
		__this_cpu_inc(vm->counts->uncounted);
}

static __always_inline void kvm_hc_count(struct kvm_hc_vm *vm, u64 nr, enum kvm_hc_action act)
{
	preempt_disable_notrace();
	__kvm_hc_count(vm, nr, act);
	preempt_enable_notrace();
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
 * Where the hook takes doorbells (kvm_hc_arch.take_doorbells), a doorbell
 * range's call without ring or rate limit is rung here as well, and counted
 * as served in the kernel.
 *
 * Nothing is held on return: a hook that redirects the call to its
 * replacement hands it nothing either (another ftrace user, a BPF
 * trampoline, may run in between and does not keep spare argument
 * registers), and the replacement opens its own section with
 * kvm_hc_begin().  May be called with preemption disabled.
 *
 * Return: KVM_HC_TAKE if the hook must dispatch the call; KVM_HC_COUNTED
 * or KVM_HC_COUNTED_KERNEL if it was counted and left to KVM; KVM_HC_RUNG
 * if it was a doorbell, rung and counted, that the hook answers;
 * KVM_HC_PASS if it is none of kvm_hc's.
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
	if (vm)
		p = rcu_dereference_sched(vm->policy);
	if (flags & KVM_HC_CALL_UNPRIV) {
		/* guest user mode: stock KVM's refusal, but for a user-mode range */
		r = vm && svc == KVM_HC_NO_SVC ? kvm_hc_policy_lookup(p, nr) : NULL;
		if (!r || !(r->flags & KVM_HC_RANGE_USER) ||
		    (r->action == KVM_HC_KERNEL && kvm_hc_kvm_answers(arch, nr)))
			goto stock;
		goto out;
	}
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
		/* a rate limit is counted in the dispatcher */
		if (r->action == KVM_HC_KERNEL && !r->burst && kvm_hc_kvm_answers(arch, nr)) {
			__kvm_hc_count(vm, nr, KVM_HC_KERNEL);
			ret = KVM_HC_COUNTED_KERNEL;
		} else if (r->action == KVM_HC_ACTION_DOORBELL && kvm_hc_arch.take_doorbells &&
			   !r->burst && !(r->flags & KVM_HC_RANGE_RING)) {
			kvm_hc_doorbell_take(vm, r);
			__kvm_hc_count(vm, nr, KVM_HC_KERNEL);
			ret = KVM_HC_RUNG;
		}
	}
	goto out;

stock:
	__kvm_hc_count(vm, nr, KVM_HC_KVM);
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
	/* One policy for the whole call: its services and its ranges. */
	if (vm)
		p = srcu_dereference(vm->policy, &kvm_hc_srcu);
	/*
	 * KVM refuses unprivileged callers with its own error; so do we, but
	 * for a range the VMM opened to guest user mode.
	 */
	if (unlikely(call->flags & KVM_HC_CALL_UNPRIV)) {
		r = vm && call->svc == KVM_HC_NO_SVC ? kvm_hc_policy_lookup(p, call->nr) : NULL;
		if (r && (r->flags & KVM_HC_RANGE_USER))
			act = kvm_hc_apply_range(vm, p, r, vcpu, call);
		goto count;
	}
	services = kvm_hc_policy_services(vm, p);

	if (call->svc != KVM_HC_NO_SVC) {
		if (call->svc >= 0 && call->svc < KVM_HC_SVC_COUNT &&
		    (services & BIT(call->svc)))
			act = kvm_hc_run_service(vcpu, call, services);
	} else if (vm) {
		r = kvm_hc_policy_lookup(p, call->nr);
		if (r)
			act = kvm_hc_apply_range(vm, p, r, vcpu, call);
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
