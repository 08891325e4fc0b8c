// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hc: kvm_hc for operators and VMM developers (kvm-hc.8).
 *
 *   kvm-hc status [--json]          the module, its hook, what it can do
 *   kvm-hc list [--json]            attached VMs: VMM, counters, policy
 *   kvm-hc stats [VM] [--json]      a VM's counters per number (all VMs)
 *   kvm-hc top [--delay S] [--json] the counters, refreshed, like kvm_stat
 *   kvm-hc trace [--count N] [--json]
 *                                   dispatch events as they happen
 *   kvm-hc attach --pid P --fd F [--kernel R]... [--deny R[:ERR]]... [--exception R]...
 *                                   attach a running VMM's VM as the
 *                                   operator, until interrupted
 *
 * Reads /dev/kvm_hc (capabilities), /sys/module/kvm_hc and
 * /sys/kernel/kvm_hc (root only: per-VM counters are the guest's
 * business), and the kvm_hc tracepoints.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kvmhc.h"

#define SYS_MODULE	"/sys/module/kvm_hc"
#define SYS_VMS		"/sys/kernel/kvm_hc"
#define TRACEFS		"/sys/kernel/tracing"

/* Exit codes: 0 done, 1 failed (the reason printed), 2 bad usage. */
#define EXIT_USAGE	2

static int json;
static int in_top;		/* list as a part of top's line */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvm-hc status [--json]\n"
		"       kvm-hc list [--json]\n"
		"       kvm-hc stats [VM] [--json]\n"
		"       kvm-hc top [--delay SECONDS] [--json]\n"
		"       kvm-hc trace [--count N] [--json]\n"
		"       kvm-hc attach --pid PID --fd VM_FD [--kernel N[-M]]... [--deny N[-M][:ERRNO]]...\n"
		"                     [--exception N[-M]]... [--discovery]\n"
		"       kvm-hc version [--json]\n"
		"A VM is named by its sysfs folder, <pid>-<vm fd>-<id>, or its id.\n");
}

static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("kvm-hc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	return EXIT_USAGE;
}

/* The first line of a file, without its newline; "" if it cannot be read. */
static const char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return buf;
}

/* One "key value" line's value from such a file; -1 where absent. */
static long long read_key(const char *path, const char *key)
{
	long long val, ret = -1;
	char k[64];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &val) == 2)
		if (!strcmp(k, key))
			ret = val;
	fclose(f);
	return ret;
}

/* Counters as the "key value" files of kvm_hc print them; -1 where absent. */
struct counters {
	long long kvm, kernel, forward, deny, uncounted, vms;
};

static void read_counters(const char *path, struct counters *c)
{
	static const char *const keys[] = { "kvm", "kernel", "forward", "deny", "uncounted",
					    "vms" };
	long long *v[] = { &c->kvm, &c->kernel, &c->forward, &c->deny, &c->uncounted, &c->vms };
	FILE *f = fopen(path, "r");
	unsigned int i;
	long long val;
	char k[64];

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		*v[i] = -1;
	if (!f)
		return;
	while (fscanf(f, "%63s %lld", k, &val) == 2)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(k, keys[i]))
				*v[i] = val;
	fclose(f);
}

static const char *arch_name(long arch)
{
	switch (arch) {
	case KVM_HC_ARCH_X86: return "x86";
	case KVM_HC_ARCH_ARM64: return "arm64";
	case KVM_HC_ARCH_S390: return "s390";
	case KVM_HC_ARCH_POWERPC: return "powerpc";
	}
	return "unknown";
}

/* Where kvm_hc's own block lies in the architecture's numbering. */
static const char *arch_block(long arch)
{
	switch (arch) {
	case KVM_HC_ARCH_X86: return "0x4b480000-0x4b4800ff (vmcall/vmmcall, nr in rax)";
	case KVM_HC_ARCH_ARM64: return "SMCCC vendor-hyp functions 96-111 (0x86000060, 0xc6000060)";
	case KVM_HC_ARCH_S390: return "DIAGNOSE 0x500 subcodes 0x4b480000-0x4b4800ff";
	case KVM_HC_ARCH_POWERPC: return "PAPR hcalls 0x4b480000 + 4 * service";
	}
	return "";
}

