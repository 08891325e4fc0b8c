// SPDX-License-Identifier: GPL-2.0
/*
 * One folder per attachment in /sys/kernel/kvm_hc, for people.
 */
#include "kvm_hc_core.h"

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
	return sysfs_emit(buf,
			  "kvm %llu\nkernel %llu\nforward %llu\ndeny %llu\nuncounted %llu\nlimited %llu\n",
			  c.kvm, c.kernel, c.forward, c.deny, kvm_hc_vm_uncounted(vm),
			  kvm_hc_vm_limited(vm));
}

static struct kobj_attribute kvm_hc_attr_counters = __ATTR(counters, 0400, counters_show, NULL);

static const char *const kvm_hc_action_names[] = {
	[KVM_HC_KVM] = "kvm", [KVM_HC_KERNEL] = "kernel",
	[KVM_HC_FORWARD] = "forward", [KVM_HC_DENY] = "deny",
	[KVM_HC_ACTION_DOORBELL] = "doorbell", [KVM_HC_ACTION_EXCEPTION] = "exception",
};

/*
 * policy: "services 0x<bitmap>", then a line per range, "0x<first>-0x<last>
 * <action> <error>" (a doorbell range: "<action> <doorbell>[ ring]"), and
 * " user" for a user-mode range: at most 64 lines of 62 bytes, so never
 * cut at a page.
 */
static ssize_t policy_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_range *r;
	unsigned int n, i;
	u32 services;
	int len, arg;

	r = kcalloc(KVM_HC_MAX_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	n = kvm_hc_vm_get_policy(to_handle(kobj)->vm, &services, r, KVM_HC_MAX_RANGES);
	len = sysfs_emit(buf, "services 0x%x\n", services);
	for (i = 0; i < n && i < KVM_HC_MAX_RANGES; i++) {
		arg = r[i].action == KVM_HC_ACTION_DOORBELL ? r[i].doorbell : r[i].error;
		len += sysfs_emit_at(buf, len, "0x%llx-0x%llx %s %d%s%s\n", r[i].first, r[i].last,
				     r[i].action < ARRAY_SIZE(kvm_hc_action_names) ?
				     kvm_hc_action_names[r[i].action] : "?", arg,
				     r[i].flags & KVM_HC_RANGE_RING ? " ring" : "",
				     r[i].flags & KVM_HC_RANGE_USER ? " user" : "");
	}
	kfree(r);
	return len;
}

static struct kobj_attribute kvm_hc_attr_policy = __ATTR(policy, 0400, policy_show, NULL);

/*
 * limits: a line per rate-limited range, "0x<first>-0x<last> <burst>
 * <rate> <over-limit action> <its error>"; lines that would not fit the
 * page end in "...".
 */
static ssize_t limits_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_range *r;
	unsigned int n, i;
	u32 services;
	int len = 0;

	r = kcalloc(KVM_HC_MAX_RANGES, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	n = kvm_hc_vm_get_policy(to_handle(kobj)->vm, &services, r, KVM_HC_MAX_RANGES);
	for (i = 0; i < n && i < KVM_HC_MAX_RANGES; i++) {
		if (!r[i].burst)
			continue;
		if (len > PAGE_SIZE - 96) {
			len += sysfs_emit_at(buf, len, "...\n");
			break;
		}
		len += sysfs_emit_at(buf, len, "0x%llx-0x%llx %u %u %s %d\n", r[i].first, r[i].last,
				     r[i].burst, r[i].rate,
				     r[i].over_action < ARRAY_SIZE(kvm_hc_action_names) ?
				     kvm_hc_action_names[r[i].over_action] : "?",
				     r[i].over_error);
	}
	kfree(r);
	return len;
}

static struct kobj_attribute kvm_hc_attr_limits = __ATTR(limits, 0400, limits_show, NULL);

/*
 * doorbells: "doorbells 0x<bitmap of the ids set>", then "ring <entries>
 * <produced> <consumed> <busy>" or "ring none".
 */
static ssize_t doorbells_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	struct kvm_hc_ring_header h;
	int len;

	len = sysfs_emit(buf, "doorbells 0x%x\n", kvm_hc_vm_doorbells(vm));
	if (kvm_hc_vm_ring_state(vm, &h))
		len += sysfs_emit_at(buf, len, "ring %u %u %u %llu\n", h.entries, h.producer,
				     h.consumer, h.busy);
	else
		len += sysfs_emit_at(buf, len, "ring none\n");
	return len;
}

static struct kobj_attribute kvm_hc_attr_doorbells = __ATTR(doorbells, 0400, doorbells_show, NULL);

static struct attribute *kvm_hc_vm_attrs[] = {
	&kvm_hc_attr_counters.attr,
	&kvm_hc_attr_policy.attr,
	&kvm_hc_attr_doorbells.attr,
	&kvm_hc_attr_limits.attr,
	NULL,
};

static const struct attribute_group kvm_hc_vm_group = {
	.attrs = kvm_hc_vm_attrs,
};

/*
 * numbers/<slot>: one file per counter slot (0 to 63), each
 * "<nr> <kvm> <kernel> <forward> <deny>" while the slot counts a number,
 * empty while it is free: under 110 bytes, so no file can be cut at a page.
 * The attributes are made once, at module init (kvm_hc_sysfs_init()).
 */
static char kvm_hc_slot_names[KVM_HC_NR_SLOTS][4];
static struct kobj_attribute kvm_hc_attr_slot[KVM_HC_NR_SLOTS];
static struct attribute *kvm_hc_slot_attrs[KVM_HC_NR_SLOTS + 1];

static ssize_t slot_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct kvm_hc_vm *vm = to_handle(kobj)->vm;
	unsigned int i = attr - kvm_hc_attr_slot;
	struct kvm_hc_nr_slot *slot = &vm->slots[i];
	struct kvm_hc_counters c;

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

/**
 * kvm_hc_sysfs_init() - /sys/kernel/kvm_hc, and the counter slots' files
 *
 * Return: 0, or -ENOMEM.
 */
int kvm_hc_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < KVM_HC_NR_SLOTS; i++) {
		snprintf(kvm_hc_slot_names[i], sizeof(kvm_hc_slot_names[i]), "%u", i);
		kvm_hc_attr_slot[i].attr.name = kvm_hc_slot_names[i];
		kvm_hc_attr_slot[i].attr.mode = 0400;
		kvm_hc_attr_slot[i].show = slot_show;
		sysfs_attr_init(&kvm_hc_attr_slot[i].attr);
		kvm_hc_slot_attrs[i] = &kvm_hc_attr_slot[i].attr;
	}
	kvm_hc_sysfs = kobject_create_and_add("kvm_hc", kernel_kobj);
	return kvm_hc_sysfs ? 0 : -ENOMEM;
}

/**
 * kvm_hc_sysfs_exit() - remove /sys/kernel/kvm_hc
 *
 * At once: the folder must be gone when the module is, even where the
 * kobject's release comes later (CONFIG_DEBUG_KOBJECT_RELEASE delays it by
 * seconds, and a kvm_hc inserted again meanwhile would find its name taken).
 */
void kvm_hc_sysfs_exit(void)
{
	kobject_del(kvm_hc_sysfs);
	kobject_put(kvm_hc_sysfs);
}
