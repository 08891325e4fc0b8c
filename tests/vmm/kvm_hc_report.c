// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_report.c - how the guest-side test programs report, the same on
 * every architecture: one PASS or FAIL line per check, VAL lines that /init
 * compares between runs, and SAY lines, the plain-words account of the demo
 * (--explain).  Linked into each architecture's kvm_hc_test
 * (kvm_hc_report.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "kvm_hc_report.h"

int explain;
int npass, nfail;

void say(const char *fmt, ...)
{
	va_list ap;

	if (!explain)
		return;
	fputs("SAY ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void report(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	/* one line and one count at a time: threads report too (load, storm) */
	flockfile(stdout);
	printf("%s %s ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		npass++;
	else
		nfail++;
	funlockfile(stdout);
}

void check(const char *name, uint64_t got, uint64_t want)
{
	report(got == want, name, "got=0x%016llx want=0x%016llx",
	       (unsigned long long)got, (unsigned long long)want);
}

void val(const char *key, uint64_t v)
{
	printf("VAL %s 0x%016llx\n", key, (unsigned long long)v);
}

/* The --expect of the sample command (1 present, 0 absent, 2 both). */
enum load_expect load_expect_sample(int expect)
{
	return expect == 2 ? LOAD_BOTH : expect ? LOAD_HC_ONLY : LOAD_STOCK_ONLY;
}

/* Whether answers counted by_hc and by_stock meet @e; @why says what was wanted. */
int load_expect_met(enum load_expect e, unsigned long long by_hc,
			   unsigned long long by_stock, const char **why)
{
	static const char *const wants[] = {
		[LOAD_ANY] = "any", [LOAD_BOTH] = "both kvm_hc's and stock KVM's answers",
		[LOAD_HC_ONLY] = "kvm_hc's answers only", [LOAD_STOCK_ONLY] = "stock KVM's answers only",
	};

	*why = wants[e];
	switch (e) {
	case LOAD_BOTH:
		return by_hc && by_stock;
	case LOAD_HC_ONLY:
		return !by_stock;
	case LOAD_STOCK_ONLY:
		return !by_hc;
	default:
		return 1;
	}
}
