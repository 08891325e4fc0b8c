// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_badinput.c - the badinput scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   badinput
 *	Every malformed or disallowed request to /dev/kvm_hc is refused with
 *	its documented errno: attach (sizes, flags, reserved members, closed
 *	and foreign fds, the system fd, a vCPU fd, a handle, the same VM
 *	twice, a VM of another process), set-policy (sizes of the structure
 *	and of its ranges, flags, unknown service bits, reserved members,
 *	unknown actions, reversed, overlapping and too many ranges, bad deny
 *	errors, errors on other actions, bad pointers) and get-stats.  The
 *	structures grow as openat2's do: the 1.0 size and a longer structure
 *	ending in zeros are accepted, a shorter one is EINVAL and a longer one
 *	with a non-zero tail E2BIG.  After each refused policy the guest proves that the
 *	policy in force did not change.  Closing the handle restores stock
 *	KVM; the VM can then be attached again, with fresh counters.
 */
#include "scenario.h"

#define BAD_NR		ARCH_NR(0)	/* P0 denies it with -EINVAL */
#define BAD_NR2		ARCH_NR(1)	/* P0 leaves it to KVM */

static const struct kvm_hc_range bad_p0[] = { RANGE(BAD_NR, BAD_NR, DENY, -EINVAL) };

/*
 * The guest's proof that policy P0 (services = discovery, BAD_NR denied with
 * -EINVAL, BAD_NR2 left to KVM) is still in force.  Every rejected policy
 * below would have changed at least one of the three answers.
 */
static void bad_unchanged(struct vm *vm, const char *what)
{
	struct answer d = arch_discover(vm, what), x = arch_call(vm, BAD_NR, what);
	struct answer y = arch_call(vm, BAD_NR2, what), dx = arch_denied(-EINVAL);
	struct answer sy = arch_stock();
	char name[128];

	snprintf(name, sizeof(name), "badinput.%s.unchanged", what);
	report(d.val == KVM_HC_ABI_VERSION && !d.exits && answer_eq(x, dx) && answer_eq(y, sy),
	       name, "got=discover:0x%llx,0x%llx:0x%llx,0x%llx:0x%llx,exits:%d,%d,%d "
	       "want=0x%x,0x%016llx,0x%016llx,exits:0,%d,%d",
	       (unsigned long long)d.val, (unsigned long long)BAD_NR, (unsigned long long)x.val,
	       (unsigned long long)BAD_NR2, (unsigned long long)y.val, d.exits, x.exits, y.exits,
	       KVM_HC_ABI_VERSION, (unsigned long long)dx.val, (unsigned long long)sy.val,
	       dx.exits, sy.exits);
}

/* A call that must get stock KVM's answer. */
static void bad_stock(struct vm *vm, const char *name, uint64_t nr)
{
	struct answer a = arch_call(vm, nr, name), s = arch_stock();

	report(answer_eq(a, s), name, "got=0x%llx,exits:%d want=0x%llx,exits:%d",
	       (unsigned long long)a.val, a.exits, (unsigned long long)s.val, s.exits);
}

static void bad_expect(const char *what, int got, int want_errno)
{
	char name[128];

	snprintf(name, sizeof(name), "badinput.%s", what);
	report(got == -want_errno, name, "got=%s want=%s", resname(got), errname(want_errno));
}

/* An attach that must fail; a handle it returns anyway is closed. */
/* sizes of the 1.0 structures */
#define ASZ	((uint32_t)sizeof(struct kvm_hc_attach))
#define PSZ	((uint32_t)sizeof(struct kvm_hc_policy))
#define RSZ	((uint32_t)sizeof(struct kvm_hc_range))
#define SSZ	((uint32_t)sizeof(struct kvm_hc_stats))

static void bad_attach(int dev, const char *what, uint32_t size, uint8_t tail, uint32_t flags,
		       int fd, uint32_t reserved, int want_errno)
{
	int r = hc_attach_raw(dev, size, tail, flags, fd, reserved);

	bad_expect(what, r, want_errno);
	if (r >= 0)
		close(r);
}

