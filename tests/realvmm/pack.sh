#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pack.sh RD WORKDIR - what tests/real-vmm.sh adds to the end-to-end
# initramfs RD (called by tests/e2e.sh through KVM_HC_E2E_PACK, with ARCH,
# KVER, VMLINUZ and BUSYBOX set; WORKDIR is the kernel's build folder):
#   /usr/bin/qemu-system-<cpu>  Debian's QEMU, unmodified, with the shared
#                               libraries it needs at their paths (and on
#                               amd64 the firmware it loads, in
#                               /usr/share/qemu): amd64 the host's own
#                               package, arm64 qemu-system-arm:arm64 with
#                               its dependencies from the archive
#   /guest/vmlinuz              the guest's kernel: the same Debian kernel
#   /guest/initrd.cpio.gz       the guest's initramfs: busybox,
#                               tests/realvmm/guest-init as /init and
#                               kvm_hc_guest.ko built for KVER
# env: KVM_HC_CACHE (default /var/cache/kvm-hc) keeps the archive's QEMU.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rd=${1:?initramfs folder}
d=${2:?work folder}
: "${ARCH:?}" "${KVER:?}" "${VMLINUZ:?}" "${BUSYBOX:?}"
CACHE=${KVM_HC_CACHE:-/var/cache/kvm-hc}

die() { echo "pack: $*" >&2; exit 1; }

case $ARCH in
amd64) TRIPLET=x86_64-linux-gnu QEMU_BIN=qemu-system-x86_64 ;;
arm64) TRIPLET=aarch64-linux-gnu QEMU_BIN=qemu-system-aarch64 QEMU_PKG=qemu-system-arm ;;
*) die "no real-VMM test for $ARCH (amd64, arm64)" ;;
esac

