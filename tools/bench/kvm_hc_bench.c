// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-hc-bench - what a hypercall costs with kvm_hc, against stock KVM, in
 * one run on one host.
 *
 * A guest issues one hypercall in a loop (bench_<arch>.c); the benchmark
 * times whole loops with CLOCK_MONOTONIC and takes the median over rounds.
 * It runs its phases in order, on the same host and kernel:
 *   stock     kvm_hc not loaded: what KVM alone costs for every case;
 *   loaded    kvm_hc loaded, no VM attached: what everybody else pays;
 *   floor     (with -f) kvm_hc loaded and not armed, and a test module's
 *             empty ftrace callback on the function kvm_hc hooks: what
 *             the hook mechanism alone costs, whatever its callback does;
 *   attached  VMs attached through /dev/kvm_hc with a policy per case.
 * and prints, per case, both costs and their ratio.  Each phase proves it
 * measured what it says: the guest's last result is the expected one, the
 * exits to the VMM are the expected ones, kvm_hc's counters advanced by
 * exactly the calls made in the expected column (not at all before a VM
 * is attached), else the case prints FAIL and so does the run.
 *
 * Under QEMU with -icount shift=0 a nanosecond of the guest's clock is one
 * emulated instruction, so the figures are instructions per call.
 *
 * usage: kvm-hc-bench [-m kvm_hc.ko] [-s kvm_hc_sample.ko] [-f kvm_hc_rival.ko]
 *                     [-n calls] [-r rounds] [-o file] [-k prefix] [-l label]
 *   -m  load kvm_hc from this file (default: modprobe kvm_hc)
 *   -s  the sample handler module, for the handler case (default: skipped)
 *   -f  tests/modules/kvm_hc_rival.ko, for the floor case (default: skipped;
 *       only where kvm_hc's hook is an ftrace one)
 *   -n  calls per loop (default 1000)
 *   -r  timed loops per case, after one untimed (default 7)
 *   -o  also write the table to this file
 *   -k  only the cases whose name starts with this prefix
 *   -l  a label for the table's heading (e.g. "icount")
 * kvm_hc must not be loaded when it starts; it is unloaded at the end if
 * the benchmark loaded it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_hc_bench.h"
#include "linux/kvm_hc.h"

#define MAX_ROUNDS	31
#define MAX_CALLERS	2
#define MAX_ROWS	32

enum phase { PH_STOCK, PH_LOADED, PH_FLOOR, PH_ATTACHED, PH_COUNT };
static const char *const phase_name[] = { "stock", "loaded", "floor", "attached" };

/* The counter a case's calls must land in. */
enum counter { C_KERNEL, C_FORWARD, C_DENY, C_KVM, C_NONE };
static const char *const counter_name[] = { "kernel", "forward", "deny", "kvm", "none" };

/**
 * struct spec - one measured configuration
 * @phase:    when it runs
 * @call:     what the guest calls
 * @vm_flags: BVM_* of each VM
 * @nvms:     VMs calling at once (1 or 2)
 * @fwd:      every call exits to the VMM
 * @action:   attached: the policy action for @call's number
 * @error:    ... its error, for a deny range
 * @range_nr: attached: the number the policy's range covers
 * @nranges:  attached: ranges in the policy (1 or KVM_HC_MAX_RANGES)
 * @services: attached: kvm_hc services the VM may call
 * @counter:  the counter the calls land in (C_NONE: kvm_hc must see none)
 * @sample:   needs the sample handler module
 * @doorbell: attached: the range rings doorbell 0, an eventfd nobody reads
 *            (DB_EVENTFD), or one a VMM thread waits on and drains the
 *            request ring after each wake-up (DB_RING)
 * @calls:    calls per loop, if not the -n default
 */
struct spec {
	enum phase phase;
	struct bench_call call;
	unsigned int vm_flags;
	int nvms;
	int fwd;
	uint32_t action;
	int32_t error;
	uint64_t range_nr;
	unsigned int nranges;
	uint32_t services;
	enum counter counter;
	int sample;
	int doorbell;
	unsigned int calls;
};

enum { DB_NONE, DB_EVENTFD, DB_RING };
/* The ring of the DB_RING case, and the calls its case makes (>= 100,000). */
#define DB_RING_ENTRIES	65536
#define DB_RING_CALLS	12500

/* The VMM side of a doorbell case: its eventfd, ring and I/O thread. */
static struct {
	int efd;
	struct kvm_hc_ring_header *hdr;
	const struct kvm_hc_ring_entry *ent;
	size_t size;
	pthread_t thr;
	int thr_started;
	volatile int stop;
	uint64_t drained, bad, busy;
	uint32_t max_backlog;		/* most entries waiting at a wake-up */
} db = { .efd = -1 };

/* Why a row was not run. */
enum { RUN, NOT_ASKED, NO_SAMPLE, NO_FLOOR };

struct row {
	char name[40];
	char what[72];
	struct spec base, test;
	double goal;
	double base_ns, test_ns;
	int base_ok, test_ok, skipped;
	/* DB_RING: calls turned away busy, of calls made */
	uint64_t busy, made;
	/*
	 * With a floor: the cost every hypercall pays before anyone decides
	 * anything (the trap, and KVM's own answer to an unknown number, with
	 * kvm_hc absent); the goal holds for what base and test cost beyond it.
	 */
	int has_floor, floor_ok;
	struct spec floor;
	double floor_ns;
};

/* The ratio a row's goal is about: beyond the floor where it has one. */
static double row_ratio(const struct row *r)
{
	if (r->has_floor)
		return (r->test_ns - r->floor_ns) / (r->base_ns - r->floor_ns);
	return r->test_ns / r->base_ns;
}

static struct row rows[MAX_ROWS];
static int nrows;
static unsigned int calls = 1000, rounds = 7;
static const char *module_path, *sample_path, *floor_path, *only, *label = "";
static int kvm_fd = -1;
static int failed;

void bench_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failed = 1;
}

int xioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* ---- VMs and vCPUs, as every architecture's part makes them ---- */

static int run_size;

/* An empty VM of KVM_CREATE_VM @type, or NULL after a FAIL line. */
struct bench_vm *bench_vm_open(int kvm_fd, unsigned long type)
{
	struct bench_vm *vm = calloc(1, sizeof(*vm));

	if (!vm) {
		bench_fail("out of memory");
		return NULL;
	}
	vm->fd = xioctl(kvm_fd, KVM_CREATE_VM, type);
	if (vm->fd < 0) {
		bench_fail("KVM_CREATE_VM: %s", strerror(errno));
		free(vm);
		return NULL;
	}
	return vm;
}

/* @size bytes of guest memory at @gpa, with @len bytes of @code at @code_off. */
int bench_vm_memory(struct bench_vm *vm, uint64_t gpa, size_t size, size_t code_off,
		    const void *code, size_t len)
{
	struct kvm_userspace_memory_region region = { .guest_phys_addr = gpa,
						       .memory_size = size };

	vm->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		bench_fail("mmap guest memory: %s", strerror(errno));
		return -1;
	}
	vm->mem_size = size;
	memcpy(vm->mem + code_off, code, len);
	region.userspace_addr = (uintptr_t)vm->mem;
	if (xioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		bench_fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* vCPU @id with its kvm_run mapped, or NULL after a FAIL line. */
struct bench_vcpu *bench_vcpu_open(struct bench_vm *vm, int id)
{
	struct bench_vcpu *v = &vm->vcpu[vm->nvcpus];

	v->fd = xioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0) {
		bench_fail("KVM_CREATE_VCPU: %s", strerror(errno));
		return NULL;
	}
	vm->nvcpus++;
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		bench_fail("mmap kvm_run: %s", strerror(errno));
		return NULL;
	}
	return v;
}

/* KVM_RUN once more after a signal: 0, or -1 after a FAIL line. */
int bench_vcpu_run(struct bench_vcpu *v)
{
	while (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR) {
			bench_fail("KVM_RUN: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/* A halted peer: KVM_RUN blocks in its wait until kicked, until destroyed. */
static void *halter_main(void *arg)
{
	struct bench_vcpu *v = arg;

	while (__atomic_load_n(&v->halting, __ATOMIC_ACQUIRE)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0 && errno != EINTR)
			break;
	}
	return NULL;
}

/* Run @v, whose guest code waits, in a thread of its own. */
int bench_vcpu_halt(struct bench_vcpu *v)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };

	sigaction(SIGUSR1, &sa, NULL);
	v->halting = 1;
	if (pthread_create(&v->halter, NULL, halter_main, v)) {
		v->halting = 0;
		bench_fail("pthread_create failed");
		return -1;
	}
	return 0;
}

