/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kvm_hc_guest.h - issue kvm_hc hypercalls from a guest, on every
 * architecture kvm_hc serves.
 *
 * For guest kernel code (a Linux module: build with -I<kvm-hc>/include/uapi
 * -I<kvm-hc>/tools/include) and for freestanding guest code that runs in
 * the guest's kernel mode.  Hypercalls are privileged: from guest user
 * space x86 gets -KVM_EPERM and arm64's HVC/SMC are undefined at EL0.
 *
 *   x86      vmcall (Intel) or vmmcall (AMD, Hygon), chosen at run time from
 *            the CPUID vendor; nr in rax, a0..a3 in rbx, rcx, rdx, rsi;
 *            the result in rax
 *   arm64    SMCCC fast call, HVC (default) or SMC (kvm_hc_guest_use_smc);
 *            the function ID in x0, a0..a3 in x1..x4; results in x0..x3
 *   powerpc  PAPR hcall (sc 1): nr in r3, a0..a3 in r4..r7; the status in
 *            r3 and outputs in r4..r6
 *   s390     DIAGNOSE 0x500: the subcode in r1, a0..a3 in r2..r5; the
 *            result in r2
 *
 * kvm_hc_guest_call() makes one call with any number (kvm_hc's, KVM's, or
 * one a policy denies) and returns every result register;
 * kvm_hc_guest_svc_nr() is a kvm_hc service's number on this architecture;
 * kvm_hc_guest_discover() makes the discovery call and returns kvm_hc's
 * ABI version, or 0 when the VM may not use kvm_hc (stock KVM answered).
 */
#ifndef _KVM_HC_GUEST_H
#define _KVM_HC_GUEST_H

#include <linux/kvm_hc.h>
#if defined(__x86_64__) || defined(__i386__)
#include <linux/kvm_hc_x86.h>
#elif defined(__aarch64__)
#include <linux/kvm_hc_arm64.h>
#elif defined(__powerpc64__)
#include <linux/kvm_hc_powerpc.h>
#elif defined(__s390x__)
#include <linux/kvm_hc_s390.h>
#else
#error "kvm_hc_guest.h: kvm_hc serves x86, arm64, powerpc64 and s390x guests"
#endif

/**
 * struct kvm_hc_guest_res - what one hypercall returned
 * @ret: the result register: rax (x86), x0 (arm64), r3 (powerpc, the
 *       PAPR status), r2 (s390)
 * @out: further results: x1..x3 (arm64), r4..r6 (powerpc); 0 elsewhere
 */
struct kvm_hc_guest_res {
	long ret;
	unsigned long out[3];
};

#if defined(__x86_64__) || defined(__i386__)

/* 1: vmmcall, 0: vmcall, -1: not decided yet. */
static int kvm_hc_guest_vmmcall = -1;

static inline int kvm_hc_guest_is_amd(void)
{
	unsigned int a = 0, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	/* "AuthenticAMD", "HygonGenuine" */
	return (b == 0x68747541 && d == 0x69746e65) || (b == 0x6f677948 && d == 0x6e65476e);
}

/**
 * kvm_hc_guest_call() - make one hypercall
 * @nr: the hypercall number (x86), function ID (arm64), hcall number
 *      (powerpc) or DIAGNOSE 0x500 subcode (s390)
 * @a0: first argument
 * @a1: second argument
 * @a2: third argument
 * @a3: fourth argument
 * @res: what the call returned
 *
 * Return: @res->ret.
 */
static inline long kvm_hc_guest_call(unsigned long nr, unsigned long a0, unsigned long a1,
				     unsigned long a2, unsigned long a3,
				     struct kvm_hc_guest_res *res)
{
	unsigned long ret;

	if (kvm_hc_guest_vmmcall < 0)
		kvm_hc_guest_vmmcall = kvm_hc_guest_is_amd();
	if (kvm_hc_guest_vmmcall)
		__asm__ volatile("vmmcall" : "=a"(ret)
				 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret)
				 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	res->ret = (long)ret;
	res->out[0] = 0;
	res->out[1] = 0;
	res->out[2] = 0;
	return res->ret;
}

