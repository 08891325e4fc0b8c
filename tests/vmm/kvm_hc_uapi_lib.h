/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc_uapi_lib.h - the VMM side of /dev/kvm_hc as every architecture's
 * test VMM uses it (kvm_hc_uapi_lib.c): policy ranges, ioctl wrappers that
 * report, expected counters and their checks through KVM_HC_GET_STATS and
 * sysfs.
 */
#ifndef KVM_HC_UAPI_LIB_H
#define KVM_HC_UAPI_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The project's copy when built in the tree, else one found through -I. */
#if __has_include("../../include/uapi/linux/kvm_hc.h")
#include "../../include/uapi/linux/kvm_hc.h"
#else
#include <linux/kvm_hc.h>
#endif

#define HC_DEV		"/dev/kvm_hc"
#define HC_SYSFS	"/sys/kernel/kvm_hc"
#define HC_MODULE	"/sys/module/kvm_hc"
#define HC_OPEN_PARAM	HC_MODULE "/parameters/open_discovery"
#define KVM_HC_TOOL	"/bin/kvm-hc"	/* the operator's tool, in the initramfs */

#define HC_NRS_MAX	80	/* room for more than the 64 numbers counted */
#define HC_NRS_COUNTED	64

#define RANGE(f, l, act, err) \
	{ .first = (f), .last = (l), .action = KVM_HC_ACTION_##act, .error = (err) }
#define NRANGES(r)	(sizeof(r) / sizeof((r)[0]))

/* What kvm_hc counts a call as (struct kvm_hc_counters); C_NONE: not counted. */
enum cat { C_KVM, C_KERNEL, C_FORWARD, C_DENY, C_NONE };

/* Counters as KVM_HC_GET_STATS or sysfs report them, or as expected. */
struct hc_counts {
	struct kvm_hc_counters total;
	uint64_t uncounted;		/* calls of numbers without counters of their own */
	unsigned int n;			/* per-number entries reported */
	struct kvm_hc_nr_stats nr[HC_NRS_MAX];
};

/* Worker threads: no SIGALRM (the main thread's), SIGUSR1 interrupts them. */
void worker_signals(void);
/* Write the open_discovery parameter; the old value through @old. */
int set_open_discovery(int on, int *old);
/* "EINVAL" for 22; "ok(fd)" or an errno name for an ioctl's result. */
const char *errname(int e);
const char *resname(int r);

/*
 * The ioctls: the _raw forms return the result or -errno; the others take
 * the current version and print a FAIL line (named after @tag) if refused.
 */
int hc_open(const char *tag);
long hc_check_extension(int fd, unsigned long cap);
int hc_attach_raw(int dev, uint32_t size, uint8_t tail, uint32_t flags, int vm_fd,
		  uint32_t reserved);
int hc_attach(int dev, int vm_fd, const char *tag);
int hc_set_policy_raw(int h, uint32_t size, uint8_t tail, uint32_t flags, uint32_t services,
		      uint32_t nranges, uint64_t ranges, uint32_t range_size);
int hc_set_policy(int h, uint32_t services, const struct kvm_hc_range *r, unsigned int n);
int hc_policy(int h, uint32_t services, const struct kvm_hc_range *r, unsigned int n,
		const char *tag);
int hc_attach_vm(int vm_fd, const struct kvm_hc_range *r, unsigned int n, const char *tag);
int hc_kernel_nr(int vm_fd, uint64_t nr, const char *tag);
int hc_get_policy(int h, struct kvm_hc_policy *p);
int hc_get_stats_raw(int h, uint32_t size, uint8_t tail, uint32_t flags, struct hc_counts *c);
int hc_get_stats(int h, struct hc_counts *c);

/* The VM's folder in sysfs. */
void hc_sysfs_dir(int vm_fd, char *buf, size_t len);
int hc_sysfs_exists(int vm_fd);
int hc_sysfs_count(int vm_fd);
int hc_sysfs_count_of(int pid, int vm_fd);
int tool_list_json(int vm_fd, char *out, size_t len, const char **vm_obj);
pid_t tool_spawn(char *const argv[], int *out);
void tool_first_line(int fd, char *buf, size_t len, double s);
int tool_stop(pid_t pid, int fd, int interrupt);
int hc_sysfs_read_dir(const char *dir, struct hc_counts *c);

/* Expected counters: one call of @nr as @cat; and their checks. */
void counts_add(struct hc_counts *e, uint64_t nr, enum cat cat);
const char *fmt_counters(const struct kvm_hc_counters *c);
void counts_check_both(const char *tag, int h, int vm_fd, const struct hc_counts *want);

/*
 * A binary stats fd as KVM_GET_STATS_FD lays it out (KVM's own, and
 * kvm_hc's KVM_HC_GET_STATS_FD), read whole: one reader for both.
 */
#define STATS_FD_DESCS	64
#define STATS_FD_VALUES	1024

struct stats_fd {
	char id[64];
	unsigned int n;
	struct {
		char name[64];
		uint32_t flags;
		uint16_t size;
		uint32_t offset;
	} desc[STATS_FD_DESCS];
	uint64_t data[STATS_FD_VALUES];
};

int stats_fd_read(int fd, struct stats_fd *s);
const uint64_t *stats_fd_find(const struct stats_fd *s, const char *name, unsigned int *size);

#endif /* KVM_HC_UAPI_LIB_H */
