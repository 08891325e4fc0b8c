#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# archive.sh - scripts/kernels.sh against an archive that misbehaves.
#
# A small Debian archive is made under $KVM_HC_BUILD/archive (tiny kernel
# packages built with dpkg-deb, Packages and Release files for every suite
# of scripts/kernels.matrix) and served on loopback by
# tests/lib/archive_server.py.  Its indexes list kernels whose .debs cannot
# be had, as a real mirror's sometimes do:
#
#   6.1   bookworm-security  6.1.0-99  image missing from the pool (404)
#         bookworm-security  6.1.0-98  headers differ from the index (hash)
#         bookworm           6.1.0-97  headers shorter than the index says
#         bookworm           6.1.0-96  whole: must be chosen
#         bookworm           6.1.0-95  whole, older: must not be fetched
#   6.12  bookworm-security  6.12.99+deb12  404: the next tier (trixie,
#                                           6.12.50+deb13) must be chosen
#   7     trixie-backports   7.1.2+deb13    answers 503 once: tried again
#   arm64 6.1                two candidates, both broken: the series fails
#                            with one line naming both and why
#
# and the checks are that the right candidate is chosen, the log says why
# each other one was passed over, the choice is kept and reused without the
# archive, KVM_HC_REFRESH=1 finds a newer kernel, and an extra package
# (scripts/kernels.sh package) falls back the same way.  Prints PASS/FAIL
# per check and "N passed, M failed".  Needs no network: 127.0.0.1 only.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOG_TAG=archive
# shellcheck source=../scripts/lib/util.sh
. "$ROOT/scripts/lib/util.sh"
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")/archive
ARCHIVE=$BUILD/archive
KERNELS=$ROOT/scripts/kernels.sh
SUITES="bookworm bookworm-security trixie trixie-security trixie-backports sid"
ARCHS="amd64 arm64"

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing"
command -v python3 >/dev/null || die "python3 is missing"
rm -rf "$BUILD"
mkdir -p "$ARCHIVE/pool" "$BUILD/pkg"

passed=0
failed=0
# check NAME CMD...: PASS if CMD succeeds.
check()
{
	local name=$1

	shift
	if "$@"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

# --- the archive ------------------------------------------------------------------

# deb SUITE NAME VERSION ARCH DEPENDS [FILE...]: build a package holding
# empty FILEs and list it in SUITE's index.
deb()
{
	local suite=$1 name=$2 ver=$3 arch=$4 dep=$5 d f a
	shift 5
	d=$BUILD/pkg/$name-$ver
	rm -rf "$d"
	mkdir -p "$d/DEBIAN"
	for f in "$@"; do
		mkdir -p "$d/${f%/*}"
		echo "$name $ver" >"$d/$f"
	done
	{
		echo "Package: $name"
		echo "Version: $ver"
		echo "Architecture: $arch"
		echo "Maintainer: kvm-hc tests <root@localhost>"
		[ -n "$dep" ] && echo "Depends: $dep"
		echo "Description: test package"
	} >"$d/DEBIAN/control"
	f=pool/${name}_${ver}_$arch.deb
	# A package two kernels share (their common headers) is built once.
	[ -f "$ARCHIVE/$f" ] ||
		dpkg-deb -Zgzip --root-owner-group --build "$d" "$ARCHIVE/$f" >/dev/null ||
		die "dpkg-deb $name failed"
	for a in $ARCHS; do
		[ "$arch" = all ] || [ "$arch" = "$a" ] || continue
		grep -qx "Filename: $f" "$ARCHIVE/dists/$suite/main/binary-$a/Packages" 2>/dev/null && continue
		mkdir -p "$ARCHIVE/dists/$suite/main/binary-$a"
		{
			cat "$d/DEBIAN/control"
			echo "Filename: $f"
			echo "Size: $(stat -c %s "$ARCHIVE/$f")"
			echo "SHA256: $(sha256sum "$ARCHIVE/$f" | cut -d' ' -f1)"
			echo
		} >>"$ARCHIVE/dists/$suite/main/binary-$a/Packages"
	done
	LAST_DEB=$ARCHIVE/$f
}

# kernel SUITE RELEASE VERSION [ARCH]: the packages of one 6.x kernel
# (image, headers, common headers, kbuild) as Debian names them.
kernel()
{
	local suite=$1 rel=$2 ver=$3 arch=${4:-amd64} base kb

	base=${rel%-*}
	case $rel in
	6.1.0-*) kb=linux-kbuild-6.1 ;;
	*) kb=linux-kbuild-$base ;;
	esac
	deb "$suite" "linux-headers-$base-common" "$ver" all "" "usr/src/linux-headers-$base-common/Makefile"
	deb "$suite" "$kb" "$ver" amd64 "" "usr/lib/$kb/scripts/.keep"
	deb "$suite" "linux-image-$rel" "$ver" "$arch" "" "boot/vmlinuz-$rel" "lib/modules/$rel/kernel/.keep"
	IMAGE_DEB=$LAST_DEB
	deb "$suite" "linux-headers-$rel" "$ver" "$arch" \
		"linux-headers-$base-common (= $ver), $kb (= $ver)" "usr/src/linux-headers-$rel/Makefile"
	HEADERS_DEB=$LAST_DEB
}

