// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters, attributes, init and exit.
 */
#include "kvm_hc_core.h"

static DEFINE_MUTEX(kvm_hc_discovery_lock);

#ifdef CONFIG_FAULT_INJECTION
/*
 * Kernels built for fault injection (the test suite's debug kernel, never
 * a distribution's) get one more parameter: the init step to fail, so that
 * each error path of kvm_hc_init() runs (tests/vmm/init's loadfaults).
 */
static char *fail_step;
module_param(fail_step, charp, 0400);
MODULE_PARM_DESC(fail_step,
		 "fault injection: fail this init step (sysfs, group, notifier, arch, arm, misc)");

static int kvm_hc_fail(const char *step)
{
	if (!fail_step || strcmp(fail_step, step))
		return 0;
	pr_info("failing init step %s (fail_step)\n", step);
	return -ENOMEM;
}
#else
static inline int kvm_hc_fail(const char *step)
{
	return 0;
}
#endif

static int kvm_hc_open_discovery_set(const char *val, const struct kernel_param *kp)
{
	bool on = true;
	int ret = val ? kstrtobool(val, &on) : 0;	/* a bare "open_discovery" */

	if (ret)
		return ret;
	mutex_lock(&kvm_hc_discovery_lock);
	if (on && !open_discovery)
		ret = kvm_hc_arm_get();
	if (!ret && on != open_discovery) {
		WRITE_ONCE(open_discovery, on);
		if (!on)
			kvm_hc_arm_put();
	}
	mutex_unlock(&kvm_hc_discovery_lock);
	return ret;
}

static const struct kernel_param_ops kvm_hc_open_discovery_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = kvm_hc_open_discovery_set,
	.get = param_get_bool,
};
module_param_cb(open_discovery, &kvm_hc_open_discovery_ops, &open_discovery, 0644);
MODULE_PARM_DESC(open_discovery,
		 "Let every VM use the discovery hypercall (default: only VMs whose VMM opted in)");

/* ---- module ---- */

static ssize_t hook_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	return sysfs_emit(buf, "%s\n", kvm_hc_arch.hook_name());
}

static ssize_t stats_show(kvm_hc_module_attribute *attr, struct module_kobject *mk, char *buf)
{
	struct kvm_hc_counters c;

	kvm_hc_counters_read(&c, &kvm_hc_global, 0);
	return sysfs_emit(buf,
			  "kvm %llu\nkernel %llu\nforward %llu\ndeny %llu\ninflight %d\nvms %u\n",
			  c.kvm, c.kernel, c.forward, c.deny, atomic_read(&kvm_hc_inflight),
			  READ_ONCE(kvm_hc_nr_vms));
}

static struct module_attribute kvm_hc_attr_hook = __ATTR_RO(hook);
static struct module_attribute kvm_hc_attr_stats = __ATTR_RO(stats);

static struct attribute *kvm_hc_attrs[] = {
	&kvm_hc_attr_hook.attr,
	&kvm_hc_attr_stats.attr,
	NULL,
};

static const struct attribute_group kvm_hc_attr_group = {
	.attrs = kvm_hc_attrs,
};

/* A module going away takes the handlers it left registered with it. */
static int kvm_hc_module_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;
	unsigned int n;

	if (state != MODULE_STATE_GOING || mod == THIS_MODULE)
		return NOTIFY_DONE;
	n = kvm_hc_unregister_owner(mod);
	if (n)
		pr_warn("%s left %u hypercall handler%s registered; removed\n", mod->name, n,
			n == 1 ? "" : "s");
	return NOTIFY_DONE;
}

static struct notifier_block kvm_hc_module_nb = {
	.notifier_call = kvm_hc_module_notify,
};

/*
 * Once the hooks are removed: wait until no vCPU runs kvm_hc code any more
 * (calls in flight, a trampoline RCU-tasks may still run, SRCU callbacks),
 * so that the module's text and data can go.  Module exit and every error
 * path of init after the first hook take this one path.
 */
