// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_doorbell.c - the doorbell scenario, written once for every
 * architecture (scenario.h says what the architecture provides), with the
 * VMM's side through libkvmhc.
 *
 *   doorbell
 *	Calls of a doorbell range return 0 to the guest without an exit and
 *	add 1 each to the doorbell's eventfd; a removed doorbell signals
 *	nothing, and an eventfd the VMM closed stays kvm_hc's until the
 *	doorbell is replaced.  A ring range writes each call into the
 *	request ring: exactly the calls made, in order, with their number,
 *	arguments and vCPU, across the indexes' wrap-around; with the ring
 *	full (or not made yet) the guest gets -KVM_HC_EBUSY, the header and
 *	sysfs count it, and nothing is written or signalled.  Bad doorbells,
 *	ranges and rings are refused.  Last, a vCPU rings in a loop while
 *	the VMM closes the handle: every answer is the doorbell's or stock
 *	KVM's, and the ring's mapping outlives the handle.
 */
#include <sys/eventfd.h>

#include "scenario.h"

#define DB_NR		ARCH_NR(0xa00)		/* doorbell 0, no ring */
#define RING_NR		ARCH_NR(0xa10)		/* doorbell 1, ring */
#define DB_RANGE	0xf			/* each range's width - 1 */
#define DB_ENTRIES	8

/* The number of ring call @k: the ring range's numbers in turn. */
static uint64_t ring_nr(unsigned int k)
{
	return RING_NR + ARCH_NR(k % (DB_RANGE + 1)) - ARCH_NR(0);
}

/* The eventfd's count since the last read (0 if none). */
static uint64_t efd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* 32-bit values: arm64's ARCH_NR numbers are SMC32 calls */
static void db_args(unsigned int i, uint64_t a[3])
{
	a[0] = 0x1000 + i;
	a[1] = 0xfffff000u - i;
	a[2] = 0xd0e00000u | i;
}

/*
 * @n ring calls from call number @seq on; each must get @want.  Returns
 * the calls whose answer was right.
 */
static unsigned int ring_calls(struct vm *vm, unsigned int seq, unsigned int n,
			       struct answer want, const char *key)
{
	unsigned int i, good = 0;
	struct answer a = { 0, 0 };
	uint64_t args[3];

	for (i = 0; i < n; i++) {
		db_args(seq + i, args);
		a = arch_call_args(vm, ring_nr(seq + i), args, key);
		good += answer_eq(a, want);
	}
	report(good == n, key, "got=%u/%u right, last 0x%llx exits=%d want=0x%llx exits=%d",
	       good, n, (unsigned long long)a.val, a.exits, (unsigned long long)want.val,
	       want.exits);
	return good;
}

/* Take @n entries from the ring; they must be calls @seq.. in order. */
static void ring_check(struct kvmhc_ring *ring, unsigned int seq, unsigned int n,
		       const char *key)
{
	struct kvm_hc_ring_entry e[DB_ENTRIES * 2];
	unsigned int got = kvmhc_ring_read(ring, e, DB_ENTRIES * 2), i, bad = 0;
	uint64_t args[3];

	for (i = 0; i < got && i < n; i++) {
		db_args(seq + i, args);
		if (e[i].nr != ring_nr(seq + i) || e[i].args[0] != args[0] ||
		    e[i].args[1] != args[1] || e[i].args[2] != args[2] || e[i].vcpu != 0 ||
		    e[i].flags) {
			if (!bad++)
				printf("INFO %s: entry %u: nr 0x%llx args 0x%llx 0x%llx 0x%llx vcpu %u flags %u\n",
				       key, i, (unsigned long long)e[i].nr,
				       (unsigned long long)e[i].args[0],
				       (unsigned long long)e[i].args[1],
				       (unsigned long long)e[i].args[2], e[i].vcpu, e[i].flags);
		}
	}
	report(got == n && !bad, key, "got=%u entries (%u wrong) want=%u: calls %u..%u in order",
	       got, bad, n, seq, seq + n - 1);
}