# Release files for every suite, listing its indexes with their hashes.
release()
{
	local s a idx

	for s in $SUITES; do
		for a in $ARCHS; do
			mkdir -p "$ARCHIVE/dists/$s/main/binary-$a"
			touch "$ARCHIVE/dists/$s/main/binary-$a/Packages"
		done
		{
			echo "Origin: Debian"
			echo "Suite: $s"
			echo "Codename: $s"
			echo "Date: $(LC_ALL=C date -u -d '-1 hour' '+%a, %d %b %Y %H:%M:%S UTC')"
			echo "Architectures: $ARCHS"
			echo "Components: main"
			echo "SHA256:"
			for a in $ARCHS; do
				idx=main/binary-$a/Packages
				printf ' %s %s %s\n' "$(sha256sum "$ARCHIVE/dists/$s/$idx" | cut -d' ' -f1)" \
					"$(stat -c %s "$ARCHIVE/dists/$s/$idx")" "$idx"
			done
		} >"$ARCHIVE/dists/$s/Release"
	done
}

kernel bookworm-security 6.1.0-99-amd64 6.1.999-1
rm -f "$IMAGE_DEB"
kernel bookworm-security 6.1.0-98-amd64 6.1.998-1
head -c "$(stat -c %s "$HEADERS_DEB")" /dev/zero >"$HEADERS_DEB"
kernel bookworm 6.1.0-97-amd64 6.1.997-1
truncate -s 100 "$HEADERS_DEB"
kernel bookworm 6.1.0-96-amd64 6.1.996-1
kernel bookworm 6.1.0-95-amd64 6.1.995-1
kernel bookworm-security 6.12.99+deb12-amd64 6.12.99-1~deb12u1
rm -f "$IMAGE_DEB"
kernel trixie 6.12.50+deb13-amd64 6.12.50-1
kernel trixie-backports 7.1.2+deb13-amd64 7.1.2-1~bpo13+1
echo "/debian/${IMAGE_DEB#"$ARCHIVE"/}" >"$ARCHIVE/.flaky"
kernel bookworm-security 6.1.0-99-arm64 6.1.999-1 arm64
rm -f "$IMAGE_DEB"
kernel bookworm 6.1.0-98-arm64 6.1.998-1 arm64
truncate -s 100 "$IMAGE_DEB"
deb bookworm kvm-hc-test-tool 1.0-1 amd64 "" usr/bin/kvm-hc-test-tool
rm -f "$LAST_DEB"
deb sid kvm-hc-test-tool 2.0-1 amd64 "" usr/bin/kvm-hc-test-tool
release

# The archive answers under /debian and /debian-security alike.
ln -s . "$ARCHIVE/debian"
ln -s . "$ARCHIVE/debian-security"

# --- the server -----------------------------------------------------------------

SERVER=
start_server()
{
	rm -f "$BUILD/port"
	python3 "$ROOT/tests/lib/archive_server.py" "$ARCHIVE" "$BUILD/port" 2>"$BUILD/server.log" &
	SERVER=$!
	for _ in $(seq 100); do
		[ -s "$BUILD/port" ] && break
		sleep 0.1
	done
	[ -s "$BUILD/port" ] || die "the archive server did not start ($(cat "$BUILD/server.log"))"
	export KVM_HC_MIRROR=http://127.0.0.1:$(cat "$BUILD/port")/debian
	export KVM_HC_SECURITY_MIRROR=http://127.0.0.1:$(cat "$BUILD/port")/debian-security
}

