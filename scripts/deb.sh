#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - make deb: kvm-hc's Debian packages, built from a clean copy of
# this tree (its files, no build output) with dpkg-buildpackage: the
# native source package and the binary packages of the host's
# architecture (kvm-hc-dkms, libkvmhc1, libkvmhc-dev, kvm-hc-tools), into
# build/deb.  Then lintian of Debian unstable, in the sid chroot that the
# kernel builds use (scripts/lib/chroot.sh), checks them all: any error or
# warning fails, and so does an info or pedantic tag that packaging/lintian-info does
# not explain (one line per tag: "tag: why").
#
# usage: scripts/deb.sh [--no-lintian]
# env:   KVM_HC_BUILD (output: $KVM_HC_BUILD/deb), KVM_HC_CACHE (the chroot)
# Prints "DEB build PASS|FAIL" and "DEB lintian PASS|FAIL", then
# "N passed, M failed"; the exit status is 1 if any failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/chroots.sh
. "$ROOT/scripts/lib/chroots.sh"
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
OUT=$BUILD/deb
lintian=1
[ "${1:-}" != --no-lintian ] || lintian=0

ver=$(cat "$ROOT/VERSION")
passed=0
failed=0
result()
{
	echo "DEB $1 $2"
	if [ "$2" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# One version for the whole project: VERSION, debian/changelog's, and
# the module's (Kbuild reads VERSION).
deb_ver=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version 2>/dev/null)
if [ "$deb_ver" != "$ver" ]; then
	echo "deb: debian/changelog says $deb_ver, VERSION says $ver: they must agree" >&2
	result build FAIL
	echo "$passed passed, $failed failed"
	exit 1
fi

"$ROOT/scripts/deps.sh" debhelper dh-dkms dpkg-dev || die "cannot install the build dependencies"

# A clean copy: the tree's files as git sees them (committed or not,
# ignored ones left out), or, without git, all but the build output.
rm -rf "$OUT"
src=$OUT/kvm-hc-$ver
mkdir -p "$src"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		(cd "$ROOT" && xargs -0 cp --parents -t "$src" --)
else
	rsync -a --exclude=/.git --exclude=/build/ "$ROOT/" "$src/"
fi
log "building the packages of kvm-hc $ver in $src"
t0=$(date +%s)
if (cd "$src" && dpkg-buildpackage -us -uc) >"$OUT/build.log" 2>&1; then
	log "built in $(($(date +%s) - t0)) s: $(cd "$OUT" && echo *.deb)"
	result build PASS
else
	tail -n 30 "$OUT/build.log" >&2
	log "dpkg-buildpackage failed (log: $OUT/build.log)"
	result build FAIL
	echo "$passed passed, $failed failed"
	exit 1
fi
[ $lintian = 1 ] || { echo "$passed passed, $failed failed"; exit 0; }

# lintian of unstable over the source and binary packages (the .changes).
if ! kh_chroot_ensure sid lintian; then
	log "no sid chroot with lintian: $KH_CHROOT_WHY"
	result lintian FAIL
	echo "$passed passed, $failed failed"
	exit 1
fi
changes=$(cd "$OUT" && echo kvm-hc_"$ver"_*.changes)
KVM_HC_CHROOT_BINDS=$OUT kh_chroot_run sid lintian --info --display-info --pedantic --tag-display-limit 0 \
	"$OUT/$changes" >"$OUT/lintian.log" 2>&1
lv=$(kh_chroot_run sid dpkg-query -W -f '${Version}' lintian 2>/dev/null)
bad=$(grep -E '^[EW]: ' "$OUT/lintian.log" || true)
# "I: PACKAGE[ TYPE]: TAG [context]"
unexplained=$(sed -nE 's/^[IP]: [^ ]+( [a-z]+)?: ([^ ]+).*/\2/p' "$OUT/lintian.log" | sort -u |
	while read -r tag; do
		grep -q "^$tag:" "$ROOT/packaging/lintian-info" || echo "$tag"
	done)
if [ -z "$bad" ] && [ -z "$unexplained" ] && ! grep -q '^internal error' "$OUT/lintian.log"; then
	log "lintian $lv: no error, no warning; $(grep -cE '^[IP]: ' "$OUT/lintian.log") info and pedantic tags, each explained in packaging/lintian-info"
	result lintian PASS
else
	[ -z "$bad" ] || printf '%s\n' "$bad" >&2
	[ -z "$unexplained" ] || log "info tags packaging/lintian-info does not explain: $(echo $unexplained)"
	log "lintian $lv (log: $OUT/lintian.log)"
	result lintian FAIL
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