/* vmm_pid and vmm_fd name the VM's folder for an operator, and only then. */
static void bad_attach_vmm(int dev, struct vm *y)
{
	static const struct {
		const char *what;
		uint32_t flags;
		int pid, fd;
	} c[] = {
		{ "attach.vmm_pid_without_operator", 0, 1, 3 },
		{ "attach.vmm_fd_without_operator", 0, 0, 3 },
		{ "attach.vmm_fd_without_vmm_pid", KVM_HC_ATTACH_OPERATOR, 0, 3 },
		{ "attach.vmm_pid_negative", KVM_HC_ATTACH_OPERATOR, -1, 3 },
		{ "attach.vmm_fd_negative", KVM_HC_ATTACH_OPERATOR, 1, -1 },
	};
	struct kvm_hc_attach a;
	unsigned int i;
	int r;

	for (i = 0; i < NRANGES(c); i++) {
		a = (struct kvm_hc_attach){ .size = sizeof(a), .flags = c[i].flags,
					    .vm_fd = y->fd, .vmm_pid = c[i].pid, .vmm_fd = c[i].fd };
		r = ioctl(dev, KVM_HC_ATTACH, &a);
		r = r < 0 ? -errno : r;
		bad_expect(c[i].what, r, EINVAL);
		if (r >= 0)
			close(r);
	}
}

/*
 * A policy that must be refused: P0 with BAD_NR handed to KVM, BAD_NR2
 * denied with -EPERM and no services, plus @extra (@nextra ranges).
 */
static void bad_policy_sized(int h, struct vm *vm, const char *what, uint32_t size, uint8_t tail,
			     uint32_t flags, uint32_t services, const struct kvm_hc_range *extra,
			     unsigned int nextra, int want_errno)
{
	struct kvm_hc_range r[KVM_HC_MAX_RANGES + 8] = {
		RANGE(BAD_NR, BAD_NR, KVM, 0),
		RANGE(BAD_NR2, BAD_NR2, DENY, -EPERM),
	};
	unsigned int n = 2;

	if (nextra)
		memcpy(&r[n], extra, nextra * sizeof(*extra));
	n += nextra;
	bad_expect(what, hc_set_policy_raw(h, size, tail, flags, services, n, (uintptr_t)r, RSZ),
		   want_errno);
	bad_unchanged(vm, what);
}

#define bad_policy(h, vm, what, flags, services, extra, nextra, want_errno) \
	bad_policy_sized(h, vm, what, PSZ, 0, flags, services, extra, nextra, want_errno)

/* One range of made-up numbers, [ARCH_NR(@a), ARCH_NR(@b)]. */
#define BAD_RANGE(a, b, act, err)	RANGE(ARCH_NR(a), ARCH_NR(b), act, err)

static void bad_attach_all(int dev, int hx, struct vm *x, struct vm *y)
{
	int closed_fd, nullfd, dev2, hy, r, st;
	pid_t pid;

	bad_attach(dev, "attach.size_0", 0, 0, 0, y->fd, 0, EINVAL);
	bad_attach(dev, "attach.size_short", KVM_HC_ATTACH_SIZE_VER0 - 4, 0, 0, y->fd, 0, EINVAL);
	bad_attach(dev, "attach.size_longer_tail_1", ASZ + 8, 1, 0, y->fd, 0, E2BIG);
	bad_attach(dev, "attach.size_page_plus_1", 4096 * 16 + 1, 0, 0, y->fd, 0, E2BIG);
	/* bit 0 is KVM_HC_ATTACH_OPERATOR (scenario operator) */
	bad_attach(dev, "attach.flags_2", ASZ, 0, 2, y->fd, 0, EINVAL);
	bad_attach(dev, "attach.flags_bit31", ASZ, 0, 0x80000000u, y->fd, 0, EINVAL);
	bad_attach(dev, "attach.reserved_1", ASZ, 0, 0, y->fd, 1, EINVAL);
	bad_attach_vmm(dev, y);
	closed_fd = dup(y->fd);
	close(closed_fd);
	bad_attach(dev, "attach.vm_fd_closed", ASZ, 0, 0, closed_fd, 0, EBADF);
	bad_attach(dev, "attach.vm_fd_minus1", ASZ, 0, 0, -1, 0, EBADF);
	nullfd = open("/dev/null", O_RDWR);
	bad_attach(dev, "attach.dev_null", ASZ, 0, 0, nullfd, 0, EINVAL);
	close(nullfd);
	bad_attach(dev, "attach.kvm_system_fd", ASZ, 0, 0, kvm_fd, 0, EINVAL);
	bad_attach(dev, "attach.vcpu_fd", ASZ, 0, 0, y->vcpu, 0, EINVAL);
	bad_attach(dev, "attach.handle_fd", ASZ, 0, 0, hx, 0, EINVAL);
	bad_attach(dev, "attach.same_vm_twice", ASZ, 0, 0, x->fd, 0, EEXIST);
	dev2 = open(HC_DEV, O_RDWR | O_CLOEXEC);
	bad_attach(dev2, "attach.same_vm_twice_other_open", ASZ, 0, 0, x->fd, 0,
		   EEXIST);
	close(dev2);
	bad_unchanged(x, "attach.same_vm_twice");

	/* a child inherits the VM's fd, but the VM belongs to the parent */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		r = hc_attach_raw(dev, ASZ, 0, 0, y->fd, 0);
		_exit(r >= 0 ? 0 : -r);
	}
	r = -1000;
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		r = WEXITSTATUS(st) ? -WEXITSTATUS(st) : 0;
	bad_expect("attach.other_process_vm", r, EPERM);

	/* none of that attached y: attaching it now works */
	hy = hc_attach_raw(dev, ASZ, 0, 0, y->fd, 0);
	report(hy >= 0, "badinput.attach.y_after_failures", "got=%s want=ok(fd)", resname(hy));
	if (hy >= 0)
		close(hy);
}

