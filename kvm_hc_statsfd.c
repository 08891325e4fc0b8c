// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's counters as a KVM-layout binary stats fd.
 */
#include "kvm_hc_core.h"

/*
 * KVM_HC_GET_STATS_FD: a VM's counters laid out as KVM_GET_STATS_FD lays
 * out KVM's (Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD"), so that
 * a reader of KVM's stats fds (QEMU's query-stats, kvm_stat) reads it
 * without a new parser: a header, the id "kvm_hc-<attachment id>", the
 * descriptors, then the values, read afresh at each read().  The fd holds
 * the VM's counters, not its attachment: after the handle is closed it
 * reads the last values.
 */
struct kvm_hc_statdesc {
	const char *name;
	u32 flags;
	u16 size;
};

#define KVM_HC_STAT_SUM		(KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_NONE | \
				 KVM_STATS_BASE_POW10)
#define KVM_HC_STAT_NOW		(KVM_STATS_TYPE_INSTANT | KVM_STATS_UNIT_NONE | \
				 KVM_STATS_BASE_POW10)

/* In the order of the values; each per-number array has a slot per entry. */
static const struct kvm_hc_statdesc kvm_hc_statdescs[] = {
	{ "kvm", KVM_HC_STAT_SUM, 1 },
	{ "kernel", KVM_HC_STAT_SUM, 1 },
	{ "forward", KVM_HC_STAT_SUM, 1 },
	{ "deny", KVM_HC_STAT_SUM, 1 },
	{ "uncounted", KVM_HC_STAT_SUM, 1 },
	{ "numbers", KVM_HC_STAT_NOW, 1 },		/* slots in use */
	{ "number", KVM_HC_STAT_NOW, KVM_HC_NR_SLOTS },	/* what each slot counts */
	{ "number_kvm", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_kernel", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_forward", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
	{ "number_deny", KVM_HC_STAT_SUM, KVM_HC_NR_SLOTS },
};

#define KVM_HC_STAT_VALUES	(6 + 5 * KVM_HC_NR_SLOTS)
#define KVM_HC_STAT_NAME_SIZE	48	/* KVM's KVM_STATS_NAME_SIZE */

/* KVM's struct kvm_stats_desc, with names of KVM_HC_STAT_NAME_SIZE bytes */
struct kvm_hc_stats_desc {
	u32 flags;
	s16 exponent;
	u16 size;
	u32 offset;
	u32 bucket_size;
	char name[KVM_HC_STAT_NAME_SIZE];
};

struct kvm_hc_stats_image {
	struct kvm_stats_header header;
	char id[KVM_HC_STAT_NAME_SIZE];
	struct kvm_hc_stats_desc desc[ARRAY_SIZE(kvm_hc_statdescs)];
	u64 data[KVM_HC_STAT_VALUES];
};

static void kvm_hc_stats_fill(struct kvm_hc_vm *vm, struct kvm_hc_stats_image *img)
{
	struct kvm_hc_counters c;
	u64 *v = img->data, *number = v + 6, *nr = number + KVM_HC_NR_SLOTS;
	unsigned int i, off = 0, used = 0;

	BUILD_BUG_ON(offsetof(struct kvm_hc_stats_desc, name) !=
		     offsetof(struct kvm_stats_desc, name));
	img->header = (struct kvm_stats_header){
		.name_size = KVM_HC_STAT_NAME_SIZE,
		.num_desc = ARRAY_SIZE(kvm_hc_statdescs),
		.id_offset = offsetof(struct kvm_hc_stats_image, id),
		.desc_offset = offsetof(struct kvm_hc_stats_image, desc),
		.data_offset = offsetof(struct kvm_hc_stats_image, data),
	};
	snprintf(img->id, sizeof(img->id), "kvm_hc-%llu", vm->id);
	for (i = 0; i < ARRAY_SIZE(kvm_hc_statdescs); i++) {
		img->desc[i] = (struct kvm_hc_stats_desc){
			.flags = kvm_hc_statdescs[i].flags,
			.size = kvm_hc_statdescs[i].size,
			.offset = off * sizeof(u64),
		};
		strscpy(img->desc[i].name, kvm_hc_statdescs[i].name, KVM_HC_STAT_NAME_SIZE);
		off += kvm_hc_statdescs[i].size;
	}

	kvm_hc_vm_total(vm, &c);
	v[0] = c.kvm;
	v[1] = c.kernel;
	v[2] = c.forward;
	v[3] = c.deny;
	v[4] = kvm_hc_vm_uncounted(vm);
	for (i = 0; i < KVM_HC_NR_SLOTS; i++) {
		if (atomic_read_acquire(&vm->slots[i].state) != KVM_HC_SLOT_READY)
			continue;
		used++;
		number[i] = vm->slots[i].nr;
		kvm_hc_counters_read(&c, vm->counts, offsetof(struct kvm_hc_vm_counts, nr[i]));
		nr[i] = c.kvm;
		nr[KVM_HC_NR_SLOTS + i] = c.kernel;
		nr[2 * KVM_HC_NR_SLOTS + i] = c.forward;
		nr[3 * KVM_HC_NR_SLOTS + i] = c.deny;
	}
	v[5] = used;
}

static ssize_t kvm_hc_stats_read(struct file *file, char __user *buf, size_t count,
				 loff_t *ppos)
{
	struct kvm_hc_stats_image *img;
	ssize_t ret;

	img = kzalloc(sizeof(*img), GFP_KERNEL);
	if (!img)
		return -ENOMEM;
	kvm_hc_stats_fill(file->private_data, img);
	ret = simple_read_from_buffer(buf, count, ppos, img, sizeof(*img));
	kfree(img);
	return ret;
}

static int kvm_hc_stats_release(struct inode *inode, struct file *file)
{
	kvm_hc_vm_put(file->private_data);
	return 0;
}

static const struct file_operations kvm_hc_stats_fops = {
	.owner = THIS_MODULE,
	.read = kvm_hc_stats_read,
	.release = kvm_hc_stats_release,
	.llseek = noop_llseek,
};

long kvm_hc_get_stats_fd_ioctl(struct kvm_hc_handle *h)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	refcount_inc(&h->vm->ref);
	file = anon_inode_getfile("kvm_hc-vm-stats", &kvm_hc_stats_fops, h->vm, O_RDONLY);
	if (IS_ERR(file)) {
		kvm_hc_vm_put(h->vm);
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	/* read with pread() at the header's offsets, as KVM's stats fds are */
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
}
