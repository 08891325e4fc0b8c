# SPDX-License-Identifier: GPL-2.0
# arm64: VMs and SMCCC calls, the policy and the kick (vm.h)
ARCH_SRCS := $(ARCH_DIR)/kvm_hc_test.c $(ARCH_DIR)/kvm_hc_uapi.c halter.c