/* Refusals: the doorbell, the ranges and the ring. */
static void db_bad_input(struct kvmhc_vm *kv, int efd)
{
	struct kvm_hc_doorbell d = { .size = sizeof(d), .id = 0, .fd = efd };
	struct kvm_hc_ring_setup rs = { .size = sizeof(rs) };
	static const struct {
		const char *key;
		uint32_t action, doorbell, flags;
		int32_t error;
	} bad_ranges[] = {
		{ "doorbell.bad.range_error", KVM_HC_ACTION_DOORBELL, 0, 0, -1 },
		{ "doorbell.bad.range_id", KVM_HC_ACTION_DOORBELL, KVM_HC_MAX_DOORBELLS, 0, 0 },
		{ "doorbell.bad.range_flags", KVM_HC_ACTION_DOORBELL, 0, 4, 0 },
		{ "doorbell.bad.ring_on_deny", KVM_HC_ACTION_DENY, 0, KVM_HC_RANGE_RING, -1 },
		{ "doorbell.bad.id_on_kernel", KVM_HC_ACTION_KERNEL, 1, 0, 0 },
	};
	int h = kvmhc_vm_handle(kv), r;
	unsigned int i;

	d.id = KVM_HC_MAX_DOORBELLS;
	r = ioctl(h, KVM_HC_SET_DOORBELL, &d) < 0 ? -errno : 0;
	report(r == -EINVAL, "doorbell.bad.id", "got=%s want=EINVAL", resname(r));
	d.id = 0;
	d.fd = h;		/* not an eventfd */
	r = ioctl(h, KVM_HC_SET_DOORBELL, &d) < 0 ? -errno : 0;
	report(r == -EINVAL, "doorbell.bad.not_eventfd", "got=%s want=EINVAL", resname(r));
	d.fd = -2;
	r = ioctl(h, KVM_HC_SET_DOORBELL, &d) < 0 ? -errno : 0;
	report(r == -EINVAL, "doorbell.bad.fd", "got=%s want=EINVAL", resname(r));
	d.fd = efd;
	d.flags = 1;
	r = ioctl(h, KVM_HC_SET_DOORBELL, &d) < 0 ? -errno : 0;
	report(r == -EINVAL, "doorbell.bad.flags", "got=%s want=EINVAL", resname(r));

	for (i = 0; i < NRANGES(bad_ranges); i++) {
		struct kvm_hc_range rg = {
			.first = DB_NR, .last = DB_NR, .action = bad_ranges[i].action,
			.error = bad_ranges[i].error, .flags = bad_ranges[i].flags,
			.doorbell = bad_ranges[i].doorbell,
		};
		struct kvm_hc_policy p = {
			.size = sizeof(p), .nranges = 1, .ranges = (uintptr_t)&rg,
			.range_size = sizeof(rg),
		};

		r = ioctl(h, KVM_HC_SET_POLICY, &p) < 0 ? -errno : 0;
		report(r == -EINVAL, bad_ranges[i].key, "got=%s want=EINVAL", resname(r));
	}

	for (i = 0; i < 4; i++) {
		static const uint32_t sizes[] = { 0, 3, 1, KVM_HC_MAX_RING_ENTRIES * 2 };

		rs.entries = sizes[i];
		r = ioctl(h, KVM_HC_CREATE_RING, &rs);
		r = r < 0 ? -errno : (close(r), 0);
		report(r == -EINVAL, "doorbell.bad.ring_size", "entries=%u got=%s want=EINVAL",
		       sizes[i], resname(r));
	}
}

/* What the operator's tool shows of the VM's doorbells and ring. */
static void db_tool(int vm_fd, unsigned int produced, unsigned long long busy)
{
	char out[16384], want[160];
	const char *name;
	int st = tool_list_json(vm_fd, out, sizeof(out), &name);

	snprintf(want, sizeof(want),
		 "\"doorbells\": 3, \"ring\": {\"entries\": %u, \"produced\": %u, \"consumed\": %u, \"busy\": %llu}",
		 DB_ENTRIES, produced, produced, busy);
	report(st == 0 && name && strstr(name, want), "doorbell.tool_list", "got=exit:%d %s want=%s",
	       st, name && strstr(name, want) ? "found" : "missing", want);
	snprintf(want, sizeof(want), "0x%llx-0x%llx doorbell 1 ring", (unsigned long long)RING_NR,
		 (unsigned long long)(RING_NR + ARCH_NR(DB_RANGE) - ARCH_NR(0)));
	report(name && strstr(name, want), "doorbell.tool_policy", "got=%s want=%s",
	       name && strstr(name, want) ? "found" : "missing", want);
	if (!name || !strstr(name, want))
		printf("INFO doorbell.tool: %s\n", out);
}

