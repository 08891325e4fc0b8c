// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_uapi_lib.c - the VMM-side helpers of the /dev/kvm_hc checks that
 * every architecture shares: policy ranges, ioctl wrappers, expected counters,
 * counter checks through KVM_HC_GET_STATS and sysfs (kvm_hc_uapi_lib.h).
 * Linked into every architecture's kvm_hc_test.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/kvm.h>

/* The project's copy when built in the tree, else one found through -I. */
#if __has_include("../../include/uapi/linux/kvm_hc.h")
#include "../../include/uapi/linux/kvm_hc.h"
#else
#include <linux/kvm_hc.h>
#endif

#include "kvm_hc_report.h"
#include "kvm_hc_uapi_lib.h"
#include "kvm_hc_util.h"


/* Worker threads: no SIGALRM (the main thread's), SIGUSR1 interrupts them. */
void worker_signals(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
}

/* Write the open_discovery parameter; the old value through @old. */
int set_open_discovery(int on, int *old)
{
	char c = 0;
	int fd = open(HC_OPEN_PARAM, O_RDWR);

	if (fd < 0)
		return -1;
	if (old) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		*old = c == 'Y' || c == '1';
		lseek(fd, 0, SEEK_SET);
	}
	if (write(fd, on ? "1" : "0", 1) != 1) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

const char *errname(int e)
{
	static char buf[4][24];
	static int i;
	char *b;

	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN/EWOULDBLOCK";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOTTY: return "ENOTTY";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	b = buf[i++ % 4];
	snprintf(b, sizeof(buf[0]), "errno%d", e);
	return b;
}

/* An ioctl result: "ok" / "ok(fd N)" or the errno's name. */
const char *resname(int r)
{
	static char buf[4][24];
	static int i;
	char *b;

	if (r < 0)
		return errname(-r);
	b = buf[i++ % 4];
	snprintf(b, sizeof(buf[0]), r ? "ok(%d)" : "ok", r);
	return b;
}

/* ---- the VMM interface ---- */

