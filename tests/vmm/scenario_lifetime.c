// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_lifetime.c - the lifetime scenario, written once for every
 * architecture (scenario.h says what the architecture provides).
 *
 *   lifetime
 *	Who holds a VM, and when it goes:
 *	- the VMM closes its VM and vCPU fds while the handle stays open:
 *	  the handle keeps the VM (its counters and sysfs folder stay); closing
 *	  the handle then drops the last reference, and the folder goes;
 *	- a VMM is killed (SIGKILL) with a vCPU parked in a forwarded exit and
 *	  its handle open: its folder goes with it, and a new VM attaches and
 *	  gets exactly what its policy says.
 *	The kernel log is checked by /init afterwards (no BUG, no WARNING).
 */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include "scenario.h"

#define LT_NR		ARCH_NR(3)

/* Attached VMs, as /sys/kernel/kvm_hc lists them. */
static int lt_attached(void)
{
	DIR *d = opendir(HC_SYSFS);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' && strchr(e->d_name, '-') != NULL;
	closedir(d);
	return n;
}

/* Until the attached VMs are @want, for at most 5 s: the count then. */
static int lt_wait_attached(int want)
{
	uint64_t end = now_ns() + 5 * NSEC_PER_SEC;
	int n;

	while ((n = lt_attached()) != want && now_ns() < end)
		usleep(10000);
	return n;
}

static void lt_fds_closed(int base)
{
	const struct kvm_hc_range deny[] = { RANGE(LT_NR, LT_NR, DENY, -EINVAL) };
	struct hc_counts c;
	struct answer a;
	struct vm vm;
	int h, n, rc;

	if (arch_vm_create(&vm, "lifetime.fds") < 0)
		return;
	h = hc_attach_vm(vm.fd, deny, 1, "lifetime.fds");
	if (h < 0) {
		vm_destroy(&vm);
		return;
	}
	a = arch_call(&vm, LT_NR, "lifetime.fds");
	report(answer_eq(a, arch_denied(-EINVAL)), "lifetime.fds.denied", "got=0x%llx",
	       (unsigned long long)a.val);
	/* the VMM lets go of its VM; the handle alone keeps it */
	vm_destroy(&vm);
	rc = hc_get_stats(h, &c);
	report(rc == 0 && c.total.deny == 1, "lifetime.fds.handle_keeps_vm",
	       "GET_STATS after the VM and vCPU fds closed: got=%s deny=%llu want=ok deny=1",
	       resname(rc), (unsigned long long)c.total.deny);
	n = lt_attached();
	report(n == base + 1, "lifetime.fds.folder_stays", "attached VMs got=%d want=%d", n,
	       base + 1);
	/* the last reference: the VM goes with the handle */
	close(h);
	n = lt_wait_attached(base);
	report(n == base, "lifetime.fds.gone_with_handle", "attached VMs got=%d want=%d", n, base);
}

static void lt_killed(int base)
{
	const struct kvm_hc_range fwd[] = { RANGE(LT_NR, LT_NR, FORWARD, 0) };
	const struct kvm_hc_range deny[] = { RANGE(LT_NR, LT_NR, DENY, -EINVAL) };
	int p[2], status = 0, h, n;
	struct answer a;
	struct vm vm;
	pid_t pid;
	char c = 0;

	if (pipe(p) < 0) {
		report(0, "lifetime.killed.setup", "pipe errno=%d", errno);
		return;
	}
	pid = fork();
	if (pid == 0) {
		/* the VMM to kill: parked in a forwarded exit, handle open */
		close(p[0]);
		if (arch_vm_create(&vm, "lifetime.killed.child") < 0 ||
		    hc_attach_vm(vm.fd, fwd, 1, "lifetime.killed.child") < 0 ||
		    !arch_fwd_begin(&vm, LT_NR, "lifetime.killed.child"))
			_exit(1);
		c = 1;
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1 || c != 1) {
		report(0, "lifetime.killed.parked", "the child VMM did not reach its forwarded exit");
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		close(p[0]);
		return;
	}
	close(p[0]);
	n = lt_attached();
	report(n == base + 1, "lifetime.killed.parked", "attached VMs got=%d want=%d", n, base + 1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	report(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "lifetime.killed.sigkill",
	       "status 0x%x", status);
	n = lt_wait_attached(base);
	report(n == base, "lifetime.killed.gone", "attached VMs got=%d want=%d", n, base);

	/* kvm_hc goes on: a new VM attaches and gets what its policy says */
	if (arch_vm_create(&vm, "lifetime.after") < 0)
		return;
	h = hc_attach_vm(vm.fd, deny, 1, "lifetime.after");
	if (h >= 0) {
		a = arch_call(&vm, LT_NR, "lifetime.after");
		report(answer_eq(a, arch_denied(-EINVAL)), "lifetime.after.denied", "got=0x%llx",
		       (unsigned long long)a.val);
		close(h);
	}
	vm_destroy(&vm);
}

int cmd_lifetime(void)
{
	int base = lt_attached();

	if (base < 0) {
		report(0, "lifetime.sysfs", "no %s", HC_SYSFS);
		return 1;
	}
	lt_fds_closed(base);
	lt_killed(base);
	return 0;
}