static void bad_policy_fields(int hx, struct vm *x)
{
	struct kvm_hc_range e;

	bad_policy_sized(hx, x, "policy.size_0", 0, 0, 0, 0, NULL, 0, EINVAL);
	bad_policy_sized(hx, x, "policy.size_short", PSZ - 8, 0, 0, 0, NULL, 0, EINVAL);
	bad_policy_sized(hx, x, "policy.size_longer_tail_1", PSZ + 8, 1, 0, 0, NULL, 0, E2BIG);
	bad_policy(hx, x, "policy.flags_1", 1, 0, NULL, 0, EINVAL);
	bad_policy(hx, x, "policy.services_unknown_bit", 0,
		   1u << KVM_HC_SVC_COUNT, NULL, 0, EINVAL);
	bad_policy(hx, x, "policy.services_bit31", 0, 0x80000001u,
		   NULL, 0, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x20, KVM, 0);
	e.flags = 1;
	bad_policy(hx, x, "policy.range_flags_1", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x20, KVM, 0);
	e.reserved = 1;
	bad_policy(hx, x, "policy.reserved_1", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x20, KVM, 0);
	e.action = 6;		/* the first after KVM_HC_ACTION_EXCEPTION */
	bad_policy(hx, x, "policy.action_6", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x20, DOORBELL, 0);
	e.doorbell = KVM_HC_MAX_DOORBELLS;
	bad_policy(hx, x, "policy.doorbell_16", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x20, 0x10, KVM, 0);
	bad_policy(hx, x, "policy.first_gt_last", 0, 0, &e, 1, EINVAL);
}

static void bad_policy_ranges(int hx, struct vm *x)
{
	const struct kvm_hc_range ov[] = { BAD_RANGE(0x10, 0x20, KVM, 0),
					   BAD_RANGE(0x18, 0x30, FORWARD, 0) };
	const struct kvm_hc_range touch[] = { BAD_RANGE(0x10, 0x20, KVM, 0),
					      BAD_RANGE(0x20, 0x30, KVM, 0) };
	const struct kvm_hc_range inner[] = { BAD_RANGE(0x10, 0x30, KVM, 0),
					      BAD_RANGE(0x18, 0x18, KVM, 0) };
	const struct kvm_hc_range dup2[] = { BAD_RANGE(0x777, 0x777, KVM, 0),
					     BAD_RANGE(0x777, 0x777, KVM, 0) };
	const struct kvm_hc_range base[] = { RANGE(BAD_NR, BAD_NR2, FORWARD, 0) };
	struct kvm_hc_range many[KVM_HC_MAX_RANGES + 1];
	unsigned int i;

	bad_policy(hx, x, "policy.overlap", 0, 0, ov, 2, EEXIST);
	bad_policy(hx, x, "policy.overlap_one_number", 0, 0, touch, 2,
		   EEXIST);
	bad_policy(hx, x, "policy.overlap_inside", 0, 0, inner, 2, EEXIST);
	bad_policy(hx, x, "policy.overlap_same_range", 0, 0, dup2, 2,
		   EEXIST);
	bad_policy(hx, x, "policy.overlap_two_ranges", 0, 0, base, 1,
		   EEXIST);
	for (i = 0; i < KVM_HC_MAX_RANGES - 1; i++)
		many[i] = (struct kvm_hc_range)BAD_RANGE(0x100 + i, 0x100 + i, KVM, 0);
	/* 2 + 63 = 65 ranges */
	bad_policy(hx, x, "policy.65_ranges", 0, 0, many,
		   KVM_HC_MAX_RANGES - 1, E2BIG);
	bad_expect("policy.nranges_0xffffffff",
		   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 0xffffffffu, (uintptr_t)many, RSZ),
		   E2BIG);
	bad_unchanged(x, "policy.nranges_0xffffffff");
}

