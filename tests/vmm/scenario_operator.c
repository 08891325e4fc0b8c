// SPDX-License-Identifier: GPL-2.0
/*
 * The operator scenario, written once for every architecture (scenario.h
 * says what the architecture provides).
 *
 *   operator
 *	An unmodified VMM (a child process that knows nothing of kvm_hc) runs
 *	a VM; the host's operator (this process, root) attaches that VM with
 *	libkvmhc's kvmhc_attach_operator() (pidfd_getfd() and
 *	KVM_HC_ATTACH_OPERATOR).  Without the flag the attach is EPERM (not
 *	its VM); a policy that forwards is EPERM (the VMM never asked for
 *	exits); one that denies a number is taken, and the VMM's guest gets
 *	the deny answer.  The VM's sysfs folder is named after the VMM (its
 *	pid and VM fd), not after the operator.  While the operator holds the
 *	VM, the VMM's own attach is EEXIST, and while the VMM holds it, the
 *	operator's; once the operator lets go, the guest sees stock KVM again.
 *	Then the same with the operator's tool: `kvm-hc attach --pid --fd
 *	--deny` until interrupted, and `kvm-hc stats` meanwhile.
 */
#include "scenario.h"

#define OP_NR	ARCH_NR(0x800)

/* The child's steps, told by the parent one byte at a time. */
enum { OP_CALL = 'c', OP_ATTACH = 'a', OP_HOLD = 'h', OP_RELEASE = 'r', OP_QUIT = 'q' };

/* The VMM: a VM, then calls or attach attempts on request, answered on @out. */
static void op_child(int in, int out)
{
	struct answer a;
	struct vm vm;
	char c;
	int dev, h, held = -1;
	int64_t msg[2] = { 0, 0 };

	if (arch_vm_create(&vm, "operator.vmm") < 0)
		_exit(1);
	msg[0] = vm.fd;
	if (write(out, msg, sizeof(msg[0])) != sizeof(msg[0]))
		_exit(1);
	while (read(in, &c, 1) == 1 && c != OP_QUIT) {
		if (c == OP_CALL) {
			a = arch_call(&vm, OP_NR, "operator.vmm.call");
			msg[0] = (int64_t)a.val;
			msg[1] = a.exits;
		} else if (c == OP_RELEASE) {
			msg[0] = held >= 0 ? close(held) : -EBADF;
			held = -1;
		} else {
			/* attach, and let go at once (OP_ATTACH) or on OP_RELEASE */
			dev = open(HC_DEV, O_RDWR | O_CLOEXEC);
			h = hc_attach_raw(dev, sizeof(struct kvm_hc_attach), 0, 0, vm.fd, 0);
			msg[0] = h;
			msg[1] = 0;
			if (h >= 0 && c == OP_HOLD)
				held = h;
			else if (h >= 0)
				close(h);
			close(dev);
		}
		if (write(out, msg, sizeof(msg)) != sizeof(msg))
			_exit(1);
	}
	vm_destroy(&vm);
	_exit(0);
}

/* Ask the child for a step; its two numbers, or -1. */
static int op_ask(int to, int from, char step, int64_t msg[2])
{
	if (write(to, &step, 1) != 1 || read(from, msg, 2 * sizeof(msg[0])) != 2 * sizeof(msg[0]))
		return -1;
	return 0;
}

/* The child's guest makes its call: check "@name", its answer is @want. */
static void op_call_is(int to, int from, const char *name, struct answer want, const char *why)
{
	int64_t msg[2] = { -1, -1 };
	int r = op_ask(to, from, OP_CALL, msg);

	report(!r && (uint64_t)msg[0] == want.val && msg[1] == want.exits, name,
	       "got=0x%llx,exits:%lld want=0x%llx,exits:%d (%s)", (unsigned long long)msg[0],
	       (long long)msg[1], (unsigned long long)want.val, want.exits, why);
}

/* kvm-hc attach of the VMM @pid's VM @vmfd, denying OP_NR, and meanwhile kvm-hc stats. */
static void op_tool(int to, int from, pid_t pid, int vmfd)
{
	char spid[16], sfd[16], deny[48], out[512] = "";
	char *argv[] = { KVM_HC_TOOL, "attach", "--pid", spid, "--fd", sfd, "--deny", deny, NULL };
	pid_t tool;
	int fd, st;
	FILE *p;

	if (access(KVM_HC_TOOL, X_OK)) {
		report(0, "operator.tool", "got=no-%s want=the-tool", KVM_HC_TOOL);
		return;
	}
	snprintf(spid, sizeof(spid), "%d", (int)pid);
	snprintf(sfd, sizeof(sfd), "%d", vmfd);
	snprintf(deny, sizeof(deny), "0x%llx:%d", (unsigned long long)OP_NR, -EPERM);
	tool = tool_spawn(argv, &fd);
	if (tool > 0)
		tool_first_line(fd, out, sizeof(out), 5);
	report(!strncmp(out, "kvm-hc: attached", 16), "operator.tool.attach", "got=%s want=kvm-hc: attached...",
	       out);
	say("the operator's tool: kvm-hc attach --pid %s --fd %s --deny %s", spid, sfd, deny);
	say("     %s", out);
	op_call_is(to, from, "operator.tool.guest_denied", arch_denied(-EPERM),
		   "the VMM's guest, attached by kvm-hc attach");
	say("   and its guest's call of 0x%llx is denied; kvm-hc stats meanwhile:",
	    (unsigned long long)OP_NR);
	p = popen(KVM_HC_TOOL " stats", "r");
	while (p && fgets(out, sizeof(out), p)) {
		out[strcspn(out, "\n")] = 0;
		printf("INFO tool: %s\n", out);
		say("     %s", out);
	}
	if (p)
		pclose(p);
	st = tool_stop(tool, fd, 1);
	report(st == 0, "operator.tool.interrupted", "got=exit:%d want=exit:0 (detached)", st);
	op_call_is(to, from, "operator.tool.detached", arch_stock(), "stock KVM again");
}

