// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvm_hc: attach a VM, and the per-VM handle's ioctls.
 */
#include <linux/capability.h>
#include <linux/eventfd.h>

#include "kvm_hc_core.h"

static long kvm_hc_set_policy_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_range *ranges = NULL;
	struct kvm_hc_policy p;
	unsigned int i;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&p, sizeof(p), KVM_HC_POLICY_SIZE_VER0, argp, &usize);
	if (!ret)
		ret = kvm_hc_policy_check(&p);
	if (!ret && p.nranges > KVM_HC_MAX_RANGES)
		ret = -E2BIG;
	if (ret)
		return ret;
	if (p.nranges) {
		ranges = kvm_hc_ranges_in(p.ranges, p.nranges, p.range_size);
		if (IS_ERR(ranges))
			return PTR_ERR(ranges);
	}
	/*
	 * Guest user mode reaches the hook, and the hook raises exceptions,
	 * only where the architecture says.
	 */
	for (i = 0; i < p.nranges; i++)
		if ((!kvm_hc_arch.user_ranges && (ranges[i].flags & KVM_HC_RANGE_USER)) ||
		    (!kvm_hc_arch.exceptions && kvm_hc_range_raises(&ranges[i]))) {
			kfree(ranges);
			return -EOPNOTSUPP;
		}
	/* A VMM that never asked for kvm_hc gets no exits it cannot handle. */
	for (i = 0; h->operator && i < p.nranges; i++)
		if (ranges[i].action == KVM_HC_ACTION_FORWARD) {
			kfree(ranges);
			return -EPERM;
		}
	ret = kvm_hc_vm_set_policy(h->vm, p.services, ranges, p.nranges);
	kfree(ranges);
	return ret;
}

static long kvm_hc_get_policy_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_range *ranges;
	struct kvm_hc_policy p;
	unsigned int n;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&p, sizeof(p), KVM_HC_POLICY_SIZE_VER0, argp, &usize);
	if (!ret)
		ret = kvm_hc_policy_check(&p);
	if (ret)
		return ret;
	ranges = kcalloc(KVM_HC_MAX_RANGES, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	n = kvm_hc_vm_get_policy(h->vm, &p.services, ranges, KVM_HC_MAX_RANGES);
	if (n > p.nranges)
		ret = -E2BIG;
	else
		ret = kvm_hc_entries_out(p.ranges, ranges, n, sizeof(*ranges), p.range_size);
	p.nranges = n;
	if (kvm_hc_copy_out(argp, &p, sizeof(p), usize))
		ret = -EFAULT;
	kfree(ranges);
	return ret;
}

static long kvm_hc_get_stats_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_nr_stats *nrs;
	struct kvm_hc_stats s;
	unsigned int n;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&s, sizeof(s), KVM_HC_STATS_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	if (s.flags || (s.nrs && s.nr_size < KVM_HC_NR_STATS_SIZE_VER0))
		return -EINVAL;
	if (s.nrs && s.nr_size > PAGE_SIZE)
		return -E2BIG;
	nrs = kcalloc(KVM_HC_NR_SLOTS, sizeof(*nrs), GFP_KERNEL);
	if (!nrs)
		return -ENOMEM;
	n = kvm_hc_vm_stats(h->vm, &s.total, nrs, KVM_HC_NR_SLOTS);
	s.uncounted = kvm_hc_vm_uncounted(h->vm);
	s.limited = kvm_hc_vm_limited(h->vm);
	if (s.nrs && n > s.nnrs)
		ret = -E2BIG;
	else if (s.nrs)
		ret = kvm_hc_entries_out(s.nrs, nrs, n, sizeof(*nrs), s.nr_size);
	s.nnrs = n;
	if (kvm_hc_copy_out(argp, &s, sizeof(s), usize))
		ret = -EFAULT;
	kfree(nrs);
	return ret;
}

