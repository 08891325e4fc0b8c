// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbells and the request ring: the doorbell action, which answers a
 * call in the kernel and tells the VMM through an eventfd, optionally
 * with the call written into a ring the VMM maps.
 *
 * A VM's doorbells are pointers to eventfd contexts, each replaced on its
 * own and freed after the SRCU grace period that ends the calls using it.
 * The ring has one producer side (every vCPU, serialised by a spinlock:
 * a doorbell call is a notification, not a fast path worth a lock-free
 * multi-producer ring) and one consumer, the VMM, which only writes the
 * header's consumer index.  kvm_hc never reads back what it wrote to the
 * shared pages: its own indexes live here.
 */
#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>

#include "kvm_hc_core.h"

/*
 * eventfd_signal() adds 1 since 6.8; before, the amount was an argument
 * (compat probe in Kbuild).
 */
static inline void kvm_hc_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef KVM_HC_HAVE_EVENTFD_SIGNAL_COUNT
	eventfd_signal(ctx, 1);
#else
	eventfd_signal(ctx);
#endif
}

/* Write @call into @ring; false if it is full. */
static bool kvm_hc_ring_push(struct kvm_hc_ring *ring, const struct kvm_hc_call *call)
{
	struct kvm_hc_ring_entry *e;
	unsigned long flags;
	unsigned int i, n;
	u32 cons;

	spin_lock_irqsave(&ring->lock, flags);
	/* pairs with the VMM's release store: its reads of the entries are done */
	cons = smp_load_acquire(&ring->hdr->consumer);
	if (ring->prod - cons >= ring->entries) {
		WRITE_ONCE(ring->hdr->busy, ++ring->busy);
		spin_unlock_irqrestore(&ring->lock, flags);
		return false;
	}
	e = &ring->ent[ring->prod & (ring->entries - 1)];
	n = min_t(unsigned int, call->nargs, ARRAY_SIZE(e->args));
	e->nr = call->nr;
	for (i = 0; i < ARRAY_SIZE(e->args); i++)
		e->args[i] = i < n ? call->args[i] : 0;
	e->vcpu = call->vcpu_id;
	e->flags = 0;
	ring->prod++;
	/* pairs with the VMM's acquire load: the entry is written */
	smp_store_release(&ring->hdr->producer, ring->prod);
	spin_unlock_irqrestore(&ring->lock, flags);
	return true;
}

/**
 * kvm_hc_doorbell_take() - ring a doorbell range's bell from kvm_hc_take()
 * @vm: the calling VM's state
 * @r:  the range, KVM_HC_ACTION_DOORBELL without ring or rate limit
 *
 * Such a call needs nothing of the call but its number, so a hook that
 * takes doorbells (kvm_hc_arch.take_doorbells) has it rung at its first
 * look, with preemption disabled, without the decode and the dispatcher's
 * SRCU section: a doorbell is what a VMM uses instead of a forwarded
 * round trip, and on powerpc those two cost most of it.  Bells are freed
 * after an RCU grace period and then an SRCU one, so either reader may
 * use them.
 */
void kvm_hc_doorbell_take(struct kvm_hc_vm *vm, const struct kvm_hc_range *r)
{
	struct kvm_hc_bell *bell = rcu_dereference_sched(vm->bells[r->doorbell %
								   KVM_HC_MAX_DOORBELLS]);

	if (bell)
		kvm_hc_eventfd_signal(bell->ctx);
}

/**
 * kvm_hc_doorbell() - carry out a doorbell range's action for one call
 * @vm:   the calling VM's state
 * @r:    the range, KVM_HC_ACTION_DOORBELL
 * @call: the call; its result is filled in
 *
 * Within the dispatcher's SRCU section; does not sleep.
 */
void kvm_hc_doorbell(struct kvm_hc_vm *vm, const struct kvm_hc_range *r,
		     struct kvm_hc_call *call)
{
	struct kvm_hc_ring *ring;
	struct kvm_hc_bell *bell;