void bench_vm_destroy(struct bench_vm *vm)
{
	int i;

	for (i = 0; i < vm->nvcpus; i++) {
		struct bench_vcpu *v = &vm->vcpu[i];

		if (v->halting) {
			/* immediate_exit ends a KVM_RUN the signal does not catch. */
			__atomic_store_n(&v->halting, 0, __ATOMIC_RELEASE);
			v->run->immediate_exit = 1;
			while (pthread_tryjoin_np(v->halter, NULL)) {
				pthread_kill(v->halter, SIGUSR1);
				usleep(1000);
			}
		}
		if (v->run)
			munmap(v->run, run_size);
		close(v->fd);
	}
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	close(vm->fd);
	free(vm);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- kvm_hc: the module, its counters, attaching ---- */

static int module_loaded(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

static int module_load(const char *path, const char *name, const char *params)
{
	char cmd[128];
	int fd, r;

	if (!path) {
		snprintf(cmd, sizeof(cmd), "modprobe %s", name);
		r = system(cmd);
		if (r)
			bench_fail("%s: status %d", cmd, r);
		return r ? -1 : 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bench_fail("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	r = syscall(SYS_finit_module, fd, params, 0);
	if (r)
		bench_fail("cannot load %s: %s", path, strerror(errno));
	close(fd);
	return r ? -1 : 0;
}

static int module_unload(const char *name)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, name, O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EBUSY && errno != EWOULDBLOCK)
			break;
		usleep(50000);
	}
	bench_fail("cannot unload %s: %s", name, strerror(errno));
	return -1;
}

/*
 * The floor module, on the (first) function kvm_hc hooks, with the
 * registers kvm_hc's hook gets: ftrace's argument registers, or a full
 * frame (bench_arch.floor_regs).
 */
static int floor_load(void)
{
	char func[128], params[160];
	FILE *f = fopen("/sys/module/kvm_hc/hook", "r");
	int ok = f && fgets(func, sizeof(func), f);

	if (f)
		fclose(f);
	if (!ok) {
		bench_fail("cannot read /sys/module/kvm_hc/hook");
		return -1;
	}
	func[strcspn(func, " \n")] = 0;
	snprintf(params, sizeof(params), "func=%s save_regs=%d", func, !!bench_arch.floor_regs);
	return module_load(floor_path, "kvm_hc_rival", params);
}

/* kvm_hc's counters over all VMs (/sys/module/kvm_hc/stats). */
static int global_counters(uint64_t c[4])
{
	FILE *f = fopen("/sys/module/kvm_hc/stats", "r");
	char key[16];
	unsigned long long v;
	int n = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%15s %llu", key, &v) == 2) {
		for (int i = 0; i < 4; i++)
			if (!strcmp(key, counter_name[i])) {
				c[i] = v;
				n++;
			}
	}
	fclose(f);
	return n == 4 ? 0 : -1;
}

static int vm_counters(int handle, uint64_t c[4])
{
	struct kvm_hc_stats s = { .size = sizeof(s) };

	if (xioctl(handle, KVM_HC_GET_STATS, &s) < 0)
		return -1;
	c[C_KERNEL] = s.total.kernel;
	c[C_FORWARD] = s.total.forward;
	c[C_DENY] = s.total.deny;
	c[C_KVM] = s.total.kvm;
	return 0;
}

/*
 * The VMM's I/O thread: wait on the eventfd, then take every entry the
 * ring holds, with the memory ordering struct kvm_hc_ring_header gives.
 */
static void db_take(uint32_t *cons)
{
	uint32_t prod = __atomic_load_n(&db.hdr->producer, __ATOMIC_ACQUIRE);

	if (prod - *cons > db.max_backlog)
		db.max_backlog = prod - *cons;
	while (*cons != prod) {
		const struct kvm_hc_ring_entry *e = &db.ent[*cons % DB_RING_ENTRIES];

		if (!e->nr)
			db.bad++;
		(*cons)++;
		db.drained++;
	}
	__atomic_store_n(&db.hdr->consumer, *cons, __ATOMIC_RELEASE);
}

/*
 * The ring's case puts the caller on the first CPU and the VMM's I/O
 * thread on the last, as a VMM would keep its I/O thread off its vCPUs'.
 */