static int cmd_status(void)
{
	static const struct {
		const char *name;
		unsigned long cap;
	} caps[] = {
		{ "api_version", KVM_HC_CAP_API_VERSION },
		{ "guest_abi", KVM_HC_CAP_GUEST_ABI },
		{ "arch", KVM_HC_CAP_ARCH },
		{ "actions", KVM_HC_CAP_ACTIONS },
		{ "services", KVM_HC_CAP_SERVICES },
		{ "max_ranges", KVM_HC_CAP_MAX_RANGES },
		{ "nr_counters", KVM_HC_CAP_NR_COUNTERS },
		{ "forward_args", KVM_HC_CAP_FORWARD_ARGS },
		{ "exit_marker", KVM_HC_CAP_EXIT_MARKER },
		{ "get_policy", KVM_HC_CAP_GET_POLICY },
		{ "stats_fd", KVM_HC_CAP_STATS_FD },
		{ "doorbells", KVM_HC_CAP_DOORBELLS },
		{ "ring_entries", KVM_HC_CAP_RING_ENTRIES },
		{ "rate_limit", KVM_HC_CAP_RATE_LIMIT },
		{ "user_ranges", KVM_HC_CAP_USER_RANGES },
		{ "exceptions", KVM_HC_CAP_EXCEPTIONS },
	};
	long v[sizeof(caps) / sizeof(caps[0])];
	char hook[256], ver[64];
	struct kvmhc *dev = NULL;
	struct counters c;
	struct utsname u;
	unsigned int i;
	int r;

	uname(&u);
	if (access(SYS_MODULE, F_OK)) {
		if (json)
			printf("{\"loaded\": false, \"kernel\": \"%s\"}\n", u.release);
		else
			printf("kvm_hc: not loaded (kernel %s)\n", u.release);
		return 1;
	}
	read_line(SYS_MODULE "/hook", hook, sizeof(hook));
	read_line(SYS_MODULE "/version", ver, sizeof(ver));
	r = kvmhc_open(&dev);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		v[i] = r ? -1 : kvmhc_check(dev, caps[i].cap);
	kvmhc_close(dev);
	read_counters(SYS_MODULE "/stats", &c);
	if (json) {
		printf("{\"loaded\": true, \"kernel\": \"%s\", \"version\": \"%s\", \"hook\": \"%s\", "
		       "\"arch\": \"%s\", \"vms\": %lld, \"counters\": {\"kvm\": %lld, "
		       "\"kernel\": %lld, \"forward\": %lld, \"deny\": %lld}, \"capabilities\": {",
		       u.release, ver, hook, arch_name(v[2]), c.vms, c.kvm, c.kernel, c.forward,
		       c.deny);
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			printf("%s\"%s\": %ld", i ? ", " : "", caps[i].name, v[i]);
		printf("}%s}\n", r ? ", \"device\": \"cannot open /dev/kvm_hc\"" : "");
		return 0;
	}
	printf("kvm_hc %s on kernel %s\n", ver[0] ? ver : "(no version)", u.release);
	printf("  hook         %s\n", hook);
	if (r) {
		printf("  device       /dev/kvm_hc: %s\n", kvmhc_strerror(r));
	} else {
		printf("  interface    %ld.%ld, guest ABI %ld.%ld\n", v[0] >> 16, v[0] & 0xffff,
		       v[1] >> 16, v[1] & 0xffff);
		printf("  architecture %s, kvm_hc's block: %s\n", arch_name(v[2]), arch_block(v[2]));
		printf("  actions      ");
		for (i = 0; i < 8; i++)
			if (v[3] & (1L << i))
				printf("%s ", kvmhc_action_name(i));
		printf("\n  services     0x%lx (discovery%s)\n", v[4],
		       (v[4] & (1L << KVM_HC_SVC_KICK)) ? ", kick" : "");
		printf("  limits       %ld ranges a policy, %ld numbers counted a VM, %ld arguments a forwarded exit%s\n",
		       v[5], v[6], v[7], v[8] ? ", exits marked" : "");
		if (v[11])
			printf("  doorbells    %ld a VM, rings of up to %ld entries%s%s\n", v[11], v[12],
			       v[13] ? "; ranges take rate limits" : "",
			       v[14] ? " and guest user mode" : "");
	}
	printf("  attached VMs %lld\n", c.vms);
	printf("  calls        kvm %lld, kernel %lld, forward %lld, deny %lld\n",
	       c.kvm, c.kernel, c.forward, c.deny);
	return 0;
}

