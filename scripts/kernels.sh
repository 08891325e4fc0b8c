#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - Debian kernels (amd64, arm64, ppc64el, s390x) that kvm_hc is
# built and tested against.
#
# Resolves the newest kernel of a series in Debian's archive, fetches its
# image, modules and headers into a cache (extracted with dpkg -x, nothing
# is installed on the host), builds a module against the headers the way
# DKMS does (make -C <headers> M=<dir>), and collects the KVM modules a test
# guest needs to load.
#
#   series  suites                          kernel release (uname -r)
#   6.1     bookworm, bookworm-security     6.1.0-N-<flavour>
#   6.12    bookworm-security, bookworm     6.12.N+deb12-<flavour>
#           (ppc64el: also trixie, trixie-security: 6.12.N+deb13-<flavour>)
#   7       trixie-backports                7.N.N+deb13-<flavour>
#           (ppc64el, s390x: also sid: 7.N.N+deb14-<flavour>)
#   Kernels of trixie (+deb13) build in a trixie chroot (gcc-14, glibc
#   2.38), those of sid (+deb14) in a sid chroot (gcc-16).
#
# <arch> is amd64 (the default), arm64 or ppc64el; the kernel flavour is
# the same name, except powerpc64le for ppc64el.  Foreign modules are
# cross-built on this amd64 host (ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-,
# ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-): against the foreign
# headers with the amd64 linux-kbuild tools, with the cross gcc-12 on the
# host (bookworm's kernels) or the cross gcc-14 in the chroot (trixie's).
# KVM is built into Debian's arm64 kernels: kvm-modules collects nothing.
# ppc64el's kvm-modules are kvm and kvm-hv (KVM-PR is not built).
# s390x is cross-built the same way (s390x-linux-gnu-); bookworm has no 6.12
# for s390x, so its 6.12 series is trixie's own kernel (6.12.N+deb13-s390x,
# built in the trixie chroot).  A foreign architecture's package list that
# the archive serves inconsistently is left out: its series are not offered.
#
# usage: scripts/kernels.sh [--arch ARCH] COMMAND ...
#        scripts/kernels.sh resolve SERIES     prints the newest release
#        scripts/kernels.sh fetch KERNEL        prints KVER= KDIR= VMLINUZ=
#                                               KMODDIR= KMODULES= lines
#        scripts/kernels.sh build KERNEL SRCDIR [MAKE_ARG...]
#                                   make -C $KDIR M=SRCDIR MAKE_ARG... modules
#        scripts/kernels.sh kvm-modules KERNEL OUTDIR
#                                   the KVM modules (amd64: irqbypass, kvm,
#                                   ccp, kvm-amd) and their dependencies as
#                                   .ko + OUTDIR/load-order (empty when KVM
#                                   is built in)
#        scripts/kernels.sh package PACKAGE     fetches a Debian package of
#                                   ARCH (the version of the host's release
#                                   when the archive has it), prints the
#                                   folder it is extracted in
#        scripts/kernels.sh series              lists the known series
#   --arch ARCH  amd64, arm64, ppc64el or s390x (default: $KVM_HC_ARCH, else
#                amd64)
#   KERNEL is a series (its newest kernel) or a release such as 6.1.0-56-amd64
#   (a release names its architecture: 6.1.0-56-arm64 needs no --arch).
#   VMLINUZ is the image to boot (ppc64el: the uncompressed vmlinux).
#   KMODDIR holds lib/modules/$KVER (depmod -b / modprobe -d take it);
#   KMODULES is that lib/modules/$KVER folder.
#
# As a library (". scripts/kernels.sh") it defines the kh_* functions and
# runs nothing.
#
# env:
#   KVM_HC_ARCH          default for --arch (amd64)
#   KVM_HC_CACHE         cache folder (default /var/cache/kvm-hc)
#   KVM_HC_JOBS          make -j for builds (default 2)
#   KVM_HC_APT_MAX_AGE   reuse package lists younger than this many seconds
#                        (default 3600; 0 refreshes on every run)
#   KVM_HC_MIRROR        archive URI for Debian's suites and
#   KVM_HC_SECURITY_MIRROR  for the -security suites (default: taken from
#                        the machine's apt sources)
#   KVM_HC_CHROOT_BINDS  extra folders to bind into the build chroot

