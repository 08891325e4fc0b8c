/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - the test VMM's library, in the shape of KVM's selftests: the
 * scenarios written once (scenario_*.c, each its own object) and what they
 * need from an architecture.  The architecture's part lives in its folder
 * (x86/, arm64/, ppc64/): its vm.h, found through -I, defines struct vm
 * and the macros below and declares its own helpers; its .c files define
 * the functions below.  tests/vmm/Makefile links one program per
 * architecture from the shared objects and the architecture's.
 *
 *   ARCH_NR(i)        a number that no hypervisor serves, i-th of a block of
 *                     0x1000 in the architecture's numbering
 *   ARCH_DISCOVER_NR  kvm_hc's discovery number
 *   ARCH_RESULT       the register a call's answer is read from, as check
 *                     names spell it ("rax", "x0", "r3")
 *   ARCH_STOCK        what a number nobody serves gets from stock KVM (and
 *                     this VMM, where KVM passes it on), a struct answer
 *   ARCH_ENOHC, ARCH_EINVAL
 *                     what deny ranges with -KVM_HC_ENOHC and -EINVAL give
 *                     the guest (ARCH_EOPNOTSUPP, where defined, -EOPNOTSUPP);
 *                     other errors reach it unchanged
 *   ARCH_HAS_USER_CALLS  defined where the guest can make the call from user
 *                     mode: arch_call_user() is arch_call() from there, and
 *                     ARCH_USER_STOCK stock KVM's refusal of it
 *   ARCH_HAS_EXCEPTIONS  defined where the hook raises exceptions
 *                     (KVM_HC_CAP_EXCEPTIONS): arch_call_exception()
 *   ARCH_HAS_KICK     defined where kvm_hc serves a kick (the kick scenario,
 *                     halter.c)
 *   ARCH_HC_ARCH, ARCH_SERVICES, ARCH_FORWARD_ARGS, ARCH_EXIT_MARKER
 *                     what KVM_HC_CHECK_EXTENSION answers for
 *                     KVM_HC_CAP_ARCH, _SERVICES, _FORWARD_ARGS and
 *                     _EXIT_MARKER on this architecture
 *   CALL_TIMEOUT_S    how long one call may take
 *
 *   int arch_vm_create(struct vm *vm, const char *tag)
 *                     a VM with one vCPU, ready for arch_call(); 0 or -1
 *   void vm_destroy(struct vm *vm)
 *   struct answer arch_call(struct vm *vm, uint64_t nr, const char *what)
 *                     the guest calls @nr from its kernel, the arguments 0
 *                     or a pattern; what it got back and how many exits
 *                     reached the VMM on the way
 *   struct answer arch_call_args(struct vm *vm, uint64_t nr,
 *                                const uint64_t a[3], const char *what)
 *                     the same with the first three arguments @a (the
 *                     rest 0 or the pattern)
 *   struct answer arch_discover(struct vm *vm, const char *what)
 *                     kvm_hc's discovery call for the ABI version: val is
 *                     the version where kvm_hc answers it
 *   int arch_fwd_begin(struct vm *vm, uint64_t nr, const char *name)
 *                     the guest calls @nr with a pattern of arguments and
 *                     the vCPU runs until the call reaches the VMM: 1 if it
 *                     waits there, in the exit of @nr with those arguments
 *   int arch_fwd_end(struct vm *vm, const char *name)
 *                     the VMM answers that exit and the guest finishes the
 *                     call: checks "<name>.<register>" of the answer and
 *                     "<name>.registers_preserved"; 1 if the call finished
 *   struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open,
 *                                   const char *name)
 *                     kvm_hc's discovery call with selector @sel (a0) and a
 *                     pattern in the other argument registers; checks
 *                     "<name>.registers": the registers besides the answer
 *                     are as the ABI says where kvm_hc answered (open), as
 *                     stock KVM leaves them otherwise.  val is the answer
 *                     (the value where kvm_hc answered, else the error)
 *   void arch_discover_more(struct vm *vm, int open)
 *                     the architecture's own discovery cases
 *   ARCH_DISC_EINVAL  kvm_hc's answer to a discovery selector out of range
 *   int kvm_open(void)
 *                     open /dev/kvm (kvm_fd) and learn what the VMM needs
 *   int cmd_matrix(int open), int cmd_policy(void)
 *                     the architecture's subcommands (open: whether
 *                     open_discovery=1 is in force); cmd_kick(void) where
 *                     it has ARCH_HAS_KICK
 *
 * For the scenarios that keep a vCPU calling one number in a loop
 * (scenario_loop.c): ARCH_KVM_NR, a number stock KVM answers in the kernel
 * without an exit whatever the loop's arguments, ARCH_KVM_ANSWER its answer,
 * ARCH_REPORT_NR if the guest reports the end of each call (arch_call(),
 * and each answer of the loop) with a call of that number (which kvm_hc
 * then counts as KVM's), and
 *   int arch_loop_start(struct loop *l)
 *                     make l->vm's vCPU call l->nr with l->args over and
 *                     over, reporting each answer; 0 or -1 (errno set)
 *   enum loop_exit arch_loop_exit(struct loop *l, uint64_t *val)
 *                     what the exit KVM_RUN just returned with is: the
 *                     call forwarded (LOOP_FORWARD, or LOOP_FORWARD_BAD if
 *                     its number or arguments are not the loop's), one
 *                     answer reported (LOOP_RESULT, in *val), an interrupt
 *                     (LOOP_INTR), or anything else (LOOP_OTHER)
 *   int arch_loop_answer(struct loop *l, uint64_t ret)
 *                     the VMM's answer to the forwarded call; 0 or -1
 *
 * For load and sample (scenario_load.c): ARCH_SAMPLE_NR, the number of
 * samples/kvm_hc_sample.c, and
 *   int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg)
 *                     make the guest call @nr with a0 = @arg over and over
 *                     (with a stock call in between where it has one)
 *   enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want,
 *                                 uint64_t *val)
 *                     the next answer: kvm_hc's (@want), stock KVM's, or
 *                     invalid; the call in between; or nothing yet
 *
 * For the fuzz scenario (scenario_fuzz.c):
 *   struct answer arch_fuzz_call(struct vm *vm, uint64_t nr, uint64_t rnd,
 *                                struct answer want, struct answer *expect,
 *                                const char **mode)
 *                     the guest calls @nr from a mode (privilege level,
 *                     instruction set, conduit) and with arguments that
 *                     @rnd picks; @want is what arch_call() would get under
 *                     the policy in force, *expect what this call must get,
 *                     *mode names the mode
 * For the storm scenario (scenario_storm.c), where ARCH_HAS_STORM:
 *   int arch_vcpu_add(struct vm *vm, int id, struct vm *v, const char *tag)
 *                     vCPU @id of @vm's VM as a struct vm of its own (the
 *                     VM's fd and memory shared; its own vCPU, and its own
 *                     stack and answer slot for the loop), for the loop and
 *                     arch_fwd_begin(); every vCPU added before any of the
 *                     VM's runs; 0, or -1 with "<tag>.vcpu<id>-setup"
 *                     failed (scenario_loop.c's vcpu_destroy()
 *                     frees it, before vm_destroy())
 *   void arch_kick_args(int target, uint64_t args[4])
 *                     the loop's arguments for a kick of vCPU @target
 *   ARCH_KICK_NR      the kick's number; ARCH_KICK_SERVICES the services
 *                     and ARCH_KICK_RANGE (1: a KERNEL range over it) with
 *                     which kvm_hc serves it; ARCH_KICK_SERVED and
 *                     ARCH_KICK_UNSERVED the answers with and without
 * For the kick (halter.c), where there is one:
 *   enum halter_exit arch_halter_exit(const struct halter *hl)
 *                     what the exit of the waiting vCPU's KVM_RUN was
 */
