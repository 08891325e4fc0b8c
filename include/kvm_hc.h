/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc core interface: the arch-neutral call record, the dispatcher and
 * what each architecture's hook provides to it.
 *
 * An architecture's hook decodes a guest hypercall into a struct kvm_hc_call,
 * asks kvm_hc_dispatch() what to do with it, and carries the answer out in
 * the guest's registers (or in an exit to userspace).  Nothing in this file
 * depends on an architecture; the VM is an opaque struct kvm pointer.
 */
#ifndef _KVM_HC_H
#define _KVM_HC_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include "uapi/linux/kvm_hc.h"

struct kvm;
struct kvm_vcpu;
struct file;

/*
 * The calling convention a call record was decoded from is the uAPI's
 * KVM_HC_ARCH_* of the architecture (what KVM_HC_CAP_ARCH answers).
 */

/* The caller used the 64-bit form of the ABI (x86 long mode, SMC64, MSR.SF). */
#define KVM_HC_CALL_64BIT	BIT(0)
/* The caller runs below the privilege level that may make hypercalls. */
#define KVM_HC_CALL_UNPRIV	BIT(1)
/*
 * The hook has no way to send this call to the VMM (powerpc's ePAPR
 * hypercalls): a policy's KVM_HC_FORWARD leaves it to KVM, and it is
 * counted as such.
 */
#define KVM_HC_CALL_NO_USER	BIT(2)
/*
 * Set by the dispatcher with KVM_HC_DENY for an exception range (or one
 * whose rate limit's over-limit action is the exception): the hook raises
 * the architecture's undefined-instruction exception and leaves the
 * instruction and the registers as they were, instead of returning
 * @status.  Only where struct kvm_hc_arch_ops has @exceptions.
 */
#define KVM_HC_CALL_EXCEPTION	BIT(3)
/* Bits 8-15 belong to the architecture that decoded the call. */
#define KVM_HC_CALL_ARCH(n)	BIT(8 + (n))

#define KVM_HC_MAX_ARGS		8
#define KVM_HC_MAX_RETS		4

/* The highest KVM_HC_ARCH_* value. */
#define KVM_HC_ARCH_MAX		KVM_HC_ARCH_POWERPC

/* No kvm_hc service: the number lies outside kvm_hc's own block. */
#define KVM_HC_NO_SVC		(-1)

/**
 * struct kvm_hc_call - one guest hypercall, independent of the architecture
 * @arch:   KVM_HC_ARCH_* of the decoder
 * @flags:  KVM_HC_CALL_* bits
 * @svc:    service number inside kvm_hc's block, or KVM_HC_NO_SVC
 * @nr:     hypercall number as the architecture numbers it
 * @args:   arguments, already truncated to the caller's width
 * @nargs:  number of valid entries in @args
 * @ret:    results; @ret[0] is the primary result register
 * @nret:   number of valid entries in @ret, set by whoever handles the call
 * @status: 0, or a negative Linux errno or -KVM_HC_ENOHC ("no such
 *          hypercall"), which the architecture translates into its own
 *          error value in place of @ret[0]
 * @vcpu_id: the calling vCPU's id, for the tracepoint (the hook sets it)
 */
struct kvm_hc_call {
	u16 arch;
	u16 flags;
	int svc;
	u32 vcpu_id;
	u64 nr;
	u64 args[KVM_HC_MAX_ARGS];
	u32 nargs;
	u32 nret;
	u64 ret[KVM_HC_MAX_RETS];
	int status;
};

/**
 * enum kvm_hc_action - what the dispatcher decided for one call
 * @KVM_HC_KVM:   let KVM handle the call exactly as it would without kvm_hc
 * @KVM_HC_KERNEL: handled in the kernel; results are in the call record
 * @KVM_HC_FORWARD: exit to the VMM with the call record
 * @KVM_HC_DENY:    refuse the call; @status holds the error to return
 *
 * The values are the uAPI's KVM_HC_ACTION_*, so a policy range's action is
 * the dispatcher's answer.
 */
enum kvm_hc_action {
	KVM_HC_KVM = KVM_HC_ACTION_KVM,
	KVM_HC_KERNEL = KVM_HC_ACTION_KERNEL,
	KVM_HC_FORWARD = KVM_HC_ACTION_FORWARD,
	KVM_HC_DENY = KVM_HC_ACTION_DENY,
};

/**
 * typedef kvm_hc_handler_t - an in-kernel hypercall handler
 * @vcpu: the calling vCPU
 * @call: the decoded call; the handler sets @ret and @nret, or @status
 *
 * Runs in the vCPU thread, in the vCPU run loop.  It may sleep where the
 * architecture's hook allows it, kvm_hc_handlers_may_sleep() says (its
 * struct kvm_hc_arch_ops): preemptible on x86, arm64 and s390; with
 * preemption disabled on powerpc, whose hooks are kprobe handlers.
 */