static void bad_policy_errors(int hx, struct vm *x)
{
	struct kvm_hc_range e = BAD_RANGE(0x10, 0x10, DENY, 0);

	bad_policy(hx, x, "policy.deny_error_0", 0, 0, &e, 1, EINVAL);
	e.error = 1;
	bad_policy(hx, x, "policy.deny_error_positive", 0, 0, &e, 1, EINVAL);
	e.error = -4096;
	bad_policy(hx, x, "policy.deny_error_-4096", 0, 0, &e, 1, EINVAL);
	e.error = INT32_MIN;
	bad_policy(hx, x, "policy.deny_error_int_min", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x10, KVM, -EPERM);
	bad_policy(hx, x, "policy.kvm_with_error", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x10, KERNEL, -EPERM);
	bad_policy(hx, x, "policy.kernel_with_error", 0, 0, &e, 1, EINVAL);
	e = (struct kvm_hc_range)BAD_RANGE(0x10, 0x10, FORWARD, -EPERM);
	bad_policy(hx, x, "policy.forward_with_error", 0, 0, &e, 1, EINVAL);
}

static void bad_policy_pointers(int hx, struct vm *x)
{
	const long page = sysconf(_SC_PAGESIZE);	/* 64 KiB on some ppc64el kernels */
	uint8_t *pages;

	bad_expect("policy.ranges_pointer_0x10",
		   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 1, 0x10, RSZ), EFAULT);
	bad_unchanged(x, "policy.ranges_pointer_0x10");
	bad_expect("policy.ranges_null_nranges_1",
		   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 1, 0, RSZ), EFAULT);
	bad_unchanged(x, "policy.ranges_null_nranges_1");
	/* the first range readable, the second on an unmapped page */
	pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages != MAP_FAILED) {
		struct kvm_hc_range *last = (void *)(pages + page - sizeof(*last));

		if (munmap(pages + page, page) < 0)
			printf("INFO badinput: munmap errno=%d\n", errno);
		*last = (struct kvm_hc_range)RANGE(BAD_NR, BAD_NR, KVM, 0);
		bad_expect("policy.ranges_cross_unmapped_page",
			   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 2, (uintptr_t)last, RSZ),
			   EFAULT);
		bad_unchanged(x, "policy.ranges_cross_unmapped_page");
		munmap(pages, page);
	}
}

/* Accepted edge cases, each followed by P0 again. */
static void bad_edges(int hx, struct vm *x)
{
	const struct kvm_hc_range e4095[] = { RANGE(BAD_NR, BAD_NR, DENY, -4095) };
	/*
	 * A range above 2^32 is accepted (the uAPI is arch-neutral); where
	 * numbers are 32 bits (SMCCC function IDs) it can never match, and
	 * elsewhere it is another number: BAD_NR2 stays KVM's either way.
	 */
	const struct kvm_hc_range e4g[] = {
		RANGE(BAD_NR, BAD_NR, DENY, -EINVAL),
		RANGE(0x100000000ULL | BAD_NR2, 0x100000000ULL | BAD_NR2, DENY, -EINVAL),
	};
	struct answer a, want = arch_denied(-4095);
	int r;

	/* the boundary error -4095 reaches the guest as the architecture encodes it */
	r = hc_set_policy(hx, 1u << KVM_HC_SVC_DISCOVER, e4095, 1);
	bad_expect("policy.deny_error_-4095_accepted", r, 0);
	a = arch_call(x, BAD_NR, "deny_-4095");
	report(answer_eq(a, want), "badinput.policy.deny_error_-4095_accepted." ARCH_RESULT,
	       "got=0x%llx,exits:%d want=0x%llx,exits:%d", (unsigned long long)a.val, a.exits,
	       (unsigned long long)want.val, want.exits);
	hc_policy(hx, 1u << KVM_HC_SVC_DISCOVER, bad_p0, 1, "badinput.p0_again");
	bad_unchanged(x, "p0_again");

	r = hc_set_policy(hx, 1u << KVM_HC_SVC_DISCOVER, e4g, NRANGES(e4g));
	printf("INFO badinput.policy.range_above_4g: %s\n", resname(r));
	bad_unchanged(x, "policy.range_above_4g");
	hc_policy(hx, 1u << KVM_HC_SVC_DISCOVER, bad_p0, 1, "badinput.p0_after_4g");
}