	if (r->flags & KVM_HC_RANGE_RING) {
		ring = srcu_dereference(vm->ring, &kvm_hc_srcu);
		if (!ring || !kvm_hc_ring_push(ring, call)) {
			call->status = -KVM_HC_EBUSY;
			return;
		}
	}
	bell = srcu_dereference(vm->bells[r->doorbell % KVM_HC_MAX_DOORBELLS], &kvm_hc_srcu);
	if (bell)
		kvm_hc_eventfd_signal(bell->ctx);
	call->ret[0] = 0;
	call->nret = 1;
}

static void kvm_hc_bell_free(struct rcu_head *head)
{
	struct kvm_hc_bell *bell = container_of(head, struct kvm_hc_bell, rcu);

	eventfd_ctx_put(bell->ctx);
	kfree(bell);
}

/* kvm_hc_take() rings bells under RCU, the dispatcher under SRCU. */
static void kvm_hc_bell_free_rcu(struct rcu_head *head)
{
	call_srcu(&kvm_hc_srcu, head, kvm_hc_bell_free);
}

/**
 * kvm_hc_vm_set_doorbell() - set or remove one of a VM's doorbells
 * @vm:  the VM
 * @id:  the doorbell, below KVM_HC_MAX_DOORBELLS
 * @ctx: the eventfd it signals, whose reference passes to kvm_hc; NULL
 *       removes the doorbell
 *
 * Return: 0, -EINVAL for an id out of range, -ENOMEM.  On error @ctx's
 * reference is the caller's still.
 */
int kvm_hc_vm_set_doorbell(struct kvm_hc_vm *vm, u32 id, struct eventfd_ctx *ctx)
{
	struct kvm_hc_bell *bell = NULL, *old;

	if (id >= KVM_HC_MAX_DOORBELLS)
		return -EINVAL;
	if (ctx) {
		bell = kmalloc(sizeof(*bell), GFP_KERNEL_ACCOUNT);
		if (!bell)
			return -ENOMEM;
		bell->ctx = ctx;
	}
	mutex_lock(&kvm_hc_lock);
	old = rcu_replace_pointer(vm->bells[id], bell, lockdep_is_held(&kvm_hc_lock));
	mutex_unlock(&kvm_hc_lock);
	if (old)
		call_rcu(&old->rcu, kvm_hc_bell_free_rcu);
	return 0;
}

/* Bitmap of the doorbells a VM has (for sysfs and the tool). */
u32 kvm_hc_vm_doorbells(struct kvm_hc_vm *vm)
{
	u32 set = 0;
	int i;

	mutex_lock(&kvm_hc_lock);
	for (i = 0; i < KVM_HC_MAX_DOORBELLS; i++)
		if (rcu_access_pointer(vm->bells[i]))
			set |= BIT(i);
	mutex_unlock(&kvm_hc_lock);
	return set;
}

static void kvm_hc_ring_put(struct kvm_hc_ring *ring)
{
	if (!refcount_dec_and_test(&ring->ref))
		return;
	vfree(ring->hdr);
	kfree(ring);
}

/**
 * kvm_hc_vm_ring_state() - a VM's request ring, as its header says
 * @vm:  the VM
 * @out: its entries, producer, consumer and busy count
 *
 * Return: false if the VM has no ring.
 */
bool kvm_hc_vm_ring_state(struct kvm_hc_vm *vm, struct kvm_hc_ring_header *out)
{
	struct kvm_hc_ring *ring;
	unsigned long flags;

	mutex_lock(&kvm_hc_lock);
	ring = rcu_dereference_protected(vm->ring, lockdep_is_held(&kvm_hc_lock));
	if (ring) {
		spin_lock_irqsave(&ring->lock, flags);
		out->entries = ring->entries;
		out->producer = ring->prod;
		out->busy = ring->busy;
		out->consumer = READ_ONCE(ring->hdr->consumer);
		spin_unlock_irqrestore(&ring->lock, flags);
	}
	mutex_unlock(&kvm_hc_lock);
	return ring;
}