#ifndef KVM_HC_SCENARIO_H
#define KVM_HC_SCENARIO_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_hc_util.h"
#include "kvm_hc_report.h"
#include "kvm_hc_uapi_lib.h"
#include "kvmhc.h"
#include "vm.h"

/* What a call showed: the guest's answer and the exits it caused. */
struct answer {
	uint64_t val;
	int exits;
};

/*
 * What arch_fuzz_call() answers for a call that raised the architecture's
 * exception with the state it defines (an exception range's call): no
 * answer a call can give (exits -2).
 */
#define ANSWER_EXCEPTION	((struct answer){ 0xe8ce9710e8ce9710ULL, -2 })

static inline int answer_eq(struct answer a, struct answer b)
{
	return a.val == b.val && a.exits == b.exits;
}

/* A vCPU calling one number in a loop (scenario_loop.c). */
struct loop {
	struct vm *vm;
	uint64_t nr, args[4];
	unsigned long max;		/* stop after this many results */
	unsigned int limit_s;		/* ... or after this long */
	volatile int *stop;		/* ... or once this is set */
	/* what the VMM answers forwarded calls with: base + exit index */
	uint64_t ret_base;
	int ret_seq;
	/* judge one result; nexits_since: forwarded exits since the last one */
	void (*on_result)(struct loop *l, uint64_t val, unsigned long nexits_since);
	void *priv;
	/* results */
	unsigned long nresults, nexits, bad_exits;
	uint64_t last_ret;		/* last answer given to a forwarded exit */
	uint64_t max_gap_ns, ns;
	int timed_out, error;
};