/* Entries of ranges longer than 1.0's: the tail must be 0. */
static void bad_range_sizes(int hx, struct vm *x)
{
	struct {
		struct kvm_hc_range r;
		uint64_t tail;
	} wide[3] = {
		{ RANGE(BAD_NR, BAD_NR, KVM, 0), 0 },
		{ RANGE(BAD_NR2, BAD_NR2, DENY, -EPERM), 0 },
		{ BAD_RANGE(0x10, 0x10, KVM, 0), 7 },
	};

	bad_expect("policy.range_size_short",
		   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 2, (uintptr_t)wide, KVM_HC_RANGE_SIZE_VER0 - 8), EINVAL);
	bad_unchanged(x, "policy.range_size_short");
	bad_expect("policy.range_size_longer_tail_7",
		   hc_set_policy_raw(hx, PSZ, 0, 0, 0, 3, (uintptr_t)wide, sizeof(wide[0])), E2BIG);
	bad_unchanged(x, "policy.range_size_longer_tail_7");
}

/*
 * What the growth rules accept, from the guest's side: the 1.0 size and a
 * longer structure ending in zeros, for the policy and its ranges.  Each
 * sets a policy that denies BAD_NR with -EPERM, which the guest then sees,
 * and P0 again after it.
 */
static void bad_sizes_accepted(int hx, struct vm *x)
{
	struct {
		struct kvm_hc_range r;
		uint64_t tail[2];
	} wide[1] = { { RANGE(BAD_NR, BAD_NR, DENY, -EPERM), { 0, 0 } } };
	const struct kvm_hc_range p1[] = { RANGE(BAD_NR, BAD_NR, DENY, -EPERM) };
	struct answer want = arch_denied(-EPERM), a;
	static const struct {
		const char *name;
		uint32_t size, range_size;
		int wide;
	} cases[] = {
		{ "policy.size_ver0", KVM_HC_POLICY_SIZE_VER0, KVM_HC_RANGE_SIZE_VER0, 0 },
		{ "policy.size_longer_zero_tail", KVM_HC_POLICY_SIZE_VER0 + 16,
		  KVM_HC_RANGE_SIZE_VER0, 0 },
		{ "policy.range_size_longer_zero_tail", KVM_HC_POLICY_SIZE_VER0,
		  KVM_HC_RANGE_SIZE_VER0 + 16, 1 },
	};
	char name[96];
	unsigned int i;
	int r, dev;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = hc_set_policy_raw(hx, cases[i].size, 0, 0, 1u << KVM_HC_SVC_DISCOVER, 1,
				      cases[i].wide ? (uintptr_t)wide : (uintptr_t)p1,
				      cases[i].range_size);
		bad_expect(cases[i].name, r, 0);
		a = arch_call(x, BAD_NR, cases[i].name);
		snprintf(name, sizeof(name), "badinput.%s.in_force", cases[i].name);
		report(answer_eq(a, want), name, "got=0x%llx,exits:%d want=0x%llx,exits:%d (denied -EPERM)",
		       (unsigned long long)a.val, a.exits, (unsigned long long)want.val, want.exits);
		hc_policy(hx, 1u << KVM_HC_SVC_DISCOVER, bad_p0, 1, "badinput.p0_after_size");
	}
	dev = hc_open("badinput.attach_sizes");
	r = hc_attach_raw(dev, ASZ + 16, 0, 0, x->fd, 0);
	/* x is attached already: past the size checks, the answer is EEXIST */
	bad_expect("attach.size_longer_zero_tail_reaches_vm_check", r, EEXIST);
	if (r >= 0)
		close(r);
	close(dev);
}