int hc_open(const char *tag)
{
	int fd = open(HC_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		report(0, tag, "open " HC_DEV " errno=%d (%s)", errno, strerror(errno));
	return fd;
}

/* KVM_HC_CHECK_EXTENSION on /dev/kvm_hc or a handle: the answer, or -errno. */
long hc_check_extension(int fd, unsigned long cap)
{
	long r = ioctl(fd, KVM_HC_CHECK_EXTENSION, cap);

	return r < 0 ? -errno : r;
}

/*
 * The uAPI structures start with their size; the _raw wrappers pass them
 * in a buffer of @size bytes whose bytes past the structure are @tail (so
 * that a caller can pass a 1.0 structure, a longer one with a zero or a
 * non-zero tail, or a short one).
 */
#define HC_BUF_MAX	256

static void *hc_buf(void *buf, const void *st, size_t len, uint32_t size, uint8_t tail)
{
	memset(buf, 0, HC_BUF_MAX);
	memcpy(buf, st, len < size ? len : size);
	if (size > len && size <= HC_BUF_MAX)
		memset((char *)buf + len, tail, size - len);
	memcpy(buf, &size, sizeof(size));
	return buf;
}

/* KVM_HC_ATTACH: the new handle, or -errno. */
int hc_attach_raw(int dev, uint32_t size, uint8_t tail, uint32_t flags, int vm_fd,
		  uint32_t reserved)
{
	struct kvm_hc_attach a = { .flags = flags, .vm_fd = vm_fd, .reserved = reserved };
	uint64_t buf[HC_BUF_MAX / 8];
	int r = xioctl(dev, KVM_HC_ATTACH, hc_buf(buf, &a, sizeof(a), size, tail));

	return r < 0 ? -errno : r;
}

/* Attach a VM; a FAIL line if that is refused. */
int hc_attach(int dev, int vm_fd, const char *tag)
{
	char name[96];
	int h = hc_attach_raw(dev, sizeof(struct kvm_hc_attach), 0, 0, vm_fd, 0);

	snprintf(name, sizeof(name), "%s.attach", tag);
	report(h >= 0, name, "got=%s want=ok(fd)", resname(h));
	return h;
}

int hc_set_policy_raw(int h, uint32_t size, uint8_t tail, uint32_t flags, uint32_t services,
		      uint32_t nranges, uint64_t ranges, uint32_t range_size)
{
	struct kvm_hc_policy p = {
		.flags = flags, .services = services, .nranges = nranges, .ranges = ranges,
		.range_size = range_size,
	};
	uint64_t buf[HC_BUF_MAX / 8];

	return xioctl(h, KVM_HC_SET_POLICY, hc_buf(buf, &p, sizeof(p), size, tail)) < 0 ?
	       -errno : 0;
}

int hc_set_policy(int h, uint32_t services, const struct kvm_hc_range *r, unsigned int n)
{
	return hc_set_policy_raw(h, sizeof(struct kvm_hc_policy), 0, 0, services, n,
				 (uintptr_t)r, sizeof(*r));
}

/* KVM_HC_GET_POLICY into @p (its size, ranges and room set by the caller). */
int hc_get_policy(int h, struct kvm_hc_policy *p)
{
	return xioctl(h, KVM_HC_GET_POLICY, p) < 0 ? -errno : 0;
}

/* A policy the test needs in force; a FAIL line if it is refused. */
int hc_policy(int h, uint32_t services, const struct kvm_hc_range *r, unsigned int n,
		     const char *tag)
{
	char name[96];
	int ret = hc_set_policy(h, services, r, n);

	snprintf(name, sizeof(name), "%s.set_policy", tag);
	report(ret == 0, name, "got=%s want=ok", resname(ret));
	return ret;
}

/*
 * Attach VM @vm_fd through /dev/kvm_hc, opened for this, and give it the
 * policy @r[0..@n) (no services) unless @n is 0; FAIL lines if either is
 * refused.  The handle, or -1 (nothing left attached).
 */
int hc_attach_vm(int vm_fd, const struct kvm_hc_range *r, unsigned int n, const char *tag)
{
	int dev = hc_open(tag), h;

	if (dev < 0)
		return -1;
	h = hc_attach(dev, vm_fd, tag);
	close(dev);
	if (h >= 0 && n && hc_policy(h, 0, r, n, tag) < 0) {
		close(h);
		h = -1;
	}
	return h;
}

/*
 * Attach VM @vm_fd with a policy that sends @nr to the kernel (a handler another
 * module registered, such as samples/kvm_hc_sample.c); FAIL lines if that
 * is refused.  The handle, or -1.
 */
int hc_kernel_nr(int vm_fd, uint64_t nr, const char *tag)
{
	const struct kvm_hc_range r[] = { RANGE(nr, nr, KERNEL, 0) };

	return hc_attach_vm(vm_fd, r, 1, tag);
}

int hc_get_stats_raw(int h, uint32_t size, uint8_t tail, uint32_t flags, struct hc_counts *c)
{
	struct kvm_hc_stats s = {
		.flags = flags, .nnrs = HC_NRS_MAX, .nr_size = sizeof(c->nr[0]),
		.nrs = (uintptr_t)c->nr,
	};
	uint64_t buf[HC_BUF_MAX / 8];

	memset(c, 0, sizeof(*c));
	if (xioctl(h, KVM_HC_GET_STATS, hc_buf(buf, &s, sizeof(s), size, tail)) < 0)
		return -errno;
	memcpy(&s, buf, sizeof(s));
	c->total = s.total;
	c->uncounted = s.uncounted;
	c->n = s.nnrs;
	return 0;
}

int hc_get_stats(int h, struct hc_counts *c)
{
	return hc_get_stats_raw(h, sizeof(struct kvm_hc_stats), 0, 0, c);
}

/*
 * The folders of process @pid's attachments of its VM @vm_fd,
 * <pid>-<fd>-<id>: how many, and the first one found in @buf ("" if none;
 * @buf may be NULL).
 */
static int hc_sysfs_find(int pid, int vm_fd, char *buf, size_t len)
{
	char prefix[32];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	snprintf(prefix, sizeof(prefix), "%d-%d-", pid, vm_fd);
	if (buf)
		buf[0] = 0;
	dir = opendir(HC_SYSFS);
	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, prefix, strlen(prefix)) && !n++ && buf)
			snprintf(buf, len, HC_SYSFS "/%s", d->d_name);
	closedir(dir);
	return n;
}

