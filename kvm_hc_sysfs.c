// SPDX-License-Identifier: GPL-2.0
/*
 * One folder per attachment in /sys/kernel/kvm_hc, for people.
 */
#include "kvm_hc_core.h"

/* ---- the VMM interface: /dev/kvm_hc and per-VM handles ---- */

/*
 * /sys/kernel/kvm_hc: one folder per attachment, named <pid>-<vm fd>-<id>:
 * the VMM's pid and the VM's fd at attach time, for people, and an id no
 * other attachment gets, so that names cannot collide (a VM fd closed and
 * its number reused while the handle stays open).  Readable by root only,
 * as KVM's own statistics are: per-VM hypercall numbers and rates tell
 * about the guest.
 */
struct kobject *kvm_hc_sysfs;

static struct kvm_hc_handle *to_handle(struct kobject *kobj)
{
	return container_of(kobj, struct kvm_hc_handle, kobj);
}

static ssize_t counters_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	struct kvm_hc_counters c;

	kvm_hc_vm_total(vm, &c);
	return sysfs_emit(buf, "kvm %llu\nkernel %llu\nforward %llu\ndeny %llu\nuncounted %llu\n",
			  c.kvm, c.kernel, c.forward, c.deny, kvm_hc_vm_uncounted(vm));
}

static struct kobj_attribute kvm_hc_attr_counters = __ATTR(counters, 0400, counters_show, NULL);

static const char *const kvm_hc_action_names[] = {
	[KVM_HC_KVM] = "kvm", [KVM_HC_KERNEL] = "kernel",
	[KVM_HC_FORWARD] = "forward", [KVM_HC_DENY] = "deny",
};

/*
 * policy: "services 0x<bitmap>", then a line per range, "0x<first>-0x<last>
 * <action> <error>": at most 64 lines of 52 bytes, so never cut at a page.
 */
static ssize_t policy_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_range *r;
	unsigned int n, i;
	u32 services;
	int len;

	r = kcalloc(KVM_HC_MAX_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	n = kvm_hc_vm_get_policy(to_handle(kobj)->vm, &services, r, KVM_HC_MAX_RANGES);
	len = sysfs_emit(buf, "services 0x%x\n", services);
	for (i = 0; i < n && i < KVM_HC_MAX_RANGES; i++)
		len += sysfs_emit_at(buf, len, "0x%llx-0x%llx %s %d\n", r[i].first, r[i].last,
				     r[i].action < ARRAY_SIZE(kvm_hc_action_names) ?
				     kvm_hc_action_names[r[i].action] : "?", r[i].error);
	kfree(r);
	return len;
}

static struct kobj_attribute kvm_hc_attr_policy = __ATTR(policy, 0400, policy_show, NULL);

static struct attribute *kvm_hc_vm_attrs[] = {
	&kvm_hc_attr_counters.attr,
	&kvm_hc_attr_policy.attr,
	NULL,
};

static const struct attribute_group kvm_hc_vm_group = {
	.attrs = kvm_hc_vm_attrs,
};

/*
 * numbers/<slot>: one file per counter slot (0 to 63), each
 * "<nr> <kvm> <kernel> <forward> <deny>" while the slot counts a number,
 * empty while it is free: under 110 bytes, so no file can be cut at a page.
 */
static ssize_t slot_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf);

