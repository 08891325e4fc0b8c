// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_main.c - command line of the x86 and arm64 guest-side test
 * programs, which offer the same subcommands; #included at the end of their
 * kvm_hc_test.c, after every cmd_*() and kvm_open().
 */

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
		"       kvm_hc_test [--explain] matrix\n"
		"       kvm_hc_test [--explain] discover --expect open|closed\n"
		"       kvm_hc_test [--explain] load --seconds S [--expect-both]\n"
		"       kvm_hc_test [--explain] policy|policy-live|two-vms|badinput|kick|forward-unload\n"
#ifdef KVM_HC_TEST_SAMPLE
		"       kvm_hc_test [--explain] sample --seconds S --expect present|absent|both\n"
#endif
		);
	exit(2);
}

int main(int argc, char **argv)
{
	int expect_open = -1, seconds = 0, expect_both = 0;
	const char *cmd = NULL;
	int i, rc;
	double t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--explain"))
			explain = 1;
		else if (!strcmp(argv[i], "--expect-both"))
			expect_both = 1;
		else if (!strcmp(argv[i], "--expect") && i + 1 < argc)
			expect_open = !strcmp(argv[++i], "open") ? 1 :
				      !strcmp(argv[i], "closed") ? 0 :
				      !strcmp(argv[i], "present") ? 1 :
				      !strcmp(argv[i], "absent") ? 0 :
				      !strcmp(argv[i], "both") ? 2 : -2;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (!cmd && argv[i][0] != '-')
			cmd = argv[i];
		else
			usage();
	}
	if (!cmd)
		usage();
	/* The VMM-interface scenarios, in the order /init runs them. */
	if (!strcmp(cmd, "scenarios")) {
		puts("policy\npolicy-live\ntwo-vms\nbadinput\nkick\nforward-unload");
		return 0;
	}

	if (!strcmp(cmd, "discover") && (expect_open < 0 || expect_open > 1))
		usage();
	if (!strcmp(cmd, "load") && seconds <= 0)
		usage();
#ifdef KVM_HC_TEST_SAMPLE
	if (!strcmp(cmd, "sample")) {
		if (seconds <= 0 || expect_open < 0)
			usage();
		if (kvm_open() < 0)
			return 1;
		return cmd_sample(expect_open, seconds);
	}
#endif
	if (strcmp(cmd, "keeper") && strcmp(cmd, "matrix") &&
	    strcmp(cmd, "discover") && strcmp(cmd, "load") &&
	    strcmp(cmd, "policy") && strcmp(cmd, "policy-live") &&
	    strcmp(cmd, "two-vms") && strcmp(cmd, "badinput") &&
	    strcmp(cmd, "kick") && strcmp(cmd, "forward-unload"))
		usage();

	if (kvm_open() < 0)
		return 1;
	if (!strcmp(cmd, "keeper"))
		return cmd_keeper();
	if (!strcmp(cmd, "matrix"))
		return cmd_matrix();
	if (!strcmp(cmd, "discover"))
		return cmd_discover(expect_open);
	if (!strcmp(cmd, "load"))
		return cmd_load(seconds, expect_both);

	t0 = now();
	if (!strcmp(cmd, "policy"))
		rc = cmd_policy();
	else if (!strcmp(cmd, "policy-live"))
		rc = cmd_policy_live();
	else if (!strcmp(cmd, "two-vms"))
		rc = cmd_two_vms();
	else if (!strcmp(cmd, "badinput"))
		rc = cmd_badinput();
	else if (!strcmp(cmd, "kick"))
		rc = cmd_kick();
	else
		rc = cmd_forward_unload();
	printf("INFO %s: %d passed, %d failed in %.1f s\n", cmd, npass, nfail, now() - t0);
	return rc;
}
