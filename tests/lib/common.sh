# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# common.sh - helpers for tests/kunit.sh and tests/lint.sh (sourced, not run):
# host packages, the Linux 6.12 source tree and the KUnit test kernel.
#
# Everything expensive lives under $KVM_HC_CACHE and is reused across runs:
#   src/linux-source-6.12_<version>/  linux-source-6.12 unpacked once, read only
#   kunit-build/                      the KUnit test kernel (kunit.py O= dir)
#   ccache/                           compiler cache for both
# Per-run output goes to $KVM_HC_BUILD.
#
# env:
#   KVM_HC_SRC    module sources to test (default: this repository)
#   KVM_HC_CACHE  cache folder (default: /var/cache/kvm-hc)
#   KVM_HC_BUILD  per-run output folder (default: <repository>/build)
#   KVM_HC_JOBS   parallel make jobs (default: 2)

KVM_HC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KVM_HC_SRC=$(realpath -m "${KVM_HC_SRC:-$KVM_HC_ROOT}")
KVM_HC_CACHE=$(realpath -m "${KVM_HC_CACHE:-/var/cache/kvm-hc}")
KVM_HC_BUILD=$(realpath -m "${KVM_HC_BUILD:-$KVM_HC_ROOT/build}")
KVM_HC_JOBS=${KVM_HC_JOBS:-2}

KUNIT_CONFIG_DIR=$KVM_HC_ROOT/kunit
# KVM_HC_KUNIT_DEBUG=1: the debug variant (kunit/debug.kunitconfig on top),
# KVM_HC_KUNIT_KCSAN=1 the data-race detector's (kunit/kcsan.kunitconfig),
# each in a folder of its own.
if [ "${KVM_HC_KUNIT_DEBUG:-0}" = 1 ]; then
	KUNIT_KDIR=$KVM_HC_CACHE/kunit-debug-build
	KUNIT_EXTRA_CONFIG=(--kunitconfig="$KUNIT_CONFIG_DIR/debug.kunitconfig")
elif [ "${KVM_HC_KUNIT_KCSAN:-0}" = 1 ]; then
	KUNIT_KDIR=$KVM_HC_CACHE/kunit-kcsan-build
	KUNIT_EXTRA_CONFIG=(--kunitconfig="$KUNIT_CONFIG_DIR/kcsan.kunitconfig")
else
	KUNIT_KDIR=$KVM_HC_CACHE/kunit-build
	KUNIT_EXTRA_CONFIG=()
fi
KERNEL_CC="ccache gcc"

export CCACHE_DIR=$KVM_HC_CACHE/ccache
# kunit.py lives in the source tree: keep python from writing __pycache__ there.
export PYTHONDONTWRITEBYTECODE=1

# Packages the KUnit kernel, its initramfs and the static checks need.
KVM_HC_TEST_PACKAGES=(
	bc bison busybox-static ccache cpio flex gcc kmod libc6-dev libelf-dev
	libssl-dev linux-source-6.12 make perl python3 python3-docutils qemu-system-x86 rsync
	sparse xz-utils
)

_t0=$(date +%s)

# shellcheck source=../../scripts/lib/util.sh
. "$KVM_HC_ROOT/scripts/lib/util.sh"

# Seconds since the script started.
elapsed()
{
	echo $(($(date +%s) - _t0))
}

# Install whatever of KVM_HC_TEST_PACKAGES is missing (scripts/deps.sh:
# one package list for the project, one way to install).
ensure_packages()
{
	"$KVM_HC_ROOT/scripts/deps.sh" "${KVM_HC_TEST_PACKAGES[@]}" || die "cannot install packages"
}

# Print the path of the unpacked linux-source-6.12 tree, unpacking the
# tarball from /usr/src on first use. The tree is named after the package
# version, so a security update gets a fresh tree; older trees are removed.
# Nothing ever writes into it: kernels are built with O=.
linux_source()
{
	local ver tarball dir

	ver=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null) ||
		die "linux-source-6.12 is not installed"
	tarball=/usr/src/linux-source-6.12.tar.xz
	[ -f "$tarball" ] || die "$tarball is missing"
	dir=$KVM_HC_CACHE/src/linux-source-6.12_$ver
	if [ ! -d "$dir" ]; then
		mkdir -p "$KVM_HC_CACHE/src"
		(
			flock 9
			if [ ! -d "$dir" ]; then
				log "unpacking $tarball into $dir"
				rm -rf "$dir.tmp"
				mkdir "$dir.tmp"
				tar -xf "$tarball" -C "$dir.tmp" --strip-components=1
				mv "$dir.tmp" "$dir"
				find "$KVM_HC_CACHE/src" -mindepth 1 -maxdepth 1 \
					-name 'linux-source-6.12_*' ! -path "$dir" \
					-exec rm -rf {} +
			fi
		) 9>"$KVM_HC_CACHE/src/.lock" || die "cannot unpack $tarball"
	fi
	echo "$dir"
}

# kunit.py from the tree given as $1, with our fixed arguments.
kunit_py()
{
	local ksrc=$1 cmd=$2

	shift 2
	python3 "$ksrc/tools/testing/kunit/kunit.py" "$cmd" --arch=x86_64 \
		--build_dir="$KUNIT_KDIR" --kunitconfig="$KUNIT_CONFIG_DIR" \
		"${KUNIT_EXTRA_CONFIG[@]}" "$@"
}

# Configure and build the KUnit test kernel in $KUNIT_KDIR from the tree $1
# (a no-op make walk when nothing changed). Holds the cache's lock so that
# two runs never build into the same folder at once.
kunit_kernel_build()
{
	local ksrc=$1

	mkdir -p "$KUNIT_KDIR" "$CCACHE_DIR"
	(
		flock 9
		kunit_py "$ksrc" build --jobs="$KVM_HC_JOBS" \
			--make_options "CC=$KERNEL_CC"
	) 9>"$KUNIT_KDIR.lock"
}

# Copy the module sources $KVM_HC_SRC to $1, leaving out VCS data, the build
# output folder and build products, so that M= objects never land in the
# sources. Modification times are kept: an unchanged file is not rebuilt.
copy_sources()
{
	local dst=$1 excl=(--exclude=/.git --exclude=/build/)

	case $KVM_HC_BUILD/ in
	"$KVM_HC_SRC"/*) excl+=(--exclude="/${KVM_HC_BUILD#"$KVM_HC_SRC"/}/") ;;
	esac
	mkdir -p "$dst"
	rsync -a --delete "${excl[@]}" \
		--exclude='*.o' --exclude='*.ko' --exclude='*.a' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude='.*.d' --exclude=modules.order \
		--exclude=Module.symvers --exclude='.tmp_*' \
		"$KVM_HC_SRC/" "$dst/"
}
