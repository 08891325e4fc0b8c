# SPDX-License-Identifier: GPL-2.0
# ppc64: VMs and PAPR hcalls, the policy, ePAPR and OSI; no kick (vm.h)
ARCH_SRCS := $(ARCH_DIR)/kvm_hc_test.c $(ARCH_DIR)/kvm_hc_uapi.c $(ARCH_DIR)/kvm_hc_epapr.c
# No vector registers: under nested HV on QEMU's TCG (KVM-HV in a pseries
# guest), a VMM's callee-saved VSX registers come back from KVM_RUN zeroed,
# and gcc keeps 64-bit values there across calls at -O2 (a value held in
# v31 across the first KVM_RUN of the policy scenario read 0 after it).
override CFLAGS += -mno-altivec -mno-vsx
