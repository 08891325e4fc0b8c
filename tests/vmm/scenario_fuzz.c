// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_fuzz.c - the fuzz scenario, written once for every architecture
 * (scenario.h says what the architecture provides).
 *
 *   fuzz
 *	Random input from both sides, from a seed that is printed
 *	("INFO fuzz: seed=N"; KVM_HC_FUZZ_SEED=N replays it,
 *	KVM_HC_FUZZ_SECONDS=S runs longer):
 *	- the uAPI: every ioctl of /dev/kvm_hc and of a handle, and unknown
 *	  ones, with random sizes, flags, reserved bytes and pointers (NULL,
 *	  unmapped, kernel addresses, the end of a page before an unmapped
 *	  one); each must succeed or fail with an errno the interface
 *	  documents, and a handle's ioctls race its close from another thread;
 *	- policies and calls: random policies over numbers around the edges
 *	  of a block (kvm, kernel, deny, doorbell and exception ranges,
 *	  random deny errors, rate limits, the discovery service on or off)
 *	  are set while the guest calls random
 *	  numbers of that set, with random arguments, from every mode and
 *	  through every conduit the architecture has (arch_fuzz_call(): x86
 *	  64-bit and 32-bit kernel code, user code, either vendor's
 *	  instruction; arm64 HVC and SMC, immediates 0 and 1); every answer
 *	  must be the one the policy in force gives there (for an exception
 *	  range, the exception with the state the architecture defines).
 *	Afterwards the VM still gets exactly what a fixed policy says.
 */
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "scenario.h"

static uint64_t fuzz_state;

