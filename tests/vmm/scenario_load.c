// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_load.c - the load and sample scenarios, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   load --seconds S [--expect-both] [--vcpus N]
 *	A guest calls discovery in a loop while /init inserts and removes
 *	kvm_hc: every answer is kvm_hc's (the version) or stock KVM's, never
 *	anything else, and the guest keeps going.  --expect-both also
 *	requires both kinds to be seen.  --vcpus N: the VM has N vCPUs, each
 *	calling in a thread of its own (where the architecture can add
 *	vCPUs, ARCH_HAS_STORM), checked as load.vcpuI.
 *
 *   sample --seconds S --expect present|absent|both
 *	The same for the number samples/kvm_hc_sample.c serves, in a VM whose
 *	policy sends it to the kernel, while the sample comes and goes.
 *
 * The architecture starts the guest's loop and tells each answer apart:
 *   int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg)
 *   enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want,
 *                                 uint64_t *val)
 */
#include "scenario.h"
#include "../../samples/kvm_hc_sample.h"

#define LOAD_STALL_NS	(5 * NSEC_PER_SEC)	/* longest acceptable gap between answers */
#define LOAD_VCPUS_MAX	8

static int load_run(struct vm *vm, const char *name, uint64_t nr, uint64_t arg, uint64_t want,
		    unsigned int seconds, enum load_expect expect)
{
	unsigned long long total = 0, by_hc = 0, by_stock = 0, invalid = 0, others = 0;
	unsigned long long switches = 0;
	uint64_t start, end, last, t, v = 0;
	int last_kind = -1, stalled = 0, shown = 0, ok, met;
	enum load_kind kind;
	const char *why;
	char label[64];

	if (arch_load_start(vm, nr, arg) < 0) {
		report(0, name, "setup errno=%d", errno);
		return 1;
	}
	start = last = now_ns();
	end = start + seconds * NSEC_PER_SEC;
	while ((t = now_ns()) < end && !stalled) {
		kind = arch_load_next(vm, nr, want, &v);
		t = now_ns();
		switch (kind) {
		case LK_HC:
		case LK_STOCK:
		case LK_INVALID:
			total++;
			by_hc += kind == LK_HC;
			by_stock += kind == LK_STOCK;
			if (kind == LK_INVALID) {
				invalid++;
				if (shown++ < 5)
					printf("INFO %s: invalid answer 0x%016llx at %llu ms\n", name,
					       (unsigned long long)v, ms(t - start));
			}
			if (last_kind >= 0 && (int)kind != last_kind)
				switches++;
			last_kind = kind;
			last = t;
			break;
		case LK_OTHER_BAD:
			invalid++;
			if (shown++ < 5)
				printf("INFO %s: invalid answer 0x%016llx of the call in between at %llu ms\n",
				       name, (unsigned long long)v, ms(t - start));
			/* fall through */
		case LK_OTHER:
			others++;
			last = t;
			break;
		case LK_NONE:
			if (t - last > LOAD_STALL_NS) {
				printf("INFO %s: no answer for %llu ms\n", name, ms(t - last));
				stalled = 1;
			}
			break;
		case LK_ERROR:
			stalled = 1;
			break;
		}
	}
	t = now_ns() - start;

	snprintf(label, sizeof(label), "%s.answers", name);
	report(total > 0 && !invalid && !stalled, label,
	       "got=calls:%llu,kvm_hc:%llu,stock:%llu,invalid:%llu,in_between:%llu,switches:%llu,ms:%llu%s want=invalid:0 and the guest running for %u s",
	       total, by_hc, by_stock, invalid, others, switches, ms(t),
	       stalled ? " (the guest stopped making progress)" : "", seconds);
	met = load_expect_met(expect, by_hc, by_stock, &why);
	snprintf(label, sizeof(label), "%s.%s", name, expect == LOAD_BOTH ? "both" : "expect");
	if (expect != LOAD_ANY)
		report(met, label, "got=kvm_hc:%llu,stock:%llu want=%s", by_hc, by_stock, why);
	ok = total > 0 && !invalid && !stalled && met;
	say("a guest made %llu calls of 0x%llx in %llu ms while kvm_hc came and went: %llu answered by kvm_hc, %llu by stock KVM, %llu wrong answers",
	    total, (unsigned long long)nr, ms(t), by_hc, by_stock, invalid);
	return ok ? 0 : 1;
}

