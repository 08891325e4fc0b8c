// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_storm.c - the storm scenario, written once for every
 * architecture that can run it (ARCH_HAS_STORM; scenario.h says what the
 * architecture provides).
 *
 *   storm
 *	One VM of STORM_VCPUS vCPUs, each in a thread of its own, calling in a
 *	loop: vCPU 0 a number that policy A denies with -EPERM and policy B
 *	with -EINVAL; vCPU 1 a number A forwards to this VMM and B denies
 *	with -EACCES; vCPU 2 kvm_hc's discovery call (a service in A, not in
 *	B); vCPU 3 a kick storm, kicking vCPU 0 while it calls (served by
 *	kvm_hc in A, by KVM or nobody in B).  Meanwhile the controller
 *	attaches the VM, sets A and B in turn (ST_FLIPS times), then A, reads
 *	the counters and closes the handle, over and over
 *	(STORM_SECONDS, or KVM_HC_STORM_SECONDS): every answer must be one
 *	that stock KVM, A or B gives, every forwarded exit the loop's own.
 *	Then the end of kvm_hc under it: with A set, vCPU 1 waits in a
 *	forwarded exit while vCPU 3 keeps kicking; rmmod is refused while the
 *	handle is open, and succeeds once it is closed; the VMM answers, and
 *	the guest gets the answer.  /init inserts kvm_hc again afterwards and
 *	checks the kernel log (no BUG, no WARNING, no report of the debug
 *	kernel).
 */
#include "scenario.h"

#ifdef ARCH_HAS_STORM

#define STORM_VCPUS	4
#define STORM_SECONDS	6
#define ST_DENY_NR	ARCH_NR(0x900)
#define ST_FWD_NR	ARCH_NR(0x901)
#define ST_FWD_ANSWER	0x5354u		/* "ST" */
#define ST_ANSWERS	3
#define ST_FLIPS	8	/* A and B in turn, a handle's life */

struct storm_vcpu {
	struct vm v;
	struct loop l;
	pthread_t thr;
	int started;
	const char *role;
	uint64_t ok[ST_ANSWERS];	/* the answers it may get */
	unsigned int nok;
	unsigned long wrong;
	uint64_t first_wrong;
};

static volatile int st_stop_calls, st_stop_kick;

static void st_on_result(struct loop *l, uint64_t val, unsigned long since)
{
	struct storm_vcpu *s = l->priv;
	unsigned int i;

	(void)since;
	for (i = 0; i < s->nok; i++)
		if (val == s->ok[i])
			return;
	if (!s->wrong++)
		s->first_wrong = val;
}

/* What vCPU @s may get: stock KVM's answer (detached), A's and B's. */
static void st_answers(struct storm_vcpu *s, const char *role, uint64_t stock, uint64_t a,
		       uint64_t b)
{
	s->role = role;
	s->ok[0] = stock;
	s->ok[1] = a;
	s->ok[2] = b;
	s->nok = 3;
}

/* Policy A (@a) or B: what the storm's vCPUs meet. */
static int st_policy(int h, int a)
{
	const struct kvm_hc_range ra[] = {
#if ARCH_KICK_RANGE
		RANGE(ARCH_KICK_NR, ARCH_KICK_NR, KERNEL, 0),
#endif
		RANGE(ST_DENY_NR, ST_DENY_NR, DENY, -EPERM),
		RANGE(ST_FWD_NR, ST_FWD_NR, FORWARD, 0),
	};
	const struct kvm_hc_range rb[] = {
		RANGE(ST_DENY_NR, ST_DENY_NR, DENY, -EINVAL),
		RANGE(ST_FWD_NR, ST_FWD_NR, DENY, -EACCES),
	};
	const uint32_t svc_a = (1u << KVM_HC_SVC_DISCOVER) | ARCH_KICK_SERVICES;

	return a ? hc_set_policy(h, svc_a, ra, NRANGES(ra)) : hc_set_policy(h, 0, rb, NRANGES(rb));
}