static void kvm_hc_quiesce(void)
{
	wait_var_event(&kvm_hc_inflight, !atomic_read(&kvm_hc_inflight));
	synchronize_srcu(&kvm_hc_srcu);
	kvm_hc_sync_tasks();
	rcu_barrier();
	srcu_barrier(&kvm_hc_srcu);
}

/* Module exit, or init failing late: disarm for open_discovery, stop arming. */
static void kvm_hc_disarm_all(void)
{
	mutex_lock(&kvm_hc_arm_lock);
	WARN_ON(kvm_hc_arm_count > (open_discovery ? 1 : 0));
	if (kvm_hc_arm_count)
		kvm_hc_hook_disarm();
	kvm_hc_arm_count = 0;
	kvm_hc_live = false;
	mutex_unlock(&kvm_hc_arm_lock);
}

static int __init kvm_hc_init(void)
{
	int ret;

	kvm_hc_text = kvm_hc_module_text_base(THIS_MODULE);
	kvm_hc_text_size = kvm_hc_module_text_size(THIS_MODULE);
	ret = kvm_hc_fail("sysfs") ?: kvm_hc_sysfs_init();
	if (ret)
		return ret;
	ret = kvm_hc_fail("group") ?: sysfs_create_group(&THIS_MODULE->mkobj.kobj,
							 &kvm_hc_attr_group);
	if (ret)
		goto put_sysfs;
	ret = kvm_hc_fail("notifier") ?: register_module_notifier(&kvm_hc_module_nb);
	if (ret)
		goto remove_group;
	ret = kvm_hc_fail("arch") ?: kvm_hc_arch.init();
	if (ret)
		goto quiesce;
	mutex_lock(&kvm_hc_arm_lock);
	kvm_hc_live = true;
	/* insmod kvm_hc open_discovery=1: the parameter was set before init. */
	ret = open_discovery ? kvm_hc_fail("arm") ?: kvm_hc_hook_arm() : 0;
	kvm_hc_arm_count = open_discovery && !ret;
	if (ret)
		kvm_hc_live = false;
	mutex_unlock(&kvm_hc_arm_lock);
	if (ret)
		goto arch_exit;
	ret = kvm_hc_fail("misc") ?: misc_register(&kvm_hc_dev);
	if (ret)
		goto disarm;
	pr_info("hooked %s, guest ABI %u.%u\n", kvm_hc_arch.hook_name(),
		KVM_HC_ABI_MAJOR, KVM_HC_ABI_MINOR);
	return 0;

disarm:
	kvm_hc_disarm_all();
arch_exit:
	kvm_hc_arch.exit();
quiesce:
	/* A hook that was in place, even for a moment, may have calls in flight. */
	kvm_hc_quiesce();
	unregister_module_notifier(&kvm_hc_module_nb);
remove_group:
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
put_sysfs:
	kvm_hc_sysfs_exit();
	return ret;
}

static void __exit kvm_hc_exit(void)
{
	struct kvm_hc_counters c;

	/* Open handles hold the module: no VM is attached any more. */
	misc_deregister(&kvm_hc_dev);
	/* No new hypercall enters kvm_hc after this... */
	kvm_hc_disarm_all();
	kvm_hc_arch.exit();
	/* ...and those that did are waited for. */
	kvm_hc_quiesce();
	unregister_module_notifier(&kvm_hc_module_nb);
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &kvm_hc_attr_group);
	kvm_hc_sysfs_exit();
	kvm_hc_counters_read(&c, &kvm_hc_global, 0);
	pr_info("unhooked; calls: kvm %llu, kernel %llu, forward %llu, deny %llu\n",
		c.kvm, c.kernel, c.forward, c.deny);
}

module_init(kvm_hc_init);
module_exit(kvm_hc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hypercall dispatcher for KVM hosts");
MODULE_VERSION(KVM_HC_VERSION);