/* xorshift64*: small, and the same sequence for a seed everywhere */
static uint64_t fuzz_rand(void)
{
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return fuzz_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int fuzz_below(unsigned int n)
{
	return (unsigned int)(fuzz_rand() % n);
}

/* What any ioctl of the interface may fail with (uapi.rst). */
static int fuzz_errno_ok(int e)
{
	switch (e) {
	case EINVAL: case E2BIG: case EFAULT: case ENOTTY: case EPERM: case EEXIST:
	case EBADF: case EOPNOTSUPP: case ENOMEM: case EMFILE: case ENFILE: case ESRCH:
		return 1;
	}
	return 0;
}

static const unsigned long fuzz_cmds[] = {
	KVM_HC_CHECK_EXTENSION, KVM_HC_ATTACH, KVM_HC_SET_POLICY, KVM_HC_GET_POLICY,
	KVM_HC_GET_STATS, KVM_HC_GET_STATS_FD, KVM_HC_SET_DOORBELL, KVM_HC_CREATE_RING,
	_IO(KVM_HC_IOCTL_TYPE, 0x06), _IOWR(KVM_HC_IOCTL_TYPE, 0x7f, struct kvm_hc_policy),
	_IOW(KVMIO, 0x01, struct kvm_hc_attach),
};

/* A page of random bytes followed by an unmapped page. */
struct fuzz_mem {
	uint8_t *page;
	long psize;
};

/* An eventfd for the doorbells the fuzzers set. */
static int fuzz_efd = -1;

/* An argument: a value, or a pointer into fm with a plausible size first. */
static unsigned long fuzz_arg(struct fuzz_mem *fm, int vm_fd, int h)
{
	uint32_t *p;
	unsigned int i, off;

	switch (fuzz_below(8)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (unsigned long)-4096L;		/* a kernel address */
	case 3: return fuzz_rand();
	case 4: return (unsigned long)(fm->page + fm->psize - 1 - fuzz_below(16));
	default: break;
	}
	for (i = 0; i < fm->psize / 8; i++)
		((uint64_t *)fm->page)[i] = fuzz_below(4) ? 0 : fuzz_rand();
	/* at the start of the page, or ending within 16 bytes of its end */
	off = fuzz_below(2) ? 0 : (unsigned int)fm->psize - 16 - 8 * fuzz_below(6);
	p = (uint32_t *)(fm->page + off);
	/* size: the 1.0 sizes, around them, or anything */
	switch (fuzz_below(4)) {
	case 0: p[0] = KVM_HC_ATTACH_SIZE_VER0; break;
	case 1: p[0] = KVM_HC_POLICY_SIZE_VER0 + 8 * fuzz_below(3); break;
	case 2: p[0] = fuzz_below(4096); break;
	default: p[0] = (uint32_t)fuzz_rand(); break;
	}
	/* an attach's vm_fd: a real VM, a handle or garbage */
	if (fuzz_below(2))
		p[2] = fuzz_below(2) ? vm_fd : h;
	/* a doorbell's id and eventfd, a ring's entries (a power of two or not) */
	if (fuzz_below(4) == 0) {
		p[2] = fuzz_below(2) ? 1u << fuzz_below(18) : fuzz_below(20);
		p[3] = fuzz_below(2) ? (uint32_t)fuzz_efd : (uint32_t)-1;
	}
	/*
	 * a policy's ranges: pointing back into the page, some with actions
	 * and over-limit actions around the known ones (exception ranges
	 * place and remove what their hook needs as policies come and go)
	 */
	if (fuzz_below(2) && off == 0) {
		struct kvm_hc_range *r = (struct kvm_hc_range *)(fm->page + 64);

		*(uint64_t *)(fm->page + 16) = (uint64_t)(unsigned long)r;
		for (i = 0; i < 4 && fuzz_below(2); i++) {
			r[i].action = fuzz_below(KVM_HC_ACTION_EXCEPTION + 2);
			r[i].over_action = fuzz_below(KVM_HC_ACTION_EXCEPTION + 2);
		}
	}
	return (unsigned long)p;
}

struct fuzz_race {
	int h;
	volatile int stop;
	unsigned long calls, bad;
	int bad_errno;
};

static void *fuzz_race_thread(void *arg)
{
	struct fuzz_race *r = arg;
	struct kvm_hc_stats st;
	unsigned int i = 0;

	worker_signals();
	while (!r->stop) {
		int h = r->h, rc;

		memset(&st, 0, sizeof(st));
		st.size = sizeof(st);
		i++;
		rc = ioctl(h, i & 1 ? KVM_HC_GET_STATS : KVM_HC_CHECK_EXTENSION,
			   i & 1 ? (unsigned long)&st : 1);
		if (rc < 0 && !fuzz_errno_ok(errno) && errno != EBADF) {
			r->bad++;
			r->bad_errno = errno;
		}
		r->calls++;
	}
	return NULL;
}

/* A mapping's length: a page or a few, or none. */
static long fuzz_psize_mult(long psize)
{
	return fuzz_below(8) ? psize * (1 + fuzz_below(8)) : 1 + fuzz_below(4096);
}

static void fuzz_uapi(struct vm *vm, unsigned int seconds)
{
	uint64_t end = now_ns() + seconds * 1000000000ULL;
	unsigned long n = 0, refused = 0, bad = 0, races = 0;
	int dev = hc_open("fuzz.uapi"), h = -1, bad_errno = 0;
	unsigned long bad_cmd = 0;
	struct fuzz_race race = { .h = -1 };
	struct fuzz_mem fm;

	if (dev < 0)
		return;
	fm.psize = sysconf(_SC_PAGESIZE);
	fm.page = mmap(NULL, 2 * fm.psize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (fm.page == MAP_FAILED || mprotect(fm.page + fm.psize, fm.psize, PROT_NONE) < 0) {
		report(0, "fuzz.uapi.setup", "mmap errno=%d", errno);
		close(dev);
		return;
	}
	while (now_ns() < end) {
		unsigned long cmd = fuzz_cmds[fuzz_below(sizeof(fuzz_cmds) / sizeof(fuzz_cmds[0]))];
		int on_handle = h >= 0 && fuzz_below(2), rc;

		/* a handle to fuzz as well, reattached after each close race */
		if (h < 0 && fuzz_below(4) == 0 &&
		    (h = hc_attach_raw(dev, sizeof(struct kvm_hc_attach), 0, 0, vm->fd, 0)) < 0 &&
		    !bad++) {
			bad_errno = -h;
			bad_cmd = KVM_HC_ATTACH;
		}
		rc = ioctl(on_handle ? h : dev, cmd, fuzz_arg(&fm, vm->fd, h));
		n++;
		if (rc < 0) {
			refused++;
			if (!fuzz_errno_ok(errno) && !bad++) {
				bad_errno = errno;
				bad_cmd = cmd;
			}
		} else if (cmd == KVM_HC_CREATE_RING) {
			/* a ring: mapped as it may be, and not */
			size_t len = (size_t)fuzz_psize_mult(fm.psize);
			void *m = mmap(NULL, len, PROT_READ | (fuzz_below(2) ? PROT_WRITE : 0),
				       fuzz_below(4) ? MAP_SHARED : MAP_PRIVATE, rc,
				       fuzz_below(4) ? 0 : fm.psize * fuzz_below(3));

			if (m != MAP_FAILED)
				munmap(m, len);
			else if (errno != EINVAL && errno != ENOMEM && errno != EACCES && !bad++) {
				bad_errno = errno;
				bad_cmd = cmd;
			}
			close(rc);
		} else if (cmd == KVM_HC_ATTACH || cmd == KVM_HC_GET_STATS_FD) {
			close(rc);	/* a new handle or stats fd */
		}
		/* now and then: close the handle while another thread uses it */
		if (h >= 0 && fuzz_below(64) == 0) {
			pthread_t t;

			race.h = h;
			race.stop = 0;
			if (pthread_create(&t, NULL, fuzz_race_thread, &race) == 0) {
				usleep(200 + fuzz_below(800));
				close(h);
				usleep(200);
				race.stop = 1;
				pthread_join(t, NULL);
				races++;
			} else {
				close(h);
			}
			h = -1;
		}
	}
	if (h >= 0)
		close(h);
	close(dev);
	munmap(fm.page, 2 * fm.psize);
	report(bad == 0 && race.bad == 0 && n > 100, "fuzz.uapi.errnos",
	       "%lu ioctls (%lu refused), %lu close races (%lu ioctls); undocumented errnos: %lu (first %s of 0x%lx), %lu in races (%s)",
	       n, refused, races, race.calls, bad, errname(bad_errno), bad_cmd, race.bad,
	       errname(race.bad_errno));
}

/* The numbers the policies and calls draw from: around a block's edges. */
static uint64_t fuzz_nrs[16];

static void fuzz_nrs_init(void)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		fuzz_nrs[i] = ARCH_NR(i);
	for (i = 0; i < 8; i++)
		fuzz_nrs[8 + i] = ARCH_NR(0xff8 + i);
}

struct fuzz_policy {
	struct kvm_hc_range r[8];
	unsigned int n;
	uint32_t services;
};

/* Disjoint ranges over fuzz_nrs, in any order, random actions. */
static void fuzz_policy_make(struct fuzz_policy *p)
{
	unsigned int i = fuzz_below(4), k;

	p->n = 0;
	p->services = fuzz_below(2) ? 1u << KVM_HC_SVC_DISCOVER : 0;
	while (i < 16 && p->n < 8) {
		unsigned int last = i + fuzz_below(4);
		struct kvm_hc_range *r = &p->r[p->n++];

		/*
		 * Each range stays within one end of the block: what lies
		 * between belongs to the test VMM (ppc64's CALL_DONE).
		 */
		if (i < 8 && last >= 8)
			last = 7;
		if (last > 15)
			last = 15;
		memset(r, 0, sizeof(*r));
		r->first = fuzz_nrs[i];
		r->last = fuzz_nrs[last];
#ifdef ARCH_HAS_EXCEPTIONS
		k = fuzz_below(5);
#else
		k = fuzz_below(4);
#endif
		r->action = k == 0 ? KVM_HC_ACTION_KVM : k == 1 ? KVM_HC_ACTION_KERNEL :
			    k == 2 ? KVM_HC_ACTION_DENY : k == 3 ? KVM_HC_ACTION_DOORBELL :
			    KVM_HC_ACTION_EXCEPTION;
		if (r->action == KVM_HC_ACTION_DENY)
			r->error = fuzz_below(2) ? -(int32_t)(1 + fuzz_below(4095)) :
						   -KVM_HC_ENOHC;
		/* doorbells 0..7 are set, 8..15 not; the VM has no ring: busy */
		if (r->action == KVM_HC_ACTION_DOORBELL) {
			r->doorbell = fuzz_below(KVM_HC_MAX_DOORBELLS);
			r->flags = fuzz_below(3) ? 0 : KVM_HC_RANGE_RING;
		}
		/*
		 * a rate limit the policy's 8 calls cannot exhaust: the token
		 * path runs, and the answers stay the range's
		 */
		if (r->action != KVM_HC_ACTION_KVM && fuzz_below(4) == 0) {
			r->burst = 8 + fuzz_below(8);
			r->rate = fuzz_below(2) ? 0 : 1 + fuzz_below(1000);
			k = fuzz_below(3);
			r->over_action = k == 0 ? KVM_HC_ACTION_KVM : KVM_HC_ACTION_DENY;
#ifdef ARCH_HAS_EXCEPTIONS
			if (k == 2)
				r->over_action = KVM_HC_ACTION_EXCEPTION;
#endif
			r->over_error = r->over_action == KVM_HC_ACTION_DENY ? -EACCES : 0;
		}
		i = last + 1 + fuzz_below(3);
	}
	/* any order */
	for (i = 0; p->n > 1 && i < p->n; i++) {
		struct kvm_hc_range t = p->r[i];

		k = fuzz_below(p->n);
		p->r[i] = p->r[k];
		p->r[k] = t;
	}
}

static void fuzz_policy_print(const struct fuzz_policy *p)
{
	unsigned int i;

	printf("INFO fuzz: the policy in force: services 0x%x, %u ranges:", p->services, p->n);
	for (i = 0; i < p->n; i++)
		printf(" 0x%llx-0x%llx:%u:%d", (unsigned long long)p->r[i].first,
		       (unsigned long long)p->r[i].last, p->r[i].action,
		       p->r[i].action == KVM_HC_ACTION_DOORBELL ?
		       (int)(p->r[i].doorbell | (p->r[i].flags << 8)) : p->r[i].error);
	printf("\n");
}

/*
 * What @p gives a call of @nr: a deny range's error, a doorbell's 0 (busy
 * for a ring range: the VM has no ring), an exception range's exception
 * (ANSWER_EXCEPTION: arch_fuzz_call() checks the state it leaves), else
 * stock's answer.
 */
static struct answer fuzz_expect(const struct fuzz_policy *p, uint64_t nr)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		if (nr < p->r[i].first || nr > p->r[i].last)
			continue;
		if (p->r[i].action == KVM_HC_ACTION_DENY)
			return arch_denied(p->r[i].error);
		if (p->r[i].action == KVM_HC_ACTION_DOORBELL)
			return p->r[i].flags & KVM_HC_RANGE_RING ? arch_denied(-KVM_HC_EBUSY) :
								   (struct answer){ 0, 0 };
		if (p->r[i].action == KVM_HC_ACTION_EXCEPTION)
			return ANSWER_EXCEPTION;
	}
	return arch_stock();
}

