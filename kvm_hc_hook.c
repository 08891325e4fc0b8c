// SPDX-License-Identifier: GPL-2.0
/*
 * Plumbing every architecture's hook shares: arming it, finding
 * KVM's symbols, pinning the module that holds them.
 */
#include <linux/ftrace.h>

#include "kvm_hc_core.h"
#include "kvm_hc_compat_kvm.h"

/*
 * Place the architecture's hooks, all or none: its own way, or its ftrace
 * hooks in order, the ones placed removed again if one cannot be.
 */
int kvm_hc_hook_arm(void)
{
	unsigned int i;
	int ret = 0;

	if (kvm_hc_arch.arm)
		return kvm_hc_arch.arm();
	for (i = 0; i < kvm_hc_arch.nhooks && !ret; i++) {
		ret = register_ftrace_function(kvm_hc_arch.hooks[i]);
		if (ret)
			pr_err("cannot hook %s: %d (a livepatch or another module redirects it)\n",
			       kvm_hc_arch.hook_name(), ret);
	}
	if (ret)
		while (--i > 0)
			unregister_ftrace_function(kvm_hc_arch.hooks[i - 1]);
	return ret;
}

/*
 * Remove them, in the reverse order: on return no vCPU enters a callback
 * any more; calls already redirected finish on their own (the core waits
 * for them at unload).
 */
void kvm_hc_hook_disarm(void)
{
	unsigned int i;

	if (kvm_hc_arch.disarm) {
		kvm_hc_arch.disarm();
		return;
	}
	for (i = kvm_hc_arch.nhooks; i > 0; i--)
		unregister_ftrace_function(kvm_hc_arch.hooks[i - 1]);
}

/**
 * kvm_hc_handlers_may_sleep() - whether in-kernel handlers may sleep here
 *
 * For modules that register handlers (kvm_hc_register_handler()).
 *
 * Return: true where the architecture's hook runs them preemptible.
 */
bool kvm_hc_handlers_may_sleep(void)
{
	return kvm_hc_arch.handlers_may_sleep;
}
EXPORT_SYMBOL_GPL(kvm_hc_handlers_may_sleep);

/**
 * kvm_hc_get_vm() - the VM behind a file, with a reference
 * @file:        a file the VMM passed as its VM file descriptor
 * @any_process: the VM may be another process's (an operator's attach)
 *
 * Return: the VM, ERR_PTR(-EINVAL) if @file is not a KVM VM,
 * ERR_PTR(-EPERM) if the VM belongs to another process (KVM itself refuses
 * VM ioctls from other processes), or ERR_PTR(-EOPNOTSUPP) for a VM the
 * architecture says kvm_hc cannot serve.
 */
struct kvm *kvm_hc_get_vm(struct file *file, bool any_process)
{
	struct kvm *kvm = kvm_hc_kvm_from_file(file, *kvm_hc_arch.vm_ioctl, any_process);

	if (!IS_ERR(kvm) && kvm_hc_arch.vm_confidential && kvm_hc_arch.vm_confidential(kvm)) {
		kvm_put_kvm(kvm);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return kvm;
}

/**
 * kvm_hc_put_vm() - drop the reference kvm_hc_get_vm() took
 * @kvm: the VM
 */
void kvm_hc_put_vm(struct kvm *kvm)
{
	kvm_put_kvm(kvm);
}

/**
 * kvm_hc_lookup_name() - address of a kernel symbol that is not exported
 * @name: the symbol
 *
 * kallsyms_lookup_name() is not exported either; a kprobe placed on it
 * tells where it is.
 *
 * Return: the address, or 0 if there is no such symbol.
 */
unsigned long kvm_hc_lookup_name(const char *name)
{
	static unsigned long (*lookup)(const char *name);
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };

	if (!lookup) {
		if (register_kprobe(&kp))
			return 0;
		lookup = (void *)(kvm_hc_arch.func_entry ?
				  kvm_hc_arch.func_entry((unsigned long)kp.addr) :
				  (unsigned long)kp.addr);
		unregister_kprobe(&kp);
	}
	return lookup(name);
}

/**
 * kvm_hc_hold_owner() - hold the module that a hooked function lives in
 * @addr: the function's address
 *
 * A hook placed by address (ftrace, kprobe) does not pin the function's
 * module the way a symbol import does, and kvm_hc imports little or
 * nothing from KVM on some kernels (7.x's kvm.ko exports to kvm-amd and
 * kvm-intel only).  Holding a reference makes ``rmmod kvm`` fail with "in
 * use" while kvm_hc is loaded, instead of leaving a hook on freed code.
 * The module list is walked for the module whose text holds @addr (its
 * lookup functions are not exported); on a kernel whose kallsyms lacks
 * the list head (no CONFIG_KALLSYMS_ALL), find_module() is asked by name.
 *
 * Return: the module, with a reference (drop it with module_put()); NULL
 * if @addr is built into the kernel; ERR_PTR(-ENOENT) if its module cannot
 * be found or is going away.
 */
struct module *kvm_hc_hold_owner(unsigned long addr)
{
	struct module *mod, *found = ERR_PTR(-ENOENT);
	struct module *(*find)(const char *name);
	char sym[KSYM_SYMBOL_LEN], *name, *end;
	struct list_head *modules;

	/* "name+0x0/0x90 [kvm]" for a module's symbol. */
	sprint_symbol(sym, addr);
	name = strchr(sym, '[');
	end = name ? strchr(name, ']') : NULL;
	if (!end)
		return NULL;
	*end = '\0';
	name++;
	/* The list head is data: in kallsyms only with CONFIG_KALLSYMS_ALL. */
	modules = (struct list_head *)kvm_hc_lookup_name("modules");
	find = modules ? NULL : (void *)kvm_hc_lookup_name("find_module");
	if (!modules && !find) {
		pr_err("neither the module list nor find_module is in kallsyms; cannot hold %s\n",
		       name);
		return ERR_PTR(-ENOENT);
	}
	/* Readers of the module list hold RCU (sched RCU up to 6.14). */
	rcu_read_lock();
	preempt_disable();
	if (modules) {
		list_for_each_entry_rcu(mod, modules, list) {
			if (mod->state == MODULE_STATE_UNFORMED || !within_module(addr, mod))
				continue;
			if (try_module_get(mod))
				found = mod;
			break;
		}
	} else {
		mod = find(name);
		if (mod && within_module(addr, mod) && try_module_get(mod))
			found = mod;
	}
	preempt_enable();
	rcu_read_unlock();
	if (IS_ERR(found))
		pr_err("cannot hold module %s\n", name);
	return found;
}
