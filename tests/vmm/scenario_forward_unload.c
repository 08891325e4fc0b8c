// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_forward_unload.c - the forward-unload scenario, written once for
 * every architecture (scenario.h says what the architecture provides).
 *
 *   forward-unload
 *	kvm_hc is removed while a vCPU waits in a call it forwarded to the
 *	VMM.  While the VMM holds its handle the module cannot go; once the
 *	handle is closed it unloads, the VMM answers, KVM's own completion
 *	hands the answer to the guest, and the number is stock KVM's again.
 *	This scenario unloads kvm_hc: /init inserts it again afterwards.
 */
#include "scenario.h"

#define FU_NR		ARCH_NR(2)

static int module_loaded(void)
{
	struct stat st;

	return stat(HC_MODULE, &st) == 0;
}

static long delete_kvm_hc(void)
{
	return syscall(SYS_delete_module, "kvm_hc", O_NONBLOCK) < 0 ? -errno : 0;
}

/* Unload kvm_hc with a vCPU parked in a forwarded exit; @h holds it. */
static long fu_unload(int h)
{
	uint64_t end;
	long rc, rc_open, rc2;

	/* the open handle holds the module */
	rc_open = delete_kvm_hc();
	report(rc_open == -EWOULDBLOCK || rc_open == -EBUSY, "forward-unload.rmmod_with_handle_open",
	       "got=%s want=EWOULDBLOCK|EBUSY", resname((int)rc_open));
	report(module_loaded(), "forward-unload.still_loaded", "got=%s want=loaded",
	       module_loaded() ? "loaded" : "gone");

	/* closed: kvm_hc goes, with the vCPU still in the forwarded exit */
	close(h);
	rc = delete_kvm_hc();
	report(rc == 0, "forward-unload.rmmod_after_close", "got=%s want=ok", resname((int)rc));
	for (rc2 = rc, end = now_ns() + 3 * NSEC_PER_SEC; rc2 && now_ns() < end && module_loaded();) {
		usleep(100000);
		rc2 = delete_kvm_hc();
	}
	if (rc && !rc2)
		printf("INFO forward-unload: delete_module succeeded only on a later try\n");
	report(!module_loaded(), "forward-unload.unloaded", "got=%s want=gone",
	       module_loaded() ? "loaded" : "gone");
	return rc_open;
}

int cmd_forward_unload(void)
{
	const struct kvm_hc_range r[] = { RANGE(FU_NR, FU_NR, FORWARD, 0) };
	struct answer after, stock = arch_stock();
	int dev, h, got_exit, done;
	struct vm vm;
	long rc_open;

	watchdog_start("forward-unload", 30);
	dev = hc_open("forward-unload.open");
	if (dev < 0)
		return 1;
	if (arch_vm_create(&vm, "forward-unload") < 0)
		return 1;
	h = hc_attach(dev, vm.fd, "forward-unload");
	close(dev);		/* only the handle holds kvm_hc from here on */
	if (h < 0 || hc_policy(h, 0, r, 1, "forward-unload") < 0)
		return 1;

	/* run the guest into the forwarded exit, and leave it there */
	got_exit = arch_fwd_begin(&vm, FU_NR, "forward-unload");
	report(got_exit, "forward-unload.exit", "got=%s want=forwarded(nr=0x%llx)",
	       got_exit ? "forwarded" : "none", (unsigned long long)FU_NR);
	if (!got_exit)
		return 1;

	rc_open = fu_unload(h);

	/* the VMM answers; KVM completes the call without kvm_hc */
	done = arch_fwd_end(&vm, "forward-unload");
	report(done, "forward-unload.guest_continued", "got=%s want=reported-after-the-call",
	       done ? "reported-after-the-call" : "no");

	/* and without kvm_hc the number is KVM's again */
	after = arch_call(&vm, FU_NR, "forward-unload.after");
	check("forward-unload.after", after.val, stock.val);
	report(after.exits == stock.exits, "forward-unload.after.exits", "got=%d want=%d",
	       after.exits, stock.exits);
	say("kvm_hc could not be unloaded while the VMM held its handle (%s); once the VMM closed it, kvm_hc unloaded with a vCPU parked in a forwarded exit, and the VMM's answer still reached the guest",
	    resname((int)rc_open));
	vm_destroy(&vm);
	return nfail ? 1 : 0;
}
