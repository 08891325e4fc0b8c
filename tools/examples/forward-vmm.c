// SPDX-License-Identifier: GPL-2.0
/*
 * forward-vmm: the smallest VMM that forwards a hypercall to itself
 * through kvm_hc, to copy from (x86_64, libkvmhc).
 *
 * The guest, in real mode, calls hypercall 0x1000 with 41 in rbx and
 * reports rax on port 0x10.  The VMM attaches its VM to kvm_hc, forwards
 * 0x1000 to itself and answers a0 + 1: the guest reports 42.  Without
 * kvm_hc the VM runs as before and the guest gets stock KVM's answer.
 *
 *   cc -O2 -o forward-vmm forward-vmm.c $(pkg-config --cflags --libs libkvmhc)
 *   ./forward-vmm          # "guest got 42 (answered by this VMM through kvm_hc)"
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvmhc.h"

#define HC_NR		0x1000
#define MEM_SIZE	0x10000
#define CODE		0x1000

static int die(const char *what)
{
	fprintf(stderr, "forward-vmm: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(void)
{
	/* mov eax, 0x1000; mov ebx, 41; vmcall|vmmcall; out 0x10, eax; hlt */
	unsigned char code[] = { 0x66, 0xb8, 0x00, 0x10, 0x00, 0x00,
				 0x66, 0xbb, 0x29, 0x00, 0x00, 0x00,
				 0x0f, 0x01, 0xc1,
				 0x66, 0xe7, 0x10, 0xf4 };
	unsigned int a, b, c, d;
	struct kvm_userspace_memory_region region = {
		.memory_size = MEM_SIZE,
	};
	struct kvmhc_policy *policy;
	struct kvmhc_vm *hcvm = NULL;
	struct kvmhc *hc = NULL;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = CODE, .rflags = 2 };
	struct kvmhc_call call;
	struct kvm_run *run;
	int kvm, vm, vcpu, err;
	uint32_t result;
	void *mem;

	/* the hypercall instruction of this CPU's vendor */
	__cpuid(0, a, b, c, d);
	if (b == 0x68747541)	/* "Auth"enticAMD */
		code[14] = 0xd9;
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		return die("KVM_CREATE_VM");
	memcpy((char *)mem + CODE, code, sizeof(code));
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	if (vcpu < 0 || run == MAP_FAILED)
		return die("KVM_CREATE_VCPU");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return die("KVM_SET_REGS");

	/* opt in: forward HC_NR to this VMM; no kvm_hc, no change */
	err = kvmhc_open(&hc);
	if (!err)
		err = kvmhc_attach(hc, vm, &hcvm);
	if (!err) {
		policy = kvmhc_policy_new();
		err = policy ? kvmhc_policy_add(policy, HC_NR, HC_NR, KVM_HC_ACTION_FORWARD, 0) :
			       -ENOMEM;
		if (!err)
			err = kvmhc_set_policy(hcvm, policy);
		kvmhc_policy_free(policy);
	}
	if (err)
		printf("forward-vmm: without kvm_hc: %s\n", kvmhc_strerror(err));

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0 && errno != EINTR)
			return die("KVM_RUN");
		if (kvmhc_exit_decode(run, &call) && call.nr == HC_NR) {
			kvmhc_exit_answer(vcpu, run, (uint64_t[]){ call.args[0] + 1 }, 1);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == 0x10) {
			memcpy(&result, (char *)run + run->io.data_offset, sizeof(result));
			printf("guest got %d (%s)\n", (int)result,
			       hcvm ? "answered by this VMM through kvm_hc" : "stock KVM's answer");
			break;
		}
		fprintf(stderr, "forward-vmm: unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	kvmhc_detach(hcvm);
	kvmhc_close(hc);
	return hcvm && result != 42;
}
