// SPDX-License-Identifier: GPL-2.0
/*
 * Plumbing every architecture's hook shares: arming it, finding
 * KVM's symbols, pinning the module that holds them.
 */
#include "kvm_hc_core.h"

int kvm_hc_hook_arm(void)
{
	return kvm_hc_arch_arm();
}

void kvm_hc_hook_disarm(void)
{
	kvm_hc_arch_disarm();
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
		lookup = (void *)kvm_hc_arch_func_entry((unsigned long)kp.addr);
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
