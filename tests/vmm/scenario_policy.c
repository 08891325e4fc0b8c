// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_policy.c - the parts of the policy scenario that are the same on
 * every architecture (scenario.h says what the architecture provides);
 * each architecture's cmd_policy() runs them next to its own checks.
 */
#include <ctype.h>
#include <fcntl.h>

#include "scenario.h"

#define TRACEFS		"/sys/kernel/tracing"
#define HC_TRACE_EVENT	TRACEFS "/events/kvm_hc/kvm_hc_dispatch"

/*
 * The tracepoint, around one call the architecture makes: clear the trace
 * and enable kvm_hc's event.  The descriptor to hand to trace_end(), or -1
 * with a FAIL line for @key.
 */
int trace_begin(const char *key)
{
	int fd;

	if (access(HC_TRACE_EVENT "/enable", W_OK) < 0) {
		report(0, key, "got=no-%s want=present", HC_TRACE_EVENT "/enable");
		return -1;
	}
	fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);	/* clear */
	if (fd >= 0)
		close(fd);
	fd = open(HC_TRACE_EVENT "/enable", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		report(0, key, "got=cannot-enable(errno=%d) want=enabled", errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Disable the event again; the trace must show a dispatch of number @nr. */
void trace_end(const char *key, int fd, uint64_t nr)
{
	char want[64], line[512];
	int found = 0, lines = 0;
	FILE *f;

	if (write(fd, "0", 1) != 1)
		printf("INFO %s: disabling the event failed, errno=%d\n", key, errno);
	close(fd);

	snprintf(want, sizeof(want), "nr=0x%llx", (unsigned long long)nr);
	f = fopen(TRACEFS "/trace", "r");
	if (!f) {
		report(0, key, "got=cannot-read-trace(errno=%d) want=a-line", errno);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (line[0] == '#')
			continue;
		lines++;
		p = strstr(line, want);
		if (strstr(line, "kvm_hc_dispatch") && p &&
		    !isxdigit((unsigned char)p[strlen(want)])) {
			if (!found)
				printf("INFO %s: %s", key, line);
			found++;
		}
	}
	fclose(f);
	fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
	report(found >= 1, key, "got=%d-lines-with-kvm_hc_dispatch-and-%s (of %d) want>=1",
	       found, want, lines);
}

/* A call the guest made, as kvm_hc must count it (with the report, if any). */
void count_call(struct hc_counts *want, uint64_t nr, enum cat cat)
{
	counts_add(want, nr, cat);
#ifdef ARCH_REPORT_NR
	counts_add(want, ARCH_REPORT_NR, C_KVM);
#endif
}

/*
 * The per-number counters cover the first 64 numbers a VM uses; GET_STATS
 * says how many there are even when the buffer is smaller.
 */
void policy_many_numbers(int dev)
{
	const unsigned int calls = HC_NRS_COUNTED + 6;
	const struct answer stock = arch_stock();
	struct kvm_hc_nr_stats small[5];
	struct hc_counts want = { 0 };
	struct kvm_hc_stats s;
	struct answer a;
	struct vm vm;
	unsigned int i;
	int h, r;

	if (arch_vm_create(&vm, "policy.many") < 0)
		return;
	h = hc_attach(dev, vm.fd, "policy.many");
	if (h < 0)
		goto out;
	for (i = 0; i < calls; i++) {
		uint64_t nr = ARCH_NR(0x800 + i);
		char name[64];

		snprintf(name, sizeof(name), "policy.many.0x%llx", (unsigned long long)nr);
		a = arch_call(&vm, nr, name);
		if (!answer_eq(a, stock)) {
			report(0, "policy.many.calls", "call %u got=0x%llx,exits:%d want=0x%016llx,exits:%d",
			       i, (unsigned long long)a.val, a.exits, (unsigned long long)stock.val,
			       stock.exits);
			goto out;
		}
		count_call(&want, nr, C_KVM);
	}
	report(1, "policy.many.calls", "got=%u-calls-of-distinct-numbers-answered-0x%016llx",
	       calls, (unsigned long long)stock.val);
	counts_check_both("policy.many", h, vm.fd, &want);

	/* a buffer of 4: E2BIG, nnrs says 64, nothing is written */
	memset(small, 0xee, sizeof(small));
	s = (struct kvm_hc_stats){ .size = sizeof(s), .nnrs = 4, .nr_size = sizeof(small[0]),
				   .nrs = (uintptr_t)small };
	r = xioctl(h, KVM_HC_GET_STATS, &s) < 0 ? -errno : 0;
	report(r == -E2BIG && s.nnrs == HC_NRS_COUNTED, "policy.many.small_buffer.nnrs",
	       "got=%s,nnrs=%u want=E2BIG,nnrs=%u", resname(r), s.nnrs, HC_NRS_COUNTED);
	report(small[0].nr == 0xeeeeeeeeeeeeeeeeULL && small[4].nr == 0xeeeeeeeeeeeeeeeeULL,
	       "policy.many.small_buffer.untouched",
	       "got=0x%llx,0x%llx want=0xeeeeeeeeeeeeeeee (nothing written)",
	       (unsigned long long)small[0].nr, (unsigned long long)small[4].nr);
	report(s.uncounted == want.uncounted && s.uncounted > 0, "policy.many.uncounted",
	       "got=%llu want=%llu (calls of the numbers past the first %u)",
	       (unsigned long long)s.uncounted, (unsigned long long)want.uncounted,
	       HC_NRS_COUNTED);
	/* no buffer at all: just the count */
	s = (struct kvm_hc_stats){ .size = sizeof(s), .nnrs = 0, .nrs = 0 };
	r = xioctl(h, KVM_HC_GET_STATS, &s) < 0 ? -errno : 0;
	report(r == 0 && s.nnrs == HC_NRS_COUNTED && s.total.kvm == want.total.kvm,
	       "policy.many.no_buffer", "got=%s,nnrs=%u,kvm=%llu want=ok,nnrs=%u,kvm=%llu",
	       resname(r), s.nnrs, (unsigned long long)s.total.kvm, HC_NRS_COUNTED,
	       (unsigned long long)want.total.kvm);
	say("a VM that called %u different numbers has counters for the first %u of them; the total counts all %u",
	    calls, HC_NRS_COUNTED, calls);
out:
	if (h >= 0)
		close(h);
	vm_destroy(&vm);
}
