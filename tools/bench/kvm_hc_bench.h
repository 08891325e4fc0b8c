/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-hc-bench: what the arch-neutral benchmark (kvm_hc_bench.c) asks of
 * each architecture's part (bench_<arch>.c): a VM with one or two vCPUs
 * whose guest issues one hypercall in a loop, the numbers to call, and the
 * answer to a forwarded exit.
 */
#ifndef KVM_HC_BENCH_H
#define KVM_HC_BENCH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_ARGS	6
/* bench_call.want: any result will do. */
#define BENCH_ANY	0x8badf00d8badf00dULL

/**
 * struct bench_call - one hypercall as the guest's loop issues it
 * @nr:   the number (x86 rax, arm64 x0, ppc64 r3)
 * @args: its arguments
 * @want: the result the guest must see, or BENCH_ANY
 */
struct bench_call {
	uint64_t nr;
	uint64_t args[BENCH_MAX_ARGS];
	uint64_t want;
};

/* VM options. */
#define BVM_STOCK_FWD	(1u << 0)	/* stock KVM sends bench_arch.stock_forward to the VMM */
#define BVM_HALTED_PEER	(1u << 1)	/* vCPU 1 waits halted, in a thread of its own */
#define BVM_TWO_CALLERS	(1u << 2)	/* vCPU 1 calls too */

/**
 * struct bench_vcpu - a vCPU and, for a halted peer, the thread that runs it
 * @fd:      the vCPU's file descriptor
 * @run:     its kvm_run
 * @halter:  the thread of a halted peer (bench_vcpu_halt())
 * @halting: the thread runs
 */
struct bench_vcpu {
	int fd;
	struct kvm_run *run;
	pthread_t halter;
	int halting;
};

/**
 * struct bench_vm - a VM of the benchmark, the same on every architecture
 * @fd:       the VM's file descriptor
 * @mem:      its guest memory (bench_vm_memory())
 * @mem_size: the size of @mem
 * @nvcpus:   vCPUs opened in @vcpu
 * @vcpu:     vCPU 0 calls; vCPU 1, if any, calls too or waits halted
 */
struct bench_vm {
	int fd;
	uint8_t *mem;
	size_t mem_size;
	int nvcpus;
	struct bench_vcpu vcpu[2];
};

/**
 * struct bench_fast - a call kvm_hc's fast path answers in the kernel
 * @name:     short name, for the table
 * @call:     the call, as kvm_hc answers it
 * @vm_flags: BVM_* the VM needs for it (e.g. a halted vCPU to kick)
 * @stock:    what stock KVM runs to compare with; NULL: the same call
 *            (one of KVM's own that kvm_hc's fast path serves too)
 * @services: kvm_hc services the VM needs for it (a kvm_hc service of the
 *            architecture's own, such as arm64's kick)
 */
struct bench_fast {
	const char *name;
	struct bench_call call;
	unsigned int vm_flags;
	const struct bench_call *stock;
	uint32_t services;
};

/**
 * struct bench_arch - the numbers an architecture's part provides
 * @name:          architecture, as uname -m says
 * @unknown:       a number stock KVM answers in the kernel as unknown
 * @discover:      kvm_hc's discovery call (version), as kvm_hc answers it
 * @discover_stock: the same call, as stock KVM answers it
 * @sample:        samples/kvm_hc_sample.c's number, as the sample answers it
 * @sample_stock:  the same call, as stock KVM answers it
 * @deny:          a number to deny, with the answer a deny range gives
 * @deny_error:    the deny range's error
 * @forward:       a number kvm_hc sends to the VMM (answered 0)
 * @stock_forward: a call stock KVM sends to the VMM when the VM has
 *                 BVM_STOCK_FWD (answered 0)
 * @fast:          KVM's own in-kernel calls that kvm_hc's fast path serves
 * @nfast:         entries in @fast
 * @ftrace_hook:   kvm_hc's hook is an ftrace callback, or a kprobe on
 *                 ftrace (the floor case applies)
 * @floor_regs:    the floor's callback asks for a full register frame, as
 *                 kvm_hc's hook gets there (powerpc's kprobes); else
 *                 ftrace's argument registers
 */
struct bench_arch {
	const char *name;
	struct bench_call unknown;
	struct bench_call discover, discover_stock;
	struct bench_call sample, sample_stock;
	struct bench_call deny;
	int32_t deny_error;
	struct bench_call forward;
	struct bench_call stock_forward;
	const struct bench_fast *fast;
	unsigned int nfast;
	int ftrace_hook;
	int floor_regs;
};

extern const struct bench_arch bench_arch;

/* Provided by the architecture's part. */
int bench_arch_init(int kvm_fd);
struct bench_vm *bench_vm_create(int kvm_fd, unsigned int flags);
int bench_vcpu_prepare(struct bench_vm *vm, int vcpu, const struct bench_call *c,
		       unsigned int calls);
int bench_vcpu_loop(struct bench_vm *vm, int vcpu, uint64_t *last, unsigned int *exits);

/* Provided by kvm_hc_bench.c, for the architectures' parts. */
int xioctl(int fd, unsigned long req, ...);
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct bench_vm *bench_vm_open(int kvm_fd, unsigned long type);
int bench_vm_memory(struct bench_vm *vm, uint64_t gpa, size_t size, size_t code_off,
		    const void *code, size_t len);
struct bench_vcpu *bench_vcpu_open(struct bench_vm *vm, int id);
int bench_vcpu_halt(struct bench_vcpu *v);
int bench_vcpu_run(struct bench_vcpu *v);
void bench_vm_destroy(struct bench_vm *vm);

#endif /* KVM_HC_BENCH_H */