#ifdef ARCH_HAS_STORM
struct load_vcpu {
	struct vm v;
	char name[32];
	unsigned int seconds;
	enum load_expect expect;
	int rc;
};

static void *load_thread(void *arg)
{
	struct load_vcpu *lv = arg;

	worker_signals();
	lv->rc = load_run(&lv->v, lv->name, ARCH_DISCOVER_NR, KVM_HC_DISCOVER_VERSION,
			  KVM_HC_ABI_VERSION, lv->seconds, lv->expect);
	return NULL;
}
#endif

int cmd_load(int seconds, int expect_both, int vcpus)
{
	enum load_expect expect = expect_both ? LOAD_BOTH : LOAD_ANY;
	struct vm vm;
	int rc;
#ifdef ARCH_HAS_STORM
	struct load_vcpu lv[LOAD_VCPUS_MAX];
	pthread_t thr[LOAD_VCPUS_MAX];
	int i, n = 0;
#endif

	watchdog_start("load", seconds + 30);
	if (arch_vm_create(&vm, "load") < 0)
		return 1;
#ifdef ARCH_HAS_STORM
	/* every vCPU before any runs; each calls in a thread of its own */
	for (n = 1; n < vcpus && n < LOAD_VCPUS_MAX; n++) {
		if (arch_vcpu_add(&vm, n, &lv[n].v, "load") < 0)
			break;
		snprintf(lv[n].name, sizeof(lv[n].name), "load.vcpu%d", n);
		lv[n].seconds = seconds;
		lv[n].expect = expect;
		lv[n].rc = 1;
	}
	for (i = 1; i < n; i++)
		if (pthread_create(&thr[i], NULL, load_thread, &lv[i]))
			lv[i].rc = -1;
#else
	if (vcpus > 1)
		printf("INFO load: --vcpus %d: this architecture's VMs have one vCPU here\n", vcpus);
#endif
	rc = load_run(&vm, "load", ARCH_DISCOVER_NR, KVM_HC_DISCOVER_VERSION, KVM_HC_ABI_VERSION,
		      seconds, expect);
#ifdef ARCH_HAS_STORM
	for (i = 1; i < n; i++) {
		if (lv[i].rc >= 0)
			pthread_join(thr[i], NULL);
		rc |= lv[i].rc != 0;
		vcpu_destroy(&lv[i].v);
	}
	if (vcpus > n) {
		report(0, "load.vcpus", "got=%d want=%d vCPUs", n, vcpus);
		rc = 1;
	}
#endif
	vm_destroy(&vm);
	return rc;
}

/*
 * A VM whose policy sends ARCH_SAMPLE_NR to the kernel calls it in a loop:
 * while kvm_hc_sample is loaded the answer is a0 ^ KVM_HC_SAMPLE_MAGIC,
 * otherwise stock KVM's.  @expect: 1 the sample's answers only, 0 stock
 * KVM's only, 2 both (the sample comes and goes meanwhile).
 */
int cmd_sample(int expect, int seconds)
{
	const uint64_t arg = 0x0123456789abcdefULL;
	struct vm vm;
	int rc;

	watchdog_start("sample", seconds + 30);
	if (arch_vm_create(&vm, "sample") < 0)
		return 1;
	if (hc_kernel_nr(vm.fd, ARCH_SAMPLE_NR, "sample") < 0) {
		vm_destroy(&vm);
		return 1;
	}
	rc = load_run(&vm, "sample", ARCH_SAMPLE_NR, arg, arg ^ KVM_HC_SAMPLE_MAGIC, seconds,
		      load_expect_sample(expect));
	vm_destroy(&vm);
	return rc;
}