/* kvm_hc's service @svc as a hypercall number. */
#define kvm_hc_guest_svc_nr(svc)	KVM_HC_X86_NR(svc)

#elif defined(__aarch64__)

/* Set to 1 where the guest's conduit is SMC (PSCI's "method" says which). */
static int kvm_hc_guest_use_smc;

static inline long kvm_hc_guest_call(unsigned long nr, unsigned long a0, unsigned long a1,
				     unsigned long a2, unsigned long a3,
				     struct kvm_hc_guest_res *res)
{
	register unsigned long x0 __asm__("x0") = nr;
	register unsigned long x1 __asm__("x1") = a0;
	register unsigned long x2 __asm__("x2") = a1;
	register unsigned long x3 __asm__("x3") = a2;
	register unsigned long x4 __asm__("x4") = a3;

	/* SMCCC 1.1: x4..x17 are preserved by fast calls. */
	if (kvm_hc_guest_use_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : "r"(x4) : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : "r"(x4) : "memory");
	res->ret = (long)x0;
	res->out[0] = x1;
	res->out[1] = x2;
	res->out[2] = x3;
	return res->ret;
}

#define kvm_hc_guest_svc_nr(svc)	KVM_HC_ARM64_FID64(svc)

#elif defined(__powerpc64__)

static inline long kvm_hc_guest_call(unsigned long nr, unsigned long a0, unsigned long a1,
				     unsigned long a2, unsigned long a3,
				     struct kvm_hc_guest_res *res)
{
	register unsigned long r3 __asm__("r3") = nr;
	register unsigned long r4 __asm__("r4") = a0;
	register unsigned long r5 __asm__("r5") = a1;
	register unsigned long r6 __asm__("r6") = a2;
	register unsigned long r7 __asm__("r7") = a3;

	/* The hcall ABI: r0 and r3..r12, ctr, xer and cr are volatile. */
	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
			 :
			 : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0",
			   "cr1", "cr5", "cr6", "cr7", "memory");
	res->ret = (long)r3;
	res->out[0] = r4;
	res->out[1] = r5;
	res->out[2] = r6;
	return res->ret;
}

#define kvm_hc_guest_svc_nr(svc)	KVM_HC_PPC_PAPR_NR(svc)

#elif defined(__s390x__)

static inline long kvm_hc_guest_call(unsigned long nr, unsigned long a0, unsigned long a1,
				     unsigned long a2, unsigned long a3,
				     struct kvm_hc_guest_res *res)
{
	register unsigned long r1 __asm__("1") = nr;
	register unsigned long r2 __asm__("2") = a0;
	register unsigned long r3 __asm__("3") = a1;
	register unsigned long r4 __asm__("4") = a2;
	register unsigned long r5 __asm__("5") = a3;

	__asm__ volatile("diag 2,4,0x500"
			 : "+d"(r2)
			 : "d"(r1), "d"(r3), "d"(r4), "d"(r5)
			 : "memory", "cc");
	res->ret = (long)r2;
	res->out[0] = 0;
	res->out[1] = 0;
	res->out[2] = 0;
	return res->ret;
}

#define kvm_hc_guest_svc_nr(svc)	KVM_HC_S390_SUBCODE(svc)

#endif

/**
 * kvm_hc_guest_discover() - ask whether this VM may use kvm_hc
 *
 * Return: kvm_hc's ABI version (KVM_HC_ABI_VERSION, major << 16 | minor)
 * when the VM may call its services; 0 when stock KVM (or the VMM)
 * answered, i.e. kvm_hc is absent or this VM did not opt in.
 */
static inline long kvm_hc_guest_discover(void)
{
	struct kvm_hc_guest_res res;
	long v;

	kvm_hc_guest_call(kvm_hc_guest_svc_nr(KVM_HC_SVC_DISCOVER), KVM_HC_DISCOVER_VERSION,
			  0, 0, 0, &res);
#if defined(__powerpc64__)
	/* PAPR: H_SUCCESS (0) in r3, the version in r4. */
	if (res.ret != 0)
		return 0;
	v = (long)res.out[0];
#else
	v = res.ret;
#endif
	return (v >> 16) == KVM_HC_ABI_MAJOR ? v : 0;
}

#endif /* _KVM_HC_GUEST_H */
