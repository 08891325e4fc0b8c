/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_hc_util.h - what every architecture's test VMM needs around KVM_RUN:
 * monotonic time, ioctls retried when a signal interrupts them, and the
 * watchdog.  Included through scenario.h.
 *
 * Time is kept in integer nanoseconds: under nested HV in QEMU TCG the
 * ppc64 VMM's floating-point registers do not always survive KVM_RUN.
 */
#ifndef KVM_HC_UTIL_H
#define KVM_HC_UTIL_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#define NSEC_PER_SEC		1000000000ull

/* Monotonic time in nanoseconds. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Monotonic time in seconds, for the architectures whose VMM may use floats. */
static inline double now(void)
{
	return now_ns() / 1e9;
}

/*
 * Every ioctl but KVM_RUN is retried when the watchdog's signal interrupts
 * it: some (KVM_CREATE_VM, for one) return -EINTR rather than restart.
 */
#define xioctl(fd, req, arg) ({					\
	int __r;						\
	do							\
		__r = ioctl(fd, req, arg);			\
	while (__r < 0 && errno == EINTR);			\
	__r;							\
})

/* Milliseconds, for messages: no floating point. */
static inline unsigned long long ms(uint64_t ns)
{
	return ns / 1000000;
}

/*
 * The watchdog (kvm_hc_util.c): a periodic SIGALRM interrupts KVM_RUN, and
 * once @limit_s seconds (0: none) have passed it prints a FAIL line naming
 * @what and exits.
 */
void watchdog_start(const char *what, unsigned int limit_s);

/*
 * KVM_RUN until an exit other than an interrupt, for at most @limit_s
 * seconds (the watchdog's signal interrupts KVM_RUN): 0, or -1 with errno.
 */
static inline int run_to_exit(int vcpu, const struct kvm_run *run, unsigned int limit_s)
{
	uint64_t end = now_ns() + limit_s * NSEC_PER_SEC;

	while (now_ns() < end) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (run->exit_reason != KVM_EXIT_INTR)
			return 0;
	}
	errno = ETIMEDOUT;
	return -1;
}

#endif /* KVM_HC_UTIL_H */
