// SPDX-License-Identifier: GPL-2.0
/*
 * The lib scenario, written once for every architecture (scenario.h says
 * what the architecture provides).
 *
 *   lib
 *	libkvmhc, the library VMMs link (tools/libkvmhc), from the VMM's side
 *	and the guest's: it finds the module and checks that it speaks 1.0,
 *	attaches a VM (and says why a second attach fails), sets a policy
 *	that forwards one number and denies another and reads it back,
 *	decodes the forwarded exit (number, arguments, the marker where the
 *	architecture has one) and places the answer where the guest finds it
 *	(arch_fwd_end() answers through it, here and in forward-unload), and
 *	reads the counters the guest's calls made.  Then the kvm-hc tool,
 *	run as an operator would, lists the VM with its VMM, counters and
 *	policy (--json).
 */
#include "scenario.h"

#define LIB_FWD		ARCH_NR(0x700)
#define LIB_DENY	ARCH_NR(0x701)

/*
 * Run the tool with @args, and meanwhile @vm's guest calls @nr (if @vm);
 * the tool's output's first line in @out (at most @s seconds' wait; with
 * @need, the first line that holds it), then its end (@interrupt:
 * interrupted as a user would): its exit status, or -1.
 */
static int tool_line(const char *const args[], struct vm *vm, uint64_t nr, char *out, size_t len,
		     double s, int interrupt, const char *need)
{
	char *argv[8] = { KVM_HC_TOOL };
	pid_t pid;
	int i, fd;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = (char *)args[i];
	out[0] = 0;
	pid = tool_spawn(argv, &fd);
	/*
	 * the guest calls until the tool, once it follows the events, shows
	 * one (ppc64's calls end with a report hcall, another event)
	 */
	for (i = 0; pid > 0 && vm && (!out[0] || (need && !strstr(out, need))) && i < s * 4; i++) {
		arch_call(vm, nr, "lib.tool.call");
		tool_first_line(fd, out, len, 0.25);
	}
	if (pid > 0 && !vm)
		tool_first_line(fd, out, len, s);
	return tool_stop(pid, fd, interrupt);
}

/*
 * status, top and trace with --json: a JSON object a line; trace shows
 * the guest's call of @nr on @vm, denied.
 */
static void lib_tool_json(struct vm *vm, uint64_t nr)
{
	static const char *const status[] = { "status", "--json", NULL };
	static const char *const top[] = { "top", "--json", "--delay", "1", NULL };
	static const char *const trace[] = { "trace", "--json", "--count", "1000", NULL };
	char out[8192], want[64];
	int st;

	st = tool_line(status, NULL, 0, out, sizeof(out), 5, 0, NULL);
	report(st == 0 && strstr(out, "{\"loaded\": true") == out, "lib.tool.status_json",
	       "got=exit:%d,%.40s want=exit:0,{\"loaded\": true...", st, out);
	st = tool_line(top, NULL, 0, out, sizeof(out), 5, 1, NULL);
	report(st == 0 && strstr(out, "{\"time\": ") == out && strstr(out, "\"vms\": [{") &&
	       out[strlen(out) - 1] == '}', "lib.tool.top_json",
	       "got=exit:%d,%.60s want=exit:0,a line {\"time\": T, \"vms\": [{...}]}", st, out);
	snprintf(want, sizeof(want), "\"nr\": \"0x%llx\"", (unsigned long long)nr);
	st = tool_line(trace, vm, nr, out, sizeof(out), 5, 1, want);
	report(st == 0 && strstr(out, "\"event\": \"kvm_hc_dispatch\"") && strstr(out, want) &&
	       strstr(out, "\"action\": \"deny\""), "lib.tool.trace_json",
	       "got=exit:%d,%.160s want=exit:0,kvm_hc_dispatch,%s,deny", st, out, want);
}