static long st_delete(void)
{
	return syscall(SYS_delete_module, "kvm_hc", O_NONBLOCK) < 0 ? -errno : 0;
}

/* With A set, vCPU 1 parked in a forwarded exit, vCPU 3 kicking: rmmod. */
static void st_unload(struct storm_vcpu *s)
{
	struct stat st;
	uint64_t end;
	long rc_open, rc = -1;
	int dev, h, parked;

	dev = hc_open("storm.unload");
	if (dev < 0)
		return;
	h = hc_attach(dev, s[0].v.fd, "storm.unload");
	close(dev);		/* only the handle holds kvm_hc from here on */
	if (h < 0 || st_policy(h, 1) < 0) {
		report(0, "storm.unload.policy", "policy A refused");
		return;
	}
	parked = arch_fwd_begin(&s[1].v, ST_FWD_NR, "storm.parked");
	report(parked, "storm.parked", "got=%s want=vCPU 1 in a forwarded exit",
	       parked ? "parked" : "no exit");

	rc_open = st_delete();
	report(rc_open == -EWOULDBLOCK || rc_open == -EBUSY, "storm.rmmod_with_handle_open",
	       "got=%s want=EWOULDBLOCK|EBUSY", resname((int)rc_open));
	close(h);
	for (end = now_ns() + 3 * NSEC_PER_SEC; now_ns() < end; usleep(100000)) {
		rc = st_delete();
		if (!rc || stat(HC_MODULE, &st))
			break;
	}
	report(stat(HC_MODULE, &st) != 0, "storm.rmmod_after_close",
	       "got=%s (%s) want=unloaded, with vCPU 1 parked and vCPU 3 kicking",
	       stat(HC_MODULE, &st) ? "unloaded" : "loaded", resname((int)rc));
	if (parked)
		report(arch_fwd_end(&s[1].v, "storm.parked"), "storm.parked.finished",
		       "the VMM's answer reached the guest after kvm_hc went");
}