static void bad_stats(int hx, struct vm *x)
{
	struct kvm_hc_nr_stats one[1];
	struct kvm_hc_stats s = { .size = SSZ, .nnrs = 4, .nr_size = sizeof(one[0]), .nrs = 0x10 };
	struct hc_counts c;
	int r;

	bad_expect("stats.size_0", hc_get_stats_raw(hx, 0, 0, 0, &c), EINVAL);
	bad_expect("stats.size_short", hc_get_stats_raw(hx, KVM_HC_STATS_SIZE_VER0 - 8, 0, 0, &c), EINVAL);
	bad_expect("stats.size_longer_tail_1", hc_get_stats_raw(hx, SSZ + 8, 1, 0, &c), E2BIG);
	bad_expect("stats.size_longer_zero_tail", hc_get_stats_raw(hx, SSZ + 8, 0, 0, &c), 0);
	bad_expect("stats.flags_1", hc_get_stats_raw(hx, SSZ, 0, 1, &c), EINVAL);
	bad_expect("stats.nrs_pointer_0x10", xioctl(hx, KVM_HC_GET_STATS, &s) < 0 ? -errno : 0,
		   EFAULT);
	s.nrs = (uintptr_t)one;
	s.nr_size = sizeof(one[0]) - 8;
	bad_expect("stats.nr_size_short", xioctl(hx, KVM_HC_GET_STATS, &s) < 0 ? -errno : 0,
		   EINVAL);
	/* room for one number where the VM has called more: E2BIG, and how many */
	s.nr_size = sizeof(one[0]);
	s.nnrs = 1;
	r = xioctl(hx, KVM_HC_GET_STATS, &s) < 0 ? -errno : 0;
	bad_expect("stats.room_for_1", r, E2BIG);
	report(s.nnrs >= 2, "badinput.stats.room_for_1.nnrs", "got=%u want>=2 (the numbers it has)",
	       s.nnrs);
	bad_unchanged(x, "stats");
}

/* Closing the handle: stock KVM again, and the VM may be attached anew. */
static void bad_close_reattach(int dev, int hx, struct vm *x)
{
	struct hc_counts c;
	int r;

	close(hx);
	report(!hc_sysfs_exists(x->fd), "badinput.closed.sysfs_dir", "got=%s want=gone",
	       hc_sysfs_exists(x->fd) ? "present" : "gone");
	bad_stock(x, "badinput.closed.discover", ARCH_DISCOVER_NR);
	bad_stock(x, "badinput.closed.was_denied", BAD_NR);
	hx = hc_attach_raw(dev, ASZ, 0, 0, x->fd, 0);
	report(hx >= 0, "badinput.reattach", "got=%s want=ok(fd)", resname(hx));
	if (hx < 0)
		return;
	r = hc_get_stats(hx, &c);
	report(r == 0 && !c.total.kernel && !c.total.forward && !c.total.deny && !c.total.kvm &&
	       !c.n, "badinput.reattach.fresh_counters", "got=%s,%s,numbers:%u want=ok,all-0",
	       resname(r), fmt_counters(&c.total), c.n);
	bad_stock(x, "badinput.reattach.no_policy_yet", BAD_NR);
	close(hx);
}

int cmd_badinput(void)
{
	struct vm x, y;
	int dev, hx;

	watchdog_start("badinput", 60);
	dev = hc_open("badinput.open");
	if (dev < 0)
		return 1;
	if (arch_vm_create(&x, "badinput.x") < 0 || arch_vm_create(&y, "badinput.y") < 0)
		return 1;
	hx = hc_attach(dev, x.fd, "badinput.x");
	if (hx < 0)
		return 1;
	if (hc_policy(hx, 1u << KVM_HC_SVC_DISCOVER, bad_p0, 1, "badinput.p0") < 0)
		return 1;
	bad_unchanged(&x, "p0");

	bad_attach_all(dev, hx, &x, &y);
	/* KVM_HC_SET_POLICY: each refused, with P0 still in force after */
	bad_policy_fields(hx, &x);
	bad_policy_ranges(hx, &x);
	bad_policy_errors(hx, &x);
	bad_policy_pointers(hx, &x);
	bad_range_sizes(hx, &x);
	bad_sizes_accepted(hx, &x);
	bad_edges(hx, &x);
	bad_stats(hx, &x);
	bad_close_reattach(dev, hx, &x);

	say("malformed or disallowed requests were refused with their documented errors (%d checks); after each, the guest proved the VM's policy unchanged",
	    npass + nfail);
	vm_destroy(&x);
	vm_destroy(&y);
	close(dev);
	return nfail ? 1 : 0;
}
