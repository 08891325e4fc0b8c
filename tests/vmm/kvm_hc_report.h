/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc_report.h - how the guest-side test programs report
 * (kvm_hc_report.c): one PASS or FAIL line per check, VAL lines that /init
 * compares between runs, SAY lines for the demo.
 */
#ifndef KVM_HC_REPORT_H
#define KVM_HC_REPORT_H

#include <stdint.h>

/* --explain: print the SAY lines.  Checks passed and failed so far. */
extern int explain;
extern int npass, nfail;

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check(const char *name, uint64_t got, uint64_t want);
void val(const char *key, uint64_t v);

/* What a load loop requires of the answers besides being valid. */
enum load_expect {
	LOAD_ANY,		/* kvm_hc's or stock KVM's */
	LOAD_BOTH,		/* each at least once */
	LOAD_HC_ONLY,		/* kvm_hc's only */
	LOAD_STOCK_ONLY,	/* stock KVM's only */
};

enum load_expect load_expect_sample(int expect);
int load_expect_met(enum load_expect e, unsigned long long by_hc, unsigned long long by_stock,
		    const char **why);

#endif /* KVM_HC_REPORT_H */
