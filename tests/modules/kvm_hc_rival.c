// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_rival: a test module that redirects a function with ftrace's
 * IPMODIFY flag, as a livepatch of KVM's hypercall function would (its
 * callback changes nothing).  While it is loaded, arming kvm_hc's hook on
 * the same function must fail with EBUSY and leave everything working;
 * once it is gone, arming works (Documentation/design.rst, "The hot path").
 *
 *   insmod kvm_hc_rival.ko func=$(cat /sys/module/kvm_hc/hook)
 *   echo 1 > /sys/module/kvm_hc/parameters/open_discovery   # EBUSY
 *   rmmod kvm_hc_rival
 *
 * kvm-hc-bench loads it with save_regs=0 on a host where kvm_hc is loaded
 * but not armed, for the cost of the hook mechanism alone: the same
 * ftrace trampoline as kvm_hc's, and a callback that does nothing.
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>

static char *func;
module_param(func, charp, 0444);
MODULE_PARM_DESC(func, "The function to claim");

static bool save_regs = true;
module_param(save_regs, bool, 0444);
MODULE_PARM_DESC(save_regs,
		 "Ask for a full register frame (0: ftrace's argument registers only, as kvm_hc does where the kernel allows it)");

static void notrace kvm_hc_rival_callback(unsigned long ip, unsigned long parent_ip,
					  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops kvm_hc_rival_ops = {
	.func = kvm_hc_rival_callback,
	.flags = FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED | FTRACE_OPS_FL_IPMODIFY,
};

static int __init kvm_hc_rival_init(void)
{
	int ret;

	if (!func || !*func)
		return -EINVAL;
	if (!save_regs)
		kvm_hc_rival_ops.flags &= ~FTRACE_OPS_FL_SAVE_REGS_IF_SUPPORTED;
	ret = ftrace_set_filter(&kvm_hc_rival_ops, func, strlen(func), 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&kvm_hc_rival_ops);
	if (ret)
		ftrace_free_filter(&kvm_hc_rival_ops);
	return ret;
}

static void __exit kvm_hc_rival_exit(void)
{
	unregister_ftrace_function(&kvm_hc_rival_ops);
	/* the filter's hash goes with the ops (kmemleak) */
	ftrace_free_filter(&kvm_hc_rival_ops);
}

module_init(kvm_hc_rival_init);
module_exit(kvm_hc_rival_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test module: claims a function with ftrace's IPMODIFY, as a livepatch does");
