#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - Debian kernels (amd64, arm64, ppc64el, s390x) that kvm_hc is
# built and tested against.
#
# Which kernels those are is data: scripts/kernels.matrix lists, per series
# and architecture, the suites a kernel comes from, the releases of the
# series, and where modules for them are built.  This script chooses a
# kernel of a series, fetches its image, modules and headers into a cache
# (extracted with dpkg-deb -x, nothing is installed on the host), builds a
# module against the headers the way DKMS does (make -C <headers> M=<dir>),
# and collects the KVM modules a test guest needs to load.
#
# Choosing a kernel: every version of the series' image package that the
# suites of the matrix list is a candidate, newest first (then the next
# tier of suites).  The first candidate whose packages all download whole
# is the series' kernel; one that fails (404: an index ahead of its pool, a
# hash or size mismatch) is logged in one line and the next is tried.  Only
# when none can be had does the series fail, naming every candidate and why.
# The choice is kept in $KVM_HC_CACHE/choice/: later runs use the cached
# kernel without asking the archive, until KVM_HC_REFRESH=1 looks again.
#
# Foreign modules are cross-built on this amd64 host (ARCH=arm64
# CROSS_COMPILE=aarch64-linux-gnu-, ...): against the foreign headers with
# the amd64 linux-kbuild tools, with the cross gcc-12 on the host
# (bookworm's kernels) or in a chroot of the kernel's own suite (trixie's
# gcc-14, sid's gcc-16: scripts/lib/chroot.sh).
#
# usage: scripts/kernels.sh [--arch ARCH] COMMAND ...
#        scripts/kernels.sh resolve SERIES     chooses and fetches the
#                                   series' kernel, prints its release
#        scripts/kernels.sh fetch KERNEL        prints KVER= KDIR= VMLINUZ=
#                                               KMODDIR= KMODULES= lines
#        scripts/kernels.sh build KERNEL SRCDIR [MAKE_ARG...]
#                                   make -C $KDIR M=SRCDIR MAKE_ARG... modules
#        scripts/kernels.sh kvm-modules KERNEL OUTDIR
#                                   the KVM modules (amd64: irqbypass, kvm,
#                                   ccp, kvm-amd) and their dependencies as
#                                   .ko + OUTDIR/load-order (empty when KVM
#                                   is built in); with KVM_HC_KMODULES=DIR,
#                                   those of a kernel built here, installed
#                                   in DIR (its lib/modules/<release>); with
#                                   KVM_HC_KVM_MODULES="A B", those instead
#                                   of the architecture's
#        scripts/kernels.sh package PACKAGE     fetches a Debian package of
#                                   ARCH (the version of the host's release
#                                   when the archive has it), prints the
#                                   folder it is extracted in
#        scripts/kernels.sh candidates SERIES   lists the candidates, in
#                                   the order they are tried
#        scripts/kernels.sh series              lists the known series
#   --arch ARCH  amd64, arm64, ppc64el or s390x (default: $KVM_HC_ARCH, else
#                amd64)
#   KERNEL is a series (its chosen kernel) or a release such as
#   6.1.0-56-amd64 (a release names its architecture: 6.1.0-56-arm64 needs
#   no --arch).  VMLINUZ is the image to boot (ppc64el: the uncompressed
#   vmlinux).  KMODDIR holds lib/modules/$KVER (depmod -b / modprobe -d take
#   it); KMODULES is that lib/modules/$KVER folder.
#
# As a library (". scripts/kernels.sh") it defines the kh_* functions and
# runs nothing.
#
# env:
#   KVM_HC_ARCH          default for --arch (amd64)
#   KVM_HC_CACHE         cache folder (default /var/cache/kvm-hc)
#   KVM_HC_REFRESH=1     choose every kernel and package afresh from the
#                        archive (newer ones are fetched; cached ones stay)
#   KVM_HC_JOBS          make -j for builds (default 2)
#   KVM_HC_MATRIX        the matrix file (default scripts/kernels.matrix)
#   KVM_HC_APT_MAX_AGE, KVM_HC_MIRROR, KVM_HC_SECURITY_MIRROR,
#   KVM_HC_RETRIES       see scripts/lib/apt.sh
#   KVM_HC_CHROOT_BINDS  see scripts/lib/chroot.sh

