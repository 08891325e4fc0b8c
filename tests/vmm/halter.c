// SPDX-License-Identifier: GPL-2.0
/*
 * halter.c - a second vCPU that waits (hlt, WFI) in a thread of its own and
 * reports when it is about to wait and when it woke, for the kick scenarios
 * of the architectures that have a kick; SIGUSR1 ends its KVM_RUN when it
 * must stop.  The architecture creates the vCPU and tells its exits apart:
 *   enum halter_exit arch_halter_exit(const struct halter *hl)
 */
#include "scenario.h"

static void sigusr1_nop(int sig)
{
	(void)sig;	/* only interrupts KVM_RUN */
}

void install_sigusr1(void)
{
	struct sigaction sa = { .sa_handler = sigusr1_nop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *halter_main(void *arg)
{
	struct halter *hl = arg;

	worker_signals();
	while (!hl->stop) {
		int r = ioctl(hl->fd, KVM_RUN, 0);

		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			hl->err = errno;
			break;
		}
		switch (arch_halter_exit(hl)) {
		case HALTER_WAITING:
			hl->halts++;
			continue;
		case HALTER_WOKE:
			hl->t_wake = now();
			hl->wakes++;
			/* stay out of KVM_RUN (woken, not waiting) until told */
			while (!hl->stop && hl->go < hl->wakes)
				usleep(1000);
			continue;
		case HALTER_INTR:
			continue;
		case HALTER_OTHER:
			break;
		}
		hl->err = 1000 + hl->run->exit_reason;
		break;
	}
	hl->done = 1;
	return NULL;
}

int halter_start(struct halter *hl, const char *tag)
{
	char name[96];

	if (pthread_create(&hl->thr, NULL, halter_main, hl)) {
		snprintf(name, sizeof(name), "%s.vcpu%d-thread", tag, hl->id);
		report(0, name, "pthread_create failed");
		return -1;
	}
	hl->started = 1;
	return 0;
}

/* Stop the thread (a signal ends KVM_RUN with EINTR), free the vCPU. */
int halter_destroy(struct halter *hl)
{
	double end = now() + 2;
	int stopped = 1;

	if (hl->started) {
		hl->stop = 1;
		hl->run->immediate_exit = 1;
		while (!hl->done && now() < end) {
			pthread_kill(hl->thr, SIGUSR1);
			sleep_s(0.02);
		}
		stopped = hl->done;
		if (stopped)
			pthread_join(hl->thr, NULL);
		else
			printf("INFO kick: vCPU %d did not stop\n", hl->id);
	}
	if (stopped) {
		if (hl->run && hl->run != MAP_FAILED)
			munmap(hl->run, hl->run_size);
		if (hl->fd >= 0)
			close(hl->fd);
	}
	return stopped;
}

/* Wait until the vCPU reported "about to wait" @n times, then give it time to. */
int halter_wait_halted(struct halter *hl, int n)
{
	double end = now() + 2;

	while (hl->halts < n && !hl->done && now() < end)
		sleep_s(0.001);
	if (hl->halts < n)
		return 0;
	sleep_s(0.1);
	return 1;
}

/* Wait up to @s seconds for wake-up number @n. */
int halter_wait_woken(struct halter *hl, int n, double s)
{
	double end = now() + s;

	while (hl->wakes < n && !hl->done && now() < end)
		sleep_s(0.001);
	return hl->wakes >= n;
}

/* Let a woken vCPU go on to its next wait. */
void halter_release(struct halter *hl)
{
	hl->go = hl->wakes;
}