/* The VM is freed: its doorbells' eventfds and its ring go with it. */
void kvm_hc_vm_doorbells_release(struct kvm_hc_vm *vm)
{
	struct kvm_hc_ring *ring = rcu_access_pointer(vm->ring);
	struct kvm_hc_bell *bell;
	int i;

	for (i = 0; i < KVM_HC_MAX_DOORBELLS; i++) {
		bell = rcu_access_pointer(vm->bells[i]);
		if (bell) {
			eventfd_ctx_put(bell->ctx);
			kfree(bell);
		}
	}
	if (ring)
		kvm_hc_ring_put(ring);
}

static int kvm_hc_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kvm_hc_ring *ring = file->private_data;

	/* a private copy would never see another entry */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > ring->size)
		return -EINVAL;
	return remap_vmalloc_range(vma, ring->hdr, 0);
}

static int kvm_hc_ring_release(struct inode *inode, struct file *file)
{
	kvm_hc_ring_put(file->private_data);
	return 0;
}

static const struct file_operations kvm_hc_ring_fops = {
	.owner = THIS_MODULE,
	.mmap = kvm_hc_ring_mmap,
	.release = kvm_hc_ring_release,
	.llseek = noop_llseek,
};

/**
 * kvm_hc_ring_file() - a new request ring and the file that maps it
 * @setup: KVM_HC_CREATE_RING's argument; its out members are filled in
 *
 * The file holds the ring; kvm_hc_vm_install_ring() gives it to a VM.
 *
 * Return: the file, ERR_PTR(-EINVAL) for a size that is not a power of
 * two in range, ERR_PTR(-ENOMEM).
 */
struct file *kvm_hc_ring_file(struct kvm_hc_ring_setup *setup)
{
	size_t hdr_size = PAGE_ALIGN(sizeof(struct kvm_hc_ring_header));
	struct kvm_hc_ring *ring;
	struct file *file;

	if (setup->flags || setup->entries < 2 || setup->entries > KVM_HC_MAX_RING_ENTRIES ||
	    !is_power_of_2(setup->entries))
		return ERR_PTR(-EINVAL);
	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&ring->lock);
	refcount_set(&ring->ref, 1);
	ring->entries = setup->entries;
	ring->size = PAGE_ALIGN(hdr_size + (size_t)setup->entries * sizeof(*ring->ent));
	ring->hdr = vmalloc_user(ring->size);
	if (!ring->hdr) {
		kfree(ring);
		return ERR_PTR(-ENOMEM);
	}
	ring->ent = (void *)ring->hdr + hdr_size;
	ring->hdr->entries = ring->entries;
	ring->hdr->entry_size = sizeof(*ring->ent);
	ring->hdr->entries_offset = hdr_size;

	file = anon_inode_getfile("kvm_hc-ring", &kvm_hc_ring_fops, ring, O_RDWR);
	if (IS_ERR(file)) {
		kvm_hc_ring_put(ring);
		return file;
	}
	setup->entry_size = sizeof(*ring->ent);
	setup->mmap_size = ring->size;
	setup->entries_offset = hdr_size;
	return file;
}

/**
 * kvm_hc_vm_install_ring() - make a ring the VM's request ring
 * @vm:   the VM
 * @file: from kvm_hc_ring_file()
 *
 * The VM takes a reference of its own on the ring, dropped when its state
 * is freed.
 *
 * Return: 0, or -EEXIST if the VM has a ring already.
 */
int kvm_hc_vm_install_ring(struct kvm_hc_vm *vm, struct file *file)
{
	struct kvm_hc_ring *ring = file->private_data;
	int ret = -EEXIST;

	mutex_lock(&kvm_hc_lock);
	if (!rcu_access_pointer(vm->ring)) {
		refcount_inc(&ring->ref);
		rcu_assign_pointer(vm->ring, ring);
		ret = 0;
	}
	mutex_unlock(&kvm_hc_lock);
	return ret;
}