static struct kobj_attribute kvm_hc_attr_slot0 = __ATTR(0, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot1 = __ATTR(1, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot2 = __ATTR(2, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot3 = __ATTR(3, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot4 = __ATTR(4, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot5 = __ATTR(5, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot6 = __ATTR(6, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot7 = __ATTR(7, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot8 = __ATTR(8, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot9 = __ATTR(9, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot10 = __ATTR(10, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot11 = __ATTR(11, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot12 = __ATTR(12, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot13 = __ATTR(13, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot14 = __ATTR(14, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot15 = __ATTR(15, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot16 = __ATTR(16, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot17 = __ATTR(17, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot18 = __ATTR(18, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot19 = __ATTR(19, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot20 = __ATTR(20, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot21 = __ATTR(21, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot22 = __ATTR(22, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot23 = __ATTR(23, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot24 = __ATTR(24, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot25 = __ATTR(25, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot26 = __ATTR(26, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot27 = __ATTR(27, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot28 = __ATTR(28, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot29 = __ATTR(29, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot30 = __ATTR(30, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot31 = __ATTR(31, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot32 = __ATTR(32, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot33 = __ATTR(33, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot34 = __ATTR(34, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot35 = __ATTR(35, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot36 = __ATTR(36, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot37 = __ATTR(37, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot38 = __ATTR(38, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot39 = __ATTR(39, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot40 = __ATTR(40, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot41 = __ATTR(41, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot42 = __ATTR(42, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot43 = __ATTR(43, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot44 = __ATTR(44, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot45 = __ATTR(45, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot46 = __ATTR(46, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot47 = __ATTR(47, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot48 = __ATTR(48, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot49 = __ATTR(49, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot50 = __ATTR(50, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot51 = __ATTR(51, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot52 = __ATTR(52, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot53 = __ATTR(53, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot54 = __ATTR(54, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot55 = __ATTR(55, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot56 = __ATTR(56, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot57 = __ATTR(57, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot58 = __ATTR(58, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot59 = __ATTR(59, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot60 = __ATTR(60, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot61 = __ATTR(61, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot62 = __ATTR(62, 0400, slot_show, NULL);
static struct kobj_attribute kvm_hc_attr_slot63 = __ATTR(63, 0400, slot_show, NULL);

static struct attribute *kvm_hc_slot_attrs[] = {
	&kvm_hc_attr_slot0.attr,
	&kvm_hc_attr_slot1.attr,
	&kvm_hc_attr_slot2.attr,
	&kvm_hc_attr_slot3.attr,
	&kvm_hc_attr_slot4.attr,
	&kvm_hc_attr_slot5.attr,
	&kvm_hc_attr_slot6.attr,
	&kvm_hc_attr_slot7.attr,
	&kvm_hc_attr_slot8.attr,
	&kvm_hc_attr_slot9.attr,
	&kvm_hc_attr_slot10.attr,
	&kvm_hc_attr_slot11.attr,
	&kvm_hc_attr_slot12.attr,
	&kvm_hc_attr_slot13.attr,
	&kvm_hc_attr_slot14.attr,
	&kvm_hc_attr_slot15.attr,
	&kvm_hc_attr_slot16.attr,
	&kvm_hc_attr_slot17.attr,
	&kvm_hc_attr_slot18.attr,
	&kvm_hc_attr_slot19.attr,
	&kvm_hc_attr_slot20.attr,
	&kvm_hc_attr_slot21.attr,
	&kvm_hc_attr_slot22.attr,
	&kvm_hc_attr_slot23.attr,
	&kvm_hc_attr_slot24.attr,
	&kvm_hc_attr_slot25.attr,
	&kvm_hc_attr_slot26.attr,
	&kvm_hc_attr_slot27.attr,
	&kvm_hc_attr_slot28.attr,
	&kvm_hc_attr_slot29.attr,
	&kvm_hc_attr_slot30.attr,
	&kvm_hc_attr_slot31.attr,
	&kvm_hc_attr_slot32.attr,
	&kvm_hc_attr_slot33.attr,
	&kvm_hc_attr_slot34.attr,
	&kvm_hc_attr_slot35.attr,
	&kvm_hc_attr_slot36.attr,
	&kvm_hc_attr_slot37.attr,
	&kvm_hc_attr_slot38.attr,
	&kvm_hc_attr_slot39.attr,
	&kvm_hc_attr_slot40.attr,
	&kvm_hc_attr_slot41.attr,
	&kvm_hc_attr_slot42.attr,
	&kvm_hc_attr_slot43.attr,
	&kvm_hc_attr_slot44.attr,
	&kvm_hc_attr_slot45.attr,
	&kvm_hc_attr_slot46.attr,
	&kvm_hc_attr_slot47.attr,
	&kvm_hc_attr_slot48.attr,
	&kvm_hc_attr_slot49.attr,
	&kvm_hc_attr_slot50.attr,
	&kvm_hc_attr_slot51.attr,
	&kvm_hc_attr_slot52.attr,
	&kvm_hc_attr_slot53.attr,
	&kvm_hc_attr_slot54.attr,
	&kvm_hc_attr_slot55.attr,
	&kvm_hc_attr_slot56.attr,
	&kvm_hc_attr_slot57.attr,
	&kvm_hc_attr_slot58.attr,
	&kvm_hc_attr_slot59.attr,
	&kvm_hc_attr_slot60.attr,
	&kvm_hc_attr_slot61.attr,
	&kvm_hc_attr_slot62.attr,
	&kvm_hc_attr_slot63.attr,
	NULL,
};

static ssize_t slot_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	struct kvm_hc_nr_slot *slot;
	struct kvm_hc_counters c;
	unsigned int i;

	for (i = 0; i < KVM_HC_NR_SLOTS; i++)
		if (kvm_hc_slot_attrs[i] == &attr->attr)
			break;
	if (i == KVM_HC_NR_SLOTS)
		return -EINVAL;
	slot = &vm->slots[i];
	if (atomic_read_acquire(&slot->state) != KVM_HC_SLOT_READY)
		return 0;
	kvm_hc_counters_read(&c, vm->counts, offsetof(struct kvm_hc_vm_counts, nr[i]));
	return sysfs_emit(buf, "0x%llx %llu %llu %llu %llu\n", slot->nr, c.kvm, c.kernel,
			  c.forward, c.deny);
}

static const struct attribute_group kvm_hc_slot_group = {
	.name = "numbers",
	.attrs = kvm_hc_slot_attrs,
};

static const struct attribute_group *kvm_hc_vm_groups[] = {
	&kvm_hc_vm_group,
	&kvm_hc_slot_group,
	NULL,
};

static void kvm_hc_handle_release_kobj(struct kobject *kobj)
{
	kfree(to_handle(kobj));
}

const struct kobj_type kvm_hc_handle_ktype = {
	.release = kvm_hc_handle_release_kobj,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kvm_hc_vm_groups,
};