/* The modes and conduits the guest's calls came from (arch_fuzz_call()). */
static struct {
	const char *mode;
	unsigned long calls;
} fuzz_modes[8];

static void fuzz_mode_seen(const char *mode)
{
	unsigned int i;

	for (i = 0; i < NRANGES(fuzz_modes); i++) {
		if (!fuzz_modes[i].mode)
			fuzz_modes[i].mode = mode;
		if (fuzz_modes[i].mode == mode) {
			fuzz_modes[i].calls++;
			return;
		}
	}
}

static void fuzz_policies(struct vm *vm, int h, unsigned int seconds)
{
	uint64_t end = now_ns() + seconds * 1000000000ULL;
	unsigned long calls = 0, wrong = 0, policies = 0, exceptions = 0;
	struct fuzz_policy p;
	char first[160] = "";

	while (now_ns() < end) {
		unsigned int c;

		fuzz_policy_make(&p);
		if (hc_set_policy(h, p.services, p.r, p.n) < 0) {
			if (!wrong++)
				snprintf(first, sizeof(first), "policy %lu refused: %s", policies,
					 errname(errno));
			continue;
		}
		policies++;
		for (c = 0; c < 8; c++) {
			struct answer a, want;

			if (fuzz_below(8) == 0) {
				/* kvm_hc's version, or stock's answer (not the version) */
				a = arch_discover(vm, "fuzz.policy");
				if ((a.val == KVM_HC_ABI_VERSION) != !!p.services && !wrong++)
					snprintf(first, sizeof(first),
						 "discovery got 0x%llx with services 0x%x",
						 (unsigned long long)a.val, p.services);
			} else {
				uint64_t nr = fuzz_nrs[fuzz_below(16)];
				const char *mode = "";

				a = arch_fuzz_call(vm, nr, fuzz_rand(), fuzz_expect(&p, nr), &want,
						   &mode);
				fuzz_mode_seen(mode);
				exceptions += answer_eq(want, ANSWER_EXCEPTION);
				if (!answer_eq(a, want) && !wrong++) {
					snprintf(first, sizeof(first),
						 "nr 0x%llx (%s) got 0x%llx,exits:%d want 0x%llx,exits:%d",
						 (unsigned long long)nr, mode, (unsigned long long)a.val,
						 a.exits, (unsigned long long)want.val, want.exits);
					fuzz_policy_print(&p);
				}
			}
			calls++;
		}
	}
	report(wrong == 0 && policies > 10, "fuzz.policy.answers",
	       "%lu random policies, %lu calls, %lu wrong%s%s", policies, calls, wrong,
	       wrong ? ": first " : "", first);
	for (unsigned int m = 0; m < NRANGES(fuzz_modes) && fuzz_modes[m].mode; m++)
		printf("INFO fuzz: %lu calls from %s\n", fuzz_modes[m].calls, fuzz_modes[m].mode);
	printf("INFO fuzz: %lu calls of exception ranges\n", exceptions);
}

