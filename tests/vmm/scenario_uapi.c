// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_uapi.c - the uapi scenario, written once for every architecture
 * (scenario.h says what the architecture provides).
 *
 *   uapi
 *	The 1.0 contract from the VMM's side, and the guest's where a policy
 *	is involved: KVM_HC_CHECK_EXTENSION answers each capability as the
 *	architecture documents it, on /dev/kvm_hc and on a handle, and 0 for
 *	one it does not know; ioctl numbers other than the 1.0 ones (the
 *	pre-1.0 0xAE numbers among them) are ENOTTY; KVM_HC_GET_POLICY gives
 *	back the policy in force (services and ranges, sorted), E2BIG and the
 *	count with too little room, each entry's tail cleared where the caller
 *	knows a longer range; the sysfs folders are root's only (0400 files,
 *	one per counter slot) and never collide: a VM fd closed while its
 *	handle stays open and its number reused by another attached VM gives
 *	two folders, each with its own VM's counters.  The tracepoints: attach,
 *	policy, one dispatch (VM id, vCPU id, architecture by name, every
 *	argument, the action by name, the status) and detach, in that order,
 *	each naming the attachment by the id its sysfs folder ends in.  The
 *	stats fd, read by a reader written for KVM's stats fds (and tried on
 *	KVM's own first): the values KVM_HC_GET_STATS gives, also after the
 *	handle is closed, which still detaches the VM.
 */
#include "scenario.h"

#define UAPI_NR		ARCH_NR(0x600)

static void uapi_caps(int fd, const char *where)
{
	const struct {
		const char *name;
		unsigned long cap;
		long want;
	} caps[] = {
		{ "api_version", KVM_HC_CAP_API_VERSION, KVM_HC_API_VERSION },
		{ "guest_abi", KVM_HC_CAP_GUEST_ABI, KVM_HC_ABI_VERSION },
		{ "arch", KVM_HC_CAP_ARCH, ARCH_HC_ARCH },
		{ "actions", KVM_HC_CAP_ACTIONS, 0x3f },
		{ "services", KVM_HC_CAP_SERVICES, ARCH_SERVICES },
		{ "max_ranges", KVM_HC_CAP_MAX_RANGES, KVM_HC_MAX_RANGES },
		{ "nr_counters", KVM_HC_CAP_NR_COUNTERS, HC_NRS_COUNTED },
		{ "forward_args", KVM_HC_CAP_FORWARD_ARGS, ARCH_FORWARD_ARGS },
		{ "exit_marker", KVM_HC_CAP_EXIT_MARKER, ARCH_EXIT_MARKER },
		{ "get_policy", KVM_HC_CAP_GET_POLICY, 1 },
		{ "stats_fd", KVM_HC_CAP_STATS_FD, 1 },
		{ "doorbells", KVM_HC_CAP_DOORBELLS, KVM_HC_MAX_DOORBELLS },
		{ "ring_entries", KVM_HC_CAP_RING_ENTRIES, KVM_HC_MAX_RING_ENTRIES },
		{ "unknown_1000", 1000, 0 },
	};
	char name[96];
	unsigned int i;
	long r;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		r = hc_check_extension(fd, caps[i].cap);
		snprintf(name, sizeof(name), "uapi.%s.cap.%s", where, caps[i].name);
		report(r == caps[i].want, name, "got=%ld want=%ld", r, caps[i].want);
	}
}