typedef void (*kvm_hc_handler_t)(struct kvm_vcpu *vcpu, struct kvm_hc_call *call);

struct kvm_hc_vm;

/**
 * struct kvm_hc_ctx - a call kvm_hc serves, from kvm_hc_begin() to kvm_hc_end()
 * @vm:  the calling VM's state; NULL for a VM that is not attached
 *       (open_discovery)
 * @idx: the SRCU read-side section that keeps @vm valid
 */
struct kvm_hc_ctx {
	struct kvm_hc_vm *vm;
	int idx;
};

/**
 * enum kvm_hc_take - what kvm_hc_take() decided
 * @KVM_HC_PASS:    not a call of kvm_hc's (the VM is not attached)
 * @KVM_HC_COUNTED: counted as KVM's and left to KVM
 * @KVM_HC_COUNTED_KERNEL: counted as served in the kernel and left to KVM,
 *                  whose code is the number's in-kernel handler
 *                  (kvm_hc_register_kvm_handler())
 * @KVM_HC_TAKE:    kvm_hc serves it: kvm_hc_begin(), dispatch, kvm_hc_end()
 * @KVM_HC_RUNG:    (only where kvm_hc_arch.take_doorbells) a doorbell
 *                  range's call without ring or rate limit: its eventfd is
 *                  signalled and it is counted as served in the kernel; the
 *                  hook answers it as the dispatcher would (status 0, one
 *                  result, 0) without dispatching
 */
enum kvm_hc_take {
	KVM_HC_PASS,
	KVM_HC_COUNTED,
	KVM_HC_COUNTED_KERNEL,
	KVM_HC_TAKE,
	KVM_HC_RUNG,
};

enum kvm_hc_take kvm_hc_take(struct kvm *kvm, u16 arch, u16 flags, u64 nr, int svc);

/**
 * kvm_hc_take_action() - the action a call kvm_hc_take() decided was counted as
 * @take: KVM_HC_COUNTED, KVM_HC_COUNTED_KERNEL or KVM_HC_RUNG
 *
 * Return: KVM_HC_KERNEL or KVM_HC_KVM, for the tracepoint.
 */
static inline enum kvm_hc_action kvm_hc_take_action(enum kvm_hc_take take)
{
	return take == KVM_HC_COUNTED_KERNEL || take == KVM_HC_RUNG ? KVM_HC_KERNEL : KVM_HC_KVM;
}

void kvm_hc_begin(struct kvm_hc_ctx *ctx, struct kvm *kvm);
void kvm_hc_end(const struct kvm_hc_ctx *ctx);
enum kvm_hc_action kvm_hc_dispatch_vm(const struct kvm_hc_ctx *ctx, struct kvm_vcpu *vcpu,
				      struct kvm_hc_call *call);
enum kvm_hc_action kvm_hc_dispatch(struct kvm *kvm, struct kvm_vcpu *vcpu,
				   struct kvm_hc_call *call);
int __kvm_hc_register_handler(u64 nr, kvm_hc_handler_t fn, struct module *owner);
void kvm_hc_unregister_handler(u64 nr);
int kvm_hc_register_kvm_handler(u16 arch, u64 nr);
void kvm_hc_unregister_kvm_handler(u16 arch, u64 nr);
int kvm_hc_register_service(u16 arch, int svc, kvm_hc_handler_t fn);
void kvm_hc_unregister_service(u16 arch, int svc);

/**
 * kvm_hc_register_handler() - serve a hypercall number in the kernel
 * @nr:   the hypercall number, as the host's architecture numbers it
 * @fn:   the handler, in the calling module
 *
 * __kvm_hc_register_handler() with the calling module as the owner.
 */
#define kvm_hc_register_handler(nr, fn) \
	__kvm_hc_register_handler(nr, fn, THIS_MODULE)

/* Per-VM state (SRCU-protected; see kvm_hc_vm.c). */
struct kvm_hc_vm *kvm_hc_vm_attach(struct kvm *kvm, u32 services);
void kvm_hc_vm_detach(struct kvm_hc_vm *vm);
int kvm_hc_vm_set_policy(struct kvm_hc_vm *vm, u32 services,
			 const struct kvm_hc_range *ranges, unsigned int count);
unsigned int kvm_hc_vm_get_policy(struct kvm_hc_vm *vm, u32 *services,
				  struct kvm_hc_range *ranges, unsigned int max);

struct ftrace_ops;

