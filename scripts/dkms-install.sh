#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-install.sh - kvm_hc from this checkout, with DKMS, on this host:
# its sources into /usr/src/kvm-hc-<version> (make dkms-src), dkms add,
# then dkms install for the running kernel (or for KERNELS="…").  It
# installs nothing else: without dkms it stops and says how to get it.
# A version already added is removed first, so that a checkout's newer
# sources are what DKMS builds.  Any failure of dkms stops it with dkms's
# own message.  The Debian packages (make deb) are the way for a host
# that is not a development machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(cat "$top/VERSION")
dst=/usr/src/kvm-hc-$ver

if ! command -v dkms >/dev/null; then
	echo "dkms-install: dkms is not installed (Debian: apt-get install dkms)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "dkms-install: run it as root (it writes /usr/src and /lib/modules)" >&2
	exit 1
fi
if [ -n "$(dkms status -m kvm-hc -v "$ver" 2>/dev/null)" ]; then
	echo "dkms-install: kvm-hc $ver is added already; removing it first"
	dkms remove -m kvm-hc -v "$ver" --all
fi
rm -rf "$dst"
make -s -C "$top" dkms-src DKMS_DEST="$dst"
dkms add -m kvm-hc -v "$ver"
for k in ${KERNELS:-$(uname -r)}; do
	dkms install -m kvm-hc -v "$ver" -k "$k"
done
