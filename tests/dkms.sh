#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh - the Debian packages with DKMS, the way Debian's
# dkms-autopkgtest tries a -dkms package: for each kernel series, in a
# chroot of that kernel's Debian release and architecture (bookworm for 6.1
# and +deb12, trixie for +deb13: scripts/lib/chroot.sh), with that kernel's
# linux-headers installed from the archive,
#   1. the packages are installed: kvm-hc-dkms's postinst has DKMS build
#      kvm_hc for the kernel (its log is kept).  amd64 takes the packages of
#      make deb; another architecture builds its own in its chroot from make
#      deb's source package (dpkg-buildpackage -B, as a buildd would), under
#      qemu-user-static.  s390x, where the issue is only whether DKMS
#      builds the module, installs kvm-hc-dkms alone;
#   2. that very kvm_hc.ko is booted in the end-to-end run (tests/e2e.sh
#      with KVM_HC_E2E_KO_DIR; a short plan: stock KVM, loaded, the
#      policy, lib and operator scenarios, leaks and the kernel log);
#      s390x, which QEMU cannot run KVM guests on, stops at the build;
#   3. the packages are purged, and the chroot's files must be what they
#      were before (no /usr/src/kvm-hc-*, no /var/lib/dkms/kvm-hc, no
#      kvm_hc.ko, no udev rule left).
# Once more in the last chroot: kvm-hc-dkms installed where a kernel has no
# headers must say so.
#
# DKMS's gcc runs through ccache (its cache in the chroot's /root;
# Debian's linux-headers take it with DEBIAN_KERNEL_USE_CCACHE=1), so that
# a run whose sources did not change compiles nothing again.  In a foreign
# chroot, where every program is emulated, the compiler is instead Debian's
# amd64 cross gcc of the same version for that architecture, which runs at
# native speed (scripts/lib/chroot.sh: kh_chroot_cross): DKMS's make picks
# it through Kbuild's CROSS_COMPILE in the environment (absolute: dpkg runs
# the postinst with a PATH of its own), and the package build finds it
# first in its PATH.  It compiles kvm_hc in about
# 13 s on 2 CPUs, faster than an emulated ccache finds its hits, so it goes
# without.  DKMS, make, Kbuild, modpost, dpkg and the packages' scripts run
# emulated, as they would on that machine; without the cross compiler (it
# cannot be had) the native one compiles, through ccache.
#
# usage: tests/dkms.sh [--arch amd64|arm64|ppc64el|s390x] [--series "6.1 6.12 7"]
#                      [--no-boot]
# env:   KVM_HC_BUILD (the .debs from build/deb, made first if missing;
#        output in build/dkms or build/dkms-ARCH), KVM_HC_CACHE
# Prints "DKMS <series> <check> PASS|FAIL ..." lines, the e2e run's lines,
# then "N passed, M failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib/chroots.sh
. "$ROOT/scripts/lib/chroots.sh"
# DKMS needs no newer sparse in its chroots (the kernel builds' do)
KH_CHROOT_SPARSE=0
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
DEBS=$BUILD/deb
series_list="6.1 6.12 7"
boot=1
arch=amd64
while [ $# -gt 0 ]; do
	case $1 in
	--series) series_list=${2:?}; shift 2 ;;
	--arch) arch=${2:?}; shift 2 ;;
	--no-boot) boot=0; shift ;;
	*) echo "dkms: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
host_arch=$(dpkg --print-architecture)
OUT=$BUILD/dkms
foreign=
if [ "$arch" != "$host_arch" ]; then
	foreign=$arch
	OUT=$BUILD/dkms-$arch
	"$ROOT/scripts/deps.sh" qemu-user-static || die "cannot install qemu-user-static"