/* One attached VM, from its sysfs folder. */
struct vm_info {
	char name[64];
	int pid, fd;
	unsigned long long id;
	char comm[64];
	struct counters c;
	unsigned int services, nranges;
	char ranges[64][80];
	/* doorbells set (bitmap); the request ring, if it has one */
	unsigned int doorbells, ring_entries, ring_prod, ring_cons;
	unsigned long long ring_busy;
	int has_ring;
	/* rate-limited ranges, as the limits file has them */
	unsigned int nlimits;
	char limits[64][96];
	long long limited;
};

static int vm_read(const char *name, struct vm_info *vi)
{
	char path[192], line[160];
	FILE *f;

	memset(vi, 0, sizeof(*vi));
	if (sscanf(name, "%d-%d-%llu", &vi->pid, &vi->fd, &vi->id) != 3)
		return -1;
	snprintf(vi->name, sizeof(vi->name), "%.63s", name);
	snprintf(path, sizeof(path), "/proc/%d/comm", vi->pid);
	read_line(path, vi->comm, sizeof(vi->comm));
	snprintf(path, sizeof(path), SYS_VMS "/%.63s/counters", name);
	read_counters(path, &vi->c);
	snprintf(path, sizeof(path), SYS_VMS "/%.63s/policy", name);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = 0;
			if (sscanf(line, "services 0x%x", &vi->services) == 1)
				continue;
			if (line[0] && vi->nranges < 64)
				snprintf(vi->ranges[vi->nranges++], sizeof(vi->ranges[0]), "%.79s", line);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), SYS_VMS "/%.63s/limits", name);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f) && vi->nlimits < 64) {
			line[strcspn(line, "\n")] = 0;
			if (line[0])
				snprintf(vi->limits[vi->nlimits++], sizeof(vi->limits[0]), "%.95s", line);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), SYS_VMS "/%.63s/counters", name);
	vi->limited = read_key(path, "limited");
	snprintf(path, sizeof(path), SYS_VMS "/%.63s/doorbells", name);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "doorbells 0x%x", &vi->doorbells) == 1)
				continue;
			vi->has_ring = sscanf(line, "ring %u %u %u %llu", &vi->ring_entries,
					      &vi->ring_prod, &vi->ring_cons, &vi->ring_busy) == 4;
		}
		fclose(f);
	}
	return vi->c.kvm < 0 ? -1 : 0;
}

/* The attached VMs' folder names, sorted by id; how many, or -1 (said why). */
static int vm_names(char names[][64], int max)
{
	struct dirent *d;
	DIR *dir = opendir(SYS_VMS);
	int n = 0, i, j;

	if (!dir) {
		fprintf(stderr, "kvm-hc: %s: %s\n", SYS_VMS,
			errno == ENOENT ? "kvm_hc is not loaded" : strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)) && n < max)
		if (d->d_name[0] != '.')
			snprintf(names[n++], 64, "%.63s", d->d_name);
	closedir(dir);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strtoull(strrchr(names[j], '-') + 1, NULL, 10) <
				     strtoull(strrchr(names[j - 1], '-') + 1, NULL, 10); j--) {
			char t[64];

			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
		}
	return n;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			putchar(*s);
	putchar('"');
}

