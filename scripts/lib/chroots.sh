# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# chroots.sh - what a script that works in the chroots of other Debian
# suites loads (sourced, not run; scripts/deb.sh, tests/dkms.sh): the
# archive client and the chroots (util.sh, apt.sh, chroot.sh), with
#   KH_DIR    scripts/, where they live
#   KH_CACHE  the cache the chroots are kept in (KVM_HC_CACHE)

KH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=util.sh
. "$KH_DIR/lib/util.sh"
# shellcheck source=apt.sh
. "$KH_DIR/lib/apt.sh"
# shellcheck source=chroot.sh
. "$KH_DIR/lib/chroot.sh"
KH_CACHE=$(realpath -m "${KVM_HC_CACHE:-/var/cache/kvm-hc}")
