// SPDX-License-Identifier: GPL-2.0
/*
 * scenario_loop.c - a vCPU calling one number in a loop, for the scenarios
 * that change things under a running guest (scenario_policy_live.c,
 * scenario_two_vms.c).  The architecture starts the loop and tells its
 * exits apart (scenario.h); time is kept in integer nanoseconds.
 */
#include "scenario.h"

/*
 * Run the loop until one of its stop conditions, always stopping at a
 * result, so that the guest made exactly nresults calls.
 */
void loop_run(struct loop *l)
{
	unsigned long since = 0;
	uint64_t start, last, t, val;

	if (arch_loop_start(l) < 0) {
		l->error = errno;
		return;
	}
	start = last = now_ns();
	for (;;) {
		int r = ioctl(l->vm->vcpu, KVM_RUN, 0);

		t = now_ns();
		if (r < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				printf("INFO loop 0x%llx: KVM_RUN errno=%d (%s)\n",
				       (unsigned long long)l->nr, errno, strerror(errno));
				l->error = errno;
				break;
			}
		} else {
			switch (arch_loop_exit(l, &val)) {
			case LOOP_FORWARD_BAD:
				l->bad_exits++;
				/* fall through */
			case LOOP_FORWARD:
				l->nexits++;
				since++;
				l->last_ret = l->ret_base + (l->ret_seq ? l->nexits : 0);
				if (arch_loop_answer(l, l->last_ret) < 0) {
					l->error = errno;
					goto out;
				}
				continue;
			case LOOP_RESULT:
				l->on_result(l, val, since);
				since = 0;
				l->nresults++;
				if (t - last > l->max_gap_ns)
					l->max_gap_ns = t - last;
				last = t;
				if ((l->max && l->nresults >= l->max) || (l->stop && *l->stop))
					goto out;
				break;
			case LOOP_INTR:
				break;
			case LOOP_OTHER:
				printf("INFO loop 0x%llx: unexpected exit %u\n",
				       (unsigned long long)l->nr, l->vm->run->exit_reason);
				l->error = -1;
				goto out;
			}
		}
		if (t - last > l->max_gap_ns)
			l->max_gap_ns = t - last;
		if (t - start > l->limit_s * NSEC_PER_SEC) {
			l->timed_out = 1;
			break;
		}
	}
out:
	l->ns = now_ns() - start;
}

/* loop_run() in a thread of its own (pthread_create()'s start, @arg the loop). */
void *loop_thread(void *arg)
{
	worker_signals();
	loop_run(arg);
	return NULL;
}

#ifdef ARCH_HAS_STORM
/* Free what arch_vcpu_add() made: the vCPU and its kvm_run. */
void vcpu_destroy(struct vm *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, v->run_size);
	if (v->vcpu >= 0)
		close(v->vcpu);
	v->run = NULL;
	v->vcpu = -1;
}
#endif

/*
 * What kvm_hc must have counted after loop @l: @c, the calls of its number
 * by what they met, and, where the loop guest reports each answer with a
 * hypercall of its own (ARCH_REPORT_NR), those reports as KVM's.
 */
void loop_want(struct hc_counts *want, const struct loop *l, struct kvm_hc_counters c)
{
	memset(want, 0, sizeof(*want));
	want->total = c;
	want->n = 1;
	want->nr[0] = (struct kvm_hc_nr_stats){ .nr = l->nr, .counters = c };
#ifdef ARCH_REPORT_NR
	for (unsigned long i = 0; i < l->nresults; i++)
		counts_add(want, ARCH_REPORT_NR, C_KVM);
#endif
}