fi
ver=$(cat "$ROOT/VERSION")
PKGS="kvm-hc-dkms kvm-hc-tools libkvmhc1 libkvmhc-dev"
# ppc64el builds its own packages (its kvm-hc-tools has the softdep on
# kvm_hv); arm64 and s390x install kvm-hc-dkms alone (their libkvmhc and
# tool are the same code as amd64's, cross-built by lint's tools check).
# QEMU runs no KVM guest on s390x: a DKMS build only.
case $arch in
arm64) PKGS=kvm-hc-dkms ;;
s390x) PKGS=kvm-hc-dkms boot=0 ;;
esac
KERNELS=("$ROOT/scripts/kernels.sh" --arch "$arch")

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
if ! ls "$DEBS"/kvm-hc-dkms_"$ver"_all.deb "$DEBS"/kvm-hc_"$ver".dsc >/dev/null 2>&1; then
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

# apt in SUITE's chroot, with its -security, -updates and -backports too;
# what it builds (DKMS in a postinst) with build_env: ccache, or the cross
# compiler.
build_env=(DEBIAN_KERNEL_USE_CCACHE=1)
chroot_apt()
{
	local suite=$1
	shift
	kh_chroot_run "$suite" env DEBIAN_FRONTEND=noninteractive "${build_env[@]}" \
		apt-get -q -y -o Acquire::Retries=3 "$@"
}

# cross_setup NAME GCC: cross_path and build_env for the foreign chroot
# NAME's compiler GCC (gcc-12): the amd64 cross compiler, or ccache (and
# a word in the log) when it cannot be had.
cross_path=
cross_setup()
{
	cross_path=''
	build_env=(DEBIAN_KERNEL_USE_CCACHE=1)
	[ -n "$foreign" ] || return 0
	if [ -z "$2" ]; then
		log "[$arch] no compiler named for the $1 chroot: its gcc compiles emulated"
		return 0
	fi
	if ! kh_chroot_cross "$1" "$2"; then
		log "[$arch] no cross compiler, $2 compiles emulated: $KH_CHROOT_WHY"
		return 0
	fi
	cross_path=$KH_CROSS_PATH
	build_env=(CROSS_COMPILE="$KH_CROSS_PREFIX")
}

# The gcc the package build of the foreign chroot at $1 (NAME $2) calls
# (by dh's name, <triplet>-gcc): through ccache when it is emulated.
ccache_links()
{
	local link

	link=$1/usr/local/bin/$(kh_chroot_run "$2" dpkg-architecture -qDEB_HOST_GNU_TYPE)-gcc
	if [ -n "$cross_path" ]; then
		rm -f "$link"
	else
		ln -sf ../../bin/ccache "$link"
	fi
}

# The packages of ARCH: make deb's, or built in the foreign chroot NAME
# from make deb's source package, into $OUT/debs.  Sets in_debs (the
# .debs' names) and returns 1 with why set when they cannot be had.
arch_debs()
{
	local name=$1 c t0 p

	in_debs=()
	if [ -z "$foreign" ] || [ "$PKGS" = kvm-hc-dkms ]; then
		for p in $PKGS; do
			in_debs+=("$(cd "$DEBS" && echo "$p"_"$ver"_*.deb)")
		done
		cp "${in_debs[@]/#/$DEBS/}" "$OUT/debs/"
		return 0
	fi
	c=$(kh_chroot_dir "$name")
	rm -rf "$c/tmp/kvm-hc-src"
	mkdir -p "$c/tmp/kvm-hc-src"
	cp "$DEBS/kvm-hc_$ver.dsc" "$DEBS"/kvm-hc_"$ver".tar.* "$c/tmp/kvm-hc-src/"
	t0=$(date +%s)
	cross_setup "$name" "$(kh_chroot_run "$name" readlink /usr/bin/gcc)"
	ccache_links "$c" "$name"
	# shellcheck disable=SC2016
	if ! kh_chroot_run "$name" env ${cross_path:+PATH="$cross_path"} sh -c 'cd /tmp/kvm-hc-src &&
		dpkg-source -x kvm-hc_*.dsc src &&
		cd src && DEB_BUILD_OPTIONS="noddebs parallel=$(nproc)" dpkg-buildpackage -us -uc -B' \
		>"$OUT/debs/build.log" 2>&1; then
		why="dpkg-buildpackage -B in the $name chroot failed: $(tail -n 1 "$OUT/debs/build.log") (log: $OUT/debs/build.log)"
		return 1
	fi
	for p in $PKGS; do
		case $p in
		kvm-hc-dkms) cp "$DEBS/$p"_"$ver"_all.deb "$OUT/debs/" ;;
		*) cp "$c/tmp/kvm-hc-src/$p"_"$ver"_"$arch".deb "$OUT/debs/" || {
			why="dpkg-buildpackage -B made no $p"_"$ver"_"$arch.deb"
			return 1
		} ;;
		esac
		in_debs+=("$(cd "$OUT/debs" && echo "$p"_"$ver"_*.deb)")
	done
	rm -rf "$c/tmp/kvm-hc-src"
	log "[$arch] the $arch packages built in the $name chroot in $(($(date +%s) - t0)) s"
}