void hc_sysfs_dir(int vm_fd, char *buf, size_t len)
{
	hc_sysfs_find((int)getpid(), vm_fd, buf, len);
}

/*
 * kvm-hc list --json into @out; *@vm_obj is where the object of this
 * process's VM @vm_fd starts in it (NULL if it is not listed).  Returns
 * the tool's wait status (pclose()), -1 if it did not run.
 */
int tool_list_json(int vm_fd, char *out, size_t len, const char **vm_obj)
{
	char cmd[64], dir[128], want[96], *name;
	size_t n = 0;
	int st = -1;
	FILE *p;

	hc_sysfs_dir(vm_fd, dir, sizeof(dir));
	name = strrchr(dir, '/');
	snprintf(cmd, sizeof(cmd), "%s list --json", KVM_HC_TOOL);
	fflush(stdout);
	p = popen(cmd, "r");
	if (p) {
		n = fread(out, 1, len - 1, p);
		st = pclose(p);
	}
	out[n] = 0;
	snprintf(want, sizeof(want), "\"vm\": \"%s\"", name ? name + 1 : "?");
	*vm_obj = strstr(out, want);
	return st;
}

/* How many folders this process has for VM @vm_fd. */
int hc_sysfs_count(int vm_fd)
{
	return hc_sysfs_find((int)getpid(), vm_fd, NULL, 0);
}

/* How many folders name process @pid's VM @vm_fd (an operator's attach). */
int hc_sysfs_count_of(int pid, int vm_fd)
{
	return hc_sysfs_find(pid, vm_fd, NULL, 0);
}

int hc_sysfs_exists(int vm_fd)
{
	return hc_sysfs_count(vm_fd) > 0;
}

/*
 * Read a stats fd laid out as KVM_GET_STATS_FD's: the header, the id, the
 * descriptors and the values, each where the header says.  0, -errno, or
 * -EINVAL for a layout this reader cannot follow.
 */
int stats_fd_read(int fd, struct stats_fd *s)
{
	struct {
		uint32_t flags, name_size, num_desc, id_offset, desc_offset, data_offset;
	} h;
	struct {
		uint32_t flags;
		int16_t exponent;
		uint16_t size;
		uint32_t offset;
		uint32_t bucket_size;
		char name[256];
	} d;
	size_t dsize, end = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h))
		return errno ? -errno : -EINVAL;
	if (!h.name_size || h.name_size > 256 || h.num_desc > STATS_FD_DESCS)
		return -EINVAL;
	if (pread(fd, s->id, h.name_size < sizeof(s->id) ? h.name_size : sizeof(s->id) - 1,
		  h.id_offset) < 0)
		return -errno;
	dsize = 16 + h.name_size;
	for (i = 0; i < h.num_desc; i++) {
		if (pread(fd, &d, dsize, h.desc_offset + i * dsize) != (ssize_t)dsize)
			return -EINVAL;
		snprintf(s->desc[i].name, sizeof(s->desc[i].name), "%.*s", (int)h.name_size,
			 d.name);
		s->desc[i].flags = d.flags;
		s->desc[i].size = d.size;
		s->desc[i].offset = d.offset;
		if (d.offset + d.size * 8 > end)
			end = d.offset + d.size * 8;
	}
	s->n = h.num_desc;
	if (end > sizeof(s->data) ||
	    pread(fd, s->data, end, h.data_offset) != (ssize_t)end)
		return -EINVAL;
	return 0;
}

/* The values of statistic @name (and how many), or NULL. */
const uint64_t *stats_fd_find(const struct stats_fd *s, const char *name, unsigned int *size)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->desc[i].name, name)) {
			if (size)
				*size = s->desc[i].size;
			return s->data + s->desc[i].offset / 8;
		}
	return NULL;
}

