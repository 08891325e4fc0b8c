# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# chroot.sh - build chroots of other Debian suites (sourced, not run; needs
# util.sh and apt.sh).  Kernels newer than the host's toolchain (trixie's
# need gcc-14 and glibc >= 2.38, sid's gcc-16) build their modules in a
# chroot of their own suite, made once with debootstrap under
# $KH_CACHE/chroot/<suite>.  A chroot of another architecture is named
# SUITE:ARCH (bookworm:arm64, kept in $KH_CACHE/chroot/bookworm-arm64): its
# programs run under qemu-user-static, registered with binfmt_misc (the
# F flag: the chroot needs no copy of the emulator).
#
#   kh_chroot_ensure NAME [PACKAGE...]  make the chroot if needed and
#                                       install PACKAGEs in it; on failure
#                                       KH_CHROOT_WHY names what and where
#   kh_chroot_run NAME CMD...           run CMD in it
#
# debootstrap and apt-get install in the chroot are tried again (with a
# fresh apt-get update) a bounded number of times.
#
# env: KVM_HC_CHROOT_BINDS  extra folders to bind into the chroot
#      KH_CHROOT_SPARSE     0: the chroot builds no kernel module under
#                           sparse (kh_chroot_sparse is not needed)

KH_CHROOT_PACKAGES="binutils bc gcc-14 kmod libc6-dev libelf-dev libssl-dev make pahole sparse"

kh_chroot_dir()
{
	echo "$KH_CACHE/chroot/${1/:/-}"
}

# kh_chroot_arch NAME: the chroot's Debian architecture ("" for the host's).
kh_chroot_arch()
{
	case $1 in
	*:*) [ "${1#*:}" = "$(dpkg --print-architecture)" ] || echo "${1#*:}" ;;
	esac
}

# kh_binfmt_ensure ARCH: binaries of the Debian architecture ARCH run here
# (qemu-user-static registered with binfmt_misc, mounted first if needed).
# Returns 1 with KH_CHROOT_WHY set when they cannot.
kh_binfmt_ensure()
{
	local q bf=/proc/sys/fs/binfmt_misc

	case $1 in
	arm64) q=aarch64 ;;
	ppc64el) q=ppc64le ;;
	*) q=$1 ;;
	esac
	[ -f "$bf/qemu-$q" ] && grep -qx enabled "$bf/qemu-$q" && return 0
	[ -f "$bf/register" ] || mount -t binfmt_misc binfmt_misc "$bf" 2>/dev/null || {
		KH_CHROOT_WHY="cannot mount binfmt_misc on $bf to run $1 binaries"
		return 1
	}
	if [ ! -f "/usr/lib/binfmt.d/qemu-$q.conf" ]; then
		KH_CHROOT_WHY="no /usr/lib/binfmt.d/qemu-$q.conf to run $1 binaries (qemu-user-static: scripts/deps.sh)"
		return 1
	fi
	[ -f "$bf/qemu-$q" ] || cat "/usr/lib/binfmt.d/qemu-$q.conf" >"$bf/register" 2>/dev/null
	[ -f "$bf/qemu-$q" ] && echo 1 >"$bf/qemu-$q" 2>/dev/null
	if ! grep -qx enabled "$bf/qemu-$q" 2>/dev/null; then
		KH_CHROOT_WHY="cannot register qemu-$q with binfmt_misc to run $1 binaries"
		return 1
	fi
	log "binfmt_misc: $1 binaries run under qemu-$q-static"
}

