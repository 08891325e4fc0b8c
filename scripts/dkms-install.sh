#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install kvm_hc's sources under /usr/src/kvm-hc-<version> and build and
# install the module with DKMS for the running kernel (or for KERNELS="…").
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
dst=/usr/src/kvm-hc-$ver

command -v dkms >/dev/null || { apt-get update && apt-get install -y dkms; }
rm -rf "$dst"
mkdir -p "$dst"
(cd "$top" && cp -r --parents Kbuild Makefile dkms.conf kvm_hc_*.c kvm_hc_core.h include arch "$dst/")
dkms add -m kvm-hc -v "$ver" 2>/dev/null || true
for k in ${KERNELS:-$(uname -r)}; do
	dkms install -m kvm-hc -v "$ver" -k "$k"
done