/* The counters of the folder @dir: 0, or -errno if a file cannot be read. */
int hc_sysfs_read_dir(const char *dir, struct hc_counts *c)
{
	char path[160], line[160], key[32];
	unsigned long long v, nr, a, b, d, e;
	unsigned int i;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "%s/counters", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu", key, &v) != 2)
			continue;
		if (!strcmp(key, "kvm"))
			c->total.kvm = v;
		else if (!strcmp(key, "kernel"))
			c->total.kernel = v;
		else if (!strcmp(key, "forward"))
			c->total.forward = v;
		else if (!strcmp(key, "deny"))
			c->total.deny = v;
		else if (!strcmp(key, "uncounted"))
			c->uncounted = v;
	}
	fclose(f);
	/* numbers/<slot>: one file per slot, empty while it is free */
	for (i = 0; i < HC_NRS_COUNTED; i++) {
		snprintf(path, sizeof(path), "%s/numbers/%u", dir, i);
		f = fopen(path, "r");
		if (!f)
			return -errno;
		if (fgets(line, sizeof(line), f) &&
		    sscanf(line, "%llx %llu %llu %llu %llu", &nr, &a, &b, &d, &e) == 5) {
			if (c->n < HC_NRS_MAX)
				c->nr[c->n] = (struct kvm_hc_nr_stats){
					.nr = nr,
					.counters = { .kvm = a, .kernel = b, .forward = d, .deny = e },
				};
			c->n++;
		}
		fclose(f);
	}
	return 0;
}

static int hc_sysfs_read(int vm_fd, struct hc_counts *c)
{
	char dir[128];

	hc_sysfs_dir(vm_fd, dir, sizeof(dir));
	if (!dir[0])
		return -ENOENT;
	return hc_sysfs_read_dir(dir, c);
}

static __u64 *counter(struct kvm_hc_counters *c, enum cat cat)
{
	switch (cat) {
	case C_KERNEL: return &c->kernel;
	case C_FORWARD: return &c->forward;
	case C_DENY: return &c->deny;
	default: return &c->kvm;
	}
}

/* Account one call in the expected counters, as kvm_hc documents it. */
void counts_add(struct hc_counts *e, uint64_t nr, enum cat cat)
{
	unsigned int i;

	if (cat == C_NONE)
		return;
	++*counter(&e->total, cat);
	for (i = 0; i < e->n && e->nr[i].nr != nr; i++)
		;
	if (i == e->n) {
		if (e->n == HC_NRS_COUNTED) {
			e->uncounted++;	/* later numbers count in the total only */
			return;
		}
		memset(&e->nr[i], 0, sizeof(e->nr[i]));
		e->nr[i].nr = nr;
		e->n++;
	}
	++*counter(&e->nr[i].counters, cat);
}

const char *fmt_counters(const struct kvm_hc_counters *c)
{
	static char buf[4][96];
	static int i;
	char *b = buf[i++ % 4];

	snprintf(b, sizeof(buf[0]), "kvm:%llu,kernel:%llu,forward:%llu,deny:%llu",
		 (unsigned long long)c->kvm, (unsigned long long)c->kernel,
		 (unsigned long long)c->forward, (unsigned long long)c->deny);
	return b;
}

static int counters_eq(const struct kvm_hc_counters *a, const struct kvm_hc_counters *b)
{
	return a->kernel == b->kernel && a->forward == b->forward &&
	       a->deny == b->deny && a->kvm == b->kvm;
}

/*
 * Check counters @got (from @src, "ioctl" or "sysfs") against @want: the
 * totals, the number of numbers and each number's counters, exactly.
 */