static long kvm_hc_set_doorbell_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct eventfd_ctx *ctx = NULL;
	struct kvm_hc_doorbell d;
	u32 usize;
	long ret;

	ret = kvm_hc_copy_in(&d, sizeof(d), KVM_HC_DOORBELL_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	if (d.flags || d.id >= KVM_HC_MAX_DOORBELLS || d.fd < -1)
		return -EINVAL;
	if (d.fd >= 0) {
		ctx = eventfd_ctx_fdget(d.fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	ret = kvm_hc_vm_set_doorbell(h->vm, d.id, ctx);
	if (ret && ctx)
		eventfd_ctx_put(ctx);
	return ret;
}

static long kvm_hc_create_ring_ioctl(struct kvm_hc_handle *h, void __user *argp)
{
	struct kvm_hc_ring_setup setup;
	struct file *file;
	u32 usize;
	int fd, ret;

	ret = kvm_hc_copy_in(&setup, sizeof(setup), KVM_HC_RING_SETUP_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	file = kvm_hc_ring_file(&setup);
	if (IS_ERR(file))
		return PTR_ERR(file);
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	ret = fd;
	if (fd >= 0)
		ret = kvm_hc_copy_out(argp, &setup, sizeof(setup), usize);
	if (!ret)
		ret = kvm_hc_vm_install_ring(h->vm, file);
	if (ret) {
		if (fd >= 0)
			put_unused_fd(fd);
		fput(file);
		return ret;
	}
	fd_install(fd, file);
	return fd;
}

static long kvm_hc_handle_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_hc_handle *h = file->private_data;

	switch (cmd) {
	case KVM_HC_CHECK_EXTENSION:
		return kvm_hc_check_extension(&kvm_hc_arch, arg);
	case KVM_HC_SET_POLICY:
		return kvm_hc_set_policy_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_POLICY:
		return kvm_hc_get_policy_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_STATS:
		return kvm_hc_get_stats_ioctl(h, (void __user *)arg);
	case KVM_HC_GET_STATS_FD:
		return kvm_hc_get_stats_fd_ioctl(h);
	case KVM_HC_SET_DOORBELL:
		return kvm_hc_set_doorbell_ioctl(h, (void __user *)arg);
	case KVM_HC_CREATE_RING:
		return kvm_hc_create_ring_ioctl(h, (void __user *)arg);
	}
	return -ENOTTY;
}

static int kvm_hc_handle_release(struct inode *inode, struct file *file)
{
	struct kvm_hc_handle *h = file->private_data;

	if (h->in_sysfs)
		kobject_del(&h->kobj);
	kvm_hc_vm_detach(h->vm);
	kvm_hc_put_vm(h->kvm);
	kobject_put(&h->kobj);
	return 0;
}

static const struct file_operations kvm_hc_handle_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_hc_handle_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = kvm_hc_handle_release,
	.llseek = noop_llseek,
};

static long kvm_hc_attach_ioctl(void __user *argp)
{
	struct kvm_hc_attach a;
	struct kvm_hc_handle *h;
	struct file *vm_file;
	struct kvm *kvm;
	u32 usize;
	int fd, ret;

	ret = kvm_hc_copy_in(&a, sizeof(a), KVM_HC_ATTACH_SIZE_VER0, argp, &usize);
	if (ret)
		return ret;
	if ((a.flags & ~KVM_HC_ATTACH_OPERATOR) || a.reserved)
		return -EINVAL;
	/* the VMM's name for its VM, which only an operator has to give */
	if (a.vmm_pid < 0 || a.vmm_fd < 0 || (!a.vmm_pid && a.vmm_fd) ||
	    (a.vmm_pid && !(a.flags & KVM_HC_ATTACH_OPERATOR)))
		return -EINVAL;
	if (!a.vmm_pid) {
		a.vmm_pid = task_tgid_nr(current);
		a.vmm_fd = a.vm_fd;
	}
	/*
	 * An operator changes what another process's guest gets: root's
	 * business.  pidfd_getfd(), which gave it the VM's descriptor,
	 * needed ptrace rights over the VMM as well.
	 */
	if ((a.flags & KVM_HC_ATTACH_OPERATOR) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	vm_file = fget(a.vm_fd);
	if (!vm_file)
		return -EBADF;
	kvm = kvm_hc_get_vm(vm_file, a.flags & KVM_HC_ATTACH_OPERATOR);
	fput(vm_file);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);

	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (!h) {
		kvm_hc_put_vm(kvm);
		return -ENOMEM;
	}
	kobject_init(&h->kobj, &kvm_hc_handle_ktype);
	h->kvm = kvm;
	h->operator = a.flags & KVM_HC_ATTACH_OPERATOR;
	h->vm = kvm_hc_vm_attach(kvm, 0);
	if (IS_ERR(h->vm)) {
		ret = PTR_ERR(h->vm);
		goto put;
	}
	/* A failure (no memory) costs only the folder. */
	h->in_sysfs = !kobject_add(&h->kobj, kvm_hc_sysfs, "%d-%d-%llu",
				   a.vmm_pid, a.vmm_fd, h->vm->id);
	if (!h->in_sysfs)
		pr_warn_ratelimited("no sysfs folder for VM %d-%d-%llu\n",
				    a.vmm_pid, a.vmm_fd, h->vm->id);

	fd = anon_inode_getfd("kvm_hc-vm", &kvm_hc_handle_fops, h, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	ret = fd;
	if (h->in_sysfs)
		kobject_del(&h->kobj);
	kvm_hc_vm_detach(h->vm);
put:
	kvm_hc_put_vm(kvm);
	kobject_put(&h->kobj);
	return ret;
}

static long kvm_hc_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KVM_HC_CHECK_EXTENSION:
		return kvm_hc_check_extension(&kvm_hc_arch, arg);
	case KVM_HC_ATTACH:
		return kvm_hc_attach_ioctl((void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations kvm_hc_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_hc_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

struct miscdevice kvm_hc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kvm_hc",
	.fops = &kvm_hc_dev_fops,
};
