# SPDX-License-Identifier: GPL-2.0
#
# kvm_hc: out-of-tree module for KVM hosts.  Kbuild reads ./Kbuild; this file
# adds the project's commands.
#
#   make                      build kvm_hc.ko for the running kernel
#   make KDIR=<build dir>     ... or for another kernel
#   make demo                 boot the newest Debian kernel in QEMU and show kvm_hc at work
#   make check                every test: KUnit, end to end on 6.1, 6.12 and 7.x, lint
#   make check-long           races, faults and lifetimes for longer (debug kernel too)
#   make e2e-debug            end to end on the debug kernel (KASAN, lockdep, kmemleak)
#   make e2e SERIES=6.12      end-to-end tests on one kernel series
#   make kunit                the KUnit suites under kunit.py
#   make lint                 checkpatch --strict, sparse (C=2), W=1
#   make bench                kvm-hc-bench against stock KVM, under QEMU's icount
#   make tools                libkvmhc and the kvm-hc tool, in build/tools
#   make deb                  the Debian packages, in build/deb
#   make dkms-install         kvm_hc with DKMS, from this checkout
#   make install-tools        install them (DESTDIR, PREFIX=/usr/local)

KDIR ?= /lib/modules/$(shell uname -r)/build
SERIES ?= 6.1 6.12 7
DEMO_SERIES ?= 7
BENCH_SERIES ?= 6.12 7

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

deps:
	scripts/deps.sh

kunit:
	tests/kunit.sh

e2e:
	tests/e2e.sh --series "$(SERIES)"

KVM_HC_CACHE ?= /var/cache/kvm-hc

e2e-debug:
	tests/kunit.sh --debug
	tests/e2e.sh --kernel-tree $(KVM_HC_CACHE)/kunit-debug-build --series debug --timeout 1800 \
		--append kvm_hc_require=faults,kmemleak

lint:
	tests/lint.sh

real-vmm:
	tests/real-vmm.sh

bench:
	tests/bench.sh --arch amd64 --series "$(BENCH_SERIES)"

demo:
	tests/e2e.sh --series "$(DEMO_SERIES)" --append kvm_hc_demo=1

check:
	tests/check.sh

check-long:
	tests/check.sh --long

dkms-install:
	scripts/dkms-install.sh

# The project's one version number (Kbuild, the Debian packages and DKMS
# follow it).
VERSION := $(shell cat $(CURDIR)/VERSION)

# What DKMS builds kvm_hc from, into DKMS_DEST (/usr/src/kvm-hc-VERSION):
# the module's sources, with dkms.conf's version written in (DKMS_CONF=no:
# without dkms.conf, which dh_dkms installs itself).
DKMS_FILES := Kbuild Makefile VERSION $(wildcard kvm_hc_*.c) kvm_hc_core.h include arch
DKMS_CONF ?= yes

dkms-src:
	@test -n "$(DKMS_DEST)" || { echo "make dkms-src: DKMS_DEST= is needed" >&2; exit 2; }
	mkdir -p $(DKMS_DEST)
	cp -r --parents $(DKMS_FILES) $(DKMS_DEST)/
ifeq ($(DKMS_CONF),yes)
	sed '/^PACKAGE_VERSION=/s/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_DEST)/dkms.conf
endif

# The Debian packages, from a clean copy of this tree, into build/deb.
deb:
	scripts/deb.sh

TOOLS_OUT ?= $(CURDIR)/build/tools
PREFIX ?= /usr/local

tools:
	$(MAKE) -C tools/libkvmhc O=$(TOOLS_OUT)/libkvmhc PREFIX=$(PREFIX)
	$(MAKE) -C tools/kvm-hc O=$(TOOLS_OUT)/kvm-hc PREFIX=$(PREFIX)

install-tools: tools
	$(MAKE) -C tools/libkvmhc O=$(TOOLS_OUT)/libkvmhc PREFIX=$(PREFIX) install
	$(MAKE) -C tools/kvm-hc O=$(TOOLS_OUT)/kvm-hc PREFIX=$(PREFIX) install

.PHONY: all modules clean install deps kunit e2e e2e-debug lint real-vmm bench demo check \
	check-long dkms-install dkms-src deb tools install-tools
