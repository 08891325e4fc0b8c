#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the host packages that kvm-hc's build and end-to-end
# scripts need (Debian 12, run as root).  Only missing packages are
# installed, and the package lists are refreshed at most once per run, so a
# second run returns at once.
#
# usage: scripts/deps.sh [--check] [--arch ARCH] [EXTRA_PACKAGE...]
#   --check   only report what is missing; exit 1 if anything is
#   --arch    also what testing ARCH needs (amd64, the default; arm64:
#             qemu-system-arm and the aarch64 cross compilers; ppc64el:
#             qemu-system-ppc and the powerpc64le cross compilers; s390x:
#             the s390x cross compilers)
#
# A failed install gets a fresh apt-get update and is tried again (a
# bounded number of times, scripts/lib/apt.sh); in the end the failure
# names the packages and the suites they come from.
#
# env:  KVM_HC_SKIP_DEPS=1   do nothing (for machines prepared by hand)
#       KVM_HC_ARCH          default for --arch

set -euo pipefail
LOG_TAG=deps
# shellcheck source=lib/util.sh
. "$(dirname "$0")/lib/util.sh"
# shellcheck source=lib/apt.sh
. "$(dirname "$0")/lib/apt.sh"

PACKAGES=(
	bc binutils busybox-static cpio debootstrap dwarves gcc gzip kmod
	libc6-dev libelf-dev make qemu-system-x86 rsync sparse xz-utils zstd
)

check_only=0
arch=${KVM_HC_ARCH:-amd64}
while [ $# -gt 0 ]; do
	case $1 in
	--check) check_only=1; shift ;;
	--arch) arch=${2:?}; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	*) break ;;
	esac
done
case $arch in
# The 32-bit VMM of the compat check: i686 cross gcc, which, unlike
# gcc-multilib, leaves the other cross compilers installed.
amd64) PACKAGES+=(gcc-i686-linux-gnu libc6-dev-i386-cross) ;;
# Modules of 6.1 and 6.12 are built with gcc-12 for aarch64 on this host
# (7.x in its chroot); the guest program with the default cross gcc.
arm64) PACKAGES+=(qemu-system-arm gcc-aarch64-linux-gnu gcc-12-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
# The same for ppc64el: gcc-12 for powerpc64le builds the modules of 6.1
# (kernels built with gcc-14 build in the chroot).
ppc64el) PACKAGES+=(qemu-system-ppc gcc-powerpc64le-linux-gnu gcc-12-powerpc64le-linux-gnu libc6-dev-ppc64el-cross) ;;
# s390x is cross-built only: 6.1 with gcc-12 for s390x on this host (6.12
# and 7.x in the trixie chroot); the configured 6.12 tree needs flex/bison;
# libkvmhc and the tool are cross-built with its libc.
s390x) PACKAGES+=(gcc-s390x-linux-gnu gcc-12-s390x-linux-gnu libc6-dev-s390x-cross bison flex libssl-dev) ;;
*) log "unknown architecture '$arch' (amd64, arm64, ppc64el, s390x)"; exit 2 ;;
esac
PACKAGES+=("$@")

[ "${KVM_HC_SKIP_DEPS:-0}" = 1 ] && exit 0

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

[ "$check_only" = 1 ] && die "missing: ${missing[*]}"
[ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run this script as root"

log "installing ${missing[*]}"
kh_host_install "${missing[@]}"