KH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/util.sh
. "$KH_DIR/lib/util.sh"
# shellcheck source=lib/apt.sh
. "$KH_DIR/lib/apt.sh"
# shellcheck source=lib/chroot.sh
. "$KH_DIR/lib/chroot.sh"
# shellcheck source=lib/headers.sh
. "$KH_DIR/lib/headers.sh"

LOG_TAG=kernels
KH_CACHE=$(realpath -m "${KVM_HC_CACHE:-/var/cache/kvm-hc}")
KH_JOBS=${KVM_HC_JOBS:-2}
KH_MATRIX=${KVM_HC_MATRIX:-$KH_DIR/kernels.matrix}
KH_REFRESH=${KVM_HC_REFRESH:-0}
KH_HOST_ARCH=amd64

# --- the matrix ---------------------------------------------------------------

# kh_matrix KIND: the rows of that kind, without the kind and comments.
kh_matrix()
{
	[ -r "$KH_MATRIX" ] || die "no kernel matrix $KH_MATRIX"
	sed -e 's/#.*//' "$KH_MATRIX" | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }'
}

kh_arch_all()
{
	kh_matrix arch | awk '{ print $1 }' | tr '\n' ' '
}

kh_series_all()
{
	kh_matrix release | awk '{ print $1 }' | tr '\n' ' '
}