/* Numbers that are not 1.0's: ENOTTY, never something else. */
static void uapi_numbers(int dev, int h)
{
	const struct {
		const char *name;
		unsigned long cmd;
	} cmds[] = {
		{ "pre_1_0_attach", _IOW(0xAE, 0xf0, struct { uint32_t a[4]; }) },
		{ "pre_1_0_set_policy", _IOW(0xAE, 0xf1, struct { uint32_t a[4]; uint64_t b; }) },
		{ "type_d1_nr_0x7f", _IO(KVM_HC_IOCTL_TYPE, 0x7f) },
		{ "attach_other_size", _IOW(KVM_HC_IOCTL_TYPE, 0x01, struct { uint32_t a[6]; }) },
	};
	uint64_t buf[8] = { 0 };
	char name[96];
	unsigned int i;
	int r;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		r = ioctl(dev, cmds[i].cmd, buf) < 0 ? -errno : 0;
		snprintf(name, sizeof(name), "uapi.dev.%s", cmds[i].name);
		report(r == -ENOTTY, name, "got=%s want=ENOTTY", resname(r));
	}
	r = ioctl(h, KVM_HC_ATTACH, buf) < 0 ? -errno : 0;
	report(r == -ENOTTY, "uapi.handle.attach", "got=%s want=ENOTTY (attach is the device's)",
	       resname(r));
	r = ioctl(dev, KVM_HC_GET_POLICY, buf) < 0 ? -errno : 0;
	report(r == -ENOTTY, "uapi.dev.get_policy", "got=%s want=ENOTTY (a handle's)",
	       resname(r));
}

static int range_eq(const struct kvm_hc_range *a, const struct kvm_hc_range *b)
{
	return a->first == b->first && a->last == b->last && a->action == b->action &&
	       a->error == b->error && !a->flags && !a->reserved;
}

/* SET_POLICY then GET_POLICY: the same policy back, sorted, and the guest sees it. */
static void uapi_get_policy(int h, struct vm *vm)
{
	const struct kvm_hc_range set[] = {
		RANGE(UAPI_NR + 0x20, UAPI_NR + 0x2f, FORWARD, 0),
		RANGE(UAPI_NR, UAPI_NR, DENY, -EPERM),
		RANGE(UAPI_NR + 0x10, UAPI_NR + 0x10, KVM, 0),
	};
	const unsigned int order[] = { 1, 2, 0 };	/* @set sorted by first */
	struct {
		struct kvm_hc_range r;
		uint64_t tail;
	} wide[4];
	struct kvm_hc_range got[4];
	struct kvm_hc_policy p;
	struct answer a, want = arch_denied(-EPERM);
	unsigned int i, same = 0, tails = 0;
	int r;

	if (hc_policy(h, 1u << KVM_HC_SVC_DISCOVER, set, NRANGES(set), "uapi.get_policy") < 0)
		return;
	memset(got, 0xee, sizeof(got));
	p = (struct kvm_hc_policy){ .size = sizeof(p), .nranges = 4, .ranges = (uintptr_t)got,
				    .range_size = sizeof(got[0]) };
	r = hc_get_policy(h, &p);
	report(r == 0 && p.services == 1u << KVM_HC_SVC_DISCOVER && p.nranges == NRANGES(set),
	       "uapi.get_policy.header", "got=%s,services:0x%x,nranges:%u want=ok,0x%x,%u",
	       resname(r), p.services, p.nranges, 1u << KVM_HC_SVC_DISCOVER,
	       (unsigned int)NRANGES(set));
	for (i = 0; r == 0 && i < NRANGES(set) && i < p.nranges; i++)
		same += range_eq(&got[i], &set[order[i]]);
	report(same == NRANGES(set) && got[3].first == 0xeeeeeeeeeeeeeeeeULL,
	       "uapi.get_policy.ranges", "got=%u-of-%u-equal,entry4:%s want=all,sorted,untouched",
	       same, (unsigned int)NRANGES(set),
	       got[3].first == 0xeeeeeeeeeeeeeeeeULL ? "untouched" : "written");

	/* too little room: E2BIG, and how many there are */
	p = (struct kvm_hc_policy){ .size = sizeof(p), .nranges = 1, .ranges = (uintptr_t)got,
				    .range_size = sizeof(got[0]) };
	r = hc_get_policy(h, &p);
	report(r == -E2BIG && p.nranges == NRANGES(set), "uapi.get_policy.room_for_1",
	       "got=%s,nranges:%u want=E2BIG,%u", resname(r), p.nranges,
	       (unsigned int)NRANGES(set));

	/* a caller that knows longer entries gets ours and a zero tail */
	memset(wide, 0xee, sizeof(wide));
	p = (struct kvm_hc_policy){ .size = sizeof(p), .nranges = 4, .ranges = (uintptr_t)wide,
				    .range_size = sizeof(wide[0]) };
	r = hc_get_policy(h, &p);
	for (i = 0; r == 0 && i < NRANGES(set); i++)
		tails += !wide[i].tail && range_eq(&wide[i].r, &set[order[i]]);
	report(tails == NRANGES(set), "uapi.get_policy.longer_entries",
	       "got=%s,%u-of-%u-with-zero-tail want=ok,all", resname(r), tails,
	       (unsigned int)NRANGES(set));

	a = arch_call(vm, UAPI_NR, "uapi.get_policy.guest");
	report(answer_eq(a, want), "uapi.get_policy.guest", "got=0x%llx,exits:%d want=0x%llx,exits:%d",
	       (unsigned long long)a.val, a.exits, (unsigned long long)want.val, want.exits);

	/* an empty policy reads back empty */
	hc_policy(h, 0, NULL, 0, "uapi.get_policy.empty");
	p = (struct kvm_hc_policy){ .size = sizeof(p), .range_size = sizeof(got[0]) };
	r = hc_get_policy(h, &p);
	report(r == 0 && !p.services && !p.nranges, "uapi.get_policy.empty",
	       "got=%s,services:0x%x,nranges:%u want=ok,0,0", resname(r), p.services, p.nranges);
}

