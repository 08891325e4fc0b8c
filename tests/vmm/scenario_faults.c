// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_faults.c - the faults scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   faults
 *	The uAPI with each fault-injection site failed once, the way syzkaller
 *	does it: N written to /proc/thread-self/fail-nth makes the Nth site
 *	this thread passes fail (a slab or page allocation, where failslab and
 *	fail_page_alloc spare no allocation: /init sets that up); the file
 *	reads 0 afterwards if the site was reached.  For KVM_HC_ATTACH,
 *	KVM_HC_SET_POLICY, KVM_HC_GET_STATS_FD, KVM_HC_GET_POLICY and
 *	KVM_HC_GET_STATS, N runs 1, 2, ... until the call passes all its sites
 *	without reaching the Nth:
 *	- the call fails with ENOMEM (or ENFILE where a file could not be
 *	  made), or succeeds where the site was optional (the VM's sysfs
 *	  folder, and the debug kernel's own allocations);
 *	- a failed call changed nothing: after a failed ATTACH the VM is not
 *	  attached (its guest gets stock KVM, and the next ATTACH works);
 *	  after a failed SET_POLICY the old policy is in force, as the guest
 *	  sees it (a deny range's error, the discovery service); a failed
 *	  GET_STATS_FD leaves no file descriptor behind.
 *	Another VM stays attached meanwhile, so that the hook stays armed and
 *	the sites are the calls' own (arming fails in /init's loadfaults).
 *	Kernels without CONFIG_FAULT_INJECTION (Debian's) have no fail-nth: it
 *	says so and checks nothing.
 */
#include <dirent.h>

#include "scenario.h"

#define FI_FILE		"/proc/thread-self/fail-nth"
#define FI_MAX		2000	/* more sites than any call has */
#define FI_NR		ARCH_NR(5)

static int fi_fd = -1;

static int fi_open(const char *name)
{
	fi_fd = open(FI_FILE, O_RDWR | O_CLOEXEC);
	if (fi_fd < 0) {
		printf("INFO %s: this kernel has no fault injection (%s: %s); nothing checked\n",
		       name, FI_FILE, strerror(errno));
		return -1;
	}
	return 0;
}

/* Make the @n-th fault-injection site of this thread fail. */
static int fi_arm(unsigned int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%u", n);

	return pwrite(fi_fd, b, l, 0) == l ? 0 : -1;
}

/* Whether the armed site was reached (and failed); disarms if not. */
static int fi_reached(void)
{
	char b[16] = "";
	ssize_t r = pread(fi_fd, b, sizeof(b) - 1, 0);
	unsigned long left = r > 0 ? strtoul(b, NULL, 10) : 1;

	if (left)
		fi_arm(0);
	return left == 0;
}

static int fi_errno_ok(int e)
{
	return e == ENOMEM || e == ENFILE;
}

/* Open file descriptors of this process. */
static int fi_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

/* One call's sites: how many, failed how, and what was wrong. */
struct fi_tally {
	unsigned int sites, failed, tolerated, bad_errno, bad_state;
	int first_bad_errno;
	unsigned int first_bad_site;
};

static void fi_report(const char *name, const struct fi_tally *t, int done)
{
	char what[96];

	snprintf(what, sizeof(what), "faults.%s", name);
	report(done && !t->bad_errno && !t->bad_state, what,
	       "%u sites each failed once: %u calls failed, %u succeeded without the site; "
	       "undocumented errnos %u (first %s at site %u), state changed by a failed call %u%s",
	       t->sites, t->failed, t->tolerated, t->bad_errno,
	       t->bad_errno ? errname(t->first_bad_errno) : "-", t->first_bad_site, t->bad_state,
	       done ? "" : "; the call failed without a fault, or never passed all its sites");
}

/* What failing the @n-th site did to a call that returned @rc (or -errno). */
enum fi_outcome {
	FI_END,		/* the call passed all its sites: *done if it succeeded */
	FI_TOLERATED,	/* the site failed and the call did without it */
	FI_FAILED,	/* the site failed and so did the call: its errno judged */
};

static enum fi_outcome fi_judge(struct fi_tally *t, unsigned int n, int rc, int *done)
{
	if (!fi_reached()) {
		t->sites = n - 1;
		*done = rc >= 0;
		return FI_END;
	}
	if (rc >= 0) {
		t->tolerated++;
		return FI_TOLERATED;
	}
	t->failed++;
	if (!fi_errno_ok(-rc) && !t->bad_errno++) {
		t->first_bad_errno = -rc;
		t->first_bad_site = n;
	}
	return FI_FAILED;
}

/* ATTACH: a failed one leaves the VM as stock KVM serves it. */
static void fi_attach(struct vm *vm, int dev)
{
	struct fi_tally t = { 0 };
	enum fi_outcome o;
	struct answer a;
	unsigned int n;
	int h, done = 0;

	for (n = 1; n <= FI_MAX; n++) {
		fi_arm(n);
		h = hc_attach_raw(dev, sizeof(struct kvm_hc_attach), 0, 0, vm->fd, 0);
		o = fi_judge(&t, n, h, &done);
		if (o == FI_FAILED) {
			/* not attached: stock KVM's answer to discovery */
			a = arch_discover(vm, "faults.attach");
			t.bad_state += a.val == KVM_HC_ABI_VERSION;
		}
		if (h >= 0)
			close(h);
		if (o == FI_END)
			break;
	}
	fi_report("attach", &t, done);
}

/*
 * SET_POLICY from A to B: a failed one leaves A, a deny range of FI_NR with
 * -EINVAL and no service; B denies it with -EPERM and opens discovery.
 */
static void fi_set_policy(struct vm *vm, int h)
{
	const struct kvm_hc_range ra[] = { RANGE(FI_NR, FI_NR, DENY, -EINVAL) };
	const struct kvm_hc_range rb[] = {
		RANGE(ARCH_NR(4), ARCH_NR(4), KVM, 0), RANGE(FI_NR, FI_NR, DENY, -EPERM),
		RANGE(ARCH_NR(6), ARCH_NR(6), KVM, 0),
	};
	const uint32_t svc_b = 1u << KVM_HC_SVC_DISCOVER;
	struct fi_tally t = { 0 };
	enum fi_outcome o;
	struct answer a, d;
	unsigned int n;
	int rc, done = 0;

	for (n = 1; n <= FI_MAX; n++) {
		if (hc_set_policy(h, 0, ra, NRANGES(ra)) < 0) {
			report(0, "faults.set_policy.setup", "policy A refused");
			return;
		}
		fi_arm(n);
		rc = hc_set_policy(h, svc_b, rb, NRANGES(rb));
		o = fi_judge(&t, n, rc, &done);
		if (o == FI_END)
			break;
		if (o == FI_TOLERATED)
			continue;
		/* A in force: its deny error, and no discovery service */
		a = arch_call(vm, FI_NR, "faults.set_policy");
		d = arch_discover(vm, "faults.set_policy");
		t.bad_state += !answer_eq(a, arch_denied(-EINVAL)) || d.val == KVM_HC_ABI_VERSION;
	}
	fi_report("set_policy", &t, done);
	/* B, set in the last round, is what the guest gets now */
	a = arch_call(vm, FI_NR, "faults.set_policy.after");
	report(answer_eq(a, arch_denied(-EPERM)), "faults.set_policy.after", "got=0x%llx",
	       (unsigned long long)a.val);
}

/* GET_STATS_FD, GET_POLICY, GET_STATS: a failed one leaves no fd. */
static void fi_reads(int h)
{
	static const struct {
		const char *name;
		int what;
	} calls[] = { { "get_stats_fd", 0 }, { "get_policy", 1 }, { "get_stats", 2 } };
	struct kvm_hc_range rr[8];
	struct kvm_hc_policy p;
	struct hc_counts c;
	struct fi_tally t;
	enum fi_outcome o;
	unsigned int i, n;
	int rc, done, fds;

	for (i = 0; i < NRANGES(calls); i++) {
		memset(&t, 0, sizeof(t));
		done = 0;
		fds = fi_fds();
		for (n = 1; n <= FI_MAX; n++) {
			fi_arm(n);
			switch (calls[i].what) {
			case 0:
				rc = ioctl(h, KVM_HC_GET_STATS_FD, 0);
				rc = rc < 0 ? -errno : rc;
				break;
			case 1:
				memset(&p, 0, sizeof(p));
				p.size = sizeof(p);
				p.nranges = NRANGES(rr);
				p.ranges = (uintptr_t)rr;
				p.range_size = sizeof(rr[0]);
				rc = hc_get_policy(h, &p);
				break;
			default:
				rc = hc_get_stats(h, &c);
				break;
			}
			o = fi_judge(&t, n, rc, &done);
			if (calls[i].what == 0 && rc >= 0)
				close(rc);
			if (o == FI_END)
				break;
		}
		t.bad_state += fi_fds() != fds;
		fi_report(calls[i].name, &t, done);
	}
}

int cmd_faults(void)
{
	struct vm vm, other;
	int dev, h, ho;

	if (fi_open("faults") < 0)
		return 0;
	if (arch_vm_create(&vm, "faults") < 0)
		return 1;
	if (arch_vm_create(&other, "faults.other") < 0) {
		vm_destroy(&vm);
		return 1;
	}
	dev = hc_open("faults");
	if (dev < 0) {
		vm_destroy(&other);
		vm_destroy(&vm);
		return 1;
	}
	/* another VM attached keeps the hook armed: each ATTACH's own sites */
	ho = hc_attach(dev, other.fd, "faults.other");
	fi_attach(&vm, dev);
	h = hc_attach(dev, vm.fd, "faults");
	if (h >= 0) {
		fi_set_policy(&vm, h);
		fi_reads(h);
		close(h);
	}
	if (ho >= 0)
		close(ho);
	close(dev);
	vm_destroy(&other);
	vm_destroy(&vm);
	return 0;
}
