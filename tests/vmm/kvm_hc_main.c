// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_main.c - the command line of the test VMM, the same on every
 * architecture: the subcommands are the architecture's (matrix, discover,
 * policy, and kick where it has one) and the scenarios written once.
 */
#include <stdlib.h>
#include <unistd.h>

#include "scenario.h"

/* The VMM-interface scenarios, in the order /init runs them. */
static const char *const scenarios[] = {
	"uapi", "lib", "operator", "policy", "policy-live", "two-vms", "badinput",
#ifdef ARCH_HAS_KICK
	"kick",
#endif
	"lifetime", "doorbell", "limit", "user", "exception",
#ifdef ARCH_HAS_STORM
	"storm",
#endif
	"forward-unload", "fuzz", "faults",
#ifdef ARCH_HAS_EPAPR
	"epapr",
#endif
};

static int (*const scenario_fn[])(void) = {
	cmd_uapi, cmd_lib, cmd_operator, cmd_policy, cmd_policy_live, cmd_two_vms, cmd_badinput,
#ifdef ARCH_HAS_KICK
	cmd_kick,
#endif
	cmd_lifetime, cmd_doorbell, cmd_limit, cmd_user, cmd_exception,
#ifdef ARCH_HAS_STORM
	cmd_storm,
#endif
	cmd_forward_unload, cmd_fuzz, cmd_faults,
#ifdef ARCH_HAS_EPAPR
	cmd_epapr,
#endif
};

/*
 * Hold one VM for the whole run: that keeps KVM's preempt-notifier static
 * key enabled, so that the other subcommands do not live-patch scheduler
 * code every time they create or destroy a VM.
 */
static int cmd_keeper(void)
{
	struct vm vm;

	if (arch_vm_create(&vm, "keeper") < 0)
		return 1;
	printf("INFO keeper: VM created, holding it\n");
	for (;;)
		pause();
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kvm_hc_test scenarios\n"
		"       kvm_hc_test [--explain] keeper\n"
		"       kvm_hc_test [--explain] matrix [--open]\n"
		"       kvm_hc_test [--explain] discover --expect open|closed\n"
		"       kvm_hc_test [--explain] load --seconds S [--expect-both] [--vcpus N]\n"
		"       kvm_hc_test [--explain] sample --seconds S --expect present|absent|both\n"

		"       kvm_hc_test [--explain] SCENARIO (kvm_hc_test scenarios lists them)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int expect = -1, seconds = 0, expect_both = 0, open = 0, vcpus = 1;
	const char *cmd = NULL;
	unsigned int i;
	int rc = -1;
	uint64_t t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--explain"))
			explain = 1;
		else if (!strcmp(argv[i], "--expect-both"))
			expect_both = 1;
		else if (!strcmp(argv[i], "--open"))
			open = 1;
		else if (!strcmp(argv[i], "--expect") && i + 1 < (unsigned int)argc)
			expect = !strcmp(argv[++i], "open") ? 1 :
				 !strcmp(argv[i], "closed") ? 0 :
				 !strcmp(argv[i], "present") ? 1 :
				 !strcmp(argv[i], "absent") ? 0 :
				 !strcmp(argv[i], "both") ? 2 : -2;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < (unsigned int)argc)
			seconds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--vcpus") && i + 1 < (unsigned int)argc)
			vcpus = atoi(argv[++i]);
		else if (!cmd && argv[i][0] != '-')
			cmd = argv[i];
		else
			usage();
	}
	if (!cmd)
		usage();
	if (!strcmp(cmd, "scenarios")) {
		for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			puts(scenarios[i]);
		return 0;
	}
	if ((!strcmp(cmd, "discover") && (expect < 0 || expect > 1)) ||
	    ((!strcmp(cmd, "load") || !strcmp(cmd, "sample")) && seconds <= 0) ||
	    vcpus < 1 || (vcpus > 1 && strcmp(cmd, "load")) ||
	    (!strcmp(cmd, "sample") && expect < 0) || (open && strcmp(cmd, "matrix")))
		usage();
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(cmd, scenarios[i]))
			break;
	if (i == sizeof(scenarios) / sizeof(scenarios[0]) && strcmp(cmd, "keeper") &&
	    strcmp(cmd, "matrix") && strcmp(cmd, "discover") && strcmp(cmd, "load") &&
	    strcmp(cmd, "sample"))
		usage();

	/* Each subcommand may set an overall limit; until then, none. */
	watchdog_start(cmd, 0);
	if (kvm_open() < 0)
		return 1;
	if (!strcmp(cmd, "keeper"))
		return cmd_keeper();
	if (!strcmp(cmd, "matrix"))
		return cmd_matrix(open);
	if (!strcmp(cmd, "discover"))
		return cmd_discover(expect);
	if (!strcmp(cmd, "load"))
		return cmd_load(seconds, expect_both, vcpus);
	if (!strcmp(cmd, "sample"))
		return cmd_sample(expect, seconds);

	t0 = now_ns();
	rc = scenario_fn[i]();
	t0 = ms(now_ns() - t0);
	printf("INFO %s: %d passed, %d failed in %llu.%llu s\n", cmd, npass, nfail,
	       (unsigned long long)t0 / 1000, (unsigned long long)t0 % 1000 / 100);
	return rc;
}