enum loop_exit { LOOP_FORWARD, LOOP_FORWARD_BAD, LOOP_RESULT, LOOP_INTR, LOOP_OTHER };

/* What the load loop's next step brought. */
enum load_kind {
	LK_HC,		/* kvm_hc's answer (want) */
	LK_STOCK,	/* stock KVM's answer */
	LK_INVALID,	/* an answer that is neither */
	LK_OTHER,	/* the answer of a call in between, as stock (x86, arm64) */
	LK_OTHER_BAD,	/* ... not as stock */
	LK_NONE,	/* nothing yet (a signal, an interrupt) */
	LK_ERROR,	/* the guest cannot go on (printed) */
};

/*
 * KVM_RUN @vm's vCPU until an exit other than an interrupt, for at most one
 * call's time (CALL_TIMEOUT_S): 0, or -1 with an INFO line naming @what.
 */
static inline int vm_run_to_exit(struct vm *vm, const char *what)
{
	if (run_to_exit(vm->vcpu, vm->run, CALL_TIMEOUT_S) == 0)
		return 0;
	printf("INFO %s: KVM_RUN errno=%d (%s)\n", what, errno, strerror(errno));
	return -1;
}

/*
 * One KVM_RUN of @vm: 1 with an exit to look at, 0 for none yet (a signal,
 * an interrupt), -1 on an error, with an INFO line naming @what.
 */
static inline int vm_run_once(struct vm *vm, const char *what)
{
	if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		printf("INFO %s: KVM_RUN errno=%d (%s)\n", what, errno, strerror(errno));
		return -1;
	}
	return vm->run->exit_reason != KVM_EXIT_INTR;
}

static inline struct answer arch_stock(void)
{
	return ARCH_STOCK;
}

static inline struct answer arch_denied(int error)
{
	uint64_t v = error == -KVM_HC_ENOHC ? ARCH_ENOHC :
		     error == -EINVAL ? ARCH_EINVAL : (uint64_t)(int64_t)error;

#ifdef ARCH_EOPNOTSUPP
	if (error == -EOPNOTSUPP)
		v = ARCH_EOPNOTSUPP;
#endif
	return (struct answer){ v, 0 };
}