# kh_arch ARCH: set the facts about one architecture.
#   KH_ARCH         Debian architecture of the kernels
#   KH_FLAVOUR      the kernels' flavour (suffix of the package names)
#   KH_KVM_MODULES  modules a guest needs for /dev/kvm
#   KH_CROSS        CROSS_COMPILE prefix ("" = native)
#   KH_KARCH        the kernel's ARCH for make
#   KH_GNU_TYPE     GNU triplet of ARCH
kh_arch()
{
	local row

	row=$(kh_matrix arch | awk -v a="$1" '$1 == a')
	[ -n "$row" ] || die "unknown architecture '$1' (known: $(kh_arch_all))"
	read -r KH_ARCH KH_FLAVOUR KH_GNU_TYPE KH_KARCH KH_KVM_MODULES <<<"$row"
	KH_KVM_MODULES=${KH_KVM_MODULES//,/ }
	KH_CROSS=
	[ "$KH_ARCH" = "$KH_HOST_ARCH" ] || KH_CROSS=$KH_GNU_TYPE-
	return 0
}

# kh_series SERIES: set the facts about one series of $KH_ARCH.
#   KH_SERIES   its name
#   KH_TIERS    its suites, tiers separated by "/"
#   KH_SUITES   all its suites
#   KH_PATTERN  extended regex matching its image package names
kh_series()
{
	local s=$1 re

	[ "$s" = 7.x ] && s=7
	re=$(kh_matrix release | awk -v s="$s" '$1 == s { print $2; exit }')
	[ -n "$re" ] || die "unknown series '$1' (known: $(kh_series_all))"
	KH_TIERS=$(kh_matrix series | awk -v s="$s" -v a="$KH_ARCH" '
		$1 != s { next }
		{ n = split($2, as, ","); ok = 0
		  for (i = 1; i <= n; i++) if (as[i] == a || as[i] == "*") ok = 1 }
		ok { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }')
	[ -n "$KH_TIERS" ] || die "series $s has no suites for $KH_ARCH in $KH_MATRIX"
	KH_SERIES=$s
	KH_SUITES=${KH_TIERS//\//}
	KH_PATTERN="^linux-image-($re)-$KH_FLAVOUR\$"
}

# kh_build_row RELEASE: "TAG SUITE..." of the matrix's build row for
# RELEASE ("- -": built on this host).
kh_build_row()
{
	local tag suites

	while read -r tag suites; do
		case $1 in *"$tag"*) echo "$tag $suites"; return ;; esac
	done < <(kh_matrix build)
	echo "- -"
}

# --- the archive ----------------------------------------------------------------

# kh_apt_dir: the private apt state of $KH_ARCH.  amd64 kernels need amd64
# packages only; a foreign architecture's state reads its package lists
# and the host's (the amd64 linux-kbuild tools build its modules).
kh_apt_dir()
{
	if [ "$KH_ARCH" = "$KH_HOST_ARCH" ]; then
		echo "$KH_CACHE/apt"
	else
		echo "$KH_CACHE/apt-$KH_ARCH"
	fi
}

# kh_state: the private apt state of $KH_ARCH, reading every suite its
# series come from and the tool suites.
kh_state()
{
	local s suites arch=$KH_ARCH

	# shellcheck disable=SC2030
	suites=$(for s in $(kh_series_all); do (kh_series "$s" && echo "$KH_SUITES"); done)
	mkdir -p "$KH_CACHE"
	# shellcheck disable=SC2046
	kh_apt_setup "$(kh_apt_dir)" "$arch" $suites $(kh_matrix tools)
}

# kh_candidates: "RELEASE VERSION SUITES TIER" for every image package of
# the series ($KH_PATTERN) that the lists hold, in the order they are tried:
# by tier, then newest first.  SUITES are those listing that version
# (comma-separated): apt tries each of their pools.
kh_candidates()
{
	local q='' names

	[ "$KH_ARCH" = "$KH_HOST_ARCH" ] || q=:$KH_ARCH
	mapfile -t names < <(kh_apt_cache pkgnames linux-image- 2>/dev/null | grep -E "$KH_PATTERN" | sort -u)
	[ ${#names[@]} -gt 0 ] || return 0
	kh_apt_versions "${names[@]/%/$q}" | awk -v tiers="$KH_TIERS" '
		BEGIN {
			n = split(tiers, t, "/")
			for (i = 1; i <= n; i++) {
				m = split(t[i], ss, " ")
				for (j = 1; j <= m; j++) tier[ss[j]] = i
			}
		}
		!($3 in tier) { next }
		{
			sub(/^linux-image-/, "", $1); sub(/:[a-z0-9]+$/, "", $1)
			k = $1 " " $2
			if (!(k in t1)) { t1[k] = tier[$3]; where[k] = $3; next }
			if (tier[$3] < t1[k]) t1[k] = tier[$3]
			if (index("," where[k] ",", "," $3 ",") == 0) where[k] = where[k] "," $3
		}
		END { for (k in t1) print k, where[k], t1[k] }' | sort -k4,4n -k1,1Vr -k2,2Vr
}

# --- choose and fetch -------------------------------------------------------------

# kh_kernel_packages RELEASE VERSION: the packages that make up the kernel,
# as PACKAGE=VERSION lines: image (or, from 7.x on, the binary, modules and
# base packages the empty image package depends on), headers, their common
# headers and the matching linux-kbuild.  For a foreign architecture the
# image and headers packages are that architecture's; the common headers
# are arch all, and linux-kbuild is the host's, whose tools run here.
# Status 1, with the reason on stdout, if the archive lacks a part.
kh_kernel_packages()
{
	local rel=$1 iv=$2 img hdr hv p q=''

	[ "$KH_ARCH" = "$KH_HOST_ARCH" ] || q=:$KH_ARCH
	img=linux-image-$rel$q
	hdr=linux-headers-$rel$q
	# The headers of the image's own version, else their newest.
	hv=$(kh_apt_versions "$hdr" | awk -v v="$iv" '$2 == v { print $2; f = 1; exit }
		{ all[++n] = $2 } END { if (!f && n) print all[1] }')
	[ -n "$hv" ] || { echo "linux-headers-$rel is not in the archive"; return 1; }
	p=$(kh_pkg_depends "$img=$iv" '^linux-(binary|modules|base)-')
	if [ -n "$p" ]; then
		awk -v q="$q" -v v="$iv" '{ print $0 q "=" v }' <<<"$p"
	else
		echo "$img=$iv"
	fi
	echo "$hdr=$hv"
	kh_pkg_depends "$hdr=$hv" '^linux-(headers-.*-common|kbuild-)' | sed "s/\$/=$hv/"
}

# kh_fetch_release RELEASE [VERSION]: make sure the kernel is complete in
# the cache, downloading VERSION of its packages (default: the newest
# listed) if it is not.  Status 1 with KH_WHY set if it cannot be had.
kh_fetch_release()
{
	local rel=$1 ver=${2:-} root=$KH_CACHE/kernels/$1

	KH_WHY=
	[ -f "$root/.complete" ] && return 0
	mkdir -p "$KH_CACHE/kernels" "$KH_CACHE/debs"
	# shellcheck disable=SC2031
	KH_WHY=$(
		exec 9>"$KH_CACHE/kernels/.lock-$rel"
		flock 9
		# Only the reason for a failure goes to the caller (fd 3).
		exec 3>&1 1>&2
		[ -f "$root/.complete" ] && exit 0
		debs=$KH_CACHE/debs/$rel t0=$(date +%s)
		kh_apt_update || { echo "cannot read the archive's package lists" >&3; exit 1; }
		if [ -z "$ver" ]; then
			ver=$(kh_apt_versions "linux-image-$rel${KH_CROSS:+:$KH_ARCH}" | awk '{ print $2 }' | sort -Vr | head -n 1)
			[ -n "$ver" ] || { echo "linux-image-$rel is not in the archive" >&3; exit 1; }
		fi
		out=$(kh_kernel_packages "$rel" "$ver") || { echo "$out" >&3; exit 1; }
		mapfile -t pkgs <<<"$out"
		[ ${#pkgs[@]} -ge 3 ] || { echo "cannot tell its packages (${pkgs[*]})" >&3; exit 1; }
		log "$rel: downloading ${pkgs[*]}"
		rm -rf "$root"
		if ! kh_apt_download "$debs" "${pkgs[@]}"; then
			echo "$KH_APT_WHY" >&3
			exit 1
		fi
		log "$rel: downloaded in $(($(date +%s) - t0)) s; extracting"
		if ! kh_extract "$debs" "$root" >&3; then
			rm -rf "$root" "$debs"
			exit 1
		fi
		rm -rf "$debs"
		kh_fix_headers "$root" "$rel"
		if ! kh_kernel_vars "$root" "$rel"; then
			rm -rf "$root"
			echo "unexpected package layout (no image, modules or headers)" >&3
			exit 1
		fi
		# 7.x ships no modules.dep; modprobe -d $KMODDIR wants one.
		[ -f "$KMODULES/modules.dep" ] || depmod -b "$KMODDIR" "$rel"
		touch "$root/.complete"
		log "$rel: ready in $root ($(($(date +%s) - t0)) s)"
	) && return 0
	[ -n "$KH_WHY" ] || KH_WHY="fetching it failed"
	return 1
}

# kh_extract DEBDIR ROOT: every .deb of DEBDIR extracted into ROOT; status
# 1, naming the package on stdout, if one does not extract.
kh_extract()
{
	local f

	mkdir -p "$2"
	for f in "$1"/*.deb; do
		dpkg-deb -x "$f" "$2" || { echo "${f##*/} does not extract"; return 1; }
	done
}

# kh_choice_file: where the kernel chosen for $KH_ARCH $KH_SERIES is kept.
kh_choice_file()
{
	echo "$KH_CACHE/choice/$KH_ARCH-$KH_SERIES"
}

# kh_choose: choose the kernel of $KH_SERIES and make sure it is in the
# cache: the candidates in order (kh_candidates), the first that is cached
# or downloads whole.  Sets KH_REL; dies naming every candidate tried.
kh_choose()
{
	local f c rel ver suite tier tried=() cands=() cached

	f=$(kh_choice_file)
	mkdir -p "${f%/*}"
	kh_state
	if ! kh_apt_update; then
		# No archive and no lists: the newest kernel of the series in the cache.
		cached=$(for rel in "$KH_CACHE"/kernels/*/.complete; do
			rel=${rel%/.complete}
			echo "linux-image-${rel##*/}"
		done | grep -E "$KH_PATTERN" | sed 's/^linux-image-//' | sort -V | tail -n 1)
		[ -n "$cached" ] || die "$KH_ARCH $KH_SERIES: cannot read the archive's package lists, and no kernel of the series is cached"
		log "$KH_ARCH $KH_SERIES: no package lists; using the cached $cached"
		KH_REL=$cached
		echo "$KH_REL" >"$f"
		return
	fi
	mapfile -t cands < <(kh_candidates)
	for c in "${cands[@]}"; do
		read -r rel ver suite tier <<<"$c"
		if kh_fetch_release "$rel" "$ver"; then
			KH_REL=$rel
			[ ${#tried[@]} -eq 0 ] || log "$KH_ARCH $KH_SERIES: using $rel $ver ($suite)"
			echo "$KH_REL" >"$f"
			return
		fi
		log "$KH_ARCH $KH_SERIES: candidate $rel $ver ($suite) is not available: $KH_WHY; trying the next"
		tried+=("$rel $ver ($suite): $KH_WHY")
	done
	if [ ${#tried[@]} -eq 0 ]; then
		die "$KH_ARCH $KH_SERIES: no kernel of the series in $KH_SUITES (package lists: $(kh_apt_dir))"
	fi
	die "$KH_ARCH $KH_SERIES: no kernel could be fetched; tried $(joined '; ' "${tried[@]}")"
}

# kh_target WHAT: WHAT is a series (its chosen kernel of $KH_ARCH) or the
# release of a kernel of a known series and architecture (taken as it is,
# and its architecture made $KH_ARCH).  Makes sure the kernel is in the
# cache and sets KH_REL and the facts of kh_series and kh_arch.
kh_target()
{
	local s a arch=$KH_ARCH f

	KH_REL=
	for a in "$arch" $(kh_arch_all); do
		kh_arch "$a"
		for s in $(kh_series_all); do
			kh_series "$s"
			if echo "linux-image-$1" | grep -qE "$KH_PATTERN"; then
				KH_REL=$1
				[ -f "$KH_CACHE/kernels/$KH_REL/.complete" ] && return
				kh_state
				kh_fetch_release "$KH_REL" || die "$KH_REL: $KH_WHY"
				return
			fi
		done
	done
	kh_arch "$arch"
	kh_series "$1"
	f=$(kh_choice_file)
	kh_chosen "$f" && return
	mkdir -p "${f%/*}"
	exec 8>"$f.lock"
	flock 8
	# Chosen by another run meanwhile?
	kh_chosen "$f" || kh_choose
	exec 8>&-
}

# kh_chosen FILE: set KH_REL to the kernel FILE records, if it is to be used
# (no KVM_HC_REFRESH) and complete in the cache.
kh_chosen()
{
	[ "$KH_REFRESH" != 1 ] && [ -f "$1" ] || return 1
	KH_REL=$(cat "$1")
	[ -f "$KH_CACHE/kernels/$KH_REL/.complete" ]
}

# kh_fetch SERIES|RELEASE: make sure the kernel is in the cache and set
# KVER KDIR VMLINUZ KMODDIR KMODULES.
kh_fetch()
{
	local root

	kh_target "$1"
	root=$KH_CACHE/kernels/$KH_REL
	kh_fix_headers "$root" "$KH_REL"
	kh_kernel_vars "$root" "$KH_REL" || die "$KH_REL: incomplete cache entry $root"
}

# --- build ----------------------------------------------------------------

# kh_build_chroot RELEASE PACKAGE: the chroot suite that builds modules for
# RELEASE, with PACKAGE (its compiler) installed; "" for this host.  The
# suites of the matrix's build row in order; the one that worked is kept.
kh_build_chroot()
{
	local rel=$1 pkg=$2 tag suites s f tried=()

	read -r tag suites <<<"$(kh_build_row "$rel")"
	[ "$suites" = - ] && return 0
	# A new chroot takes tools from the tool suites of the private state.
	kh_state
	f=$KH_CACHE/choice/chroot-$tag
	mkdir -p "${f%/*}"
	if [ -f "$f" ]; then
		s=$(cat "$f")
		suites="$s ${suites//$s/}"
	fi
	for s in $suites; do
		if kh_chroot_ensure "$s" ${pkg:+"$pkg"}; then
			echo "$s" >"$f"
			echo "$s"
			return 0
		fi
		log "$rel: no build chroot of $s: $KH_CHROOT_WHY"
		tried+=("$s: $KH_CHROOT_WHY")
	done
	die "$rel: no suite can build its modules; tried $(joined '; ' "${tried[@]}")"
}

# kh_build SERIES|RELEASE SRCDIR [MAKE_ARG...]: make -C $KDIR M=SRCDIR ARGS
# modules, on the host or in the kernel's chroot; cross-compiled for a
# foreign architecture (the headers force ARCH; 6.12 and later set
# CROSS_COMPILE themselves, 6.1 only for dpkg-buildpackage: set both).
kh_build()
{
	local series=$1 src cc pkg chroot jobs=() cross=()

	[ $# -ge 2 ] || die "usage: build SERIES SRCDIR [MAKE_ARG...]"
	src=$(realpath "$2") || die "no such folder: $2"
	shift 2
	kh_fetch "$series"
	log "building against $KVER ($KH_ARCH, series $KH_SERIES)"
	cc=$(kh_kernel_cc "$KDIR")
	pkg=$cc
	case " $* ${MAKEFLAGS:-}" in
	*" -j"*) ;;
	*) jobs=("-j$KH_JOBS") ;;
	esac
	if [ -n "$KH_CROSS" ]; then
		cross=("ARCH=$KH_KARCH" "CROSS_COMPILE=$KH_CROSS")
		# gcc-12 for aarch64 is aarch64-linux-gnu-gcc-12, from package
		# gcc-12-aarch64-linux-gnu.
		[ -n "$cc" ] && pkg=$cc-${KH_GNU_TYPE//_/-} && cc=$KH_CROSS$cc
	fi
	chroot=$(kh_build_chroot "$KVER" "$pkg") || exit 1
	if [ -z "$chroot" ]; then
		if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
			die "$KVER needs $cc (scripts/deps.sh $pkg)"
		fi
		make -C "$KDIR" M="$src" "${cross[@]}" "${jobs[@]}" "$@" modules
	else
		KVM_HC_CHROOT_BINDS="$src ${KVM_HC_CHROOT_BINDS:-}" \
			kh_chroot_run "$chroot" make -C "$KDIR" M="$src" "${cross[@]}" "${jobs[@]}" "$@" modules
	fi
}

# --- KVM modules for the guest ---------------------------------------------------

# kh_kvm_modules SERIES|RELEASE OUTDIR: copy $KH_KVM_MODULES and what they depend on,
# decompressed, into OUTDIR; OUTDIR/load-order lists them in load order.
# Modules built into the kernel are skipped (all of them on arm64).
kh_kvm_modules()
{
	local series=$1 out=$2 f n m
	local -A path=() seen=()
	local order=()

	[ $# -eq 2 ] || die "usage: kvm-modules SERIES OUTDIR"
	# A kernel built here (tests/e2e.sh --kernel-tree): its modules
	# installed in KVM_HC_KMODULES, named by its release.
	if [ -n "${KVM_HC_KMODULES:-}" ]; then
		KMODULES=$KVM_HC_KMODULES
		KVER=$series
	else
		kh_fetch "$series"
	fi
	mkdir -p "$out"
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		path[${n//-/_}]=$f
	done < <(find "$KMODULES/kernel" -name '*.ko' -o -name '*.ko.[gx]z' -o -name '*.ko.zst')

	kh_kvm_visit()
	{
		local n=${1//-/_} f dst d

		[ -n "${seen[$n]:-}" ] && return
		seen[$n]=1
		f=${path[$n]:-}
		if [ -z "$f" ]; then
			grep -qE "/${n//_/[-_]}\\.ko\$" "$KMODULES/modules.builtin" 2>/dev/null && return
			# A kernel built here has only what its configuration
			# selects (no ccp): /init finds out if /dev/kvm is missing.
			[ -z "${KVM_HC_KMODULES:-}" ] || return 0
			die "$KVER: module $n not found"
		fi
		dst=${f##*/}
		dst=$out/${dst%%.ko*}.ko
		case $f in
		*.xz) xz -dc "$f" >"$dst" ;;
		*.zst) zstd -dcq "$f" >"$dst" ;;
		*.gz) gzip -dc "$f" >"$dst" ;;
		*) cp "$f" "$dst" ;;
		esac
		for d in $(modinfo -F depends "$dst" | tr ',' ' '); do
			kh_kvm_visit "$d"
		done
		order+=("${dst##*/}")
	}
	for m in ${KVM_HC_KVM_MODULES:-$KH_KVM_MODULES}; do
		kh_kvm_visit "$m"
	done
	unset -f kh_kvm_visit
	# Nothing to load (KVM built in, as on arm64): an empty load-order.
	: >"$out/load-order"
	[ ${#order[@]} -eq 0 ] || printf '%s\n' "${order[@]}" >"$out/load-order"
}

# --- other packages -----------------------------------------------------------

# kh_package NAME: make sure the Debian package NAME of $KH_ARCH (an arch
# all one as it is) is extracted in the cache and set KH_PKGDIR to its
# folder.  A cached one is used as it is (unless KVM_HC_REFRESH=1);
# otherwise the candidates are the version of the host's own release, then
# the others, newest first: the first that downloads whole is taken.
kh_package()
{
	local name=$1 q='' rel='' c ver suite arch dir tried=() cands=() cached

	# shellcheck disable=SC1091
	[ -r /etc/os-release ] && rel=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	mkdir -p "$KH_CACHE/packages"
	cached=$(find "$KH_CACHE/packages" -mindepth 2 -maxdepth 2 -name .complete \
		\( -path "*/${name}_*_$KH_ARCH/*" -o -path "*/${name}_*_all/*" \) \
		-printf '%h\n' 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$cached" ] && [ "$KH_REFRESH" != 1 ]; then
		KH_PKGDIR=$cached
		return
	fi
	kh_state
	if ! kh_apt_update; then
		[ -n "$cached" ] || die "package $name: no package lists and nothing cached"
		log "no package lists; using the cached ${cached##*/}"
		KH_PKGDIR=$cached
		return
	fi
	# The architecture's own package, else an arch all one.
	for q in ":$KH_ARCH" ""; do
		mapfile -t cands < <(kh_apt_versions "$name$q" |
			awk -v r="$rel" '{ print ($3 == r ? 0 : 1), $2, $3 }' | sort -k1,1n -k2,2Vr)
		[ ${#cands[@]} -gt 0 ] && break
	done
	[ ${#cands[@]} -gt 0 ] || die "package $name ($KH_ARCH) is not in the archive"
	for c in "${cands[@]}"; do
		read -r _ ver suite <<<"$c"
		arch=$(kh_pkg_field "$name$q=$ver" Architecture)
		dir=$KH_CACHE/packages/${name}_${ver//:/%3a}_${arch:-$KH_ARCH}
		KH_PKGDIR=$dir
		[ -f "$dir/.complete" ] && return
		# shellcheck disable=SC2031
		KH_WHY=$(
			exec 9>"$KH_CACHE/packages/.lock"
			flock 9
			exec 3>&1 1>&2
			[ -f "$dir/.complete" ] && exit 0
			tmp=$KH_CACHE/packages/.tmp-$name
			kh_apt_download "$tmp" "$name$q=$ver" || { echo "$KH_APT_WHY" >&3; exit 1; }
			kh_extract "$tmp" "$tmp/root" >&3 || exit 1
			rm -rf "$dir"
			mv "$tmp/root" "$dir"
			rm -rf "$tmp"
			touch "$dir/.complete"
			log "$name$q $ver ($suite): extracted in $dir"
		) && return
		log "$name$q $ver ($suite) is not available: ${KH_WHY:-download failed}; trying the next"
		tried+=("$ver ($suite): ${KH_WHY:-download failed}")
	done
	die "package $name ($KH_ARCH): none could be fetched; tried $(joined '; ' "${tried[@]}")"
}

# --- command line -----------------------------------------------------------------

kh_usage()
{
	sed -n '/^# usage:/,/^# *$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

kh_main()
{
	local cmd

	case ${1:-} in
	--arch) [ $# -ge 2 ] || kh_usage; kh_arch "$2"; shift 2 ;;
	--arch=*) kh_arch "${1#*=}"; shift ;;
	esac
	cmd=${1:-}
	[ $# -ge 1 ] && shift
	case $cmd in
	resolve)
		[ $# -eq 1 ] || kh_usage
		kh_target "$1"
		echo "$KH_REL"
		;;
	fetch)
		[ $# -eq 1 ] || kh_usage
		kh_fetch "$1"
		printf 'KVER=%q\nKDIR=%q\nVMLINUZ=%q\nKMODDIR=%q\nKMODULES=%q\n' \
			"$KVER" "$KDIR" "$VMLINUZ" "$KMODDIR" "$KMODULES"
		;;
	build)
		[ $# -ge 2 ] || kh_usage
		kh_build "$@"
		;;
	kvm-modules)
		[ $# -eq 2 ] || kh_usage
		kh_kvm_modules "$@"
		;;
	package)
		[ $# -eq 1 ] || kh_usage
		kh_package "$1"
		echo "$KH_PKGDIR"
		;;
	candidates)
		[ $# -eq 1 ] || kh_usage
		kh_series "$1"
		kh_state
		kh_apt_update || die "cannot read the archive's package lists"
		kh_candidates
		;;
	series)
		kh_series_all | sed 's/ $//'
		echo
		;;
	*)
		kh_usage
		;;
	esac
}

kh_arch "${KVM_HC_ARCH:-$KH_HOST_ARCH}"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	kh_main "$@"
fi
