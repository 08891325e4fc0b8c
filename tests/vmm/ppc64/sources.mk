# SPDX-License-Identifier: GPL-2.0
# ppc64: VMs and PAPR hcalls, the policy; no kick (vm.h)
ARCH_SRCS := $(ARCH_DIR)/kvm_hc_test.c $(ARCH_DIR)/kvm_hc_uapi.c