KH_CACHE=$(realpath -m "${KVM_HC_CACHE:-/var/cache/kvm-hc}")
KH_JOBS=${KVM_HC_JOBS:-2}
KH_SERIES_ALL="6.1 6.12 7"
KH_ARCH_ALL="amd64 arm64 ppc64el s390x"
# The architecture of this host and of the tools that build modules.
KH_HOST_ARCH=amd64
# Suites read for tools only: sid's sparse is the first to parse the
# __typeof_unqual__ that 7.x headers show the checker.
KH_TOOL_SUITES="sid"
KH_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
KH_APT_UPDATED=0

kh_log()
{
	printf 'kernels: %s\n' "$*" >&2
}

kh_die()
{
	kh_log "$*"
	exit 1
}

# kh_arch ARCH: set the facts about one architecture.
#   KH_ARCH         Debian architecture of the kernels
#   KH_FLAVOUR      the kernels' flavour (suffix of the package names)
#   KH_KVM_MODULES  modules a guest needs for /dev/kvm, by module name (on an
#                   emulated AMD host for amd64); built-in ones are skipped
#   KH_CROSS        CROSS_COMPILE prefix ("" = native)
#   KH_KARCH        the kernel's ARCH for make
#   KH_GNU_TYPE     GNU triplet of ARCH
kh_arch()
{
	case $1 in
	amd64)
		KH_KVM_MODULES="irqbypass kvm ccp kvm_amd"
		KH_CROSS=
		KH_KARCH=x86
		KH_GNU_TYPE=x86_64-linux-gnu
		;;
	arm64)
		KH_KVM_MODULES="kvm"
		KH_CROSS=aarch64-linux-gnu-
		KH_KARCH=arm64
		KH_GNU_TYPE=aarch64-linux-gnu
		;;
	ppc64el)
		KH_KVM_MODULES="kvm kvm_hv"
		KH_CROSS=powerpc64le-linux-gnu-
		KH_KARCH=powerpc
		KH_GNU_TYPE=powerpc64le-linux-gnu
		;;
	s390x)
		KH_KVM_MODULES="kvm"
		KH_CROSS=s390x-linux-gnu-
		KH_KARCH=s390
		KH_GNU_TYPE=s390x-linux-gnu
		;;
	*)
		kh_die "unknown architecture '$1' (known: $KH_ARCH_ALL)"
		;;
	esac
	KH_ARCH=$1
	KH_FLAVOUR=$1
	[ "$1" = ppc64el ] && KH_FLAVOUR=powerpc64le
	return 0
}

# kh_series SERIES: set the facts about one series of $KH_ARCH.
#   KH_SUITES   suites the series comes from
#   KH_PATTERN  extended regex matching its image package names
#   KH_CHROOT   Debian suite whose toolchain builds its modules ("" = host)
# For ppc64el, 6.12 is also taken from trixie, and for ppc64el and s390x
# 7.x from sid: the newest of all wins.
kh_series()
{
	case $1 in
	6.1)
		KH_SUITES="bookworm bookworm-security"
		KH_PATTERN="^linux-image-6\\.1\\.0-[0-9]+-$KH_FLAVOUR\$"
		KH_CHROOT=
		;;
	6.12)
		KH_SUITES="bookworm-security bookworm"
		KH_PATTERN="^linux-image-6\\.12\\.[0-9]+\\+deb12-$KH_FLAVOUR\$"
		KH_CHROOT=
		if [ "$KH_ARCH" = ppc64el ]; then
			KH_SUITES="$KH_SUITES trixie trixie-security"
			KH_PATTERN="^linux-image-6\\.12\\.[0-9]+\\+deb1[23]-$KH_FLAVOUR\$"
		fi
		# bookworm has no 6.12 for s390x; trixie's own kernel is 6.12.
		if [ "$KH_ARCH" = s390x ]; then
			KH_SUITES="trixie-security trixie"
			KH_PATTERN="^linux-image-6\\.12\\.[0-9]+\\+deb13-$KH_ARCH\$"
			KH_CHROOT=trixie
		fi
		;;
	7 | 7.x)
		KH_SUITES="trixie-backports"
		KH_PATTERN="^linux-image-7\\.[0-9]+\\.[0-9]+\\+deb13-$KH_FLAVOUR\$"
		KH_CHROOT=trixie
		if [ "$KH_ARCH" = ppc64el ] || [ "$KH_ARCH" = s390x ]; then
			KH_SUITES="$KH_SUITES sid"
			KH_PATTERN="^linux-image-7\\.[0-9]+\\.[0-9]+\\+deb1[34]-$KH_FLAVOUR\$"
		fi
		;;
	*)
		kh_die "unknown series '$1' (known: $KH_SERIES_ALL)"
		;;
	esac
}

