/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc tracepoints: one event per dispatched hypercall.
 *
 *   echo 1 > /sys/kernel/tracing/events/kvm_hc/kvm_hc_dispatch/enable
 *   perf record -e kvm_hc:kvm_hc_dispatch ...
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_hc

#if !defined(_KVM_HC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KVM_HC_TRACE_H

#include <linux/tracepoint.h>

#include "kvm_hc.h"

TRACE_EVENT(kvm_hc_dispatch,
	    TP_PROTO(const struct kvm_hc_call *call, int action),
	    TP_ARGS(call, action),
	    TP_STRUCT__entry(__field(u16, arch)
			     __field(u16, flags)
			     __field(u64, nr)
			     __field(u64, a0)
			     __field(u64, a1)
			     __field(int, action)
			     __field(int, status)),
	    TP_fast_assign(__entry->arch = call->arch;
			   __entry->flags = call->flags;
			   __entry->nr = call->nr;
			   __entry->a0 = call->args[0];
			   __entry->a1 = call->args[1];
			   __entry->action = action;
			   __entry->status = call->status;),
	    TP_printk("arch=%u nr=0x%llx a0=0x%llx a1=0x%llx flags=0x%x action=%s status=%d",
		      __entry->arch, __entry->nr, __entry->a0, __entry->a1, __entry->flags,
		      __print_symbolic(__entry->action,
				       { KVM_HC_ACTION_KVM, "kvm" },
				       { KVM_HC_ACTION_KERNEL, "kernel" },
				       { KVM_HC_ACTION_USER, "user" },
				       { KVM_HC_ACTION_DENY, "deny" }),
		      __entry->status)
);

#endif /* _KVM_HC_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE kvm_hc_trace
#include <trace/define_trace.h>
