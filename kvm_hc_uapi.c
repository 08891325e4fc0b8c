// SPDX-License-Identifier: GPL-2.0
/*
 * The rules every uAPI structure follows (its size first,
 * growth as openat2's) and what KVM_HC_CHECK_EXTENSION answers.
 */
#include "kvm_hc_core.h"

/*
 * Copy in a uAPI structure that starts with its size (struct kvm_hc_*):
 * @ksize bytes at @dst, from a caller's structure of at least @ver0 bytes.
 * Members the caller does not know are 0; members past @ksize must be 0.
 * The caller's size goes to @usize, for copying results back.
 */
int kvm_hc_copy_in(void *dst, size_t ksize, size_t ver0, const void __user *src,
		   u32 *usize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)src))
		return -EFAULT;
	if (*usize < ver0)
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(dst, ksize, src, *usize);
	if (ret)
		return ret;
	/* the caller's size, not ours, is what it reads back */
	*(u32 *)dst = *usize;
	return 0;
}

/* Copy a uAPI structure back, as much of it as the caller knows. */
int kvm_hc_copy_out(void __user *dst, const void *src, size_t ksize, u32 usize)
{
	return copy_to_user(dst, src, min_t(size_t, ksize, usize)) ? -EFAULT : 0;
}

/*
 * Copy out @n entries of @ksize bytes each to an array whose entries the
 * caller knows as @usize bytes (@usize >= @ksize): ours, then zeros.  The
 * inverse of kvm_hc_ranges_in().
 */
int kvm_hc_entries_out(u64 uptr, const void *src, unsigned int n, size_t ksize, u32 usize)
{
	char __user *dst = u64_to_user_ptr(uptr);
	const char *from = src;
	unsigned int i;

	for (i = 0; i < n; i++, dst += usize, from += ksize)
		if (copy_to_user(dst, from, ksize) || clear_user(dst + ksize, usize - ksize))
			return -EFAULT;
	return 0;
}

/*
 * KVM_HC_SET_POLICY's and KVM_HC_GET_POLICY's argument, before ranges are
 * read or written: @range_size matters only with ranges to pass.
 */
int kvm_hc_policy_check(const struct kvm_hc_policy *p)
{
	if (p->flags || p->reserved)
		return -EINVAL;
	if (p->nranges && p->range_size < KVM_HC_RANGE_SIZE_VER0)
		return -EINVAL;
	if (p->nranges && p->range_size > PAGE_SIZE)
		return -E2BIG;
	return 0;
}

/*
 * Copy in @n ranges of @size bytes each (copy_struct_from_user() per entry:
 * an entry longer than ours must end in zeros).
 */
struct kvm_hc_range *kvm_hc_ranges_in(u64 uptr, unsigned int n, u32 size)
{
	const char __user *src = u64_to_user_ptr(uptr);
	struct kvm_hc_range *r;
	unsigned int i;
	int ret;

	r = kcalloc(n, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		ret = copy_struct_from_user(&r[i], sizeof(r[i]), src + (size_t)i * size, size);
		if (ret) {
			kfree(r);
			return ERR_PTR(ret);
		}
	}
	return r;
}

/**
 * kvm_hc_check_extension() - what KVM_HC_CHECK_EXTENSION answers
 * @info: the architecture's facts
 * @cap:  KVM_HC_CAP_*
 *
 * Return: the capability's value; 0 for one unknown or absent.
 */
long kvm_hc_check_extension(const struct kvm_hc_arch_ops *info, unsigned long cap)
{
	switch (cap) {
	case KVM_HC_CAP_API_VERSION:
		return KVM_HC_API_VERSION;
	case KVM_HC_CAP_GUEST_ABI:
		return KVM_HC_ABI_VERSION;
	case KVM_HC_CAP_ARCH:
		return info->arch;
	case KVM_HC_CAP_ACTIONS:
		return BIT(KVM_HC_ACTION_KVM) | BIT(KVM_HC_ACTION_KERNEL) |
		       BIT(KVM_HC_ACTION_FORWARD) | BIT(KVM_HC_ACTION_DENY) |
		       BIT(KVM_HC_ACTION_DOORBELL) |
		       (info->exceptions ? BIT(KVM_HC_ACTION_EXCEPTION) : 0);
	case KVM_HC_CAP_SERVICES:
		return kvm_hc_arch_services(info->arch, GENMASK(KVM_HC_SVC_COUNT - 1, 0));
	case KVM_HC_CAP_MAX_RANGES:
		return KVM_HC_MAX_RANGES;
	case KVM_HC_CAP_NR_COUNTERS:
		return KVM_HC_NR_SLOTS;
	case KVM_HC_CAP_DOORBELLS:
		return KVM_HC_MAX_DOORBELLS;
	case KVM_HC_CAP_RING_ENTRIES:
		return KVM_HC_MAX_RING_ENTRIES;
	case KVM_HC_CAP_FORWARD_ARGS:
		return info->forward_args;
	case KVM_HC_CAP_EXIT_MARKER:
		return info->exit_marker;
	case KVM_HC_CAP_USER_RANGES:
		return info->user_ranges;
	case KVM_HC_CAP_EXCEPTIONS:
		return info->exceptions;
	case KVM_HC_CAP_GET_POLICY:
	case KVM_HC_CAP_STATS_FD:
	case KVM_HC_CAP_OPERATOR_ATTACH:
	case KVM_HC_CAP_RATE_LIMIT:
		return 1;
	}
	return 0;
}
