// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_discover.c - the discover scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   discover --expect open|closed
 *	kvm_hc's discovery call from a VM that did not opt in.  "open"
 *	(open_discovery=1): kvm_hc answers in the kernel, without an exit,
 *	the ABI version, bitmap word 0 (discovery only: open_discovery opens
 *	nothing else), words 1 and the last (0), and an out-of-range
 *	selector with the architecture's invalid-parameter error; the other
 *	registers are as the ABI says.  "closed": each of those calls gets
 *	what stock KVM gives a number nobody serves.  Then the
 *	architecture's own cases (other conduits, widths, privilege levels).
 *
 * The architecture places one discovery call and checks its registers:
 *   struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open,
 *                                   const char *name)
 *   void arch_discover_more(struct vm *vm, int open)
 */
#include "scenario.h"

struct disc_common {
	const char *name;
	uint64_t sel;
	uint64_t want;		/* open: kvm_hc's answer */
};

int cmd_discover(int open)
{
	const struct disc_common cases[] = {
		{ "discover.version", KVM_HC_DISCOVER_VERSION, KVM_HC_ABI_VERSION },
		{ "discover.bitmap0", KVM_HC_DISCOVER_BITMAP(0), 1u << KVM_HC_SVC_DISCOVER },
		{ "discover.bitmap1", KVM_HC_DISCOVER_BITMAP(1), 0 },
		{ "discover.bitmap_last",
		  KVM_HC_DISCOVER_BITMAP(KVM_HC_DISCOVER_BITMAP_WORDS - 1), 0 },
		{ "discover.selector_out_of_range",
		  KVM_HC_DISCOVER_BITMAP(KVM_HC_DISCOVER_BITMAP_WORDS), ARCH_DISC_EINVAL },
	};
	const unsigned int n = sizeof(cases) / sizeof(cases[0]);
	struct answer got[sizeof(cases) / sizeof(cases[0])];
	const struct answer stock = arch_stock();
	unsigned int i;
	struct vm vm;

	watchdog_start("discover", 60);
	if (arch_vm_create(&vm, "discover") < 0)
		return 1;
	for (i = 0; i < n; i++) {
		const struct disc_common *dc = &cases[i];
		struct answer want = open ? (struct answer){ dc->want, 0 } : stock;

		got[i] = arch_discover_sel(&vm, dc->sel, open, dc->name);
		if (got[i].exits < 0) {
			report(0, dc->name, "got=none want=0x%016llx (guest did not complete the call)",
			       (unsigned long long)want.val);
			continue;
		}
		report(answer_eq(got[i], want), dc->name,
		       "got=0x%016llx,exits:%d want=0x%016llx,exits:%d (%s)",
		       (unsigned long long)got[i].val, got[i].exits,
		       (unsigned long long)want.val, want.exits,
		       open ? "kvm_hc, in the kernel" : "stock: a number nobody serves");
	}
	if (open) {
		if (got[0].exits >= 0)
			say("guest asked kvm_hc for its ABI version: 0x%llx (%u.%u)",
			    (unsigned long long)got[0].val, (unsigned int)(got[0].val >> 16),
			    (unsigned int)(got[0].val & 0xffff));
		if (got[1].exits >= 0)
			say("guest asked which kvm_hc services it may call: bitmap word 0 = 0x%llx%s",
			    (unsigned long long)got[1].val, (got[1].val & 1) ? " (discovery)" : "");
		if (got[4].exits >= 0)
			say("guest asked with an out-of-range selector (%u): 0x%llx",
			    KVM_HC_DISCOVER_BITMAP_WORDS, (unsigned long long)got[4].val);
	} else if (got[0].exits >= 0) {
		say("VM that did not opt in asked for kvm_hc's ABI version and got stock KVM's answer: 0x%llx",
		    (unsigned long long)got[0].val);
	}
	arch_discover_more(&vm, open);
	vm_destroy(&vm);
	return nfail ? 1 : 0;
}