# --- the archive ------------------------------------------------------------

# Print "URI SUITE" for every enabled binary source in the machine's apt
# configuration (one-line and deb822 formats).
kh_apt_sources()
{
	local f

	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			print $i, $(i + 1)
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u = 1; u <= nu; u++)
					for (s = 1; s <= ns; s++)
						print uris[u], suites[s]
			types = ""; enabled = ""; nu = 0; ns = 0
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key)
			if (key == "types") { $1 = ""; types = $0 }
			else if (key == "enabled") enabled = tolower($2)
			else if (key == "uris") for (i = 2; i <= NF; i++) uris[++nu] = $i
			else if (key == "suites") for (i = 2; i <= NF; i++) suites[++ns] = $i
		}
		END { flush() }' "$f"
	done
}

# kh_apt_uri SUITE: the archive URI to fetch SUITE from.  The machine's own
# sources decide; only the suite differs.  A -security suite comes from the
# URI the machine uses for its -security suite, any other from the URI of
# its main suite.
kh_apt_uri()
{
	local suite=$1 uri

	case $suite in
	*-security) [ -n "${KVM_HC_SECURITY_MIRROR:-}" ] && { echo "$KVM_HC_SECURITY_MIRROR"; return; } ;;
	*) [ -n "${KVM_HC_MIRROR:-}" ] && { echo "$KVM_HC_MIRROR"; return; } ;;
	esac
	uri=$(kh_apt_sources | awk -v want="$suite" '
		function kind(s) { return s ~ /-security$/ ? "sec" : (s ~ /-/ ? "other" : "main") }
		$2 == want && !exact { exact = $1 }
		kind($2) == kind(want) && !same { same = $1 }
		kind(want) == "other" && kind($2) == "main" && !main { main = $1 }
		END { print exact ? exact : (same ? same : main) }')
	[ -n "$uri" ] || kh_die "no apt source to take the URI for $suite from" \
		"(set KVM_HC_MIRROR / KVM_HC_SECURITY_MIRROR)"
	echo "${uri%/}"
}

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

# Private apt configuration: its own sources list, lists and package cache
# under $KH_CACHE/apt (apt-<arch> for a foreign architecture), so the
# machine's apt state is never touched.
kh_apt_setup()
{
	local d s suites archs opts

	d=$(kh_apt_dir)
	[ "${KH_APT_DIR:-}" = "$d" ] && return
	archs=$KH_HOST_ARCH
	[ "$KH_ARCH" = "$KH_HOST_ARCH" ] || archs="$archs,$KH_ARCH"
	opts="arch=$archs"
	# shellcheck disable=SC2030
	suites=$(for s in $KH_SERIES_ALL; do kh_series "$s"; echo "$KH_SUITES"; done)
	suites="$suites $KH_TOOL_SUITES"
	[ -f "$KH_KEYRING" ] && opts="$opts signed-by=$KH_KEYRING"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/prefs"
	# An empty dpkg status: what the host has installed does not matter here.
	[ -f "$d/status" ] || : >"$d/status"
	for s in $(echo "$suites" | tr -s ' ' '\n' | sort -u); do
		echo "deb [$opts] $(kh_apt_uri "$s") $s main"
	done >"$d/sources.list.new"
	if ! cmp -s "$d/sources.list.new" "$d/sources.list"; then
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/updated"
	else
		rm -f "$d/sources.list.new"
	fi
	KH_APT_DIR=$d
	KH_APT_UPDATED=0
	KH_APT_OPTS=(
		-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/parts"
		-o "Dir::Etc::PreferencesParts=$d/prefs"
		-o "Dir::Etc::Preferences=$d/prefs/none"
		-o "Dir::State=$d"
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d/cache"
		-o "Dir::Cache::pkgcache=$d/cache/pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=$d/cache/srcpkgcache.bin"
		-o "Acquire::Languages=none"
		-o "APT::Sandbox::User=root"
		-o "Debug::NoLocking=1"
		-q
	)
	# The foreign architecture for this state only; dpkg's list of foreign
	# architectures stays as it is.
	if [ "$KH_ARCH" != "$KH_HOST_ARCH" ]; then
		KH_APT_OPTS+=(
			-o "APT::Architecture=$KH_HOST_ARCH"
			-o "APT::Architectures::=$KH_HOST_ARCH"
			-o "APT::Architectures::=$KH_ARCH"
		)
	fi
}