int cmd_fuzz(void)
{
	const struct kvm_hc_range fixed[] = { RANGE(ARCH_NR(0), ARCH_NR(0), DENY, -EINVAL) };
	const char *s = getenv("KVM_HC_FUZZ_SEED"), *secs = getenv("KVM_HC_FUZZ_SECONDS");
	unsigned int seconds = secs ? (unsigned int)strtoul(secs, NULL, 0) : 4;
	struct answer a, b;
	struct vm vm;
	int h;

	fuzz_state = s ? strtoull(s, NULL, 0) : (uint64_t)now_ns() ^ (uint64_t)getpid() << 32;
	if (!fuzz_state)
		fuzz_state = 1;
	printf("INFO fuzz: seed=%llu (KVM_HC_FUZZ_SEED replays it), %u s a part\n",
	       (unsigned long long)fuzz_state, seconds);
	fuzz_nrs_init();
	fuzz_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (arch_vm_create(&vm, "fuzz") < 0)
		return 1;
	fuzz_uapi(&vm, seconds);

	h = hc_attach_vm(vm.fd, NULL, 0, "fuzz.policy");
	if (h >= 0) {
		struct kvm_hc_doorbell d = { .size = sizeof(d), .fd = fuzz_efd };
		int set = 0;

		/* doorbells 0..7 ring an eventfd; 8..15 are not set */
		for (d.id = 0; d.id < 8; d.id++)
			set += ioctl(h, KVM_HC_SET_DOORBELL, &d) == 0;
		report(set == 8, "fuzz.doorbells", "got=%d/8 set", set);
		fuzz_policies(&vm, h, seconds);
		/* and after all that, a fixed policy is what the guest gets */
		if (hc_policy(h, 0, fixed, 1, "fuzz.after") == 0) {
			a = arch_call(&vm, ARCH_NR(0), "fuzz.after");
			b = arch_call(&vm, ARCH_NR(1), "fuzz.after");
			report(answer_eq(a, arch_denied(-EINVAL)) && answer_eq(b, arch_stock()),
			       "fuzz.after", "got=0x%llx,0x%llx want=0x%llx,0x%llx",
			       (unsigned long long)a.val, (unsigned long long)b.val,
			       (unsigned long long)arch_denied(-EINVAL).val,
			       (unsigned long long)arch_stock().val);
		}
		close(h);
	}
	close(fuzz_efd);
	vm_destroy(&vm);
	return 0;
}