static int cmd_list(void)
{
	static char names[256][64];
	struct vm_info vi;
	int n = vm_names(names, 256), i, j, shown = 0;

	if (n < 0)
		return 1;
	if (json)
		printf("[");
	else
		printf("%-16s %7s %-15s %10s %10s %10s %10s  %s\n", "VM", "PID", "VMM", "KVM",
		       "KERNEL", "FORWARD", "DENY", "POLICY");
	for (i = 0; i < n; i++) {
		if (vm_read(names[i], &vi))
			continue;
		if (json) {
			printf("%s{\"vm\": ", shown ? ", " : "");
			json_str(vi.name);
			printf(", \"id\": %llu, \"pid\": %d, \"vm_fd\": %d, \"vmm\": ", vi.id, vi.pid,
			       vi.fd);
			json_str(vi.comm);
			printf(", \"counters\": {\"kvm\": %lld, \"kernel\": %lld, \"forward\": %lld, "
			       "\"deny\": %lld, \"uncounted\": %lld}, \"services\": %u, \"ranges\": [",
			       vi.c.kvm, vi.c.kernel, vi.c.forward, vi.c.deny, vi.c.uncounted,
			       vi.services);
			for (j = 0; j < (int)vi.nranges; j++) {
				printf(j ? ", " : "");
				json_str(vi.ranges[j]);
			}
			printf("], \"limits\": [");
			for (j = 0; j < (int)vi.nlimits; j++) {
				printf(j ? ", " : "");
				json_str(vi.limits[j]);
			}
			printf("], \"limited\": %lld, \"doorbells\": %u", vi.limited, vi.doorbells);
			if (vi.has_ring)
				printf(", \"ring\": {\"entries\": %u, \"produced\": %u, "
				       "\"consumed\": %u, \"busy\": %llu}", vi.ring_entries,
				       vi.ring_prod, vi.ring_cons, vi.ring_busy);
			printf("}");
		} else {
			printf("%-16s %7d %-15s %10lld %10lld %10lld %10lld  services 0x%x, %u range%s\n",
			       vi.name, vi.pid, vi.comm, vi.c.kvm, vi.c.kernel, vi.c.forward, vi.c.deny,
			       vi.services, vi.nranges, vi.nranges == 1 ? "" : "s");
			for (j = 0; j < (int)vi.nranges; j++)
				printf("%16s   %s\n", "", vi.ranges[j]);
			for (j = 0; j < (int)vi.nlimits; j++)
				printf("%16s   limit %s\n", "", vi.limits[j]);
			if (vi.nlimits)
				printf("%16s   %lld calls over their limit\n", "", vi.limited);
			if (vi.doorbells)
				printf("%16s   doorbells 0x%x\n", "", vi.doorbells);
			if (vi.has_ring)
				printf("%16s   ring: %u entries, %u produced, %u consumed, %u waiting, %llu busy\n",
				       "", vi.ring_entries, vi.ring_prod, vi.ring_cons,
				       vi.ring_prod - vi.ring_cons, vi.ring_busy);
		}
		shown++;
	}
	if (json)
		printf(in_top ? "]" : "]\n");
	else if (!shown)
		printf("(no VM attached)\n");
	return 0;
}

/* The per-number counters of VM @name, one line each. */
static int show_numbers(const char *name, int first)
{
	char path[192], line[160];
	unsigned long long nr, a, b, c, d;
	int i, shown = 0;
	FILE *f;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), SYS_VMS "/%.63s/numbers/%d", name, i);
		f = fopen(path, "r");
		if (!f)
			return -errno;
		if (fgets(line, sizeof(line), f) &&
		    sscanf(line, "%llx %llu %llu %llu %llu", &nr, &a, &b, &c, &d) == 5) {
			if (json)
				printf("%s{\"vm\": \"%s\", \"nr\": %llu, \"kvm\": %llu, \"kernel\": %llu, "
				       "\"forward\": %llu, \"deny\": %llu}",
				       first && !shown ? "" : ", ", name, nr, a, b, c, d);
			else
				printf("%-16s 0x%-14llx %12llu %12llu %12llu %12llu\n", name, nr, a, b,
				       c, d);
			shown++;
		}
		fclose(f);
	}
	return shown;
}

/* Match a VM by its folder name or its id. */
static int vm_match(const char *name, const char *want)
{
	const char *dash = strrchr(name, '-');

	return !want || !strcmp(name, want) || (dash && !strcmp(dash + 1, want));
}

