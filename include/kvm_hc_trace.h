/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc tracepoints: one event per hypercall kvm_hc dispatched, and one
 * per attach, detach and policy change.
 *
 *   echo 1 > /sys/kernel/tracing/events/kvm_hc/enable
 *   perf record -e 'kvm_hc:*' ...
 *
 * A VM is named by its attachment id (its sysfs folder ends in it; 0 for a
 * VM that is not attached, which kvm_hc serves only with open_discovery).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_hc

#if !defined(_KVM_HC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KVM_HC_TRACE_H

#include <linux/tracepoint.h>

#include "kvm_hc.h"

#define kvm_hc_trace_arch(a)						\
	__print_symbolic(a, { KVM_HC_ARCH_X86, "x86" }, { KVM_HC_ARCH_ARM64, "arm64" }, \
			 { KVM_HC_ARCH_S390, "s390" }, { KVM_HC_ARCH_POWERPC, "powerpc" })

#define kvm_hc_trace_flags(f)						\
	__print_flags(f, "|", { KVM_HC_CALL_64BIT, "64bit" },		\
		      { KVM_HC_CALL_UNPRIV, "unpriv" },			\
		      { KVM_HC_CALL_NO_USER, "no_forward" },		\
		      { KVM_HC_CALL_ARCH(0), "arch0" },			\
		      { KVM_HC_CALL_ARCH(1), "arch1" },			\
		      { KVM_HC_CALL_ARCH(2), "arch2" },			\
		      { KVM_HC_CALL_ARCH(3), "arch3" })

TRACE_EVENT(kvm_hc_dispatch,
	    TP_PROTO(u64 vm_id, const struct kvm_hc_call *call, int action),
	    TP_ARGS(vm_id, call, action),
	    TP_STRUCT__entry(__field(u64, vm_id)
			     __field(u32, vcpu_id)
			     __field(u16, arch)
			     __field(u16, flags)
			     __field(u64, nr)
			     __field(u32, nargs)
			     __field(u32, nret)
			     __array(u64, args, KVM_HC_MAX_ARGS)
			     __array(u64, ret, KVM_HC_MAX_RETS)
			     __field(int, action)
			     __field(int, status)),
	    TP_fast_assign(__entry->vm_id = vm_id;
			   __entry->vcpu_id = call->vcpu_id;
			   __entry->arch = call->arch;
			   __entry->flags = call->flags;
			   __entry->nr = call->nr;
			   __entry->nargs = min_t(u32, call->nargs, KVM_HC_MAX_ARGS);
			   __entry->nret = action == KVM_HC_ACTION_KERNEL ?
					   min_t(u32, call->nret, KVM_HC_MAX_RETS) : 0;
			   memcpy(__entry->args, call->args, sizeof(__entry->args));
			   memcpy(__entry->ret, call->ret, sizeof(__entry->ret));
			   __entry->action = action;
			   __entry->status = call->status;),
	    TP_printk("vm=%llu vcpu=%u arch=%s nr=0x%llx args=%s flags=%s action=%s ret=%s status=%d",
		      __entry->vm_id, __entry->vcpu_id, kvm_hc_trace_arch(__entry->arch),
		      __entry->nr, __print_array(__entry->args, __entry->nargs, sizeof(u64)),
		      kvm_hc_trace_flags(__entry->flags),
		      __print_symbolic(__entry->action,
				       { KVM_HC_ACTION_KVM, "kvm" },
				       { KVM_HC_ACTION_KERNEL, "kernel" },
				       { KVM_HC_ACTION_FORWARD, "forward" },
				       { KVM_HC_ACTION_DENY, "deny" }),
		      __print_array(__entry->ret, __entry->nret, sizeof(u64)),
		      __entry->status)
);

TRACE_EVENT(kvm_hc_attach,
	    TP_PROTO(u64 vm_id, pid_t pid),
	    TP_ARGS(vm_id, pid),
	    TP_STRUCT__entry(__field(u64, vm_id)
			     __field(pid_t, pid)),
	    TP_fast_assign(__entry->vm_id = vm_id;
			   __entry->pid = pid;),
	    TP_printk("vm=%llu pid=%d", __entry->vm_id, __entry->pid)
);

TRACE_EVENT(kvm_hc_detach,
	    TP_PROTO(u64 vm_id),
	    TP_ARGS(vm_id),
	    TP_STRUCT__entry(__field(u64, vm_id)),
	    TP_fast_assign(__entry->vm_id = vm_id;),
	    TP_printk("vm=%llu", __entry->vm_id)
);

TRACE_EVENT(kvm_hc_policy,
	    TP_PROTO(u64 vm_id, u32 services, u32 nranges),
	    TP_ARGS(vm_id, services, nranges),
	    TP_STRUCT__entry(__field(u64, vm_id)
			     __field(u32, services)
			     __field(u32, nranges)),
	    TP_fast_assign(__entry->vm_id = vm_id;
			   __entry->services = services;
			   __entry->nranges = nranges;),
	    TP_printk("vm=%llu services=0x%x nranges=%u", __entry->vm_id, __entry->services,
		      __entry->nranges)
);

#endif /* _KVM_HC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kvm_hc_trace
#include <trace/define_trace.h>