/* The tool's JSON list holds this VM's name, its policy and @deny denied calls. */
static void lib_tool(int vm_fd, unsigned long long deny)
{
	char cmd[64], out[8192], want[96];
	const char *vm_obj;
	FILE *p;
	int st;

	if (access(KVM_HC_TOOL, X_OK)) {
		report(0, "lib.tool", "got=no-%s want=the-tool", KVM_HC_TOOL);
		return;
	}
	st = tool_list_json(vm_fd, out, sizeof(out), &vm_obj);
	printf("INFO lib.tool: %s\n", out);
	report(st == 0 && out[0] == '[', "lib.tool.list_json", "got=exit:%d,%.20s want=exit:0,[...]",
	       st, out);
	report(vm_obj != NULL, "lib.tool.list_vm", "got=%s want=this VM's object",
	       vm_obj ? "listed" : "missing");
	snprintf(want, sizeof(want), "\"deny\": %llu", deny);
	report(strstr(out, want) != NULL, "lib.tool.list_counters", "got=%s want=%s",
	       strstr(out, want) ? "found" : "missing", want);
	snprintf(want, sizeof(want), "0x%llx-0x%llx deny %d", (unsigned long long)LIB_DENY,
		 (unsigned long long)LIB_DENY, -EPERM);
	report(strstr(out, want) != NULL, "lib.tool.list_policy", "got=%s want=%s",
	       strstr(out, want) ? "found" : "missing", want);
	/* what an operator sees: in the log, and in the demo's story */
	snprintf(cmd, sizeof(cmd), "%s status && %s list", KVM_HC_TOOL, KVM_HC_TOOL);
	say("meanwhile the operator's tool shows kvm_hc and the VM (kvm-hc status; kvm-hc list):");
	fflush(stdout);
	p = popen(cmd, "r");
	while (p && fgets(out, sizeof(out), p)) {
		out[strcspn(out, "\n")] = 0;
		printf("INFO tool: %s\n", out);
		say("     %s", out);
	}
	st = p ? pclose(p) : -1;
	report(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lib.tool.status", "got=exit:%d want=exit:0",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	snprintf(cmd, sizeof(cmd), "%s list --bogus >/dev/null 2>&1", KVM_HC_TOOL);
	st = system(cmd);
	report(WIFEXITED(st) && WEXITSTATUS(st) == 2, "lib.tool.bad_option",
	       "got=exit:%d want=exit:2 (usage)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

#ifdef __x86_64__
/* tools/examples/forward-vmm, the example VMM to copy, runs as documented. */
static void lib_example(void)
{
	char out[256] = "";
	FILE *p;
	int st;

	fflush(stdout);
	p = popen("/bin/forward-vmm 2>&1", "r");
	if (p && !fgets(out, sizeof(out), p))
		out[0] = 0;
	st = p ? pclose(p) : -1;
	out[strcspn(out, "\n")] = 0;
	report(WIFEXITED(st) && !WEXITSTATUS(st) && strstr(out, "guest got 42 (answered by this VMM"),
	       "lib.example_vmm", "got=exit:%d,\"%s\" want=exit:0,\"guest got 42 (answered by this VMM ...\"",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1, out);
	say("the example VMM (tools/examples/forward-vmm.c) says: %s", out);
}
#endif

/* The forwarded call, as libkvmhc decodes it from the exit. */
static void lib_decode(struct vm *vm)
{
	struct kvmhc_call c;
	int r;

	if (!arch_fwd_begin(vm, LIB_FWD, "lib.forward")) {
		report(0, "lib.forward", "got=no-exit want=the-forwarded-call");
		return;
	}
	r = kvmhc_exit_decode(vm->run, &c);
	report(r == 1 && c.nr == LIB_FWD && c.nargs == ARCH_FORWARD_ARGS && c.args[0] == 0x1111 &&
	       c.marked == ARCH_EXIT_MARKER, "lib.decode",
	       "got=%d,nr:0x%llx,nargs:%u,a0:0x%llx,marked:%d want=1,0x%llx,%d,0x1111,%d", r,
	       (unsigned long long)c.nr, c.nargs, (unsigned long long)c.args[0], c.marked,
	       (unsigned long long)LIB_FWD, ARCH_FORWARD_ARGS, ARCH_EXIT_MARKER);
	/* the answer through kvmhc_exit_answer(), checked by the guest */
	arch_fwd_end(vm, "lib.forward");
}

int cmd_lib(void)
{
	struct kvmhc_policy *p, *got = NULL;
	struct kvmhc_vm *hv = NULL, *again = NULL;
	struct answer a, want = arch_denied(-EPERM);
	struct kvmhc_stats st;
	struct kvmhc *dev;
	unsigned int i, same = 0;
	struct vm vm;
	int r;

	watchdog_start("lib", 60);
	r = kvmhc_open(&dev);
	report(r == 0, "lib.open", "got=%s want=ok", r ? kvmhc_strerror(r) : "ok");
	if (r)
		return 1;
	r = kvmhc_compatible(dev);
	report(r == 0, "lib.compatible", "got=%s want=ok (interface 1.x)",
	       r ? kvmhc_strerror(r) : "ok");
	report(kvmhc_check(dev, KVM_HC_CAP_ARCH) == ARCH_HC_ARCH, "lib.check.arch",
	       "got=%ld want=%d", kvmhc_check(dev, KVM_HC_CAP_ARCH), ARCH_HC_ARCH);
	if (arch_vm_create(&vm, "lib") < 0)
		return 1;
	r = kvmhc_attach(dev, vm.fd, &hv);
	report(r == 0, "lib.attach", "got=%s want=ok", r ? kvmhc_strerror(r) : "ok");
	if (r)
		return 1;
	r = kvmhc_attach(dev, vm.fd, &again);
	report(r == -EEXIST && strstr(kvmhc_strerror(r), "attached already"), "lib.attach_twice",
	       "got=%s (%s) want=EEXIST", errname(-r), kvmhc_strerror(r));
	if (!r)
		kvmhc_detach(again);

	p = kvmhc_policy_new();
	kvmhc_policy_set_services(p, 1u << KVM_HC_SVC_DISCOVER);
	r = kvmhc_policy_add(p, LIB_FWD, LIB_FWD, KVM_HC_ACTION_FORWARD, 0) ||
	    kvmhc_policy_add(p, LIB_DENY, LIB_DENY, KVM_HC_ACTION_DENY, -EPERM);
	r = r ? r : kvmhc_set_policy(hv, p);
	report(r == 0, "lib.set_policy", "got=%s want=ok", r ? kvmhc_strerror(r) : "ok");
	r = kvmhc_get_policy(hv, &got);
	for (i = 0; !r && i < kvmhc_policy_nranges(got) && i < kvmhc_policy_nranges(p); i++) {
		const struct kvm_hc_range *x = kvmhc_policy_range(got, i), *y = kvmhc_policy_range(p, i);

		same += x->first == y->first && x->last == y->last && x->action == y->action &&
			x->error == y->error;
	}
	report(!r && kvmhc_policy_services(got) == kvmhc_policy_services(p) &&
	       kvmhc_policy_nranges(got) == 2 && same == 2, "lib.get_policy",
	       "got=%s,services:0x%x,%u-of-2-ranges want=ok,0x1,2", r ? kvmhc_strerror(r) : "ok",
	       got ? kvmhc_policy_services(got) : 0, same);
	kvmhc_policy_free(got);
	kvmhc_policy_free(p);
	/* a policy the module refuses: libkvmhc says why, the old one stays */
	p = kvmhc_policy_new();
	kvmhc_policy_add(p, LIB_FWD, LIB_FWD + 1, KVM_HC_ACTION_DENY, -EPERM);
	kvmhc_policy_add(p, LIB_FWD + 1, LIB_FWD + 2, KVM_HC_ACTION_DENY, -EPERM);
	r = kvmhc_set_policy(hv, p);
	report(r == -EEXIST, "lib.set_policy_overlap", "got=%s (%s) want=EEXIST", errname(-r),
	       kvmhc_strerror(r));
	kvmhc_policy_free(p);

	a = arch_call(&vm, LIB_DENY, "lib.deny");
	report(answer_eq(a, want), "lib.deny", "got=0x%llx,exits:%d want=0x%llx,exits:0",
	       (unsigned long long)a.val, a.exits, (unsigned long long)want.val);
	lib_decode(&vm);

	r = kvmhc_get_stats(hv, &st);
	report(r == 0 && st.total.deny == 1 && st.total.forward == 1, "lib.stats",
	       "got=%s,deny:%llu,forward:%llu want=ok,1,1", r ? kvmhc_strerror(r) : "ok",
	       (unsigned long long)st.total.deny, (unsigned long long)st.total.forward);
	lib_tool(vm.fd, 1);
	lib_tool_json(&vm, LIB_DENY);
#ifdef __x86_64__
	lib_example();
#endif
	say("libkvmhc attached a VM, set and read back its policy, decoded and answered a forwarded call, and the kvm-hc tool listed it (%d checks)",
	    npass + nfail);
	kvmhc_detach(hv);
	kvmhc_close(dev);
	vm_destroy(&vm);
	return nfail ? 1 : 0;
}