# fetch_qemu: Debian's $QEMU_PKG for $ARCH and every package it depends on,
# resolved by apt against an empty system and unpacked into one folder
# (printed).  Each suite set is a candidate: when one fails (an index ahead
# of its pool answers 404), the next is tried.
fetch_qemu()
{
	local base=$CACHE/real-vmm sources dir a deb
	local -a candidates=("bookworm bookworm-security" "bookworm" "trixie trixie-security" "trixie")

	mkdir -p "$base"
	exec 9>"$base/.lock"
	flock 9
	for sources in "${candidates[@]}"; do
		dir=$base/$QEMU_PKG-$ARCH-${sources// /+}
		[ -f "$dir/.done" ] && { echo "$dir/root"; return 0; }
		rm -rf "$dir"
		mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/root"
		: >"$dir/apt/status"
		for s in $sources; do
			case $s in
			*-security) echo "deb [arch=$ARCH] http://deb.debian.org/debian-security $s main" ;;
			*) echo "deb [arch=$ARCH] http://deb.debian.org/debian $s main" ;;
			esac
		done >"$dir/apt/sources.list"
		a=(-o "APT::Architecture=$ARCH" -o "APT::Architectures::=$ARCH"
			-o "Dir::State::status=$dir/apt/status" -o "Dir::State::Lists=$dir/apt/lists"
			-o "Dir::Cache=$dir/apt/cache" -o "Dir::Etc::SourceList=$dir/apt/sources.list"
			-o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
			-o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root)
		if apt-get "${a[@]}" -q update >&2 &&
			apt-get "${a[@]}" -q -y --download-only --no-install-recommends \
				install "$QEMU_PKG" >&2; then
			for deb in "$dir"/apt/cache/archives/*.deb; do
				dpkg -x "$deb" "$dir/root"
			done
			dpkg-deb -f "$dir"/apt/cache/archives/"${QEMU_PKG}"_*.deb Version |
				sed 's/^/Version: /' >"$dir/root/.version"
			rm -rf "$dir/apt/cache/archives"
			touch "$dir/.done"
			echo "$dir/root"
			return 0
		fi
		echo "pack: $QEMU_PKG for $ARCH from $sources failed; trying the next candidate" >&2
		rm -rf "$dir"
	done
	return 1
}

# copy_with_libs ROOTFS FILE: FILE of ROOTFS into the initramfs at its path,
# with the shared libraries it needs (its NEEDED entries, recursively, found
# where the dynamic loader looks) and the loader itself.
copy_with_libs()
{
	local rootfs=$1 todo=("$2") seen=" " f n p dir interp

	mkdir -p "$rd$(dirname "$2")"
	cp -L "$rootfs$2" "$rd$2"
	interp=$(readelf -l "$rootfs$2" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
	[ -n "$interp" ] || die "$2 has no program interpreter"
	mkdir -p "$rd$(dirname "$interp")"
	cp -L "$rootfs$interp" "$rd$interp"
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for n in $(readelf -d "$rootfs$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[[ $seen == *" $n "* ]] && continue
			seen="$seen$n "
			p=
			for dir in /lib/$TRIPLET /usr/lib/$TRIPLET /lib /usr/lib; do
				[ -e "$rootfs$dir/$n" ] && { p=$dir/$n; break; }
			done
			[ -n "$p" ] || die "$f needs $n, which $rootfs does not have"
			mkdir -p "$rd$(dirname "$p")"
			cp -L "$rootfs$p" "$rd$p"
			todo+=("$p")
		done
	done
}

# The guest module, from a copy that keeps the include paths it uses.
src=$d/guest-src
rm -rf "$src"
mkdir -p "$src/tests" "$src/include" "$src/tools"
cp -r "$ROOT/tests/guest" "$src/tests/"
cp -r "$ROOT/include/uapi" "$src/include/"
cp -r "$ROOT/tools/include" "$src/tools/"
"$ROOT/scripts/kernels.sh" build "$KVER" "$src/tests/guest" W=1 2>&1 | tee "$d/guest-build.log"
[ -f "$src/tests/guest/kvm_hc_guest.ko" ] || die "kvm_hc_guest.ko did not build"
! grep -E '(warning|error):' "$d/guest-build.log" || die "kvm_hc_guest.ko built with warnings"

# The guest's initramfs.
g=$d/guest-rd
rm -rf "$g"
mkdir -p "$g"/{bin,dev,proc,sys} "$rd/guest"
cp "$BUSYBOX" "$g/bin/busybox"
cp "$ROOT/tests/realvmm/guest-init" "$g/init"
chmod 755 "$g/init"
cp "$src/tests/guest/kvm_hc_guest.ko" "$g/"
(cd "$g" && find . -print0 | LC_ALL=C sort -z | cpio -o -H newc --null --quiet -R 0:0) |
	gzip -1 >"$rd/guest/initrd.cpio.gz"
cp "$VMLINUZ" "$rd/guest/vmlinuz"

# The VMM.
if [ "$ARCH" = amd64 ]; then
	# The host's own package (scripts/deps.sh installs it).
	qroot=
	[ -x /usr/bin/$QEMU_BIN ] || die "/usr/bin/$QEMU_BIN is missing (apt-get install qemu-system-x86)"
	# The firmware a pc machine with -kernel loads: Debian installs SeaBIOS
	# in /usr/share/seabios, the option ROMs in /usr/share/qemu; the
	# guest's qemu finds them all in -L /usr/share/qemu.
	mkdir -p "$rd/usr/share/qemu"
	for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
		for dir in /usr/share/qemu /usr/share/seabios; do
			[ ! -e "$dir/$f" ] || { cp -L "$dir/$f" "$rd/usr/share/qemu/"; break; }
		done
		[ -e "$rd/usr/share/qemu/$f" ] || die "no $f in /usr/share/qemu or /usr/share/seabios"
	done
else
	qroot=$(fetch_qemu) || die "cannot fetch $QEMU_PKG for $ARCH"
fi
copy_with_libs "$qroot" /usr/bin/$QEMU_BIN
if [ -n "$qroot" ]; then
	version=$(sed -n 's/^Version: //p' "$qroot/.version" 2>/dev/null || true)
else
	version=$(dpkg-query -W -f '${Version}' qemu-system-x86)
fi
echo "pack: $QEMU_BIN $version ($ARCH), guest initramfs $(du -k "$rd/guest/initrd.cpio.gz" | cut -f1) KiB"