# Refresh the private package lists when they are older than
# KVM_HC_APT_MAX_AGE (so at most once per run).  An archive that cannot be
# reached is not fatal while older lists exist; nor are lists that some
# suites fail to give (a mirror that serves an index other than its Release
# file names, as happens for ppc64el): the kernels of those suites are then
# not seen, and the log says which lists are missing.
kh_apt_update()
{
	local d

	kh_apt_setup
	d=$KH_APT_DIR
	[ "$KH_APT_UPDATED" = 1 ] && return
	# shellcheck disable=SC2030
	(
		flock 9
		if [ -f "$d/updated" ] &&
			[ $(($(date +%s) - $(stat -c %Y "$d/updated"))) -lt "${KVM_HC_APT_MAX_AGE:-3600}" ]; then
			exit 0
		fi
		if apt-get "${KH_APT_OPTS[@]}" update --error-on=any >"$d/update.log" 2>&1; then
			touch "$d/updated"
		elif ! grep '^E:' "$d/update.log" | grep -qv -e '^E: Failed to fetch' \
			-e '^E: Some index files failed'; then
			kh_log "apt-get update: these lists could not be fetched, their suites are left out:" \
				"$(sed -n 's#^E: Failed to fetch [a-z]*://[^/]*/\([^ ]*\) .*#\1#p' "$d/update.log" | tr '\n' ' ')"
			touch "$d/updated"
		elif [ -f "$d/updated" ]; then
			kh_log "apt-get update failed (see $d/update.log); using older lists"
		else
			cat "$d/update.log" >&2
			exit 1
		fi
	) 9>"$d.lock" || return 1
	KH_APT_UPDATED=1
}

kh_apt_cache()
{
	apt-cache "${KH_APT_OPTS[@]}" "$@"
}

# kh_pkg_field PACKAGE FIELD: a field of the candidate version of PACKAGE.
kh_pkg_field()
{
	kh_apt_cache show --no-all-versions "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }'
}

# kh_pkg_depends PACKAGE REGEX: names of the dependencies of PACKAGE that
# match REGEX (alternatives and version constraints dropped).
kh_pkg_depends()
{
	kh_pkg_field "$1" Depends | tr ',|' '\n' |
		awk '{ print $1 }' | sed 's/:any$//' | grep -E "$2" || true
}

# --- resolve / fetch ----------------------------------------------------------

# kh_cached_releases: releases complete in the cache whose image package
# name matches $KH_PATTERN.
kh_cached_releases()
{
	local d

	for d in "$KH_CACHE"/kernels/*/.complete; do
		[ -f "$d" ] || continue
		d=${d%/.complete}
		echo "linux-image-${d##*/}"
	done | grep -E "$KH_PATTERN" | sed 's/^linux-image-//' || true
}

# kh_target WHAT: WHAT is a series (resolved to its newest kernel of
# $KH_ARCH) or the release of a kernel of a known series and architecture
# (taken as it is, and its architecture made $KH_ARCH).  Sets KH_REL and the
# facts of kh_series and kh_arch.
kh_target()
{
	local s a arch=$KH_ARCH

	mkdir -p "$KH_CACHE"
	KH_REL=
	for a in "$arch" $KH_ARCH_ALL; do
		kh_arch "$a"
		for s in $KH_SERIES_ALL; do
			kh_series "$s"
			if echo "linux-image-$1" | grep -qE "$KH_PATTERN"; then
				KH_REL=$1
				kh_release_chroot
				return
			fi
		done
	done
	kh_arch "$arch"
	kh_series "$1"
	if kh_apt_update; then
		KH_REL=$(kh_apt_cache pkgnames linux-image- | grep -E "$KH_PATTERN" |
			sed 's/^linux-image-//' | sort -V | tail -n 1 || true)
	fi
	if [ -z "$KH_REL" ]; then
		KH_REL=$(kh_cached_releases | sort -V | tail -n 1)
		[ -n "$KH_REL" ] && kh_log "no package lists for $1; using cached $KH_REL"
	fi
	[ -n "$KH_REL" ] || kh_die "no kernel found for series $1"
	kh_release_chroot
}

