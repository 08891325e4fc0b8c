#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - the Debian packages with DKMS, the way Debian's
# dkms-autopkgtest tries a -dkms package: for each amd64 kernel series, in
# a chroot of that kernel's Debian release (bookworm for 6.1 and +deb12,
# trixie for +deb13: scripts/lib/chroot.sh), with that kernel's
# linux-headers installed from the archive,
#   1. the packages of make deb are installed: kvm-hc-dkms's postinst has
#      DKMS build kvm_hc for the kernel (its log is kept);
#   2. that very kvm_hc.ko is booted in the end-to-end run (tests/e2e.sh
#      with KVM_HC_E2E_KO_DIR; a short plan: stock KVM, loaded, the
#      policy, lib and operator scenarios, leaks and the kernel log);
#   3. the packages are purged, and the chroot's files must be what they
#      were before (no /usr/src/kvm-hc-*, no /var/lib/dkms/kvm-hc, no
#      kvm_hc.ko, no udev rule left).
# Once more in the last chroot: kvm-hc-dkms installed where a kernel has no
# headers must say so.
#
# usage: tests/dkms.sh [--series "6.1 6.12 7"] [--no-boot]
# env:   KVM_HC_BUILD (the .debs from build/deb, made first if missing;
#        output in build/dkms), KVM_HC_CACHE
# Prints "DKMS <series> <check> PASS|FAIL ..." lines, the e2e run's lines,
# then "N passed, M failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib/chroots.sh
. "$ROOT/scripts/lib/chroots.sh"
# DKMS needs no newer sparse in its chroots (the kernel builds' do)
kh_chroot_sparse()
{
	touch "$(kh_chroot_dir "$1")/.sparse"
}
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
OUT=$BUILD/dkms
DEBS=$BUILD/deb
series_list="6.1 6.12 7"
boot=1
while [ $# -gt 0 ]; do
	case $1 in
	--series) series_list=${2:?}; shift 2 ;;
	--no-boot) boot=0; shift ;;
	*) echo "dkms: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
ver=$(cat "$ROOT/VERSION")
PKGS="kvm-hc-dkms kvm-hc-tools libkvmhc1 libkvmhc-dev"

passed=0
failed=0
check()
{
	if [ "$3" = 1 ]; then
		echo "DKMS $1 $2 PASS $4"
		passed=$((passed + 1))
	else
		echo "DKMS $1 $2 FAIL $4"
		failed=$((failed + 1))
	fi
}

rm -rf "$OUT"
mkdir -p "$OUT/ko"
if ! ls "$DEBS"/kvm-hc-dkms_"$ver"_all.deb >/dev/null 2>&1; then
	"$ROOT/scripts/deb.sh" --no-lintian >"$OUT/deb.log" 2>&1 || { tail -n 20 "$OUT/deb.log"; die "make deb failed"; }
fi

# The Debian release a kernel was built for.
suite_of()
{
	case $1 in
	6.1.0-* | *+deb12-*) echo bookworm ;;
	*+deb13-*) echo trixie ;;
	*) echo sid ;;
	esac
}

# The chroot's files, less what apt and dpkg keep for themselves and the
# index files depmod writes for each kernel DKMS builds for.
files_of()
{
	kh_chroot_run "$1" find / -xdev \( -path /proc -o -path /dev -o -path /tmp -o \
		-path /var/cache -o -path /var/log -o -path /var/lib/apt -o -path /var/lib/dpkg -o \
		-path /run -o -path /root \) -prune -o -print |
		grep -Ev '^(/usr)?/lib/modules/[^/]*/modules\.' | sort
}

# apt in SUITE's chroot, with its -security, -updates and -backports too.
chroot_apt()
{
	local suite=$1
	shift
	kh_chroot_run "$suite" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Acquire::Retries=3 "$@"
}

in_debs=()
for p in $PKGS; do
	in_debs+=("$(cd "$DEBS" && echo "$p"_"$ver"_*.deb)")
done

