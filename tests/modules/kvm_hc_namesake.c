// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_namesake: a test module that owns a misc device named "kvm_hc",
 * so that kvm_hc's own misc_register() fails after its hooks went live.
 * The end-to-end tests load kvm_hc with open_discovery=1 while a guest
 * calls it in a loop: every load must fail cleanly, with no call lost and
 * nothing in the kernel log (Documentation/design.rst, the quiesce path).
 *
 *   insmod kvm_hc_namesake.ko
 *   insmod kvm_hc.ko open_discovery=1     # fails: File exists
 *   rmmod kvm_hc_namesake
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const struct file_operations kvm_hc_namesake_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice kvm_hc_namesake_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kvm_hc",
	.fops = &kvm_hc_namesake_fops,
};

static int __init kvm_hc_namesake_init(void)
{
	return misc_register(&kvm_hc_namesake_dev);
}

static void __exit kvm_hc_namesake_exit(void)
{
	misc_deregister(&kvm_hc_namesake_dev);
}

module_init(kvm_hc_namesake_init);
module_exit(kvm_hc_namesake_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test module: a misc device that takes kvm_hc's name");