/* Root's only: the folder's files are 0400. */
static void uapi_sysfs_modes(int vm_fd)
{
	char dir[128], path[192];
	struct stat st;
	int ok, slots = 0, i;

	hc_sysfs_dir(vm_fd, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/counters", dir);
	ok = stat(path, &st) == 0;
	report(ok && (st.st_mode & 0777) == 0400, "uapi.sysfs.counters_mode",
	       "got=%s%o want=0400 (%s)", ok ? "" : "missing:", ok ? st.st_mode & 0777 : 0, path);
	for (i = 0; i < HC_NRS_COUNTED + 1; i++) {
		snprintf(path, sizeof(path), "%s/numbers/%d", dir, i);
		if (stat(path, &st) == 0 && (st.st_mode & 0777) == 0400)
			slots++;
	}
	report(slots == HC_NRS_COUNTED, "uapi.sysfs.number_files",
	       "got=%d want=%d (numbers/0 .. numbers/63, each 0400)", slots, HC_NRS_COUNTED);
}

/*
 * Two attachments under one name: VM b's fd is closed while its handle
 * stays open, and VM c, attached next, gets the same fd number.
 */
static void uapi_sysfs_collision(int dev)
{
	struct hc_counts got;
	const struct kvm_hc_range deny[] = { RANGE(UAPI_NR, UAPI_NR, DENY, -EPERM) };
	struct vm b, c;
	int hb, hcv, n, fd, r;
	char dir[128];

	if (arch_vm_create(&b, "uapi.collision.b") < 0)
		return;
	hb = hc_attach(dev, b.fd, "uapi.collision.b");
	if (hb < 0)
		return;
	fd = b.fd;
	close(b.fd);		/* the handle (and the vCPU) keep the VM */
	b.fd = -1;
	if (arch_vm_create(&c, "uapi.collision.c") < 0)
		goto close_b;
	if (c.fd != fd) {	/* give c the number b had */
		if (dup2(c.fd, fd) < 0)
			goto destroy_c;
		close(c.fd);
		c.fd = fd;
	}
	hcv = hc_attach(dev, c.fd, "uapi.collision.c");
	if (hcv < 0)
		goto destroy_c;
	n = hc_sysfs_count(fd);
	report(n == 2, "uapi.collision.two_folders", "got=%d want=2 (one per attachment)", n);
	/* each folder holds its own VM's counters: c's calls are not b's */
	hc_policy(hcv, 0, deny, 1, "uapi.collision.c");
	arch_call(&c, UAPI_NR, "uapi.collision.c.call");
	r = hc_get_stats(hcv, &got);
	report(r == 0 && got.total.deny == 1, "uapi.collision.c.counters",
	       "got=%s,%s want=ok,deny:1", resname(r), fmt_counters(&got.total));
	r = hc_get_stats(hb, &got);
	report(r == 0 && !got.total.deny && !got.total.kvm, "uapi.collision.b.counters",
	       "got=%s,%s want=ok,all-0", resname(r), fmt_counters(&got.total));
	close(hb);
	n = hc_sysfs_count(fd);
	hc_sysfs_dir(fd, dir, sizeof(dir));
	report(n == 1, "uapi.collision.b_closed", "got=%d-folders want=1 (c's: %s)", n, dir);
	close(hcv);
	report(!hc_sysfs_exists(fd), "uapi.collision.c_closed", "got=%s want=none",
	       hc_sysfs_exists(fd) ? "present" : "none");
	hb = -1;
destroy_c:
	vm_destroy(&c);
close_b:
	if (hb >= 0)
		close(hb);
	vm_destroy(&b);
}

/*
 * The stats fd, read with the reader written for KVM's own (KVM_GET_STATS_FD
 * on the VM fd): the same values as KVM_HC_GET_STATS, also after the handle
 * is closed, which still detaches the VM.
 */
static void uapi_stats_fd(int dev)
{
	const struct kvm_hc_range deny[] = { RANGE(UAPI_NR, UAPI_NR + 1, DENY, -EPERM) };
	static struct stats_fd kvm_s, s, s2;
	const uint64_t *v, *num, *nk, *nd;
	unsigned int size, i, j, same = 0;
	struct hc_counts c;
	struct answer a;
	int h, fd, kfd, r;
	struct vm vm;

	if (arch_vm_create(&vm, "uapi.stats_fd") < 0)
		return;
	kfd = ioctl(vm.fd, KVM_GET_STATS_FD, 0);
	r = kfd < 0 ? -errno : stats_fd_read(kfd, &kvm_s);
	report(r == 0 && kvm_s.n > 0 && !strncmp(kvm_s.id, "kvm-", 4), "uapi.stats_fd.reader_on_kvm",
	       "got=%s,id:%s,descs:%u want=ok,kvm-<pid>,>0 (KVM's own VM stats fd)", resname(r),
	       kvm_s.id, kvm_s.n);
	if (kfd >= 0)
		close(kfd);
	h = hc_attach(dev, vm.fd, "uapi.stats_fd");
	if (h < 0 || hc_policy(h, 0, deny, 1, "uapi.stats_fd") < 0)
		return;
	arch_call(&vm, UAPI_NR, "uapi.stats_fd.call");
	arch_call(&vm, UAPI_NR + 1, "uapi.stats_fd.call");
	arch_call(&vm, UAPI_NR + 1, "uapi.stats_fd.call");
	fd = ioctl(h, KVM_HC_GET_STATS_FD, 0);
	r = fd < 0 ? -errno : stats_fd_read(fd, &s);
	report(r == 0 && !strncmp(s.id, "kvm_hc-", 7), "uapi.stats_fd.read",
	       "got=%s,id:%s want=ok,kvm_hc-<id>", resname(r), s.id);
	if (r || hc_get_stats(h, &c) < 0) {
		if (fd >= 0)
			close(fd);
		close(h);
		vm_destroy(&vm);
		return;
	}
	v = stats_fd_find(&s, "deny", NULL);
	report(v && *v == c.total.deny && *v == 3, "uapi.stats_fd.deny",
	       "got=%llu want=%llu (KVM_HC_GET_STATS), 3 calls", v ? (unsigned long long)*v : 0,
	       (unsigned long long)c.total.deny);
	v = stats_fd_find(&s, "kvm", NULL);
	report(v && *v == c.total.kvm, "uapi.stats_fd.kvm", "got=%llu want=%llu",
	       v ? (unsigned long long)*v : 0, (unsigned long long)c.total.kvm);
	v = stats_fd_find(&s, "numbers", NULL);
	report(v && *v == c.n, "uapi.stats_fd.numbers", "got=%llu want=%u",
	       v ? (unsigned long long)*v : 0, c.n);
	num = stats_fd_find(&s, "number", &size);
	nk = stats_fd_find(&s, "number_kvm", NULL);
	nd = stats_fd_find(&s, "number_deny", NULL);
	for (i = 0; num && nk && nd && i < c.n; i++)
		for (j = 0; j < size; j++)
			if ((nk[j] || nd[j]) && num[j] == c.nr[i].nr &&
			    nd[j] == c.nr[i].counters.deny && nk[j] == c.nr[i].counters.kvm)
				same++;
	report(size == HC_NRS_COUNTED && same == c.n, "uapi.stats_fd.per_number",
	       "got=size:%u,%u-of-%u-numbers-as-GET_STATS want=size:%d,all", size, same, c.n,
	       HC_NRS_COUNTED);
	/* the handle closed: the VM is detached, the fd reads the last values */
	close(h);
	a = arch_call(&vm, UAPI_NR, "uapi.stats_fd.after_close");
	report(answer_eq(a, arch_stock()), "uapi.stats_fd.after_close.stock",
	       "got=0x%llx,exits:%d want=stock (detached although the stats fd is open)",
	       (unsigned long long)a.val, a.exits);
	r = stats_fd_read(fd, &s2);
	v = stats_fd_find(&s2, "deny", NULL);
	report(r == 0 && v && *v == 3, "uapi.stats_fd.after_close.read",
	       "got=%s,deny:%llu want=ok,3", resname(r), v ? (unsigned long long)*v : 0);
	close(fd);
	vm_destroy(&vm);
}

#define TRACEFS		"/sys/kernel/tracing"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* The id an attachment's sysfs folder ends in, or 0. */
static unsigned long long uapi_vm_id(int vm_fd)
{
	char dir[128], *dash;

	hc_sysfs_dir(vm_fd, dir, sizeof(dir));
	dash = strrchr(dir, '-');
	return dash ? strtoull(dash + 1, NULL, 10) : 0;
}

/* The first trace line after @from that has @event and @what; its position. */
static long trace_find(FILE *f, long from, const char *event, const char *what, char *line,
		       size_t len)
{
	long pos;

	fseek(f, from, SEEK_SET);
	for (pos = ftell(f); fgets(line, len, f); pos = ftell(f))
		if (line[0] != '#' && strstr(line, event) && strstr(line, what))
			return pos;
	return -1;
}

static void uapi_trace(int dev)
{
	const struct kvm_hc_range deny[] = { RANGE(UAPI_NR, UAPI_NR, DENY, -EPERM) };
	char want[160], line[768], *args, *end;
	unsigned long long id;
	int h, nargs = 0;
	long pos = 0;
	struct vm vm;
	FILE *f;

	if (write_file(TRACEFS "/trace", "") < 0 ||
	    write_file(TRACEFS "/events/kvm_hc/enable", "1") < 0) {
		report(0, "uapi.trace", "got=cannot-enable(errno=%d) want=kvm_hc-events-on", errno);
		return;
	}
#ifdef ARCH_KVM_HYPERCALL_EVENT
	write_file(TRACEFS "/events/kvm/kvm_hypercall/enable", "1");
#endif
	if (arch_vm_create(&vm, "uapi.trace") < 0)
		return;
	h = hc_attach(dev, vm.fd, "uapi.trace");
	id = uapi_vm_id(vm.fd);
	if (h >= 0) {
		hc_policy(h, 1u << KVM_HC_SVC_DISCOVER, deny, 1, "uapi.trace");
		arch_call(&vm, UAPI_NR, "uapi.trace.call");
		close(h);
	}
	write_file(TRACEFS "/events/kvm_hc/enable", "0");
#ifdef ARCH_KVM_HYPERCALL_EVENT
	write_file(TRACEFS "/events/kvm/kvm_hypercall/enable", "0");
#endif
	f = fopen(TRACEFS "/trace", "r");
	if (!f || h < 0 || !id) {
		report(0, "uapi.trace", "got=no-trace-or-attach want=events");
		if (f)
			fclose(f);
		vm_destroy(&vm);
		return;
	}
	snprintf(want, sizeof(want), "vm=%llu pid=%d", id, (int)getpid());
	pos = trace_find(f, 0, "kvm_hc_attach:", want, line, sizeof(line));
	report(pos >= 0, "uapi.trace.attach_event", "got=%s want=kvm_hc_attach: %s",
	       pos >= 0 ? "found" : "missing", want);
	snprintf(want, sizeof(want), "vm=%llu services=0x1 nranges=1", id);
	pos = trace_find(f, pos < 0 ? 0 : pos, "kvm_hc_policy:", want, line, sizeof(line));
	report(pos >= 0, "uapi.trace.policy_event", "got=%s want=kvm_hc_policy: %s (after attach)",
	       pos >= 0 ? "found" : "missing", want);
	snprintf(want, sizeof(want), "vm=%llu vcpu=0 arch=%s nr=0x%llx args={", id,
		 ARCH_TRACE_NAME, (unsigned long long)UAPI_NR);
	pos = trace_find(f, pos < 0 ? 0 : pos, "kvm_hc_dispatch:", want, line, sizeof(line));
	report(pos >= 0, "uapi.trace.dispatch", "got=%s want=kvm_hc_dispatch: %s...",
	       pos >= 0 ? "found" : "missing", want);
	if (pos >= 0) {
		printf("INFO uapi.trace.dispatch: %s", line);
		args = strstr(line, "args={");
		end = args ? strchr(args, '}') : NULL;
		for (nargs = args && end && end > args + 6; args && args < end; args++)
			nargs += *args == ',';
		report(nargs == ARCH_TRACE_NARGS, "uapi.trace.dispatch.args", "got=%d want=%d",
		       nargs, ARCH_TRACE_NARGS);
		report(strstr(line, "action=deny") && strstr(line, "status=-1\n"),
		       "uapi.trace.dispatch.result", "got=%s want=action=deny,status=-1 (-EPERM)",
		       strstr(line, "action=") ? strstr(line, "action=") : "none");
	}
#ifdef ARCH_KVM_HYPERCALL_EVENT
	/* KVM's own event, for a call kvm_hc answered without KVM's function */
	snprintf(want, sizeof(want), "nr 0x%llx ", (unsigned long long)UAPI_NR);
	report(trace_find(f, 0, "kvm_hypercall:", want, line, sizeof(line)) >= 0,
	       "uapi.trace.kvm_hypercall", "got=%s want=kvm_hypercall: %s(KVM's event, as without kvm_hc)",
	       trace_find(f, 0, "kvm_hypercall:", want, line, sizeof(line)) >= 0 ? "found" : "missing",
	       want);
#endif
	snprintf(want, sizeof(want), "vm=%llu", id);
	pos = trace_find(f, pos < 0 ? 0 : pos, "kvm_hc_detach:", want, line, sizeof(line));
	report(pos >= 0, "uapi.trace.detach_event", "got=%s want=kvm_hc_detach: %s (after the call)",
	       pos >= 0 ? "found" : "missing", want);
	fclose(f);
	write_file(TRACEFS "/trace", "");
	vm_destroy(&vm);
}

int cmd_uapi(void)
{
	struct vm vm;
	int dev, h;

	watchdog_start("uapi", 60);
	dev = hc_open("uapi.open");
	if (dev < 0)
		return 1;
	uapi_caps(dev, "dev");
	if (arch_vm_create(&vm, "uapi") < 0)
		return 1;
	h = hc_attach(dev, vm.fd, "uapi");
	if (h < 0)
		return 1;
	uapi_caps(h, "handle");
	uapi_numbers(dev, h);
	uapi_get_policy(h, &vm);
	uapi_sysfs_modes(vm.fd);
	uapi_sysfs_collision(dev);
	uapi_trace(dev);
	uapi_stats_fd(dev);
	say("the 1.0 interface answered every capability, read the policy back and kept each attachment's sysfs folder apart (%d checks)",
	    npass + nfail);
	close(h);
	vm_destroy(&vm);
	close(dev);
	return nfail ? 1 : 0;
}