/**
 * struct kvm_hc_arch_ops - everything an architecture provides to the core
 * @arch:         KVM_HC_ARCH_* of its numbering (KVM_HC_CAP_ARCH)
 * @forward_args: arguments a forwarded exit carries (KVM_HC_CAP_FORWARD_ARGS)
 * @exit_marker:  forwarded exits carry a marker that tells them from an
 *                upstream mechanism's exits of the same kind
 * @handlers_may_sleep: in-kernel handlers run where they may sleep (false:
 *                with preemption disabled, powerpc's kprobe hooks)
 * @init:         find KVM's functions and prepare the hooks, not placed;
 *                store KVM's kvm_vm_ioctl() at @vm_ioctl.  0 or a negative
 *                errno, the reason in the kernel log; on error nothing stays
 * @exit:         undo @init, the hooks removed
 * @hook_name:    the KVM function(s) hooked on this kernel, for people
 * @func_entry:   the address to call for a function a kprobe reports at
 *                @kprobe_addr (NULL: that address)
 * @vm_confidential: a VM kvm_hc cannot serve, refused at attach (NULL: none)
 * @hooks:        the ftrace hooks the core places, in this order, and
 *                removes in the reverse one, all or none
 * @nhooks:       entries at @hooks
 * @arm:          place hooks that are not ftrace's (NULL: the core places
 *                @hooks); @disarm removes them
 * @disarm:       see @arm
 * @vm_ioctl:     where @init stores KVM's kvm_vm_ioctl(), by which the core
 *                tells a VM file descriptor from others
 * @vm_data_size: bytes of the architecture's own per-VM state, zeroed at
 *                attach (kvm_hc_vm_data())
 * @vm_data_release: called with that state once no reader can see it any
 *                more, before it is freed (NULL: nothing to do)
 * @user_ranges:  the hook can take calls from guest user mode
 *                (KVM_HC_CALL_UNPRIV) for ranges with KVM_HC_RANGE_USER
 * @exceptions:   the hook carries out KVM_HC_CALL_EXCEPTION (exception
 *                ranges may be set)
 * @exceptions_get: called (under a mutex, may sleep) before the first VM's
 *                policy with an exception takes effect: what the hook needs
 *                for it only, placed now; 0 or a negative errno, which
 *                SET_POLICY returns (NULL: nothing to place)
 * @exceptions_put: called once no VM's policy has an exception any more
 * @take_doorbells: kvm_hc_take() may answer KVM_HC_RUNG (the hook answers
 *                a rung doorbell without dispatching)
 *
 * Documentation/design.rst, "Porting kvm_hc to a new architecture".
 */
struct kvm_hc_arch_ops {
	u32 arch;
	u32 forward_args;
	bool exit_marker;
	bool handlers_may_sleep;
	int (*init)(void);
	void (*exit)(void);
	const char *(*hook_name)(void);
	unsigned long (*func_entry)(unsigned long kprobe_addr);
	bool (*vm_confidential)(struct kvm *kvm);
	struct ftrace_ops *const *hooks;
	unsigned int nhooks;
	int (*arm)(void);
	void (*disarm)(void);
	unsigned long *vm_ioctl;
	size_t vm_data_size;
	void (*vm_data_release)(void *data);
	bool user_ranges;
	bool exceptions;
	int (*exceptions_get)(void);
	void (*exceptions_put)(void);
	bool take_doorbells;
};

/* The running architecture's, in its arch/<arch>/ hook. */
extern const struct kvm_hc_arch_ops kvm_hc_arch;

bool kvm_hc_handlers_may_sleep(void);

extern unsigned long kvm_hc_text, kvm_hc_text_size;

/**
 * kvm_hc_from_self() - whether a traced call comes from kvm_hc's own code
 * @parent_ip: the return address ftrace reports
 *
 * An ftrace hook's replacement calls the original function, and ftrace
 * calls the hook's callback for that call too: it must pass.  Two
 * compares against the module's text, instead of within_module()'s walk
 * over every kind of module memory, on every hypercall.
 *
 * Return: true if @parent_ip lies in kvm_hc's text.
 */
static inline bool kvm_hc_from_self(unsigned long parent_ip)
{
	return parent_ip - kvm_hc_text < kvm_hc_text_size;
}

/* Hook bookkeeping shared by every architecture (kvm_hc_dispatch.c, kvm_hc_hook.c). */
void kvm_hc_trace_taken(struct kvm *kvm, const struct kvm_hc_call *call, enum kvm_hc_take take);
bool kvm_hc_wants(struct kvm *kvm, bool own_block);
u32 kvm_hc_services(struct kvm *kvm, u16 arch);
void kvm_hc_enter(void);
void kvm_hc_leave(void);
unsigned long kvm_hc_lookup_name(const char *name);
struct module *kvm_hc_hold_owner(unsigned long addr);

int kvm_hc_data_lock(void);
void kvm_hc_data_unlock(int idx);
void *kvm_hc_vm_data(struct kvm *kvm);

#endif /* _KVM_HC_H */