# A series with kernels of more than one release (on ppc64el: 6.12 of
# bookworm and trixie, 7.x of trixie and sid): the kernel decides where its
# modules build.
kh_release_chroot()
{
	case $KH_REL in
	*+deb14-*) KH_CHROOT=sid ;;
	*+deb13-*) KH_CHROOT=trixie ;;
	*+deb12-*) KH_CHROOT= ;;
	esac
}

# Set KVER KDIR VMLINUZ KMODDIR KMODULES for the extracted kernel in $1.
kh_kernel_vars()
{
	local root=$1 rel=$2 d

	KVER=$rel
	KDIR=$root/usr/src/linux-headers-$rel
	KMODDIR=
	for d in "$root" "$root/usr"; do
		[ -d "$d/lib/modules/$rel/kernel" ] && { KMODDIR=$d; break; }
	done
	KMODULES=$KMODDIR/lib/modules/$rel
	VMLINUZ=
	for d in "$root/boot/vmlinuz-$rel" "$KMODULES/vmlinuz" \
		"$root/boot/vmlinux-$rel" "$KMODULES/vmlinux"; do
		[ -f "$d" ] && { VMLINUZ=$d; break; }
	done
	[ -n "$KMODDIR" ] && [ -n "$VMLINUZ" ] && [ -f "$KDIR/Makefile" ]
}

# The packages that make up kernel $1: image (or, from 7.x on, the binary,
# modules and base packages the empty image package depends on), headers,
# their common headers and the matching linux-kbuild, each pinned to the
# version of the package that pulled it in.
# For a foreign architecture the image, binary, modules, base and headers
# packages are that architecture's; the common headers are arch all, and
# linux-kbuild is the host's, whose tools run here.
kh_kernel_packages()
{
	local rel=$1 img hdr iv hv p q=''

	[ "$KH_ARCH" = "$KH_HOST_ARCH" ] || q=:$KH_ARCH
	img=linux-image-$rel$q
	hdr=linux-headers-$rel$q
	iv=$(kh_pkg_field "$img" Version)
	hv=$(kh_pkg_field "$hdr" Version)
	[ -n "$iv" ] || kh_die "$img is not in the archive"
	[ -n "$hv" ] || kh_die "$hdr is not in the archive"
	p=$(kh_pkg_depends "$img" '^linux-(binary|modules|base)-')
	if [ -n "$p" ]; then
		awk -v q="$q" -v v="$iv" '{ print $0 q "=" v }' <<<"$p"
	else
		echo "$img=$iv"
	fi
	echo "$hdr=$hv"
	kh_pkg_depends "$hdr" '^linux-(headers-.*-common|kbuild-)' | sed "s/\$/=$hv/"
}