int cmd_operator(void)
{
	struct kvmhc_policy *p;
	struct kvmhc_vm *hv = NULL;
	struct answer want = arch_denied(-EPERM), stock = arch_stock();
	int tochild[2], fromchild[2], r, st, pidfd, fd, vmfd, n;
	struct kvmhc *dev;
	int64_t msg[2] = { -1, -1 };
	char quit = OP_QUIT;
	pid_t pid;

	watchdog_start("operator", 60);
	if (pipe(tochild) || pipe(fromchild))
		return 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(tochild[1]);
		close(fromchild[0]);
		op_child(tochild[0], fromchild[1]);
	}
	close(tochild[0]);
	close(fromchild[1]);
	if (pid < 0 || read(fromchild[0], msg, sizeof(msg[0])) != sizeof(msg[0])) {
		report(0, "operator.vmm", "got=no-VM want=a-VMM-with-a-VM");
		return 1;
	}
	printf("INFO operator: VMM %d runs its VM as fd %lld\n", (int)pid, (long long)msg[0]);
	if (kvmhc_open(&dev))
		return 1;
	report(kvmhc_check(dev, KVM_HC_CAP_OPERATOR_ATTACH) == 1, "operator.cap", "got=%ld want=1",
	       kvmhc_check(dev, KVM_HC_CAP_OPERATOR_ATTACH));

	/* the VM's descriptor, as an operator gets it, is not enough alone */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)msg[0], 0);
	if (fd < 0) {
		r = -errno;
	} else {
		int d = hc_open("operator.open");

		r = hc_attach_raw(d, sizeof(struct kvm_hc_attach), 0, 0, fd, 0);
		close(d);
	}
	report(r == -EPERM, "operator.attach_without_flag", "got=%s want=EPERM (another process's VM)",
	       resname(r));
	if (r >= 0)
		close(r);
	if (fd >= 0)
		close(fd);
	if (pidfd >= 0)
		close(pidfd);

	/* while the VMM holds its VM itself, the operator cannot */
	vmfd = (int)msg[0];
	r = op_ask(tochild[1], fromchild[0], OP_HOLD, msg);
	report(!r && msg[0] >= 0, "operator.vmm_attach", "got=%s want=ok",
	       r ? "no-answer" : msg[0] < 0 ? resname((int)msg[0]) : "ok");
	r = kvmhc_attach_operator(dev, pid, vmfd, &hv);
	report(r == -EEXIST, "operator.attach_while_vmm_attached",
	       "got=%s want=EEXIST (one attachment at a time)", resname(r));
	if (!r)
		kvmhc_detach(hv);
	op_ask(tochild[1], fromchild[0], OP_RELEASE, msg);

	r = kvmhc_attach_operator(dev, pid, vmfd, &hv);
	report(r == 0, "operator.attach", "got=%s want=ok", r ? kvmhc_strerror(r) : "ok");
	if (r)
		goto out;
	n = hc_sysfs_count_of(pid, vmfd);
	report(n == 1, "operator.folder_named_after_vmm",
	       "folders %d-%d-* got=%d want=1 (the VMM's pid and VM fd)", (int)pid, vmfd, n);
	p = kvmhc_policy_new();
	kvmhc_policy_add(p, OP_NR, OP_NR, KVM_HC_ACTION_FORWARD, 0);
	r = kvmhc_set_policy(hv, p);
	report(r == -EPERM, "operator.no_forward", "got=%s want=EPERM (the VMM asked for no exits)",
	       resname(r));
	kvmhc_policy_free(p);
	p = kvmhc_policy_new();
	kvmhc_policy_add(p, OP_NR, OP_NR, KVM_HC_ACTION_DENY, -EPERM);
	r = kvmhc_set_policy(hv, p);
	report(r == 0, "operator.deny_policy", "got=%s want=ok", resname(r));
	kvmhc_policy_free(p);
	op_call_is(tochild[1], fromchild[0], "operator.guest_denied", want,
		   "the VMM's guest, unmodified VMM");
	r = op_ask(tochild[1], fromchild[0], OP_ATTACH, msg);
	report(!r && msg[0] == -EEXIST, "operator.vmm_attach_meanwhile",
	       "got=%s want=EEXIST (one attachment at a time)", resname((int)msg[0]));
	kvmhc_detach(hv);
	op_call_is(tochild[1], fromchild[0], "operator.detached", stock, "stock KVM again");
	op_tool(tochild[1], fromchild[0], pid, vmfd);
	say("an operator attached a running VMM's VM, denied a number its guest then saw denied, could not make it forward, and let go (%d checks)",
	    npass + nfail);
out:
	if (write(tochild[1], &quit, 1) != 1)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	kvmhc_close(dev);
	return nfail ? 1 : 0;
}