# kh_chroot_run SUITE CMD...: run CMD in the chroot with /proc, /dev, the
# cached kernels and KVM_HC_CHROOT_BINDS mounted at their own paths.  The
# mounts live in a private mount namespace and vanish with it.
kh_chroot_run()
{
	local c binds arch

	c=$(kh_chroot_dir "$1")
	arch=$(kh_chroot_arch "$1")
	[ -z "$arch" ] || kh_binfmt_ensure "$arch" || { echo "$KH_CHROOT_WHY" >&2; return 1; }
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

# One debootstrap of SUITE into $tmp (kh_chroot_ensure's).
kh_chroot_debootstrap()
{
	rm -rf "$tmp"
	debootstrap --variant=minbase ${arch:+--arch="$arch"} "${inc[@]}" "$suite" "$tmp" "$mirror" >>"$clog" 2>&1
}

# One apt-get update and install of $want in the chroot (kh_chroot_ensure's).
kh_chroot_install()
{
	kh_chroot_run "$name" sh -c 'apt-get -q -o Acquire::Retries=2 update &&
		DEBIAN_FRONTEND=noninteractive apt-get -q -o Acquire::Retries=2 install -y "$@"' \
		sh "${want[@]}" >>"$clog" 2>&1
}

# kh_chroot_ensure NAME [PACKAGE...]: create the chroot if needed and make
# sure PACKAGEs are installed in it.  Returns 1 with KH_CHROOT_WHY set when
# that cannot be done.
kh_chroot_ensure()
{
	local name=$1 suite=${1%%:*} arch c clog

	shift
	arch=$(kh_chroot_arch "$name")
	c=$(kh_chroot_dir "$name")
	clog=$c.log
	mkdir -p "$KH_CACHE/chroot"
	KH_CHROOT_WHY=
	[ -z "$arch" ] || kh_binfmt_ensure "$arch" || return 1
	KH_CHROOT_WHY=$(
		exec 9>"$KH_CACHE/chroot/.lock"
		flock 9
		# Only the reason for a failure goes to the caller (fd 3).
		exec 3>&1 1>&2
		want=() t0=$(date +%s)
		# A chroot whose debootstrap worked is kept even if a later step
		# failed: the next run installs what is missing.
		if [ ! -f "$c/.bootstrapped" ] && [ ! -f "$c/.complete" ]; then
			tmp=$c.tmp inc=()
			mirror=$(kh_apt_uri "$suite")
			# apt in the chroot needs the CA certificates for an https mirror.
			case $mirror in https:*) inc=(--include=ca-certificates) ;; esac
			command -v debootstrap >/dev/null || { echo "debootstrap is missing (scripts/deps.sh)" >&3; exit 1; }
			log "creating the $name chroot in $c"
			rm -rf "$c"
			: >"$clog"
			if ! retry "$KH_APT_RETRIES" kh_chroot_debootstrap; then
				tail -n 20 "$clog" >&2
				echo "debootstrap of $suite from $mirror failed: $(kh_apt_failure <"$clog") (log: $clog)" >&3
				exit 1
			fi
			mv "$tmp" "$c"
			printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
				>"$c/etc/apt/apt.conf.d/90kvm-hc"
			touch "$c/.bootstrapped"
			log "$name chroot: debootstrap took $(($(date +%s) - t0)) s"
		fi
		# shellcheck disable=SC2086
		[ -f "$c/.complete" ] || set -- $KH_CHROOT_PACKAGES "$@"
		for p in "$@"; do
			case " ${want[*]} " in *" $p "*) continue ;; esac
			# shellcheck disable=SC2016
			chroot "$c" dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null |
				grep -qx installed || want+=("$p")
		done
		if [ ${#want[@]} -gt 0 ]; then
			log "$name chroot: installing ${want[*]}"
			cp -L /etc/resolv.conf "$c/etc/resolv.conf" 2>/dev/null || true
			kh_chroot_apt_conf "$c"
			if ! retry "$KH_APT_RETRIES" kh_chroot_install; then
				tail -n 20 "$clog" >&2
				echo "cannot install ${want[*]} from $suite: $(kh_apt_failure < <(tail -n 30 "$clog")) (log: $clog)" >&3
				exit 1
			fi
			chroot "$c" apt-get clean
		fi
		# a foreign chroot builds modules with its own compiler only
		[ -f "$c/.sparse" ] || [ "${KH_CHROOT_SPARSE:-1}" = 0 ] || [ -n "$arch" ] ||
			kh_chroot_sparse "$suite"
		touch "$c/.complete"
		[ ${#want[@]} -gt 0 ] && log "$name chroot: ready ($(($(date +%s) - t0)) s)"
		true
	) && return 0
	[ -n "$KH_CHROOT_WHY" ] || KH_CHROOT_WHY="the $suite chroot could not be made"
	return 1
}

# Debian's sparse 0.6.4 (bookworm, trixie) cannot parse the headers of 7.x
# (__typeof_unqual__ when __CHECKER__ is defined); sid's sparse can, and
# needs nothing newer than trixie's libc.  Put its binary into the chroot's
# /usr/local/bin if it runs there.  The caller's apt state has the tool
# suites (kh_apt_setup).
kh_chroot_sparse()
{
	local c tmp deb

	c=$(kh_chroot_dir "$1")
	tmp=$(mktemp -d)
	if kh_apt_update && kh_apt_download "$tmp" sparse >/dev/null 2>&1; then
		for deb in "$tmp"/sparse_*.deb; do
			dpkg-deb -x "$deb" "$tmp/x"
		done
		install -m 755 "$tmp/x/usr/bin/sparse" "$c/usr/local/bin/sparse"
		if chroot "$c" /usr/local/bin/sparse --version >/dev/null 2>&1; then
			log "$1 chroot: sparse $(chroot "$c" /usr/local/bin/sparse --version) in /usr/local/bin"
		else
			rm -f "$c/usr/local/bin/sparse"
			log "$1 chroot: the newer sparse does not run there; keeping $1's"
		fi
	else
		log "$1 chroot: cannot fetch a newer sparse${KH_APT_WHY:+ ($KH_APT_WHY)}; keeping $1's"
	fi
	rm -rf "$tmp"
	touch "$c/.sparse"
}

# kh_chroot_cross NAME GCC: Debian's own amd64 cross compiler GCC (gcc-12,
# say) and cross binutils for the architecture of the foreign chroot NAME,
# of its suite, so that what the chroot compiles is compiled at native
# speed.  Their names are the native toolchain's (/usr/bin/aarch64-linux-
# gnu-gcc-12 is in both gcc-12:arm64 and gcc-12-aarch64-linux-gnu:amd64),
# and the chroot's apt cannot always install amd64 libraries next to its
# own (multiarch wants the same versions, and the archive's indexes of two
# architectures move apart), so the packages and the amd64 libraries they
# need are fetched with the project's archive client and unpacked under
# /opt/kvm-hc-cross, outside dpkg's view; the amd64 loader and the folders
# it searches are links into it.  Kept from one run to the next.  Sets
# KH_CROSS_PATH (a PATH that finds them before the native ones),
# KH_CROSS_PREFIX (Kbuild's CROSS_COMPILE for them, absolute) and
# KH_CROSS_TRIPLET; returns 1 with KH_CHROOT_WHY set when they cannot be
# had or do not compile.  Makes its own apt state ($KH_CACHE/apt-cross).
kh_chroot_cross()
{
	local name=$1 gcc=$2 suite=${1%%:*} c a t ok tmp libs d x
	local pkgs

	c=$(kh_chroot_dir "$name")
	a=$(kh_chroot_arch "$name")
	x=$c/opt/kvm-hc-cross
	KH_CROSS_PATH=
	KH_CROSS_PREFIX=
	KH_CHROOT_WHY=
	t=$(kh_chroot_run "$name" dpkg-architecture -qDEB_HOST_GNU_TYPE) || {
		KH_CHROOT_WHY="no dpkg-architecture in the $name chroot"
		return 1
	}
	KH_CROSS_TRIPLET=$t
	ok=$x/.$gcc
	if [ ! -f "$ok" ]; then
		log "$name chroot: Debian's amd64 $gcc-$t of $suite in /opt/kvm-hc-cross"
		pkgs=("$gcc-$t" "cpp-${gcc#gcc-}-$t" "binutils-$t" "lib$gcc-dev-$a-cross")
		kh_apt_setup "$KH_CACHE/apt-cross" "$(dpkg --print-architecture)" "$suite" "$suite-updates" \
			"$suite-security"
		if ! kh_apt_update; then
			KH_CHROOT_WHY="no package lists for $gcc-$t"
			return 1
		fi
		# every library they need, however deep, from the lists
		libs=$(kh_apt_cache depends --recurse --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances "${pkgs[@]}" 2>/dev/null |
			grep -E '^(lib[^ :<>]+|zlib1g)$' | grep -v -e '-cross$' -e "^lib$gcc-dev" | sort -u)
		tmp=$(mktemp -d)
		# shellcheck disable=SC2086
		if ! kh_apt_download "$tmp/d" "${pkgs[@]/%//$suite}" $libs; then
			KH_CHROOT_WHY="cannot fetch Debian's amd64 $gcc-$t of $suite: $KH_APT_WHY"
			rm -rf "$tmp"
			return 1
		fi
		rm -rf "$x"
		mkdir -p "$x" "$c/usr/lib/x86_64-linux-gnu" "$c/lib64"
		for d in "$tmp"/d/*.deb; do
			dpkg-deb -x "$d" "$x"
		done
		rm -rf "$tmp"
		# the loader and its default folders (/lib is /usr/lib: merged)
		for d in "$x"/lib/x86_64-linux-gnu/* "$x"/usr/lib/x86_64-linux-gnu/*; do
			[ -e "$d" ] && ln -sfn "${d#"$c"}" "$c/usr/lib/x86_64-linux-gnu/"
		done
		ln -sf /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$c/lib64/ld-linux-x86-64.so.2"
		# the link dh and Makefiles call by the unversioned name
		ln -sf "$t-$gcc" "$x/usr/bin/$t-gcc"
		if ! kh_chroot_run "$name" sh -ec '
			echo "int f(void) { return 0; }" |
				"/opt/kvm-hc-cross/usr/bin/$1-$2" -O2 -c -x c - -o /tmp/kvm-hc-cross.o
			file=$(od -An -tx1 -j18 -N2 /tmp/kvm-hc-cross.o)
			rm -f /tmp/kvm-hc-cross.o
			[ "$file" = "$(od -An -tx1 -j18 -N2 /usr/bin/dpkg)" ]
		' kh-cross "$t" "$gcc" >>"$c.log" 2>&1; then
			KH_CHROOT_WHY="the amd64 $gcc-$t in the $name chroot does not make $a objects (log: $c.log)"
			return 1
		fi
		touch "$ok"
	fi
	KH_CROSS_PATH=/usr/local/sbin:/usr/local/bin:/opt/kvm-hc-cross/usr/bin:/usr/sbin:/usr/bin:/sbin:/bin
	KH_CROSS_PREFIX=/opt/kvm-hc-cross/usr/bin/$t-
}