/* What the architecture provides (see above). */
extern int kvm_fd;
int kvm_open(void);
int arch_vm_create(struct vm *vm, const char *tag);
void vm_destroy(struct vm *vm);
struct answer arch_call(struct vm *vm, uint64_t nr, const char *what);
struct answer arch_call_args(struct vm *vm, uint64_t nr, const uint64_t a[3], const char *what);
struct answer arch_discover(struct vm *vm, const char *what);
struct answer arch_discover_sel(struct vm *vm, uint64_t sel, int open, const char *name);
void arch_discover_more(struct vm *vm, int open);
int arch_fwd_begin(struct vm *vm, uint64_t nr, const char *name);
int arch_fwd_end(struct vm *vm, const char *name);
int arch_loop_start(struct loop *l);
enum loop_exit arch_loop_exit(struct loop *l, uint64_t *val);
int arch_loop_answer(struct loop *l, uint64_t ret);
int arch_load_start(struct vm *vm, uint64_t nr, uint64_t arg);
enum load_kind arch_load_next(struct vm *vm, uint64_t nr, uint64_t want, uint64_t *val);

#ifdef ARCH_HAS_EXCEPTIONS
/*
 * The guest calls @nr from its kernel, with a pattern in the argument
 * registers, and its handler for the architecture's undefined-instruction
 * exception reports: checks "<name>.raised" (the handler ran, for that
 * exception) and the architecture's checks of the state it defines (the
 * return address at the instruction, the registers as they were).  An
 * architecture with more than one conduit may call once through each
 * ("<name>.<conduit>.*").  The number of calls that raised it (0 if none),
 * or -1 if the guest could not run.
 */
int arch_call_exception(struct vm *vm, uint64_t nr, const char *name);
#endif

/* scenario_loop.c */
void loop_run(struct loop *l);
void loop_want(struct hc_counts *want, const struct loop *l, struct kvm_hc_counters c);
void *loop_thread(void *arg);

/* scenario_policy.c: the halves of the policy scenario that need no architecture */
int trace_begin(const char *key);
void trace_end(const char *key, int fd, uint64_t nr);
void count_call(struct hc_counts *want, uint64_t nr, enum cat cat);
void policy_many_numbers(int dev);

/* The subcommands: the architecture's, then the scenarios written once. */
int cmd_matrix(int open);
int cmd_policy(void);
int cmd_kick(void);
#ifdef ARCH_HAS_STORM
int arch_vcpu_add(struct vm *vm, int id, struct vm *v, const char *tag);
void vcpu_destroy(struct vm *v);
void arch_kick_args(int target, uint64_t args[4]);
int cmd_storm(void);
#endif
int cmd_doorbell(void);
int cmd_limit(void);
int cmd_user(void);
int cmd_exception(void);
#ifdef ARCH_HAS_USER_CALLS
struct answer arch_call_user(struct vm *vm, uint64_t nr, const char *what);
#endif
int cmd_discover(int open);
int cmd_policy_live(void);
int cmd_two_vms(void);
int cmd_badinput(void);
int cmd_forward_unload(void);
int cmd_fuzz(void);
int cmd_faults(void);
struct answer arch_fuzz_call(struct vm *vm, uint64_t nr, uint64_t rnd, struct answer want,
			     struct answer *expect, const char **mode);
int cmd_lifetime(void);
int cmd_uapi(void);
int cmd_lib(void);
int cmd_operator(void);
int cmd_load(int seconds, int expect_both, int vcpus);
int cmd_sample(int expect, int seconds);

#ifdef ARCH_HAS_KICK
/* halter.c: vCPU 1 (or another id) waits in a thread of its own, reports when woken. */
struct halter {
	int id;
	int fd;
	struct kvm_run *run;
	int run_size;
	pthread_t thr;
	int started;
	volatile int halts, wakes, go, stop, done, err;
	volatile double t_wake;
};

enum halter_exit { HALTER_WAITING, HALTER_WOKE, HALTER_INTR, HALTER_OTHER };

enum halter_exit arch_halter_exit(const struct halter *hl);
void install_sigusr1(void);
void sleep_s(double s);
int halter_start(struct halter *hl, const char *tag);
int halter_destroy(struct halter *hl);
int halter_wait_halted(struct halter *hl, int n);
int halter_wait_woken(struct halter *hl, int n, double s);
void halter_release(struct halter *hl);
#endif

#endif /* KVM_HC_SCENARIO_H */