mkdir -p "$OUT/debs"
last_suite=
for s in $series_list; do
	kver=$("${KERNELS[@]}" resolve "$s" 2>"$OUT/$s.resolve.log") ||
		{ check "$s" kernel 0 "no $s kernel: $(tail -n 1 "$OUT/$s.resolve.log")"; continue; }
	suite=$(suite_of "$kver")
	name=$suite${foreign:+:$foreign}
	log "[$s] $kver: a $name chroot"
	# bookworm's chroot builds nothing of the kernels' (its gcc-12 is the
	# host's): only what DKMS needs; a foreign one builds the packages
	if [ -n "$foreign" ]; then
		KH_CHROOT_PACKAGES="kmod build-essential ccache debhelper dh-dkms"
	elif [ "$suite" = bookworm ]; then
		KH_CHROOT_PACKAGES="kmod"
	fi
	if ! kh_chroot_ensure "$name" dkms ccache; then
		check "$s" chroot 0 "$KH_CHROOT_WHY"
		continue
	fi
	c=$(kh_chroot_dir "$name")
	if ! arch_debs "$name"; then
		check "$s" packages 0 "$why"
		continue
	fi
	[ -z "$foreign" ] || [ "$PKGS" = kvm-hc-dkms ] ||
		check "$s" packages 1 "${in_debs[*]} built from kvm-hc_$ver.dsc in the $name chroot"
	last_suite=$name
	# the kernels of a release also come from its security and backports
	# suites (sid has none)
	for x in security updates backports; do
		[ "$suite" = sid ] || echo "deb $(kh_apt_uri "$suite-$x") $suite-$x main"
	done >"$c/etc/apt/sources.list.d/kvm-hc-dkms.list"
	# a run that stopped half-way left its packages: away with them
	chroot_apt "$name" purge $PKGS >/dev/null 2>&1 || true
	# the headers stay in the chroot from one run to the next
	# shellcheck disable=SC2016
	if kh_chroot_run "$name" dpkg-query -W -f '${db:Status-Status}' "linux-headers-$kver" \
		2>/dev/null | grep -qx installed; then
		: >"$OUT/$s.apt.log"
	elif ! retry 3 chroot_apt "$name" update >"$OUT/$s.apt.log" 2>&1 ||
		! retry 3 chroot_apt "$name" install "linux-headers-$kver" >>"$OUT/$s.apt.log" 2>&1; then
		check "$s" headers 0 "linux-headers-$kver from the archive: $(kh_apt_failure <"$OUT/$s.apt.log")"
		continue
	fi
	check "$s" headers 1 "linux-headers-$kver installed in the $name chroot"
	# the compiler these headers build with
	cross_setup "$name" "$(sed -n 's/.*(CROSS_COMPILE)\(gcc-[0-9]*\).*/\1/p' \
		"$c/usr/src/linux-headers-$kver/.kernelvariables" 2>/dev/null)"
	files_of "$name" >"$OUT/$s.before"

	# 1. install: DKMS builds kvm_hc in the postinst
	mkdir -p "$c/tmp/kvm-hc-debs"
	for f in "${in_debs[@]}"; do cp "$OUT/debs/$f" "$c/tmp/kvm-hc-debs/"; done
	t0=$(date +%s)
	chroot_apt "$name" install $(printf '/tmp/kvm-hc-debs/%s ' "${in_debs[@]}") >"$OUT/$s.install.log" 2>&1
	st=$?
	ko=$(ls "$c/lib/modules/$kver/updates/dkms/kvm_hc.ko"* 2>/dev/null | head -n 1)
	built=nothing
	[ -z "$ko" ] || built=${ko#"$c"}
	check "$s" install "$([ $st = 0 ] && [ -n "$ko" ] && echo 1 || echo 0)" \
		"apt-get install of ${in_debs[*]}: status $st, DKMS built $built in $(($(date +%s) - t0)) s (log: $OUT/$s.install.log)"
	status=$(kh_chroot_run "$name" dkms status -m kvm-hc -v "$ver" -k "$kver" 2>/dev/null)
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
	if [ "$PKGS" != kvm-hc-dkms ]; then
		rule=$c/usr/lib/udev/rules.d/60-kvm-hc.rules
		check "$s" udev "$(grep -q 'KERNEL=="kvm_hc", GROUP="kvm", MODE="0660"' "$rule" 2>/dev/null && echo 1 || echo 0)" \
			"${rule#"$c"}"
		kh_chroot_run "$name" kvm-hc version >"$OUT/$s.tool.log" 2>&1
		check "$s" tool "$(grep -q "interface 1" "$OUT/$s.tool.log" && echo 1 || echo 0)" "$(head -n 1 "$OUT/$s.tool.log")"
	fi
	# ppc64el: kvm_hc loads after kvm_hv (a softdep of kvm-hc-tools')
	if [ "$arch" = ppc64el ]; then
		sd=$(kh_chroot_run "$name" modprobe -c 2>/dev/null | grep -m1 '^softdep kvm_hc')
		check "$s" softdep "$(grep -q 'pre: kvm_hv' <<<"$sd" && echo 1 || echo 0)" "${sd:-no softdep for kvm_hc in modprobe -c}"
	fi

	# 3. purge: nothing left
	chroot_apt "$name" purge $PKGS >"$OUT/$s.purge.log" 2>&1
	st=$?
	rm -rf "$c/tmp/kvm-hc-debs"
	files_of "$name" >"$OUT/$s.after"
	left=$(comm -13 "$OUT/$s.before" "$OUT/$s.after")
	gone=$(comm -23 "$OUT/$s.before" "$OUT/$s.after")
	check "$s" purge "$([ $st = 0 ] && [ -z "$left$gone" ] && echo 1 || echo 0)" \
		"apt-get purge: status $st; files left: $(echo ${left:-none} | head -c 300); files gone: $(echo ${gone:-none} | head -c 300)"
done

# kvm-hc-dkms where a kernel has no headers: it says so (its postinst is
# the same on every architecture: amd64 tries it)
if [ -n "$last_suite" ] && [ -z "$foreign" ]; then
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
		k=$("${KERNELS[@]}" resolve "$s" 2>/dev/null) && [ -f "$OUT/ko/$k/kvm_hc.ko" ] && echo "$s"
	done | tr '\n' ' ')
	skip=open,reclose,final,load,sample,failload,loadfaults,uapi,policy-live,two-vms,badinput,kick
	skip=$skip,lifetime,storm,forward-unload,fuzz,faults,compat32
	modes=()
	[ "$arch" != arm64 ] || modes=(--kvm-modes vhe)
	if KVM_HC_BUILD="$OUT" KVM_HC_E2E_KO_DIR="$OUT/ko" "$ROOT/tests/e2e.sh" --arch "$arch" \
		--series "$booted" "${modes[@]}" --append "kvm_hc_skip=$skip"; then
		check "${booted% }" boot 1 "the DKMS-built kvm_hc.ko booted end to end"
	else
		check "${booted% }" boot 0 "the DKMS-built kvm_hc.ko failed end to end"
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