static void db_pin(int last)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(last ? n - 1 : 0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *db_drain(void *arg)
{
	uint32_t cons = 0;
	uint64_t v;

	(void)arg;
	db_pin(1);
	while (!db.stop) {
		/* db_teardown() sets stop, then signals: this read returns */
		if (read(db.efd, &v, sizeof(v)) != sizeof(v) && errno != EINTR)
			break;
		db_take(&cons);
	}
	/* the calls are all made by now: whatever is left */
	db_take(&cons);
	return NULL;
}

/* Doorbell 0 of handle @h, and for DB_RING the ring and its I/O thread. */
static int db_setup(int h, int kind)
{
	struct kvm_hc_ring_setup rs = { .size = sizeof(rs), .entries = DB_RING_ENTRIES };
	struct kvm_hc_doorbell d = { .size = sizeof(d), .id = 0 };
	void *map;
	int fd;

	db.efd = eventfd(0, EFD_CLOEXEC | (kind == DB_RING ? 0 : EFD_NONBLOCK));
	d.fd = db.efd;
	if (db.efd < 0 || xioctl(h, KVM_HC_SET_DOORBELL, &d) < 0) {
		bench_fail("KVM_HC_SET_DOORBELL: %s", strerror(errno));
		return -1;
	}
	if (kind != DB_RING)
		return 0;
	fd = xioctl(h, KVM_HC_CREATE_RING, &rs);
	if (fd < 0) {
		bench_fail("KVM_HC_CREATE_RING: %s", strerror(errno));
		return -1;
	}
	map = mmap(NULL, rs.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		bench_fail("mmap of the ring: %s", strerror(errno));
		return -1;
	}
	db.hdr = map;
	db.size = rs.mmap_size;
	db.ent = (const void *)((const char *)map + rs.entries_offset);
	db.stop = 0;
	db.drained = db.bad = 0;
	db.max_backlog = 0;
	if (pthread_create(&db.thr, NULL, db_drain, NULL)) {
		bench_fail("pthread_create failed");
		return -1;
	}
	db.thr_started = 1;
	return 0;
}

/* Stop the I/O thread, keep what the ring's header says, free the rest. */
static void db_teardown(void)
{
	uint64_t one = 1;

	if (db.thr_started) {
		db.stop = 1;
		if (write(db.efd, &one, sizeof(one)) != sizeof(one))
			bench_fail("cannot wake the ring's thread: %s", strerror(errno));
		pthread_join(db.thr, NULL);
		db.thr_started = 0;
	}
	db.busy = db.hdr ? __atomic_load_n(&db.hdr->busy, __ATOMIC_RELAXED) : 0;
	if (db.hdr)
		munmap(db.hdr, db.size);
	db.hdr = NULL;
	if (db.efd >= 0)
		close(db.efd);
	db.efd = -1;
}

static int attach(int vm_fd, const struct spec *s)
{
	struct kvm_hc_range ranges[KVM_HC_MAX_RANGES];
	struct kvm_hc_attach a = { .size = sizeof(a), .vm_fd = vm_fd };
	struct kvm_hc_policy p = {
		.size = sizeof(p),
		.services = s->services,
		.nranges = s->nranges,
		.ranges = (uintptr_t)ranges,
		.range_size = sizeof(ranges[0]),
	};
	int dev, h;
	unsigned int i;

	dev = open("/dev/kvm_hc", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		bench_fail("cannot open /dev/kvm_hc: %s", strerror(errno));
		return -1;
	}
	h = xioctl(dev, KVM_HC_ATTACH, &a);
	close(dev);
	if (h < 0) {
		bench_fail("KVM_HC_ATTACH: %s", strerror(errno));
		return -1;
	}
	/*
	 * The range that matters is the policy's last: the others lie below
	 * it, one number each, two apart.
	 */
	for (i = 0; i + 1 < s->nranges; i++)
		ranges[i] = (struct kvm_hc_range){ .first = 0x100 + 2 * i, .last = 0x100 + 2 * i,
						   .action = KVM_HC_ACTION_FORWARD };
	if (s->nranges)
		ranges[i] = (struct kvm_hc_range){ .first = s->range_nr, .last = s->range_nr,
						   .action = s->action, .error = s->error,
						   .flags = s->doorbell == DB_RING ?
							    KVM_HC_RANGE_RING : 0 };
	if (xioctl(h, KVM_HC_SET_POLICY, &p) < 0) {
		bench_fail("KVM_HC_SET_POLICY: %s", strerror(errno));
		close(h);
		return -1;
	}
	if (s->doorbell && db_setup(h, s->doorbell) < 0) {
		close(h);
		return -1;
	}
	return h;
}

/* ---- one measurement ---- */

struct caller {
	struct bench_vm *vm;
	int vcpu;
	const struct spec *s;
	pthread_barrier_t *bar;
	double start[MAX_ROUNDS + 1], end[MAX_ROUNDS + 1];
	int ok;
};

static int loop_checked(struct caller *c)
{
	unsigned int exits;
	uint64_t last;

	if (bench_vcpu_loop(c->vm, c->vcpu, &last, &exits))
		return -1;
	if (c->s->call.want != BENCH_ANY && last != c->s->call.want) {
		bench_fail("result 0x%llx, expected 0x%llx", (unsigned long long)last,
			   (unsigned long long)c->s->call.want);
		return -1;
	}
	if (exits != (c->s->fwd ? calls : 0)) {
		bench_fail("%u exits to the VMM in a loop of %u calls, expected %u", exits, calls,
			   c->s->fwd ? calls : 0);
		return -1;
	}
	return 0;
}

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	unsigned int r;
	int ok = !bench_vcpu_prepare(c->vm, c->vcpu, &c->s->call, calls);

	if (c->s->doorbell == DB_RING)
		db_pin(0);

	/* One untimed loop, then the timed ones, all callers together. */
	for (r = 0; r <= rounds; r++) {
		pthread_barrier_wait(c->bar);
		c->start[r] = now_ns();
		if (ok && loop_checked(c))
			ok = 0;
		c->end[r] = now_ns();
	}
	c->ok = ok;
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Nanoseconds per call per caller, median over the rounds (0 if the loops
 * did not run); *okp: every check held.
 */
static double measure(const struct spec *s, int *okp)
{
	struct bench_vm *vms[2] = { 0 };
	int handles[2] = { -1, -1 };
	uint64_t before[2][4] = { 0 }, after[2][4] = { 0 }, gbefore[4] = { 0 }, gafter[4] = { 0 };
	struct caller callers[MAX_CALLERS];
	double per[MAX_ROUNDS] = { 0 };
	pthread_barrier_t bar;
	pthread_t thr[MAX_CALLERS];
	int i, n = 0, ok = 1, ncallers;
	unsigned int r, rounds_run = rounds;

	for (i = 0; i < s->nvms; i++) {
		vms[i] = bench_vm_create(kvm_fd, s->vm_flags);
		if (!vms[i]) {
			ok = 0;
			rounds_run = 0;
			goto out;
		}
		if (s->phase == PH_ATTACHED) {
			handles[i] = attach(vms[i]->fd, s);
			if (handles[i] < 0 || vm_counters(handles[i], before[i])) {
				ok = 0;
				rounds_run = 0;
				goto out;
			}
		}
	}
	if ((s->phase == PH_LOADED || s->phase == PH_FLOOR) && global_counters(gbefore)) {
		bench_fail("cannot read /sys/module/kvm_hc/stats");
		ok = 0;
		rounds_run = 0;
		goto out;
	}
	for (i = 0; i < s->nvms; i++) {
		callers[n++] = (struct caller){ .vm = vms[i], .vcpu = 0, .s = s, .bar = &bar };
		if (s->vm_flags & BVM_TWO_CALLERS)
			callers[n++] = (struct caller){ .vm = vms[i], .vcpu = 1, .s = s,
							.bar = &bar };
	}
	ncallers = n;
	pthread_barrier_init(&bar, NULL, ncallers);
	for (i = 0; i < ncallers; i++)
		pthread_create(&thr[i], NULL, caller_main, &callers[i]);
	for (i = 0; i < ncallers; i++) {
		pthread_join(thr[i], NULL);
		ok &= callers[i].ok;
	}
	pthread_barrier_destroy(&bar);
	if (!ok) {
		rounds_run = 0;
		goto out;
	}

	/* Counters: exactly the calls made, in the expected column. */
	if (s->phase == PH_LOADED || s->phase == PH_FLOOR) {
		if (global_counters(gafter) || memcmp(gbefore, gafter, sizeof(gafter))) {
			bench_fail("kvm_hc counted calls of a VM that is not attached");
			ok = 0;
		}
	}
	for (i = 0; s->phase == PH_ATTACHED && i < s->nvms; i++) {
		uint64_t made = (uint64_t)(rounds + 1) * calls *
				((s->vm_flags & BVM_TWO_CALLERS) ? 2 : 1);

		if (vm_counters(handles[i], after[i])) {
			bench_fail("KVM_HC_GET_STATS: %s", strerror(errno));
			ok = 0;
			break;
		}
		for (int c = 0; c < 4; c++) {
			uint64_t d = after[i][c] - before[i][c], want = c == (int)s->counter ? made : 0;

			if (d != want) {
				bench_fail("VM %d: counter %s advanced by %llu, expected %llu", i,
					   counter_name[c], (unsigned long long)d,
					   (unsigned long long)want);
				ok = 0;
			}
		}
	}

	/* A round lasts from its first caller's start to its last caller's end. */
	for (r = 1; r <= rounds; r++) {
		double t0 = callers[0].start[r], t1 = callers[0].end[r];

		for (i = 1; i < ncallers; i++) {
			t0 = fmin(t0, callers[i].start[r]);
			t1 = fmax(t1, callers[i].end[r]);
		}
		per[r - 1] = (t1 - t0) / calls;
	}
	qsort(per, rounds, sizeof(per[0]), cmp_double);
out:
	if (s->doorbell)
		db_teardown();
	for (i = 0; i < 2; i++) {
		if (handles[i] >= 0)
			close(handles[i]);
		if (vms[i])
			bench_vm_destroy(vms[i]);
	}
	*okp = ok;
	return rounds_run ? per[rounds / 2] : 0;
}

/* ---- the cases ---- */

static struct row *add_row(const char *name, const char *what, double goal)
{
	struct row *r = &rows[nrows++];

	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->goal = goal;
	return r;
}

static struct spec stock_spec(const struct bench_call *c, unsigned int vm_flags)
{
	return (struct spec){ .phase = PH_STOCK, .call = *c, .vm_flags = vm_flags, .nvms = 1,
			      .counter = C_NONE };
}

static struct spec attached_spec(const struct bench_call *c, unsigned int vm_flags,
				 uint32_t action, enum counter counter)
{
	return (struct spec){ .phase = PH_ATTACHED, .call = *c, .vm_flags = vm_flags, .nvms = 1,
			      .action = action, .range_nr = c->nr, .nranges = 1,
			      .counter = counter };
}

static void build_rows(void)
{
	const struct bench_arch *a = &bench_arch;
	const struct bench_call *fast0 = &a->fast[0].call;
	const struct bench_call *stock0 = a->fast[0].stock ? a->fast[0].stock : fast0;
	char name[40], what[72];
	struct row *r;
	unsigned int i;

	r = add_row("loaded.unknown", "unknown number, kvm_hc loaded, no VM attached", 1.005);
	r->base = stock_spec(&a->unknown, 0);
	r->test = r->base;
	r->test.phase = PH_LOADED;

	r = add_row("floor.ftrace", "an empty ftrace callback on kvm_hc's function (-f)", 1.02);
	r->base = stock_spec(&a->unknown, 0);
	r->test = r->base;
	r->test.phase = PH_FLOOR;

	r = add_row("attached.outside", "attached, number outside the policy", 1.02);
	r->base = stock_spec(&a->unknown, 0);
	r->test = attached_spec(&a->unknown, 0, KVM_HC_ACTION_FORWARD, C_KVM);
	r->test.range_nr = a->forward.nr;

	for (i = 0; i < a->nfast; i++) {
		const struct bench_fast *f = &a->fast[i];

		snprintf(name, sizeof(name), "fast.%s", f->name);
		snprintf(what, sizeof(what), "%s in kvm_hc's fast path", f->name);
		r = add_row(name, what, 1.02);
		r->base = stock_spec(f->stock ? f->stock : &f->call, f->vm_flags);
		r->test = attached_spec(&f->call, f->vm_flags, KVM_HC_ACTION_KERNEL, C_KERNEL);
		r->test.services = f->services;
	}

	r = add_row("fast.discover", "discovery call (stock: KVM's unknown-number answer)", 1.02);
	r->base = stock_spec(&a->discover_stock, 0);
	r->test = attached_spec(&a->discover, 0, KVM_HC_ACTION_FORWARD, C_KERNEL);
	r->test.range_nr = a->forward.nr;
	r->test.services = 1u << KVM_HC_SVC_DISCOVER;

	r = add_row("handler", "registered handler (samples/kvm_hc_sample.ko)", 1.02);
	r->base = stock_spec(&a->sample_stock, 0);
	r->test = attached_spec(&a->sample, 0, KVM_HC_ACTION_KERNEL, C_KERNEL);
	r->test.sample = 1;

	r = add_row("deny", "deny range (stock: KVM's unknown-number answer)", 1.02);
	r->base = stock_spec(&a->unknown, 0);
	r->base.call.nr = a->deny.nr;
	r->test = attached_spec(&a->deny, 0, KVM_HC_ACTION_DENY, C_DENY);
	r->test.error = a->deny_error;

	r = add_row("forward", "forward to the VMM (stock: KVM_EXIT_HYPERCALL)", 1.02);
	r->base = stock_spec(&a->stock_forward, BVM_STOCK_FWD);
	r->base.fwd = 1;
	r->test = attached_spec(&a->forward, 0, KVM_HC_ACTION_FORWARD, C_FORWARD);
	r->test.fwd = 1;

	/*
	 * The doorbell against the forwarded round trip it saves (goal 0.3);
	 * with the ring, against the doorbell alone, over 100,000 calls while
	 * a VMM thread drains the ring (busy answers: at most 1%).
	 */
	r = add_row("doorbell", "doorbell (eventfd) against a forwarded round trip, beyond the trap",
		    0.3);
	r->base = attached_spec(&a->forward, 0, KVM_HC_ACTION_FORWARD, C_FORWARD);
	r->base.fwd = 1;
	r->test = attached_spec(&a->forward, 0, KVM_HC_ACTION_DOORBELL, C_KERNEL);
	r->test.doorbell = DB_EVENTFD;
	r->test.call.want = 0;
	r->has_floor = 1;
	r->floor = stock_spec(&a->unknown, 0);
	snprintf(what, sizeof(what), "doorbell + a %u-entry ring a thread drains", DB_RING_ENTRIES);
	r = add_row("doorbell.ring", what, 1.5);
	r->base = attached_spec(&a->forward, 0, KVM_HC_ACTION_DOORBELL, C_KERNEL);
	r->base.doorbell = DB_EVENTFD;
	r->base.call.want = 0;
	r->test = r->base;
	r->test.doorbell = DB_RING;
	r->test.calls = DB_RING_CALLS;
	/* the last call may have found the ring full: db_judge() counts */
	r->test.call.want = BENCH_ANY;

	/* A deny range: a number every architecture decides by the policy alone. */
	snprintf(what, sizeof(what), "%u-range policy against 1 range (deny)", KVM_HC_MAX_RANGES);
	r = add_row("policy.max", what, 1.02);
	r->base = attached_spec(&a->deny, 0, KVM_HC_ACTION_DENY, C_DENY);
	r->base.error = a->deny_error;
	r->test = r->base;
	r->test.nranges = KVM_HC_MAX_RANGES;

	snprintf(what, sizeof(what), "2 vCPUs of one VM calling at once (%s)", a->fast[0].name);
	r = add_row("multi.2vcpus", what, 1.02);
	r->base = stock_spec(stock0, BVM_TWO_CALLERS);
	r->test = attached_spec(fast0, BVM_TWO_CALLERS, KVM_HC_ACTION_KERNEL, C_KERNEL);
	r->test.services = a->fast[0].services;

	snprintf(what, sizeof(what), "2 VMs calling at once (%s)", a->fast[0].name);
	r = add_row("multi.2vms", what, 1.02);
	r->base = stock_spec(stock0, 0);
	r->base.nvms = 2;
	r->test = attached_spec(fast0, 0, KVM_HC_ACTION_KERNEL, C_KERNEL);
	r->test.services = a->fast[0].services;
	r->test.nvms = 2;

	for (i = 0; i < (unsigned int)nrows; i++)
		if (only && strncmp(rows[i].name, only, strlen(only)))
			rows[i].skipped = NOT_ASKED;
}

/* measure() with the spec's own number of calls a loop. */
static double measure_calls(const struct spec *s, int *okp)
{
	unsigned int saved = calls;
	double ns;

	if (s->calls)
		calls = s->calls;
	ns = measure(s, okp);
	calls = saved;
	return ns;
}

/* The ring's case: every call drained or turned away, at most 1% busy. */
static void db_judge(struct row *r)
{
	r->made = (uint64_t)(rounds + 1) * r->test.calls;
	r->busy = db.busy;
	printf("ring: %llu calls into a %u-entry ring, %llu busy (%.3f%%), %llu drained, %llu bad entries, at most %u waiting\n",
	       (unsigned long long)r->made, DB_RING_ENTRIES, (unsigned long long)r->busy,
	       100.0 * (double)r->busy / (double)r->made, (unsigned long long)db.drained,
	       (unsigned long long)db.bad, db.max_backlog);
	if (r->busy * 100 > r->made || db.bad || db.drained + r->busy != r->made) {
		bench_fail("%s: %llu of %llu calls busy (goal: at most 1%%), %llu drained, %llu bad",
			   r->name, (unsigned long long)r->busy, (unsigned long long)r->made,
			   (unsigned long long)db.drained, (unsigned long long)db.bad);
		r->test_ok = 0;
	}
}

static void run_phase(enum phase ph)
{
	int i;

	for (i = 0; i < nrows; i++) {
		struct row *r = &rows[i];

		if (r->skipped)
			continue;
		if (r->test.sample && !sample_path) {
			r->skipped = NO_SAMPLE;
			continue;
		}
		if (r->test.phase == PH_FLOOR && ph != PH_FLOOR && !floor_path) {
			r->skipped = NO_FLOOR;
			continue;
		}
		if (r->has_floor && r->floor.phase == ph) {
			r->floor_ns = measure_calls(&r->floor, &r->floor_ok);
			if (!r->floor_ok)
				printf("FAIL %s: %s side (floor)\n", r->name, phase_name[ph]);
		}
		if (r->base.phase == ph) {
			r->base_ns = measure_calls(&r->base, &r->base_ok);
			if (!r->base_ok)
				printf("FAIL %s: %s side\n", r->name, phase_name[ph]);
		}
		if (r->test.phase == ph) {
			r->test_ns = measure_calls(&r->test, &r->test_ok);
			if (!r->test_ok)
				printf("FAIL %s: %s side\n", r->name, phase_name[ph]);
			if (r->test.doorbell == DB_RING)
				db_judge(r);
		}
		fflush(stdout);
	}
}

static void print_table(FILE *f, const char *kernel)
{
	int i;

	fprintf(f, "kvm-hc-bench: %s, kernel %s%s%s, %u calls a loop, median of %u loops\n",
		bench_arch.name, kernel, *label ? ", " : "", label, calls, rounds);
	fprintf(f, "%-20s %10s %10s %7s %6s  %s\n", "case", "base", "kvm_hc", "ratio", "goal",
		"what (ns per call; instructions under icount)");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (r->skipped) {
			if (r->skipped != NOT_ASKED)
				fprintf(f, "%-20s %10s %10s %7s %6s  %s\n", r->name, "-", "-", "-",
					"-", r->skipped == NO_SAMPLE ?
					"not run: no sample module (-s)" :
					"not run: no floor module (-f), or no ftrace hook");
			continue;
		}
		if (!r->base_ns || !r->test_ns) {
			fprintf(f, "%-20s %10s %10s %7s %6.3f  %s\n", r->name, "FAIL", "FAIL", "-",
				r->goal, r->what);
			continue;
		}
		if (!r->base_ok || !r->test_ok) {
			fprintf(f, "%-20s %10.0f %10.0f %7s %6.3f  %s (FAIL: not what it says)\n",
				r->name, r->base_ns, r->test_ns, "-", r->goal, r->what);
			continue;
		}
		if (r->has_floor)
			fprintf(f, "%-20s %10.0f %10.0f %7.3f %6.3f  %s: (%.0f-%.0f)/(%.0f-%.0f), %.0f the trap%s\n",
				r->name, r->base_ns, r->test_ns, row_ratio(r), r->goal, r->what,
				r->test_ns, r->floor_ns, r->base_ns, r->floor_ns, r->floor_ns,
				row_ratio(r) > r->goal ? " (over goal)" : "");
		else
			fprintf(f, "%-20s %10.0f %10.0f %7.3f %6.3f  %s%s\n", r->name, r->base_ns,
				r->test_ns, r->test_ns / r->base_ns, r->goal, r->what,
				r->test_ns / r->base_ns > r->goal ? " (over goal)" : "");
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: kvm-hc-bench [-m kvm_hc.ko] [-s kvm_hc_sample.ko] [-f kvm_hc_rival.ko]\n"
			"                    [-n calls] [-r rounds] [-o file] [-k prefix] [-l label]\n");
	exit(2);
}