/* A ring's mapping: shared, from offset 0, no larger than the ring. */
static void db_bad_mmap(void)
{
	struct kvm_hc_ring_setup rs = { .size = sizeof(rs), .entries = 2 };
	int dev = hc_open("doorbell.mmap"), h, fd, r;
	struct vm vm;
	void *m;

	if (dev < 0 || arch_vm_create(&vm, "doorbell.mmap") < 0)
		return;
	h = hc_attach(dev, vm.fd, "doorbell.mmap");
	fd = h < 0 ? -1 : ioctl(h, KVM_HC_CREATE_RING, &rs);
	report(fd >= 0 && rs.entry_size == sizeof(struct kvm_hc_ring_entry) &&
	       rs.entries_offset >= sizeof(struct kvm_hc_ring_header) &&
	       rs.mmap_size >= rs.entries_offset + 2 * rs.entry_size, "doorbell.ring_setup",
	       "fd=%d entry_size=%u entries_offset=%llu mmap_size=%llu", fd, rs.entry_size,
	       (unsigned long long)rs.entries_offset, (unsigned long long)rs.mmap_size);
	if (fd >= 0) {
		/* a private copy would never see an entry */
		m = mmap(NULL, rs.mmap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		r = m == MAP_FAILED ? -errno : (munmap(m, rs.mmap_size), 0);
		report(r == -EINVAL, "doorbell.bad.mmap_private", "got=%s want=EINVAL", resname(r));
		m = mmap(NULL, rs.mmap_size + 4096, PROT_READ, MAP_SHARED, fd, 0);
		r = m == MAP_FAILED ? -errno : (munmap(m, rs.mmap_size + 4096), 0);
		report(r == -EINVAL, "doorbell.bad.mmap_size", "got=%s want=EINVAL", resname(r));
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
		r = m == MAP_FAILED ? -errno : (munmap(m, 4096), 0);
		report(r == -EINVAL, "doorbell.bad.mmap_offset", "got=%s want=EINVAL", resname(r));
		m = mmap(NULL, rs.mmap_size, PROT_READ, MAP_SHARED, fd, 0);
		r = m == MAP_FAILED ? -errno : 0;
		report(!r && ((struct kvm_hc_ring_header *)m)->entries == 2 &&
		       ((struct kvm_hc_ring_header *)m)->entry_size == rs.entry_size,
		       "doorbell.ring_header", "mmap=%s", resname(r));
		if (!r)
			munmap(m, rs.mmap_size);
		r = ioctl(h, KVM_HC_CREATE_RING, &rs);
		r = r < 0 ? -errno : (close(r), 0);
		report(r == -EEXIST, "doorbell.ring_twice", "got=%s want=EEXIST", resname(r));
		close(fd);
	}
	if (h >= 0)
		close(h);
	close(dev);
	vm_destroy(&vm);
}

/* A vCPU rings in a loop while the VMM closes the handle. */
struct db_loop {
	struct answer ring, stock;
	unsigned long wrong;
	uint64_t first_wrong;
};

static void db_on_result(struct loop *l, uint64_t val, unsigned long since)
{
	struct db_loop *d = l->priv;

	(void)since;
	if (val != d->ring.val && val != d->stock.val && !d->wrong++)
		d->first_wrong = val;
}

static void db_close_while_ringing(struct vm *vm, struct kvmhc_vm *kv, struct kvmhc_ring *ring,
				   int efd)
{
	struct db_loop d = { .ring = { 0, 0 }, .stock = arch_stock() };
	static volatile int stop;
	struct loop l = { 0 };
	pthread_t thr;
	uint32_t prod;
	uint64_t got, t0;

	l.vm = vm;
	l.nr = DB_NR;
	l.limit_s = 20;
	l.stop = &stop;
	l.on_result = db_on_result;
	l.priv = &d;
	l.ret_base = d.stock.val;	/* where stock KVM exits to the VMM */
	stop = 0;
	if (pthread_create(&thr, NULL, loop_thread, &l)) {
		report(0, "doorbell.close.thread", "errno=%d", errno);
		return;
	}
	/* the vCPU rings (on a loaded machine its thread may start late) */
	for (got = 0, t0 = now_ns(); got < 100 && now_ns() - t0 < 10 * NSEC_PER_SEC;) {
		usleep(50000);
		got += efd_take(efd);
	}
	kvmhc_detach(kv);		/* the handle closes under the ringing vCPU */
	usleep(300000);
	stop = 1;
	pthread_join(thr, NULL);
	report(l.nresults > 0 && got > 0 && !d.wrong && !l.error && !l.timed_out,
	       "doorbell.close_while_ringing",
	       "results=%lu (%llu signalled before the close) wrong=%lu first_wrong=0x%llx error=%d timed_out=%d",
	       l.nresults, (unsigned long long)got, d.wrong, (unsigned long long)d.first_wrong,
	       l.error, l.timed_out);
	/* the mapping outlives the handle: readable, and nothing more written */
	prod = 0;
	{
		struct kvm_hc_ring_entry e[DB_ENTRIES];

		prod = kvmhc_ring_read(ring, e, DB_ENTRIES);
	}
	report(prod == 0, "doorbell.ring_after_close", "got=%u new entries want=0", prod);
}

int cmd_doorbell(void)
{
	struct answer ok = { 0, 0 }, busy = arch_denied(-KVM_HC_EBUSY), a;
	struct kvmhc_policy *p = NULL;
	struct kvmhc_ring *ring = NULL;
	struct kvmhc *dev = NULL;
	struct kvmhc_vm *kv = NULL;
	int efd0, efd1, efd2, r, i;
	struct kvmhc_stats st;
	unsigned int calls = 0;
	uint64_t got;
	struct vm vm;

	watchdog_start("doorbell", 60);
	efd0 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	efd1 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r = kvmhc_open(&dev);
	if (r || efd0 < 0 || efd1 < 0) {
		report(0, "doorbell.open", "got=%s", resname(r));
		return 1;
	}
	report(kvmhc_check(dev, KVM_HC_CAP_DOORBELLS) == KVM_HC_MAX_DOORBELLS &&
	       kvmhc_check(dev, KVM_HC_CAP_RING_ENTRIES) == KVM_HC_MAX_RING_ENTRIES &&
	       (kvmhc_check(dev, KVM_HC_CAP_ACTIONS) & (1 << KVM_HC_ACTION_DOORBELL)),
	       "doorbell.caps", "doorbells=%ld ring_entries=%ld actions=0x%lx",
	       kvmhc_check(dev, KVM_HC_CAP_DOORBELLS), kvmhc_check(dev, KVM_HC_CAP_RING_ENTRIES),
	       kvmhc_check(dev, KVM_HC_CAP_ACTIONS));
	if (arch_vm_create(&vm, "doorbell") < 0)
		return 1;
	r = kvmhc_attach(dev, vm.fd, &kv);
	if (r) {
		report(0, "doorbell.attach", "got=%s", resname(r));
		return 1;
	}
	db_bad_input(kv, efd0);
	db_bad_mmap();

	/* doorbell 0, no ring: 0 at once, one signal a call */
	p = kvmhc_policy_new();
	if (!p || kvmhc_policy_add_doorbell(p, DB_NR, DB_NR + ARCH_NR(DB_RANGE) - ARCH_NR(0), 0, 0) ||
	    kvmhc_policy_add_doorbell(p, RING_NR, RING_NR + ARCH_NR(DB_RANGE) - ARCH_NR(0), 1,
				      KVM_HC_RANGE_RING)) {
		report(0, "doorbell.policy", "cannot build the policy");
		return 1;
	}
	r = kvmhc_set_policy(kv, p);
	r = r ?: kvmhc_set_doorbell(kv, 0, efd0);
	r = r ?: kvmhc_set_doorbell(kv, 1, efd1);
	report(!r, "doorbell.setup", "got=%s", resname(r));
	for (i = 0; i < 5; i++) {
		a = arch_call(&vm, DB_NR + ARCH_NR(i) - ARCH_NR(0), "doorbell.call");
		report(answer_eq(a, ok), "doorbell.call", "i=%d got=0x%llx exits=%d want=0 exits=0",
		       i, (unsigned long long)a.val, a.exits);
		calls++;
	}
	got = efd_take(efd0);
	report(got == 5, "doorbell.signalled", "got=%llu want=5 (one per call, coalesced)",
	       (unsigned long long)got);

	/* a ring range without a ring: busy, and no signal */
	a = arch_call(&vm, RING_NR, "doorbell.no_ring");
	calls++;
	got = efd_take(efd1);
	report(answer_eq(a, busy) && !got, "doorbell.no_ring",
	       "got=0x%llx exits=%d signals=%llu want=0x%llx exits=0 signals=0",
	       (unsigned long long)a.val, a.exits, (unsigned long long)got,
	       (unsigned long long)busy.val);

	/* the ring: exactly the calls, in order; full is busy; wrap-around */
	r = kvmhc_ring_create(kv, DB_ENTRIES, &ring);
	report(!r, "doorbell.ring_create", "got=%s", resname(r));
	if (r)
		return 1;
	r = kvmhc_ring_create(kv, DB_ENTRIES, &(struct kvmhc_ring *){ NULL });
	report(r == -EEXIST, "doorbell.lib_ring_twice", "got=%s want=EEXIST", resname(r));
	calls += ring_calls(&vm, 0, DB_ENTRIES, ok, "doorbell.ring_fill");
	a = arch_call_args(&vm, RING_NR, (uint64_t[3]){ 1, 2, 3 }, "doorbell.ring_full");
	calls++;
	report(answer_eq(a, busy) && kvmhc_ring_busy(ring) == 1, "doorbell.ring_full",
	       "got=0x%llx exits=%d busy=%llu want=0x%llx exits=0 busy=1",
	       (unsigned long long)a.val, a.exits, (unsigned long long)kvmhc_ring_busy(ring),
	       (unsigned long long)busy.val);
	got = efd_take(efd1);
	report(got == DB_ENTRIES, "doorbell.ring_signalled", "got=%llu want=%u",
	       (unsigned long long)got, DB_ENTRIES);
	ring_check(ring, 0, DB_ENTRIES, "doorbell.ring_entries");
	calls += ring_calls(&vm, DB_ENTRIES, 5, ok, "doorbell.ring_more");
	ring_check(ring, DB_ENTRIES, 5, "doorbell.ring_more_entries");
	calls += ring_calls(&vm, DB_ENTRIES + 5, 7, ok, "doorbell.ring_wrap");
	ring_check(ring, DB_ENTRIES + 5, 7, "doorbell.ring_wrap_entries");

	db_tool(vm.fd, DB_ENTRIES + 5 + 7, 1);

	/* the counters: every doorbell call counts as kernel */
	memset(&st, 0, sizeof(st));
	r = kvmhc_get_stats(kv, &st);
	report(!r && st.total.kernel == calls && !st.total.forward && !st.total.deny,
	       "doorbell.counted", "kernel=%llu forward=%llu deny=%llu want kernel=%u",
	       (unsigned long long)st.total.kernel, (unsigned long long)st.total.forward,
	       (unsigned long long)st.total.deny, calls);

	/* removed: 0, and no signal */
	r = kvmhc_set_doorbell(kv, 0, -1);
	a = arch_call(&vm, DB_NR, "doorbell.removed");
	got = efd_take(efd0);
	report(!r && answer_eq(a, ok) && !got, "doorbell.removed",
	       "set=%s got=0x%llx exits=%d signals=%llu want=0 exits=0 signals=0", resname(r),
	       (unsigned long long)a.val, a.exits, (unsigned long long)got);

	/* the VMM closes its eventfd: kvm_hc's reference keeps it */
	efd2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r = kvmhc_set_doorbell(kv, 0, efd2);
	close(efd2);
	a = arch_call(&vm, DB_NR, "doorbell.eventfd_closed");
	report(!r && answer_eq(a, ok), "doorbell.eventfd_closed",
	       "set=%s got=0x%llx exits=%d want=0 exits=0", resname(r), (unsigned long long)a.val,
	       a.exits);
	r = kvmhc_set_doorbell(kv, 0, efd0);
	report(!r, "doorbell.replaced", "got=%s", resname(r));

	db_close_while_ringing(&vm, kv, ring, efd0);
	a = arch_call(&vm, DB_NR, "doorbell.after_close");
	report(answer_eq(a, arch_stock()), "doorbell.after_close",
	       "got=0x%llx exits=%d want=stock 0x%llx exits=%d", (unsigned long long)a.val,
	       a.exits, (unsigned long long)arch_stock().val, arch_stock().exits);
	kvmhc_ring_free(ring);
	kvmhc_policy_free(p);
	kvmhc_close(dev);
	close(efd0);
	close(efd1);
	vm_destroy(&vm);
	return 0;
}