static int cmd_stats(const char *want)
{
	static char names[256][64];
	int n = vm_names(names, 256), i, r, found = 0, shown = 0;

	if (n < 0)
		return 1;
	if (json)
		printf("[");
	else
		printf("%-16s %-16s %12s %12s %12s %12s\n", "VM", "NUMBER", "KVM", "KERNEL",
		       "FORWARD", "DENY");
	for (i = 0; i < n; i++) {
		if (!vm_match(names[i], want))
			continue;
		found++;
		r = show_numbers(names[i], !shown);
		if (r < 0) {
			fprintf(stderr, "kvm-hc: %s: %s\n", names[i], strerror(-r));
			return 1;
		}
		shown += r;
	}
	if (json)
		printf("]\n");
	if (want && !found) {
		fprintf(stderr, "kvm-hc: no attached VM %s\n", want);
		return 1;
	}
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int cmd_top(unsigned int delay)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	in_top = 1;
	while (!stop) {
		time_t t = time(NULL);

		/* --json: one line per refresh, {"time": T, "vms": [list]} */
		if (json)
			printf("{\"time\": %lld, \"vms\": ", (long long)t);
		else
			printf("\033[H\033[2Jkvm-hc top, every %u s, %s", delay, ctime(&t));
		if (cmd_list())
			return 1;
		if (json)
			printf("}\n");
		fflush(stdout);
		sleep(delay);
	}
	return 0;
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -errno;
	ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

/*
 * A trace_pipe line, "TASK-PID [CPU] FLAGS TIME: EVENT: k=v k=v ...", as
 * one JSON object on a line: {"time": TIME, "task": "TASK-PID",
 * "event": "EVENT", "k": "v", ...}.
 */
static void trace_json(char *line)
{
	char *ev = strstr(line, ": kvm_hc_"), *colon, *t, *kv, *save = NULL;

	line[strcspn(line, "\n")] = 0;
	*ev = 0;
	t = strrchr(line, ' ');
	colon = strchr(ev + 2, ':');
	if (colon)
		*colon = 0;
	printf("{\"time\": %s, \"task\": ", t ? t + 1 : "0");
	while (*line == ' ')
		line++;
	line[strcspn(line, " ")] = 0;
	json_str(line);
	printf(", \"event\": ");
	json_str(ev + 2);
	for (kv = strtok_r(colon ? colon + 1 : "", " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq)
			continue;
		*eq = 0;
		printf(", ");
		json_str(kv);
		printf(": ");
		json_str(eq + 1);
	}
	printf("}\n");
}

static int cmd_trace(long count)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char line[1024];
	long n = 0;
	FILE *f;
	int r;

	r = write_file(TRACEFS "/events/kvm_hc/enable", "1");
	if (r) {
		fprintf(stderr, "kvm-hc: cannot enable %s/events/kvm_hc: %s\n", TRACEFS, strerror(-r));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	f = fopen(TRACEFS "/trace_pipe", "r");
	if (!f) {
		fprintf(stderr, "kvm-hc: %s/trace_pipe: %s\n", TRACEFS, strerror(errno));
		write_file(TRACEFS "/events/kvm_hc/enable", "0");
		return 1;
	}
	while (!stop && (count <= 0 || n < count) && fgets(line, sizeof(line), f)) {
		if (!strstr(line, ": kvm_hc_"))
			continue;
		if (json)
			trace_json(line);
		else
			fputs(line, stdout);
		fflush(stdout);
		n++;
	}
	fclose(f);
	write_file(TRACEFS "/events/kvm_hc/enable", "0");
	return 0;
}

/* "N" or "N-M" (numbers as strtoull reads them, 0x... too), then ":ERR" if @err. */
static int parse_range(const char *s, uint64_t *first, uint64_t *last, int32_t *err)
{
	char *end;

	errno = 0;
	*first = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	*last = *first;
	if (*end == '-') {
		s = end + 1;
		*last = strtoull(s, &end, 0);
		if (errno || end == s || *last < *first)
			return -1;
	}
	if (err && *end == ':') {
		s = end + 1;
		*err = (int32_t)strtol(s, &end, 0);
		if (end == s || *err >= 0 || *err < -4095)
			return -1;
	} else if (err) {
		*err = -KVM_HC_ENOHC;
	}
	return *end ? -1 : 0;
}

static int cmd_attach(long pid, long fd, struct kvmhc_policy *p)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct kvmhc_vm *vm;
	struct kvmhc *dev;
	int r;

	r = kvmhc_open(&dev);
	if (!r)
		r = kvmhc_attach_operator(dev, (int)pid, (int)fd, &vm);
	if (r) {
		fprintf(stderr, "kvm-hc: cannot attach VM fd %ld of process %ld: %s\n", fd, pid,
			kvmhc_strerror(r));
		kvmhc_close(dev);
		return 1;
	}
	r = kvmhc_set_policy(vm, p);
	if (r) {
		fprintf(stderr, "kvm-hc: policy refused: %s\n", kvmhc_strerror(r));
		kvmhc_detach(vm);
		kvmhc_close(dev);
		return 1;
	}
	printf("kvm-hc: attached VM fd %ld of process %ld with %u range%s; interrupt to detach\n",
	       fd, pid, kvmhc_policy_nranges(p), kvmhc_policy_nranges(p) == 1 ? "" : "s");
	fflush(stdout);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop)
		pause();
	kvmhc_detach(vm);
	kvmhc_close(dev);
	printf("kvm-hc: detached\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL, *vm = NULL;
	long count = 0, delay = 2, pid = -1, fd = -1;
	struct kvmhc_policy *policy = kvmhc_policy_new();
	uint64_t first, last;
	int32_t err;
	char *end;
	int i;

	if (!policy)
		return 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--count") || !strcmp(argv[i], "--delay")) {
			if (i + 1 >= argc)
				return bad_usage("%s needs a number", argv[i]);
			errno = 0;
			*(!strcmp(argv[i], "--count") ? &count : &delay) = strtol(argv[i + 1], &end, 10);
			if (errno || *end || end == argv[i + 1] || (!strcmp(argv[i], "--delay") && delay < 1))
				return bad_usage("%s: not a valid number: %s", argv[i], argv[i + 1]);
			i++;
		} else if (!strcmp(argv[i], "--pid") || !strcmp(argv[i], "--fd")) {
			if (i + 1 >= argc)
				return bad_usage("%s needs a number", argv[i]);
			errno = 0;
			*(!strcmp(argv[i], "--pid") ? &pid : &fd) = strtol(argv[i + 1], &end, 10);
			if (errno || *end || end == argv[i + 1] || strtol(argv[i + 1], NULL, 10) < 0)
				return bad_usage("%s: not a valid number: %s", argv[i], argv[i + 1]);
			i++;
		} else if (!strcmp(argv[i], "--kernel") || !strcmp(argv[i], "--deny") ||
			   !strcmp(argv[i], "--exception")) {
			int deny = !strcmp(argv[i], "--deny");

			if (i + 1 >= argc || parse_range(argv[i + 1], &first, &last, deny ? &err : NULL))
				return bad_usage("%s needs N, N-M%s", argv[i], deny ? " or N[-M]:ERRNO (-4095..-1)" : "");
			if (kvmhc_policy_add(policy, first, last,
					     deny ? KVM_HC_ACTION_DENY :
					     !strcmp(argv[i], "--exception") ? KVM_HC_ACTION_EXCEPTION :
					     KVM_HC_ACTION_KERNEL,
					     deny ? err : 0))
				return bad_usage("too many ranges");
			i++;
		} else if (!strcmp(argv[i], "--discovery")) {
			kvmhc_policy_set_services(policy, 1u << KVM_HC_SVC_DISCOVER);
		} else if (argv[i][0] == '-') {
			return bad_usage("unknown option %s", argv[i]);
		} else if (!cmd) {
			cmd = argv[i];
		} else if (!vm && !strcmp(cmd, "stats")) {
			vm = argv[i];
		} else {
			return bad_usage("unexpected argument %s", argv[i]);
		}
	}
	if (!cmd)
		return bad_usage("no command");
	if (json && !strcmp(cmd, "attach"))
		return bad_usage("--json is for status, list, stats, top, trace and version");
	if (!strcmp(cmd, "status"))
		return cmd_status();
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "stats"))
		return cmd_stats(vm);
	if (!strcmp(cmd, "top"))
		return cmd_top((unsigned int)delay);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(count);
	if (!strcmp(cmd, "attach")) {
		if (pid < 0 || fd < 0)
			return bad_usage("attach needs --pid and --fd");
		return cmd_attach(pid, fd, policy);
	}
	if (!strcmp(cmd, "version")) {
		printf(json ? "{\"tool\": \"kvm-hc\", \"interface\": \"%d.%d\"}\n" :
		       "kvm-hc, interface %d.%d\n", KVM_HC_API_VERSION >> 16,
		       KVM_HC_API_VERSION & 0xffff);
		return 0;
	}
	return bad_usage("unknown command %s", cmd);
}