static unsigned int number(const char *s, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !v || v > max) {
		fprintf(stderr, "kvm-hc-bench: '%s' is not a number from 1 to %u\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct bench_vm *keeper;
	struct utsname u;
	int opt, i, loaded = 0;

	while ((opt = getopt(argc, argv, "m:s:f:n:r:o:k:l:h")) != -1) {
		switch (opt) {
		case 'm': module_path = optarg; break;
		case 's': sample_path = optarg; break;
		case 'f': floor_path = optarg; break;
		case 'n': calls = number(optarg, 1000000); break;
		case 'r': rounds = number(optarg, MAX_ROUNDS); break;
		case 'o': out = optarg; break;
		case 'k': only = optarg; break;
		case 'l': label = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);

	if (module_loaded("kvm_hc")) {
		fprintf(stderr, "kvm-hc-bench: kvm_hc is loaded; its stock phase needs KVM alone "
				"(rmmod kvm_hc)\n");
		return 2;
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		fprintf(stderr, "kvm-hc-bench: cannot open /dev/kvm: %s\n", strerror(errno));
		return 2;
	}
	run_size = xioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0) {
		fprintf(stderr, "kvm-hc-bench: KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
		return 2;
	}
	if (bench_arch_init(kvm_fd))
		return 1;
	if (!bench_arch.ftrace_hook)
		floor_path = NULL;
	build_rows();
	/*
	 * One VM stays for the whole run, so that the cases' VMs coming and
	 * going never take KVM through its first-VM and last-VM paths.
	 */
	keeper = bench_vm_create(kvm_fd, 0);
	if (!keeper)
		return 1;

	printf("phase stock\n");
	run_phase(PH_STOCK);
	if (module_loaded("kvm_hc"))
		bench_fail("kvm_hc appeared during the stock phase");
	if (module_load(module_path, "kvm_hc", ""))
		goto done;
	loaded = 1;
	printf("phase loaded\n");
	run_phase(PH_LOADED);
	if (floor_path && !floor_load()) {
		printf("phase floor\n");
		run_phase(PH_FLOOR);
		module_unload("kvm_hc_rival");
	}
	if (sample_path && module_load(sample_path, "kvm_hc_sample", ""))
		sample_path = NULL;
	printf("phase attached\n");
	run_phase(PH_ATTACHED);
	if (sample_path)
		module_unload("kvm_hc_sample");
done:
	if (loaded)
		module_unload("kvm_hc");
	bench_vm_destroy(keeper);

	print_table(stdout, u.release);
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (r->skipped)
			continue;
		if (!r->base_ok || !r->test_ok || (r->has_floor && !r->floor_ok))
			failed = 1;
		else
			printf("ROW %s base=%.1f kvm_hc=%.1f ratio=%.4f goal=%.3f\n", r->name,
			       r->base_ns, r->test_ns, row_ratio(r), r->goal);
		/* a goal below 1 is a promise (the doorbell's), not a direction */
		if (r->base_ok && r->test_ok && r->goal < 1 && row_ratio(r) > r->goal)
			bench_fail("%s: ratio %.3f over its goal %.3f", r->name, row_ratio(r),
				   r->goal);
	}
	if (out) {
		FILE *f = fopen(out, "w");

		if (f) {
			print_table(f, u.release);
			fclose(f);
		} else {
			bench_fail("cannot write %s: %s", out, strerror(errno));
		}
	}
	printf("KVM_HC_BENCH result=%s\n", failed ? "FAIL" : "PASS");
	return failed;
}