stop_server()
{
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	SERVER=
}
trap stop_server EXIT

export KVM_HC_CACHE=$BUILD/cache KVM_HC_APT_TRUSTED=1 KVM_HC_RETRY_DELAY=1 KVM_HC_ARCH=amd64
export KVM_HC_APT_MAX_AGE=3600
unset KVM_HC_REFRESH
start_server

# kh ARGS...: scripts/kernels.sh ARGS, stdout to $BUILD/out, stderr to
# $BUILD/err (and shown indented); its status in RC.
kh()
{
	RC=0
	"$KERNELS" "$@" >"$BUILD/out" 2>"$BUILD/err" || RC=$?
	sed 's/^/    /' "$BUILD/err"
}
out_is() { [ "$(cat "$BUILD/out")" = "$1" ] || { echo "    got: $(cat "$BUILD/out")"; return 1; }; }
err_has() { grep -qE "$1" "$BUILD/err" || { echo "    no line matching: $1"; return 1; }; }
requested() { grep -q "$1" "$ARCHIVE/.requests"; }

echo "== resolve 6.1: three broken candidates, then a whole one"
kh resolve 6.1
check "fallback.chosen" out_is 6.1.0-96-amd64
check "fallback.why.404" err_has 'candidate 6\.1\.0-99-amd64 6\.1\.999-1 \(bookworm-security\) is not available: 404 Not Found \(linux-image-6\.1\.0-99-amd64_6\.1\.999-1_amd64\.deb\)'
check "fallback.why.hash" err_has 'candidate 6\.1\.0-98-amd64 .* is not available: hash mismatch'
check "fallback.why.size" err_has 'candidate 6\.1\.0-97-amd64 .* is not available: truncated or wrong size'
check "fallback.stops-at-first-whole" eval '! requested linux-image-6.1.0-95-amd64'
check "fallback.choice-kept" [ "$(cat "$KVM_HC_CACHE/choice/amd64-6.1" 2>/dev/null)" = 6.1.0-96-amd64 ]
check "fallback.no-partial-cache" [ ! -e "$KVM_HC_CACHE/kernels/6.1.0-98-amd64" ]

echo "== 6.12: the first tier has only a broken kernel, the second a whole one"
kh resolve 6.12
check "tier.next" out_is 6.12.50+deb13-amd64
check "tier.why" err_has 'candidate 6\.12\.99\+deb12-amd64 .* not available: 404 Not Found'

echo "== 7: a 503 once, then the file"
kh resolve 7
check "transient.retried" out_is 7.1.2+deb13-amd64
check "transient.logged" err_has 'download failed: .*503.*again in'

echo "== arm64 6.1: no candidate can be had"
kh --arch arm64 resolve 6.1
check "none.fails" [ "$RC" != 0 ]
check "none.one-line" err_has '^kernels: arm64 6\.1: no kernel could be fetched; tried 6\.1\.0-99-arm64 6\.1\.999-1 \(bookworm-security\): 404 Not Found [^;]*; 6\.1\.0-98-arm64 6\.1\.998-1 \(bookworm\): truncated or wrong size'

echo "== package: the host release's version is missing, the newest is whole"
kh package kvm-hc-test-tool
check "package.fallback" eval '[ -f "$(cat "$BUILD/out")/usr/bin/kvm-hc-test-tool" ]'
check "package.why" err_has 'kvm-hc-test-tool:amd64 1\.0-1 \(bookworm\) is not available: 404 Not Found'

echo "== the archive gone: cached choices are used as they are"
stop_server
: >"$ARCHIVE/.requests"
kh fetch 6.1
check "cached.fetch" grep -qx 'KVER=6.1.0-96-amd64' "$BUILD/out"
kh package kvm-hc-test-tool
check "cached.package" [ "$RC" = 0 ]
check "cached.no-archive" [ ! -s "$ARCHIVE/.requests" ]

echo "== a newer kernel: found with KVM_HC_REFRESH=1 only"
kernel bookworm-security 6.1.0-100-amd64 6.1.1000-1
release
start_server
kh resolve 6.1
check "refresh.not-without" out_is 6.1.0-96-amd64
KVM_HC_REFRESH=1 kh resolve 6.1
check "refresh.newer" out_is 6.1.0-100-amd64
kh fetch 6.1
check "refresh.kept" grep -qx 'KVER=6.1.0-100-amd64' "$BUILD/out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
