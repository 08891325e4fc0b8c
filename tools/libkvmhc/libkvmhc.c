// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libkvmhc: kvm_hc's VMM interface for C programs (kvmhc.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvmhc.h"
#if defined(__aarch64__)
#include <linux/kvm_hc_arm64.h>
#endif

#define KVMHC_DEV	"/dev/kvm_hc"

struct kvmhc {
	int fd;
};

struct kvmhc_vm {
	int handle;
};

struct kvmhc_ring {
	int fd;
	size_t size;
	uint32_t entries;
	uint32_t consumer;		/* our own copy of the header's */
	struct kvm_hc_ring_header *hdr;
	const struct kvm_hc_ring_entry *ent;
};

struct kvmhc_policy {
	uint32_t services;
	unsigned int n;
	struct kvm_hc_range r[KVM_HC_MAX_RANGES];
};

/* ioctl(), retried when a signal interrupts it: 0 / the result, or -errno. */
static long kvmhc_ioctl(int fd, unsigned long req, unsigned long arg)
{
	long r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/**
 * kvmhc_open() - open /dev/kvm_hc
 * @dev: out: the device
 *
 * Return: 0, -ENOENT if kvm_hc is not loaded, -EACCES without the right
 * to open it (root, or the group a udev rule gives it), or another -errno.
 */
int kvmhc_open(struct kvmhc **dev)
{
	struct kvmhc *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->fd = open(KVMHC_DEV, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		int err = -errno;

		free(d);
		return err;
	}
	*dev = d;
	return 0;
}

/**
 * kvmhc_close() - close the device; attached VMs stay attached
 * @dev: from kvmhc_open(), or NULL
 */
void kvmhc_close(struct kvmhc *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

/**
 * kvmhc_check() - KVM_HC_CHECK_EXTENSION
 * @dev: the device
 * @cap: a KVM_HC_CAP_*
 *
 * Return: the capability's value, 0 where the module lacks it, or -errno.
 */
long kvmhc_check(const struct kvmhc *dev, unsigned long cap)
{
	return kvmhc_ioctl(dev->fd, KVM_HC_CHECK_EXTENSION, cap);
}

/**
 * kvmhc_compatible() - whether the module speaks the interface this
 * library was built for (the same major version)
 * @dev: the device
 *
 * Return: 0, or -EPROTO with another major version.
 */
int kvmhc_compatible(const struct kvmhc *dev)
{
	long v = kvmhc_check(dev, KVM_HC_CAP_API_VERSION);

	if (v < 0)
		return (int)v;
	return (v >> 16) == (KVM_HC_API_VERSION >> 16) ? 0 : -EPROTO;
}

/**
 * kvmhc_attach() - opt a VM of this process in to kvm_hc
 * @dev:   the device
 * @vm_fd: the VM's file descriptor (KVM_CREATE_VM)
 * @vm:    out: the attached VM
 *
 * Until a policy is set the VM still sees stock KVM.
 *
 * Return: 0 or -errno (-EEXIST: attached already; -EPERM: another
 * process's VM; -EOPNOTSUPP: a confidential VM).
 */
int kvmhc_attach(struct kvmhc *dev, int vm_fd, struct kvmhc_vm **vm)
{
	struct kvm_hc_attach a = { .size = sizeof(a), .vm_fd = vm_fd };
	struct kvmhc_vm *v = calloc(1, sizeof(*v));
	long h;

	if (!v)
		return -ENOMEM;
	h = kvmhc_ioctl(dev->fd, KVM_HC_ATTACH, (unsigned long)&a);
	if (h < 0) {
		free(v);
		return (int)h;
	}
	v->handle = (int)h;
	*vm = v;
	return 0;
}

/**
 * kvmhc_attach_operator() - attach a running VMM's VM, as the host's operator
 * @dev:   the device
 * @pid:   the VMM's process
 * @vm_fd: the VM's file descriptor in that process
 * @vm:    out: the attached VM
 *
 * Needs CAP_SYS_ADMIN and ptrace rights over the VMM (pidfd_getfd()).  The
 * VMM never asked for kvm_hc: its policy may handle calls in the kernel
 * and deny them, never forward them.
 *
 * Return: 0 or -errno (-EPERM: not allowed; -EEXIST: attached already,
 * by the VMM or another operator; -ESRCH: no such process).
 */
int kvmhc_attach_operator(struct kvmhc *dev, int pid, int vm_fd, struct kvmhc_vm **vm)
{
	struct kvm_hc_attach a = { .size = sizeof(a), .flags = KVM_HC_ATTACH_OPERATOR };
	struct kvmhc_vm *v;
	int pidfd, fd;
	long h;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, vm_fd, 0);
	h = fd < 0 ? -errno : 0;
	close(pidfd);
	if (h)
		return (int)h;
	v = calloc(1, sizeof(*v));
	a.vm_fd = fd;
	/* the VM's folder is named after the VMM, not after us */
	a.vmm_pid = pid;
	a.vmm_fd = vm_fd;
	h = v ? kvmhc_ioctl(dev->fd, KVM_HC_ATTACH, (unsigned long)&a) : -ENOMEM;
	if (h == -E2BIG) {
		/* a module of before KVM_HC_ATTACH_SIZE_VER1: named after us */
		a.size = KVM_HC_ATTACH_SIZE_VER0;
		h = kvmhc_ioctl(dev->fd, KVM_HC_ATTACH, (unsigned long)&a);
	}
	close(fd);	/* the handle holds the VM */
	if (h < 0) {
		free(v);
		return (int)h;
	}
	v->handle = (int)h;
	*vm = v;
	return 0;
}

/**
 * kvmhc_detach() - close the handle: the VM sees stock KVM again
 * @vm: from kvmhc_attach(), or NULL
 */
void kvmhc_detach(struct kvmhc_vm *vm)
{
	if (!vm)
		return;
	close(vm->handle);
	free(vm);
}

/**
 * kvmhc_vm_handle() - the handle's file descriptor, for poll() or fork()
 * @vm: the attached VM
 *
 * Return: the descriptor, owned by @vm.
 */
int kvmhc_vm_handle(const struct kvmhc_vm *vm)
{
	return vm->handle;
}

/**
 * kvmhc_policy_new() - an empty policy: no services, no ranges
 *
 * Return: the policy, or NULL without memory.
 */
struct kvmhc_policy *kvmhc_policy_new(void)
{
	return calloc(1, sizeof(struct kvmhc_policy));
}

/**
 * kvmhc_policy_free() - free a policy
 * @p: the policy, or NULL
 */
void kvmhc_policy_free(struct kvmhc_policy *p)
{
	free(p);
}

/**
 * kvmhc_policy_set_services() - the kvm_hc services the guest may call
 * @p:        the policy
 * @services: bitmap of KVM_HC_SVC_* (1u << KVM_HC_SVC_DISCOVER, ...)
 */
void kvmhc_policy_set_services(struct kvmhc_policy *p, uint32_t services)
{
	p->services = services;
}

/**
 * kvmhc_policy_add() - one range of numbers and what happens to them
 * @p:      the policy
 * @first:  its first number
 * @last:   its last number
 * @action: KVM_HC_ACTION_*
 * @error:  for KVM_HC_ACTION_DENY the negative error the guest gets
 *          (-4095 .. -1, or -KVM_HC_ENOHC), else 0
 *
 * The module checks the rest (overlaps) when the policy is set.
 *
 * Return: 0, -E2BIG past KVM_HC_MAX_RANGES, -EINVAL for @first > @last.
 */
int kvmhc_policy_add(struct kvmhc_policy *p, uint64_t first, uint64_t last, uint32_t action,
		     int32_t error)
{
	if (p->n == KVM_HC_MAX_RANGES)
		return -E2BIG;
	if (first > last)
		return -EINVAL;
	p->r[p->n++] = (struct kvm_hc_range){
		.first = first, .last = last, .action = action, .error = error,
	};
	return 0;
}

/**
 * kvmhc_policy_services() - the policy's services
 * @p: the policy
 *
 * Return: the bitmap.
 */
uint32_t kvmhc_policy_services(const struct kvmhc_policy *p)
{
	return p->services;
}

/**
 * kvmhc_policy_nranges() - how many ranges the policy has
 * @p: the policy
 *
 * Return: the count.
 */
unsigned int kvmhc_policy_nranges(const struct kvmhc_policy *p)
{
	return p->n;
}

/**
 * kvmhc_policy_range() - one of the policy's ranges
 * @p: the policy
 * @i: its index, below kvmhc_policy_nranges()
 *
 * Return: the range (read back: sorted by first number), or NULL.
 */
const struct kvm_hc_range *kvmhc_policy_range(const struct kvmhc_policy *p, unsigned int i)
{
	return i < p->n ? &p->r[i] : NULL;
}

/**
 * kvmhc_set_policy() - put a policy in force, replacing the whole old one
 * @vm: the attached VM
 * @p:  the policy
 *
 * Return: 0 or -errno (-EINVAL a malformed range or unknown service,
 * -EEXIST overlapping ranges); on error the old policy stays.
 */
int kvmhc_set_policy(struct kvmhc_vm *vm, const struct kvmhc_policy *p)
{
	struct kvm_hc_policy kp = {
		.size = sizeof(kp), .services = p->services, .nranges = p->n,
		.ranges = (uintptr_t)p->r, .range_size = sizeof(p->r[0]),
	};
	long r = kvmhc_ioctl(vm->handle, KVM_HC_SET_POLICY, (unsigned long)&kp);

	return r < 0 ? (int)r : 0;
}

/**
 * kvmhc_get_policy() - the policy in force
 * @vm: the attached VM
 * @p:  out: a new policy, for kvmhc_policy_free()
 *
 * Return: 0 or -errno.
 */
int kvmhc_get_policy(struct kvmhc_vm *vm, struct kvmhc_policy **p)
{
	struct kvmhc_policy *np = kvmhc_policy_new();
	struct kvm_hc_policy kp = {
		.size = sizeof(kp), .nranges = KVM_HC_MAX_RANGES,
		.range_size = sizeof(np->r[0]),
	};
	long r;

	if (!np)
		return -ENOMEM;
	kp.ranges = (uintptr_t)np->r;
	r = kvmhc_ioctl(vm->handle, KVM_HC_GET_POLICY, (unsigned long)&kp);
	if (r < 0) {
		kvmhc_policy_free(np);
		return (int)r;
	}
	np->services = kp.services;
	np->n = kp.nranges;
	*p = np;
	return 0;
}

/**
 * kvmhc_get_stats() - the VM's counters
 * @vm: the attached VM
 * @s:  out: the counters
 *
 * Return: 0 or -errno.
 */
int kvmhc_get_stats(struct kvmhc_vm *vm, struct kvmhc_stats *s)
{
	struct kvm_hc_stats ks = {
		.size = sizeof(ks), .nnrs = 64, .nr_size = sizeof(s->nrs[0]),
	};
	long r;

	memset(s, 0, sizeof(*s));
	ks.nrs = (uintptr_t)s->nrs;
	r = kvmhc_ioctl(vm->handle, KVM_HC_GET_STATS, (unsigned long)&ks);
	if (r < 0)
		return (int)r;
	s->total = ks.total;
	s->uncounted = ks.uncounted;
	s->nnrs = ks.nnrs;
	return 0;
}

/**
 * kvmhc_stats_fd() - the VM's counters as a binary stats fd, laid out as
 * KVM_GET_STATS_FD's
 * @vm: the attached VM
 *
 * Return: the file descriptor (the caller's to close), or -errno.
 */
int kvmhc_stats_fd(struct kvmhc_vm *vm)
{
	return (int)kvmhc_ioctl(vm->handle, KVM_HC_GET_STATS_FD, 0);
}

/**
 * kvmhc_exit_decode() - a forwarded hypercall, from the exit KVM_RUN
 * returned with
 * @run:  the vCPU's kvm_run
 * @call: out: the call
 *
 * The exit is the architecture's: KVM_EXIT_HYPERCALL on x86, arm64 and
 * s390, KVM_EXIT_PAPR_HCALL on powerpc.  On arm64 @call->marked tells a
 * call kvm_hc forwarded from one of KVM's SMCCC filter.
 *
 * Return: 1 if the exit is such a call, 0 if it is another exit.
 */
int kvmhc_exit_decode(const struct kvm_run *run, struct kvmhc_call *call)
{
	unsigned int i;

	memset(call, 0, sizeof(*call));
#if defined(__powerpc64__)
	if (run->exit_reason != KVM_EXIT_PAPR_HCALL)
		return 0;
	call->nr = run->papr_hcall.nr;
	call->nargs = 9;
	for (i = 0; i < 9; i++)
		call->args[i] = run->papr_hcall.args[i];
#else
	uint64_t flags;

	if (run->exit_reason != KVM_EXIT_HYPERCALL)
		return 0;
	call->nr = run->hypercall.nr;
#if defined(__x86_64__) || defined(__i386__)
	call->nargs = 4;
#else
	call->nargs = 6;
#endif
	for (i = 0; i < call->nargs; i++)
		call->args[i] = run->hypercall.args[i];
	/* 6.1's headers call the 8 bytes after ret "longmode" and "pad" */
	memcpy(&flags, (const char *)&run->hypercall.ret + sizeof(run->hypercall.ret),
	       sizeof(flags));
#if defined(__aarch64__)
	call->marked = !!(flags & KVM_HC_ARM64_EXIT_MARKER);
#else
	(void)flags;
#endif
#endif
	return 1;
}

/**
 * kvmhc_exit_answer() - the VMM's answer to a forwarded call, where the
 * guest finds it once KVM_RUN continues
 * @vcpu_fd: the vCPU
 * @run:     its kvm_run
 * @ret:     the results: x86 and s390 take one (rax, R2), arm64 up to four
 *           (x0..x3), powerpc up to ten (r3, then r4..r12)
 * @nret:    entries at @ret
 *
 * Return: 0 or -errno.
 */
int kvmhc_exit_answer(int vcpu_fd, struct kvm_run *run, const uint64_t *ret, unsigned int nret)
{
	unsigned int i;

	if (!nret)
		return -EINVAL;
#if defined(__x86_64__) || defined(__i386__)
	(void)vcpu_fd;
	(void)i;
	run->hypercall.ret = ret[0];
	return 0;
#elif defined(__aarch64__)
	(void)run;
	for (i = 0; i < nret && i < 4; i++) {
		uint64_t v = ret[i];
		struct kvm_one_reg reg = {
			.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
			      (offsetof(struct kvm_regs, regs.regs[0]) / sizeof(__u32) + 2 * i),
			.addr = (uintptr_t)&v,
		};
		long r = kvmhc_ioctl(vcpu_fd, KVM_SET_ONE_REG, (unsigned long)&reg);

		if (r < 0)
			return (int)r;
	}
	return 0;
#elif defined(__s390x__)
	(void)vcpu_fd;
	(void)i;
	run->s.regs.gprs[2] = ret[0];
	run->kvm_dirty_regs |= KVM_SYNC_GPRS;
	return 0;
#elif defined(__powerpc64__)
	(void)vcpu_fd;
	run->papr_hcall.ret = ret[0];
	for (i = 1; i < nret && i < 10; i++)
		run->papr_hcall.args[i - 1] = ret[i];
	return 0;
#else
	(void)vcpu_fd;
	(void)run;
	(void)ret;
	(void)i;
	return -EOPNOTSUPP;
#endif
}

/**
 * kvmhc_strerror() - what an error of this library means, for people
 * @err: a negative errno one of its functions returned
 *
 * Return: a static string.
 */
const char *kvmhc_strerror(int err)
{
	switch (-err) {
	case ENOENT: return "kvm_hc is not loaded (no /dev/kvm_hc)";
	case EACCES: return "no permission to open /dev/kvm_hc";
	case EPROTO: return "kvm_hc speaks another major version of its interface";
	case EEXIST: return "the VM is attached already, or two ranges overlap";
	case EPERM: return "not allowed: another process's VM (operators: root, and no forwarding)";
	case ESRCH: return "no such process";
	case EOPNOTSUPP: return "kvm_hc cannot serve this VM (a confidential VM)";
	case EBUSY: return "kvm_hc could not hook KVM (another module or a livepatch has)";
	case E2BIG: return "too many ranges, or too little room";
	case EINVAL: return "invalid argument (a malformed range, an unknown service or flag)";
	case EBADF: return "not an open file descriptor";
	case ENOTTY: return "not a kvm_hc file descriptor, or an ioctl this module lacks";
	}
	return strerror(-err);
}

static const char *const kvmhc_actions[] = {
	[KVM_HC_ACTION_KVM] = "kvm",
	[KVM_HC_ACTION_KERNEL] = "kernel",
	[KVM_HC_ACTION_FORWARD] = "forward",
	[KVM_HC_ACTION_DENY] = "deny",
	[KVM_HC_ACTION_DOORBELL] = "doorbell",
	[KVM_HC_ACTION_EXCEPTION] = "exception",
};

/**
 * kvmhc_policy_add_doorbell() - a range whose calls ring a doorbell
 * @p:        the policy
 * @first:    its first number
 * @last:     its last number
 * @doorbell: the doorbell (kvmhc_set_doorbell()), 0 .. KVM_HC_MAX_DOORBELLS-1
 * @flags:    0, or KVM_HC_RANGE_RING to write each call into the VM's
 *            request ring too (kvmhc_ring_create())
 *
 * Return: 0, -E2BIG past KVM_HC_MAX_RANGES, -EINVAL for @first > @last.
 */
int kvmhc_policy_add_doorbell(struct kvmhc_policy *p, uint64_t first, uint64_t last,
			      uint32_t doorbell, uint32_t flags)
{
	int ret = kvmhc_policy_add(p, first, last, KVM_HC_ACTION_DOORBELL, 0);

	if (!ret) {
		p->r[p->n - 1].doorbell = doorbell;
		p->r[p->n - 1].flags = flags;
	}
	return ret;
}

/**
 * kvmhc_policy_flags() - flags of the range added last
 * @p:     the policy
 * @flags: KVM_HC_RANGE_USER (guest user mode may call the range's numbers:
 *         KVM_HC_CAP_USER_RANGES), KVM_HC_RANGE_RING (a doorbell range's
 *         calls go into the ring), added to the range's
 *
 * Return: 0, or -EINVAL without a range.
 */
int kvmhc_policy_flags(struct kvmhc_policy *p, uint32_t flags)
{
	if (!p->n)
		return -EINVAL;
	p->r[p->n - 1].flags |= flags;
	return 0;
}

/**
 * kvmhc_policy_limit() - a rate limit on the range added last
 * @p:           the policy
 * @burst:       calls the range takes at once (the bucket, full at first)
 * @rate:        calls a second it takes back, up to @burst (0: none)
 * @over_action: what calls get while the bucket is empty:
 *               KVM_HC_ACTION_KVM, KVM_HC_ACTION_DENY or
 *               KVM_HC_ACTION_EXCEPTION (KVM_HC_CAP_EXCEPTIONS)
 * @over_error:  for KVM_HC_ACTION_DENY the error (-4095 .. -1), else 0
 *
 * Needs KVM_HC_CAP_RATE_LIMIT; a module without it refuses the policy
 * with E2BIG.
 *
 * Return: 0, or -EINVAL without a range or for @burst 0.
 */
int kvmhc_policy_limit(struct kvmhc_policy *p, uint32_t burst, uint32_t rate,
		       uint32_t over_action, int32_t over_error)
{
	struct kvm_hc_range *r;

	if (!p->n || !burst)
		return -EINVAL;
	r = &p->r[p->n - 1];
	r->burst = burst;
	r->rate = rate;
	r->over_action = over_action;
	r->over_error = over_error;
	return 0;
}

/**
 * kvmhc_set_doorbell() - KVM_HC_SET_DOORBELL: the eventfd a doorbell signals
 * @vm:      the VM
 * @id:      the doorbell, 0 .. KVM_HC_MAX_DOORBELLS-1
 * @eventfd: an eventfd(2) (the module keeps its own reference), or -1 to
 *           remove the doorbell
 *
 * Return: 0, -EINVAL for a bad id, -EBADF / -EINVAL for a descriptor that
 * is not an eventfd, or another -errno.
 */
int kvmhc_set_doorbell(struct kvmhc_vm *vm, uint32_t id, int eventfd)
{
	struct kvm_hc_doorbell d = {
		.size = sizeof(d), .id = id, .fd = eventfd,
	};

	return (int)kvmhc_ioctl(vm->handle, KVM_HC_SET_DOORBELL, (unsigned long)&d);
}

/**
 * kvmhc_ring_create() - KVM_HC_CREATE_RING, and the ring mapped
 * @vm:      the VM
 * @entries: its size, a power of two from 2 to KVM_HC_MAX_RING_ENTRIES
 * @ring:    out: the ring, for kvmhc_ring_read()
 *
 * One thread reads a ring (kvmhc_ring_read() is the only consumer).
 *
 * Return: 0, -EEXIST if the VM has a ring, -EINVAL for a bad size, or
 * another -errno.
 */
int kvmhc_ring_create(struct kvmhc_vm *vm, uint32_t entries, struct kvmhc_ring **ring)
{
	struct kvm_hc_ring_setup s = { .size = sizeof(s), .entries = entries };
	struct kvmhc_ring *r;
	void *map;
	int fd, err;

	fd = (int)kvmhc_ioctl(vm->handle, KVM_HC_CREATE_RING, (unsigned long)&s);
	if (fd < 0)
		return fd;
	map = mmap(NULL, s.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r = calloc(1, sizeof(*r));
	if (map == MAP_FAILED || !r) {
		err = map == MAP_FAILED ? -errno : -ENOMEM;
		if (map != MAP_FAILED)
			munmap(map, s.mmap_size);
		free(r);
		close(fd);
		return err;
	}
	r->fd = fd;
	r->size = s.mmap_size;
	r->entries = entries;
	r->hdr = map;
	r->ent = (const void *)((const char *)map + s.entries_offset);
	r->consumer = __atomic_load_n(&r->hdr->consumer, __ATOMIC_RELAXED);
	*ring = r;
	return 0;
}

/**
 * kvmhc_ring_free() - unmap a ring and close its descriptor
 * @ring: from kvmhc_ring_create(), or NULL
 *
 * The VM keeps its ring (until its handle is closed): calls of ring
 * ranges get -KVM_HC_EBUSY once it is full.
 */
void kvmhc_ring_free(struct kvmhc_ring *ring)
{
	if (!ring)
		return;
	munmap(ring->hdr, ring->size);
	close(ring->fd);
	free(ring);
}

/**
 * kvmhc_ring_read() - take the calls the ring holds, oldest first
 * @ring: the ring
 * @out:  room for @max entries
 * @max:  how many to take at most
 *
 * The module's producer index is loaded with acquire semantics before the
 * entries are read, and the consumer index stored with release semantics
 * after they were copied: the rules of struct kvm_hc_ring_header.
 *
 * Return: the entries copied to @out (0: the ring is empty).
 */
unsigned int kvmhc_ring_read(struct kvmhc_ring *ring, struct kvm_hc_ring_entry *out,
			     unsigned int max)
{
	uint32_t prod = __atomic_load_n(&ring->hdr->producer, __ATOMIC_ACQUIRE);
	unsigned int n = 0;

	while (n < max && ring->consumer != prod) {
		out[n++] = ring->ent[ring->consumer & (ring->entries - 1)];
		ring->consumer++;
	}
	if (n)
		__atomic_store_n(&ring->hdr->consumer, ring->consumer, __ATOMIC_RELEASE);
	return n;
}

/**
 * kvmhc_ring_entries() - a ring's size
 * @ring: the ring
 *
 * Return: its entries.
 */
uint32_t kvmhc_ring_entries(const struct kvmhc_ring *ring)
{
	return ring->entries;
}

/**
 * kvmhc_ring_busy() - calls the full ring turned away
 * @ring: the ring
 *
 * Return: how many calls got -KVM_HC_EBUSY because the ring was full.
 */
uint64_t kvmhc_ring_busy(const struct kvmhc_ring *ring)
{
	return __atomic_load_n(&ring->hdr->busy, __ATOMIC_RELAXED);
}

/**
 * kvmhc_action_name() - an action's name: kvm, kernel, forward, deny, doorbell
 * @action: KVM_HC_ACTION_*
 *
 * Return: the name, or "?" for an unknown action.
 */
const char *kvmhc_action_name(uint32_t action)
{
	return action < sizeof(kvmhc_actions) / sizeof(kvmhc_actions[0]) ? kvmhc_actions[action] :
									    "?";
}

/**
 * kvmhc_action_parse() - an action from its name
 * @name:   kvm, kernel, forward, deny or doorbell
 * @action: out: KVM_HC_ACTION_*
 *
 * Return: 0, or -EINVAL for another name.
 */
int kvmhc_action_parse(const char *name, uint32_t *action)
{
	uint32_t i;

	for (i = 0; i < sizeof(kvmhc_actions) / sizeof(kvmhc_actions[0]); i++)
		if (!strcmp(name, kvmhc_actions[i])) {
			*action = i;
			return 0;
		}
	return -EINVAL;
}