int cmd_storm(void)
{
	struct storm_vcpu s[STORM_VCPUS];
	const char *env = getenv("KVM_HC_STORM_SECONDS");
	unsigned int seconds = env ? (unsigned int)atoi(env) : STORM_SECONDS;
	unsigned long cycles = 0, refused = 0, policies = 0;
	uint64_t end, kicks = 0, calls = 0;
	struct hc_counts c;
	int dev, h, i, k, n;

	memset(s, 0, sizeof(s));
	watchdog_start("storm", seconds + 60);
	if (arch_vm_create(&s[0].v, "storm") < 0)
		return 1;
	for (n = 1; n < STORM_VCPUS; n++)
		if (arch_vcpu_add(&s[0].v, n, &s[n].v, "storm") < 0)
			goto out;

	st_answers(&s[0], "deny", arch_stock().val, arch_denied(-EPERM).val,
		   arch_denied(-EINVAL).val);
	s[0].l.nr = ST_DENY_NR;
	st_answers(&s[1], "forward", arch_stock().val, ST_FWD_ANSWER, arch_denied(-EACCES).val);
	s[1].l.nr = ST_FWD_NR;
	s[1].l.ret_base = ST_FWD_ANSWER;
	st_answers(&s[2], "discovery", arch_stock().val, KVM_HC_ABI_VERSION, arch_stock().val);
	s[2].l.nr = ARCH_DISCOVER_NR;
	st_answers(&s[3], "kick", ARCH_KICK_UNSERVED, ARCH_KICK_SERVED, ARCH_KICK_UNSERVED);
	s[3].l.nr = ARCH_KICK_NR;
	arch_kick_args(0, s[3].l.args);	/* vCPU 0, busy calling: a kick, then a yield to it */
	for (i = 0; i < STORM_VCPUS; i++) {
		s[i].l.vm = &s[i].v;
		s[i].l.limit_s = seconds + 30;
		s[i].l.stop = i == 3 ? &st_stop_kick : &st_stop_calls;
		s[i].l.on_result = st_on_result;
		s[i].l.priv = &s[i];
		if (pthread_create(&s[i].thr, NULL, loop_thread, &s[i].l))
			goto out;
		s[i].started = 1;
	}

	/* the controller: attach, A and B in turn, A, close; again */
	dev = hc_open("storm");
	for (end = now_ns() + (uint64_t)seconds * NSEC_PER_SEC; dev >= 0 && now_ns() < end;) {
		h = hc_attach_raw(dev, sizeof(struct kvm_hc_attach), 0, 0, s[0].v.fd, 0);
		if (h < 0) {
			refused++;
			continue;
		}
		for (k = 0; k < ST_FLIPS; k++) {
			refused += st_policy(h, 1) < 0;
			usleep(2000);
			refused += st_policy(h, 0) < 0;
			usleep(2000);
			policies += 2;
		}
		refused += st_policy(h, 1) < 0;
		usleep(5000);
		/* the kicks kvm_hc served meanwhile, and the calls it counted */
		if (!hc_get_stats(h, &c)) {
			for (k = 0; k < (int)c.n; k++)
				if (c.nr[k].nr == ARCH_KICK_NR)
					kicks += c.nr[k].counters.kernel;
			calls += c.total.kvm + c.total.kernel + c.total.forward + c.total.deny;
		}
		close(h);
		usleep(5000);
		cycles++;
	}
	if (dev >= 0)
		close(dev);
	report(cycles > 0 && !refused, "storm.controller",
	       "%lu cycles of attach, %d policy changes, close in %u s (%lu policies); refused %lu want 0",
	       cycles, 2 * ST_FLIPS + 1, seconds, policies, refused);
	report(kicks > 0, "storm.kicks_served", "kvm_hc served %llu kicks of %llu calls it counted, want>0",
	       (unsigned long long)kicks, (unsigned long long)calls);

	/* the calling vCPUs stop; the kick storm goes on through the unload */
	st_stop_calls = 1;
	for (i = 0; i < 3; i++) {
		pthread_join(s[i].thr, NULL);
		s[i].started = 0;
	}
	st_unload(s);
	st_stop_kick = 1;
	pthread_join(s[3].thr, NULL);
	s[3].started = 0;

	for (i = 0; i < STORM_VCPUS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "storm.vcpu%d.%s", i, s[i].role);
		report(s[i].l.nresults > 0 && !s[i].wrong && !s[i].l.bad_exits && !s[i].l.error &&
		       !s[i].l.timed_out, name,
		       "%lu answers, %lu wrong (first 0x%llx), %lu forwarded exits, %lu not the loop's, error %d%s",
		       s[i].l.nresults, s[i].wrong, (unsigned long long)s[i].first_wrong,
		       s[i].l.nexits, s[i].l.bad_exits, s[i].l.error,
		       s[i].l.timed_out ? ", timed out" : "");
	}
	report(s[1].l.nexits > 0, "storm.forwarded", "got=%lu forwarded exits want>0 (policy A forwards)",
	       s[1].l.nexits);
	say("a %d-vCPU VM called through %lu attach/policy/detach cycles with a kick storm beside: %lu, %lu, %lu and %lu answers, none wrong; kvm_hc then unloaded with a vCPU parked in a forwarded exit and another kicking",
	    STORM_VCPUS, cycles, s[0].l.nresults, s[1].l.nresults, s[2].l.nresults,
	    s[3].l.nresults);
out:
	st_stop_calls = st_stop_kick = 1;
	for (i = 0; i < STORM_VCPUS; i++)
		if (s[i].started)
			pthread_join(s[i].thr, NULL);
	for (n = STORM_VCPUS - 1; n > 0; n--)
		vcpu_destroy(&s[n].v);
	vm_destroy(&s[0].v);
	return nfail ? 1 : 0;
}

#endif /* ARCH_HAS_STORM */
