#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pr-kernel.sh - build the KVM-PR kernel for ppc64el and print its folder.
#
# Debian's ppc64el kernels have no KVM-PR (KVM_BOOK3S_64_PR), which is the
# only KVM that reaches ePAPR hypercalls (kvmppc_kvm_pv()), PAPR hcalls
# through kvmppc_h_pr() and OSI calls.  This builds a small one from
# Debian's linux-source-6.12: allnoconfig with tests/kvm-pr/kvm-pr.config
# on top, cross-compiled with Debian's powerpc64le gcc, once per machine.
# The tree is cached as $KVM_HC_CACHE/ppc64el-pr-<source version>-<config
# hash> (older ones are removed): a new source package or a new config
# builds a new one.  tests/e2e.sh --arch ppc64el --kernel-tree DIR boots
# its vmlinux and builds kvm_hc against it.
#
# usage: tests/pr-kernel.sh
#
# env: KVM_HC_CACHE, KVM_HC_JOBS (see tests/lib/common.sh)

set -euo pipefail

LOG_TAG=pr-kernel
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

CONFIG=$KVM_HC_ROOT/tests/kvm-pr/kvm-pr.config
KMAKE=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu- "CC=ccache powerpc64le-linux-gnu-gcc")

KVM_HC_TEST_PACKAGES+=(gcc-powerpc64le-linux-gnu)
ensure_packages >&2
KSRC=$(linux_source)
# linux_source names the tree after the package's version
ver=${KSRC##*/linux-source-6.12_}
sum=$(sha256sum "$CONFIG" | cut -c1-12)
out=$KVM_HC_CACHE/ppc64el-pr-${ver}-$sum

mkdir -p "$KVM_HC_CACHE" "$CCACHE_DIR"
(
	flock 9
	[ -f "$out/.complete" ] && exit 0
	find "$KVM_HC_CACHE" -mindepth 1 -maxdepth 1 -name 'ppc64el-pr-*' ! -path "$out" \
		-exec rm -rf {} +
	rm -rf "$out"
	log "building the KVM-PR kernel in $out ($out.log)"
	kmake=(make -C "$KSRC" O="$out" "${KMAKE[@]}" -j"$KVM_HC_JOBS")
	{
		"${kmake[@]}" KCONFIG_ALLCONFIG="$CONFIG" allnoconfig &&
			"${kmake[@]}" vmlinux modules
	} >"$out.log" 2>&1 || { tail -n 20 "$out.log" >&2; exit 1; }
	# Every line of the config must have made it into .config.
	missing=$(grep '^CONFIG_' "$CONFIG" | grep -vxFf "$out/.config" || true)
	[ -z "$missing" ] || { echo "pr-kernel: not in .config: $missing" >&2; exit 1; }
	touch "$out/.complete"
	log "KVM-PR kernel $(cat "$out/include/config/kernel.release") built ($(elapsed) s)"
) 9>"$KVM_HC_CACHE/ppc64el-pr.lock" >&2 || die "the KVM-PR kernel did not build"
echo "$out"