last_suite=
for s in $series_list; do
	kver=$("$ROOT/scripts/kernels.sh" resolve "$s" 2>"$OUT/$s.resolve.log") ||
		{ check "$s" kernel 0 "no $s kernel: $(tail -n 1 "$OUT/$s.resolve.log")"; continue; }
	suite=$(suite_of "$kver")
	last_suite=$suite
	log "[$s] $kver: a $suite chroot"
	# bookworm's chroot builds nothing of the kernels' (its gcc-12 is the
	# host's): only what DKMS needs
	[ "$suite" != bookworm ] || KH_CHROOT_PACKAGES="kmod"
	if ! kh_chroot_ensure "$suite" dkms; then
		check "$s" chroot 0 "$KH_CHROOT_WHY"
		continue
	fi
	c=$(kh_chroot_dir "$suite")
	# the kernels of a release also come from its security and backports
	# suites (sid has none)
	for x in security updates backports; do
		[ "$suite" = sid ] || echo "deb $(kh_apt_uri "$suite-$x") $suite-$x main"
	done >"$c/etc/apt/sources.list.d/kvm-hc-dkms.list"
	# a run that stopped half-way left its packages: away with them
	chroot_apt "$suite" purge $PKGS >/dev/null 2>&1 || true
	if ! retry 3 chroot_apt "$suite" update >"$OUT/$s.apt.log" 2>&1 ||
		! retry 3 chroot_apt "$suite" install "linux-headers-$kver" >>"$OUT/$s.apt.log" 2>&1; then
		check "$s" headers 0 "linux-headers-$kver from the archive: $(kh_apt_failure <"$OUT/$s.apt.log")"
		continue
	fi
	check "$s" headers 1 "linux-headers-$kver installed in the $suite chroot"
	files_of "$suite" >"$OUT/$s.before"

	# 1. install: DKMS builds kvm_hc in the postinst
	mkdir -p "$c/tmp/kvm-hc-debs"
	for f in "${in_debs[@]}"; do cp "$DEBS/$f" "$c/tmp/kvm-hc-debs/"; done
	t0=$(date +%s)
	chroot_apt "$suite" install $(printf '/tmp/kvm-hc-debs/%s ' "${in_debs[@]}") >"$OUT/$s.install.log" 2>&1
	st=$?
	ko=$(ls "$c/lib/modules/$kver/updates/dkms/kvm_hc.ko"* 2>/dev/null | head -n 1)
	built=nothing
	[ -z "$ko" ] || built=${ko#"$c"}
	check "$s" install "$([ $st = 0 ] && [ -n "$ko" ] && echo 1 || echo 0)" \
		"apt-get install of the 4 packages: status $st, DKMS built $built in $(($(date +%s) - t0)) s (log: $OUT/$s.install.log)"
	status=$(kh_chroot_run "$suite" dkms status -m kvm-hc -v "$ver" -k "$kver" 2>/dev/null)
	check "$s" dkms-status "$(grep -q 'installed' <<<"$status" && echo 1 || echo 0)" "$status"
	if [ -n "$ko" ]; then
		mkdir -p "$OUT/ko/$kver"
		case $ko in
		*.xz) xz -dc "$ko" >"$OUT/ko/$kver/kvm_hc.ko" ;;
		*.zst) zstd -qdc "$ko" >"$OUT/ko/$kver/kvm_hc.ko" ;;
		*) cp "$ko" "$OUT/ko/$kver/kvm_hc.ko" ;;
		esac
		v=$(modinfo -F version "$OUT/ko/$kver/kvm_hc.ko")
		check "$s" version "$([ "$v" = "$ver" ] && echo 1 || echo 0)" "modinfo version $v, VERSION $ver"
	fi
	rule=$c/usr/lib/udev/rules.d/60-kvm-hc.rules
	check "$s" udev "$(grep -q 'KERNEL=="kvm_hc", GROUP="kvm", MODE="0660"' "$rule" 2>/dev/null && echo 1 || echo 0)" \
		"${rule#"$c"}"
	kh_chroot_run "$suite" kvm-hc version >"$OUT/$s.tool.log" 2>&1
	check "$s" tool "$(grep -q "interface 1" "$OUT/$s.tool.log" && echo 1 || echo 0)" "$(head -n 1 "$OUT/$s.tool.log")"

	# 3. purge: nothing left
	chroot_apt "$suite" purge $PKGS >"$OUT/$s.purge.log" 2>&1
	st=$?
	rm -rf "$c/tmp/kvm-hc-debs"
	files_of "$suite" >"$OUT/$s.after"
	left=$(comm -13 "$OUT/$s.before" "$OUT/$s.after")
	gone=$(comm -23 "$OUT/$s.before" "$OUT/$s.after")
	check "$s" purge "$([ $st = 0 ] && [ -z "$left$gone" ] && echo 1 || echo 0)" \
		"apt-get purge: status $st; files left: $(echo ${left:-none} | head -c 300); files gone: $(echo ${gone:-none} | head -c 300)"
done

# kvm-hc-dkms where a kernel has no headers: it says so
if [ -n "$last_suite" ]; then
	c=$(kh_chroot_dir "$last_suite")
	mkdir -p "$c/lib/modules/0.0.0-noheaders/kernel" "$c/tmp/kvm-hc-debs"
	cp "$DEBS"/kvm-hc-dkms_"$ver"_all.deb "$c/tmp/kvm-hc-debs/"
	chroot_apt "$last_suite" install /tmp/kvm-hc-debs/kvm-hc-dkms_"$ver"_all.deb >"$OUT/noheaders.log" 2>&1
	st=$?
	chroot_apt "$last_suite" purge kvm-hc-dkms >>"$OUT/noheaders.log" 2>&1
	rm -rf "$c/lib/modules/0.0.0-noheaders" "$c/tmp/kvm-hc-debs"
	line=$(grep -m1 'kvm_hc not built for kernel 0.0.0-noheaders' "$OUT/noheaders.log")
	check "$last_suite" no-headers "$([ $st = 0 ] && [ -n "$line" ] && echo 1 || echo 0)" "${line:-no word of it (log: $OUT/noheaders.log)}"
fi

# 2. the DKMS-built modules, booted
if [ $boot = 1 ] && [ -n "$(ls "$OUT/ko")" ]; then
	booted=$(for s in $series_list; do
		k=$("$ROOT/scripts/kernels.sh" resolve "$s" 2>/dev/null) && [ -f "$OUT/ko/$k/kvm_hc.ko" ] && echo "$s"
	done | tr '\n' ' ')
	skip=open,reclose,final,load,sample,failload,loadfaults,uapi,policy-live,two-vms,badinput,kick
	skip=$skip,lifetime,storm,forward-unload,fuzz,faults,compat32
	if KVM_HC_BUILD="$OUT" KVM_HC_E2E_KO_DIR="$OUT/ko" "$ROOT/tests/e2e.sh" --series "$booted" \
		--append "kvm_hc_skip=$skip"; then
		check "${booted% }" boot 1 "the DKMS-built kvm_hc.ko booted end to end"
	else
		check "${booted% }" boot 0 "the DKMS-built kvm_hc.ko failed end to end"
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
