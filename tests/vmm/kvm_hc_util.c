// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hc_util.c - the test VMM's watchdog (kvm_hc_util.h).
 */
#include "kvm_hc_util.h"

static uint64_t watchdog_deadline;	/* 0: none */
static const char *watchdog_what = "";

static void write_str(const char *s)
{
	ssize_t r = write(1, s, strlen(s));

	(void)r;
}

static void watchdog_alarm(int sig)
{
	(void)sig;
	if (!watchdog_deadline || now_ns() < watchdog_deadline)
		return;		/* just interrupt KVM_RUN */
	write_str("FAIL ");
	write_str(watchdog_what);
	write_str(".time_limit reached, giving up\n");
	_exit(1);
}

/*
 * A 10 Hz SIGALRM makes KVM_RUN return -EINTR (KVM returns it explicitly, so
 * SA_RESTART does not restart it) and lets the loops check their deadlines;
 * past @limit_s seconds (none if 0) the handler ends the process with a
 * FAIL line naming @what.
 */
void watchdog_start(const char *what, unsigned int limit_s)
{
	struct sigaction sa = { .sa_handler = watchdog_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 100000 }, { 0, 100000 } };

	watchdog_what = what;
	watchdog_deadline = limit_s ? now_ns() + limit_s * NSEC_PER_SEC : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}