static void counts_check(const char *tag, const char *src, const struct hc_counts *got,
			 const struct hc_counts *want)
{
	static const struct kvm_hc_counters none;
	char name[128];
	unsigned int i, j, extra = 0;

	snprintf(name, sizeof(name), "%s.counters.%s.total", tag, src);
	report(counters_eq(&got->total, &want->total), name, "got=%s want=%s",
	       fmt_counters(&got->total), fmt_counters(&want->total));
	snprintf(name, sizeof(name), "%s.counters.%s.numbers", tag, src);
	report(got->n == want->n, name, "got=%u want=%u", got->n, want->n);
	snprintf(name, sizeof(name), "%s.counters.%s.uncounted", tag, src);
	report(got->uncounted == want->uncounted, name, "got=%llu want=%llu",
	       (unsigned long long)got->uncounted, (unsigned long long)want->uncounted);
	for (i = 0; i < want->n; i++) {
		const struct kvm_hc_counters *g = &none;

		for (j = 0; j < got->n && j < HC_NRS_MAX; j++)
			if (got->nr[j].nr == want->nr[i].nr)
				g = &got->nr[j].counters;
		snprintf(name, sizeof(name), "%s.counters.%s.nr_0x%llx", tag, src,
			 (unsigned long long)want->nr[i].nr);
		report(counters_eq(g, &want->nr[i].counters), name, "got=%s want=%s",
		       g == &none ? "missing" : fmt_counters(g),
		       fmt_counters(&want->nr[i].counters));
	}
	for (j = 0; j < got->n && j < HC_NRS_MAX; j++) {
		for (i = 0; i < want->n && want->nr[i].nr != got->nr[j].nr; i++)
			;
		if (i == want->n && extra++ < 5) {
			snprintf(name, sizeof(name), "%s.counters.%s.nr_0x%llx", tag, src,
				 (unsigned long long)got->nr[j].nr);
			report(0, name, "got=%s want=missing (a number the VM never called)",
			       fmt_counters(&got->nr[j].counters));
		}
	}
}

/* The counters of an attached VM through the ioctl and through sysfs. */
void counts_check_both(const char *tag, int h, int vm_fd, const struct hc_counts *want)
{
	struct hc_counts got;
	char name[128];
	int r;

	r = hc_get_stats(h, &got);
	if (r) {
		snprintf(name, sizeof(name), "%s.counters.ioctl", tag);
		report(0, name, "KVM_HC_GET_STATS got=%s want=ok", resname(r));
	} else {
		counts_check(tag, "ioctl", &got, want);
	}
	r = hc_sysfs_read(vm_fd, &got);
	if (r) {
		char dir[128];

		hc_sysfs_dir(vm_fd, dir, sizeof(dir));
		snprintf(name, sizeof(name), "%s.counters.sysfs", tag);
		report(0, name, "reading %s got=%s want=ok", dir, errname(-r));
	} else {
		counts_check(tag, "sysfs", &got, want);
	}
}

/*
 * Start the kvm-hc tool (KVM_HC_TOOL) with @argv (argv[0] its path), its
 * standard output and error into a pipe: the tool's pid (-1 if it could
 * not start) and the pipe's read end in *@out.
 */
pid_t tool_spawn(char *const argv[], int *out)
{
	int fds[2];
	pid_t pid;

	*out = -1;
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(KVM_HC_TOOL, argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0)
		close(fds[0]);
	else
		*out = fds[0];
	return pid;
}

/* The first line the tool writes to @fd, in @buf, waiting at most @s seconds. */
void tool_first_line(int fd, char *buf, size_t len, double s)
{
	uint64_t end = now_ns() + (uint64_t)(s * NSEC_PER_SEC);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	buf[0] = 0;
	while (n < len - 1 && !memchr(buf, '\n', n) && now_ns() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0)
			break;
		n += r;
		buf[n] = 0;
	}
	buf[strcspn(buf, "\n")] = 0;
}

/*
 * The tool's end: with @interrupt, interrupted as a user would (SIGINT);
 * else it must end by itself within 5 s.  Its exit status, or -1.
 */
int tool_stop(pid_t pid, int fd, int interrupt)
{
	uint64_t end = now_ns() + 5 * NSEC_PER_SEC;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char sink[4096];
	pid_t r = 0;
	int st;

	/* the rest of its output read, so that it never meets a closed pipe */
	while (!interrupt && fd >= 0 && now_ns() < end)
		if (poll(&pfd, 1, 100) > 0 && read(fd, sink, sizeof(sink)) <= 0)
			break;
	if (fd >= 0)
		close(fd);
	if (pid <= 0)
		return -1;
	if (interrupt)
		kill(pid, SIGINT);
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && now_ns() < end)
		usleep(10000);
	if (r == 0) {
		printf("INFO tool: pid %d did not end; killed\n", (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -1;
	}
	return r == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
