// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_report.c - how the guest-side test programs report, the same on
 * every architecture: one PASS or FAIL line per check, VAL lines that /init
 * compares between runs, and SAY lines, the plain-words account of the demo
 * (--explain).  #included by each kvm_hc_test.c after the C library headers.
 */

static int explain;
static int npass, nfail;

static void say(const char *fmt, ...)
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

static void report(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

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
}

static void check(const char *name, uint64_t got, uint64_t want)
{
	report(got == want, name, "got=0x%016llx want=0x%016llx",
	       (unsigned long long)got, (unsigned long long)want);
}

static void val(const char *key, uint64_t v)
{
	printf("VAL %s 0x%016llx\n", key, (unsigned long long)v);
}