# Point the absolute paths of extracted headers at the cache: the headers
# Makefile includes /usr/src/linux-headers-<ver>-common/Makefile (and on 7.x
# sets KBUILD_OUTPUT=/usr/src/...), and lib/modules/<rel>/{build,source}
# are absolute symlinks on 6.x.  Idempotent: runs again on every use of a
# cached kernel, so that cache entries made before a fix get it too.
kh_fix_headers()
{
	local root=$1 rel=$2 mf l t

	mf=$root/usr/src/linux-headers-$rel/Makefile
	if grep -qE '(^|[[:space:]=])/usr/src/' "$mf"; then
		sed -i -E "s#(^|[[:space:]=])/usr/src/#\\1$root/usr/src/#g" "$mf"
	fi
	kh_fix_checker "$root"
	for l in "$root"/lib/modules/"$rel"/{build,source} "$root"/usr/lib/modules/"$rel"/{build,source}; do
		[ -L "$l" ] || continue
		t=$(readlink "$l")
		case $t in
		/*) ln -sfn "$(realpath -m --relative-to="${l%/*}" "$root$t")" "$l" ;;
		esac
	done
}

# Kbuild of 6.15 and later runs scripts/checker-valid.sh before C=1/C=2 and
# turns the checker off when that fails, but linux-kbuild-<ver> does not
# ship the script.  Put a stand-in next to the other kbuild scripts: it
# prints 1 when the checker exists and parses __typeof_unqual__, as the
# headers need.
kh_fix_checker()
{
	local root=$1 common scripts

	for common in "$root"/usr/src/linux-headers-*-common; do
		grep -q 'scripts/checker-valid\.sh' "$common/Makefile" 2>/dev/null || continue
		scripts=$(realpath "$common/scripts")
		[ -e "$scripts/checker-valid.sh" ] && continue
		cat >"$scripts/checker-valid.sh" <<'EOF'
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checker-valid.sh CHECKER [FLAGS...]: print 1 if CHECKER can check this
# kernel (it exists and parses __typeof_unqual__), else 0.  Added by
# kvm-hc's scripts/kernels.sh; linux-kbuild does not ship it.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp --suffix=.c) || { echo 0; exit 0; }
trap 'rm -f "$t"' EXIT
printf 'static inline int u(const int *q) { __typeof_unqual__(*q) v = *q; return v; }\n' >"$t"
if "$@" "$t" 2>&1 | grep -q error; then echo 0; else echo 1; fi
EOF
		chmod +x "$scripts/checker-valid.sh"
	done
}

# kh_fetch SERIES|RELEASE: make sure the kernel is in the cache and set
# KVER KDIR VMLINUZ KMODDIR KMODULES.
kh_fetch()
{
	local rel root

	kh_target "$1"
	rel=$KH_REL
	root=$KH_CACHE/kernels/$rel
	if [ -f "$root/.complete" ] && kh_kernel_vars "$root" "$rel"; then
		kh_fix_headers "$root" "$rel"
		return
	fi
	mkdir -p "$KH_CACHE/kernels"
	# shellcheck disable=SC2031
	(
		flock 9
		[ -f "$root/.complete" ] && exit 0
		kh_apt_update || kh_die "cannot read the archive's package lists"
		local debs=$KH_CACHE/debs/$rel pkgs f t0
		t0=$(date +%s)
		mapfile -t pkgs < <(kh_kernel_packages "$rel")
		[ ${#pkgs[@]} -ge 3 ] || kh_die "$rel: cannot tell its packages"
		kh_log "$rel: downloading ${pkgs[*]}"
		rm -rf "$debs" "$root"
		mkdir -p "$debs" "$root"
		(cd "$debs" && apt-get "${KH_APT_OPTS[@]}" download "${pkgs[@]}" >&2) ||
			kh_die "download of $rel failed"
		kh_log "$rel: downloaded in $(($(date +%s) - t0)) s; extracting"
		for f in "$debs"/*.deb; do
			dpkg-deb -x "$f" "$root"
		done
		kh_fix_headers "$root" "$rel"
		kh_kernel_vars "$root" "$rel" || kh_die "$rel: unexpected package layout in $root"
		# 7.x ships no modules.dep; modprobe -d $KMODDIR wants one.
		if [ ! -f "$KMODULES/modules.dep" ]; then
			depmod -b "$KMODDIR" "$rel"
		fi
		rm -rf "$debs"
		touch "$root/.complete"
		kh_log "$rel: ready in $root ($(($(date +%s) - t0)) s)"
	) 9>"$KH_CACHE/kernels/.lock" || exit 1
	kh_kernel_vars "$root" "$rel" || kh_die "$rel: incomplete cache entry $root"
}

# --- build ----------------------------------------------------------------

# The trixie (etc.) chroot that builds modules for kernels whose toolchain
# the host lacks.  Made once with debootstrap; CC from the headers is
# installed into it on first use.
KH_CHROOT_PACKAGES="binutils bc gcc-14 kmod libc6-dev libelf-dev libssl-dev make pahole sparse"

kh_chroot_dir()
{
	echo "$KH_CACHE/chroot/$1"
}

# kh_chroot_run SUITE CMD...: run CMD in the chroot with /proc, /dev, the
# cached kernels and KVM_HC_CHROOT_BINDS mounted at their own paths.  The
# mounts live in a private mount namespace and vanish with it.
kh_chroot_run()
{
	local c binds

	c=$(kh_chroot_dir "$1")
	shift
	binds="$KH_CACHE/kernels ${KVM_HC_CHROOT_BINDS:-}"
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		c=$1 binds=$2
		shift 2
		mount -t proc proc "$c/proc"
		mount --bind /dev "$c/dev"
		for b in $binds; do
			[ -d "$b" ] || continue
			mkdir -p "$c$b"
			mount --bind "$b" "$c$b"
		done
		cd /
		exec chroot "$c" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
	' kh-chroot "$c" "$binds" "$@"
}

# The chroot's apt trusts the archive as the machine's apt does: a machine
# that reads a mirror whose Release files are past their Valid-Until (a
# snapshot) says so with Acquire::Check-Valid-Until "false", and sid's
# Release files have a Valid-Until, unlike a stable release's.
kh_chroot_apt_conf()
{
	local v=

	eval "$(apt-config shell v Acquire::Check-Valid-Until)"
	if [ "$v" = false ]; then
		echo 'Acquire::Check-Valid-Until "false";' >"$1/etc/apt/apt.conf.d/91kvm-hc-valid-until"
	else
		rm -f "$1/etc/apt/apt.conf.d/91kvm-hc-valid-until"
	fi
}

# kh_chroot_ensure SUITE [PACKAGE...]: create the chroot if needed and make
# sure PACKAGEs are installed in it.
kh_chroot_ensure()
{
	local suite=$1 c

	shift
	c=$(kh_chroot_dir "$suite")
	mkdir -p "$KH_CACHE/chroot"
	(
		flock 9
		local want=() p t0
		t0=$(date +%s)
		if [ ! -f "$c/.complete" ]; then
			local mirror tmp=$c.tmp inc=()
			mirror=$(kh_apt_uri "$suite")
			# apt in the chroot needs the CA certificates for an https mirror.
			case $mirror in https:*) inc=(--include=ca-certificates) ;; esac
			command -v debootstrap >/dev/null || kh_die "debootstrap is missing (scripts/deps.sh)"
			kh_log "creating the $suite build chroot in $c"
			rm -rf "$tmp" "$c"
			debootstrap --variant=minbase "${inc[@]}" "$suite" "$tmp" "$mirror" \
				>"$KH_CACHE/chroot/$suite.log" 2>&1 ||
				{ tail -n 20 "$KH_CACHE/chroot/$suite.log" >&2; kh_die "debootstrap $suite failed"; }
			mv "$tmp" "$c"
			printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
				>"$c/etc/apt/apt.conf.d/90kvm-hc"
			kh_log "$suite chroot: debootstrap took $(($(date +%s) - t0)) s"
			# shellcheck disable=SC2086
			set -- $KH_CHROOT_PACKAGES "$@"
		fi
		for p in "$@"; do
			case " ${want[*]} " in *" $p "*) continue ;; esac
			# shellcheck disable=SC2016
			chroot "$c" dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null |
				grep -qx installed || want+=("$p")
		done
		if [ ${#want[@]} -gt 0 ]; then
			kh_log "$suite chroot: installing ${want[*]}"
			cp -L /etc/resolv.conf "$c/etc/resolv.conf" 2>/dev/null || true
			kh_chroot_apt_conf "$c"
			kh_chroot_run "$suite" sh -c 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q install -y "$@"' \
				sh "${want[@]}" >>"$KH_CACHE/chroot/$suite.log" 2>&1 ||
				{ tail -n 20 "$KH_CACHE/chroot/$suite.log" >&2; kh_die "installing ${want[*]} in the $suite chroot failed"; }
			chroot "$c" apt-get clean
		fi
		[ -f "$c/.sparse" ] || kh_chroot_sparse "$suite"
		touch "$c/.complete"
		[ ${#want[@]} -gt 0 ] && kh_log "$suite chroot: ready ($(($(date +%s) - t0)) s)"
		true
	) 9>"$KH_CACHE/chroot/.lock" || exit 1
}

# Debian's sparse 0.6.4 (bookworm, trixie) cannot parse the headers of 7.x
# (__typeof_unqual__ when __CHECKER__ is defined); sid's sparse can, and
# needs nothing newer than trixie's libc.  Put its binary into the chroot's
# /usr/local/bin if it runs there.
kh_chroot_sparse()
{
	local c tmp deb

	c=$(kh_chroot_dir "$1")
	tmp=$(mktemp -d)
	if kh_apt_update && (cd "$tmp" && apt-get "${KH_APT_OPTS[@]}" download sparse >/dev/null 2>&1); then
		for deb in "$tmp"/sparse_*.deb; do
			dpkg-deb -x "$deb" "$tmp/x"
		done
		install -m 755 "$tmp/x/usr/bin/sparse" "$c/usr/local/bin/sparse"
		if chroot "$c" /usr/local/bin/sparse --version >/dev/null 2>&1; then
			kh_log "$1 chroot: sparse $(chroot "$c" /usr/local/bin/sparse --version) in /usr/local/bin"
		else
			rm -f "$c/usr/local/bin/sparse"
			kh_log "$1 chroot: the newer sparse does not run there; keeping $1's"
		fi
	else
		kh_log "$1 chroot: cannot fetch a newer sparse; keeping $1's"
	fi
	rm -rf "$tmp"
	touch "$c/.sparse"
}

# The compiler the headers ask for (gcc-12, gcc-14, ...), without the
# CROSS_COMPILE prefix.
kh_kernel_cc()
{
	grep -hoE 'gcc-[0-9]+' "$1/.kernelvariables" "$1/Makefile" 2>/dev/null | head -n 1
}

# kh_build SERIES|RELEASE SRCDIR [MAKE_ARG...]: make -C $KDIR M=SRCDIR ARGS
# modules, on the host or in the series' chroot; cross-compiled for a
# foreign architecture (the headers force ARCH; 6.12 and later set
# CROSS_COMPILE themselves, 6.1 only for dpkg-buildpackage: set both).
kh_build()
{
	local series=$1 src cc pkg jobs=() cross=()

	[ $# -ge 2 ] || kh_die "usage: build SERIES SRCDIR [MAKE_ARG...]"
	src=$(realpath "$2") || kh_die "no such folder: $2"
	shift 2
	kh_fetch "$series"
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
	if [ -z "$KH_CHROOT" ]; then
		if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
			kh_die "$KVER needs $cc (scripts/deps.sh $pkg)"
		fi
		make -C "$KDIR" M="$src" "${cross[@]}" "${jobs[@]}" "$@" modules
	else
		kh_chroot_ensure "$KH_CHROOT" ${pkg:+"$pkg"}
		KVM_HC_CHROOT_BINDS="$src ${KVM_HC_CHROOT_BINDS:-}" \
			kh_chroot_run "$KH_CHROOT" make -C "$KDIR" M="$src" "${cross[@]}" "${jobs[@]}" "$@" modules
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

	[ $# -eq 2 ] || kh_die "usage: kvm-modules SERIES OUTDIR"
	kh_fetch "$series"
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
			kh_die "$KVER: module $n not found"
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
	for m in $KH_KVM_MODULES; do
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
# folder.  The version is the one of the host's own release if the archive
# has it, else the newest; without package lists the newest one cached.
kh_package()
{
	local name=$1 q='' rel='' info='' ver arch dir=''

	# shellcheck disable=SC1091
	[ -r /etc/os-release ] && rel=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	mkdir -p "$KH_CACHE/packages"
	if kh_apt_update; then
		for q in ":$KH_ARCH" ""; do
			info=$(kh_apt_cache ${rel:+-o "APT::Default-Release=$rel"} \
				show --no-all-versions "$name$q" 2>/dev/null |
				awk '$1 == "Version:" { v = $2 } $1 == "Architecture:" { a = $2 }
					END { if (v != "") print v, a }')
			[ -n "$info" ] && break
		done
		if [ -n "$info" ]; then
			read -r ver arch <<<"$info"
			dir=$KH_CACHE/packages/${name}_${ver//:/%3a}_$arch
		fi
	fi
	if [ -z "$dir" ]; then
		dir=$(find "$KH_CACHE/packages" -mindepth 2 -maxdepth 2 -name .complete \
			\( -path "*/${name}_*_$KH_ARCH/*" -o -path "*/${name}_*_all/*" \) \
			-printf '%h\n' 2>/dev/null | sort -V | tail -n 1)
		[ -n "$dir" ] || kh_die "package $name: not in the archive nor in the cache"
		kh_log "no package lists; using cached ${dir##*/}"
	fi
	KH_PKGDIR=$dir
	[ -f "$dir/.complete" ] && return
	# shellcheck disable=SC2031
	(
		flock 9
		[ -f "$dir/.complete" ] && exit 0
		local tmp f
		tmp=$(mktemp -d "$KH_CACHE/packages/.tmp.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		(cd "$tmp" && apt-get "${KH_APT_OPTS[@]}" download "$name$q=$ver" >&2) ||
			kh_die "download of $name$q $ver failed"
		mkdir "$tmp/root"
		for f in "$tmp"/*.deb; do
			dpkg-deb -x "$f" "$tmp/root"
		done
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
		touch "$dir/.complete"
		kh_log "$name$q $ver: extracted in $dir"
	) 9>"$KH_CACHE/packages/.lock" || exit 1
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
	series)
		echo "$KH_SERIES_ALL"
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
