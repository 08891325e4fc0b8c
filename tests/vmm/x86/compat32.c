// SPDX-License-Identifier: GPL-2.0
/*
 * compat32.c - kvm_hc's interface from a 32-bit VMM on a 64-bit kernel
 * (the compat ioctl path), built with gcc -m32 -static and run by the x86
 * end-to-end /init.  Every pointer in the uAPI is a __u64, so a 32-bit
 * process passes the same structures; this checks that the kernel reads
 * and writes them right: capabilities, attach, a policy set and read back,
 * counters, the stats fd, and EFAULT for a pointer it cannot reach.
 * Prints PASS/FAIL lines and a summary, exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "../../../include/uapi/linux/kvm_hc.h"

static int passed, failed;

static void check(int ok, const char *name, const char *fmt, long a, long b)
{
	printf("%s compat32.%s ", ok ? "PASS" : "FAIL", name);
	printf(fmt, a, b);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

int main(void)
{
	struct kvm_hc_range r[2] = {
		{ .first = 0x6000, .last = 0x6003, .action = KVM_HC_ACTION_DENY, .error = -13 },
		{ .first = 0x7000, .last = 0x7000, .action = KVM_HC_ACTION_KVM },
	}, back[4];
	struct kvm_hc_policy p = { .size = sizeof(p), .services = 1u << KVM_HC_SVC_DISCOVER,
				   .nranges = 2, .ranges = (uintptr_t)r,
				   .range_size = sizeof(r[0]) };
	struct kvm_hc_attach a = { .size = sizeof(a) };
	struct kvm_hc_stats st = { .size = sizeof(st) };
	struct kvm_stats_header hdr;
	int kvm, vm, dev, h, sfd, rc;
	long v;

	check(sizeof(void *) == 4, "is_32bit", "pointer size %ld, want %ld", sizeof(void *), 4);
	kvm = open("/dev/kvm", O_RDWR);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	dev = open("/dev/kvm_hc", O_RDWR);
	check(vm >= 0 && dev >= 0, "open", "vm fd %ld, /dev/kvm_hc fd %ld", vm, dev);
	if (vm < 0 || dev < 0)
		return 1;

	v = ioctl(dev, KVM_HC_CHECK_EXTENSION, KVM_HC_CAP_API_VERSION);
	check(v == KVM_HC_API_VERSION, "check_extension", "got 0x%lx want 0x%lx", v,
	      KVM_HC_API_VERSION);

	a.vm_fd = vm;
	h = ioctl(dev, KVM_HC_ATTACH, &a);
	check(h >= 0, "attach", "got %ld (errno %ld)", h, h < 0 ? errno : 0);
	if (h < 0)
		return 1;

	rc = ioctl(h, KVM_HC_SET_POLICY, &p);
	check(rc == 0, "set_policy", "got %ld (errno %ld)", rc, rc < 0 ? errno : 0);

	memset(back, 0xa5, sizeof(back));
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.nranges = 4;
	p.ranges = (uintptr_t)back;
	p.range_size = sizeof(back[0]);
	rc = ioctl(h, KVM_HC_GET_POLICY, &p);
	check(rc == 0 && p.nranges == 2 && p.services == 1u << KVM_HC_SVC_DISCOVER,
	      "get_policy", "got %ld with %ld ranges, want 0 with 2", rc, p.nranges);
	check(!memcmp(back[0].first < back[1].first ? &back[0] : &back[1], &r[0], sizeof(r[0])) &&
	      !memcmp(back[0].first < back[1].first ? &back[1] : &back[0], &r[1], sizeof(r[1])),
	      "get_policy.ranges", "first ranges 0x%lx, 0x%lx as set", (long)back[0].first,
	      (long)back[1].first);

	rc = ioctl(h, KVM_HC_GET_STATS, &st);
	check(rc == 0 && st.total.kvm == 0 && st.total.deny == 0, "get_stats",
	      "got %ld, deny counter %ld", rc, (long)st.total.deny);

	sfd = ioctl(h, KVM_HC_GET_STATS_FD, 0);
	rc = sfd < 0 ? -1 : (int)pread(sfd, &hdr, sizeof(hdr), 0);
	check(rc == sizeof(hdr) && hdr.num_desc > 0, "stats_fd", "header read %ld bytes, %ld descriptors",
	      rc, rc == sizeof(hdr) ? (long)hdr.num_desc : 0);

	/* a pointer the kernel cannot reach: refused, nothing changed */
	p.ranges = 0xfffff000u;
	p.nranges = 2;
	p.size = sizeof(p);
	rc = ioctl(h, KVM_HC_SET_POLICY, &p);
	check(rc < 0 && errno == EFAULT, "efault", "got %ld errno %ld, want -1 EFAULT", rc,
	      rc < 0 ? errno : 0);
	rc = ioctl(h, KVM_HC_SET_POLICY, (void *)16);
	check(rc < 0 && errno == EFAULT, "efault.struct", "got %ld errno %ld, want -1 EFAULT", rc,
	      rc < 0 ? errno : 0);

	close(h);
	close(vm);
	printf("INFO compat32: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
