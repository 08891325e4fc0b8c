#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install the host packages that kvm-hc's build and end-to-end
# scripts need (Debian 12, run as root).  Only missing packages are
# installed, and the package lists are refreshed at most once per run, so a
# second run returns at once.
#
# usage: scripts/deps.sh [--check] [EXTRA_PACKAGE...]
#   --check   only report what is missing; exit 1 if anything is
#
# env:  KVM_HC_SKIP_DEPS=1   do nothing (for machines prepared by hand)

set -euo pipefail

PACKAGES=(
	bc binutils busybox-static cpio debootstrap dwarves gcc gzip kmod
	libc6-dev libelf-dev make qemu-system-x86 rsync sparse xz-utils zstd
)

check_only=0
if [ "${1:-}" = --check ]; then
	check_only=1
	shift
fi
PACKAGES+=("$@")

[ "${KVM_HC_SKIP_DEPS:-0}" = 1 ] && exit 0

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$check_only" = 1 ]; then
	echo "deps: missing: ${missing[*]}" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing ${missing[*]}; run this script as root" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -o DPkg::Lock::Timeout=600)
apt-get "${apt_opts[@]}" update >&2
apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >&2
