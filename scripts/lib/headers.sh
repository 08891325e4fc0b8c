# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# headers.sh - an extracted Debian kernel, made usable where it lies
# (sourced, not run).  Debian's packages expect to be installed under /; the
# cache extracts them elsewhere with dpkg-deb -x:
#
#   kh_kernel_vars ROOT RELEASE   set KVER KDIR VMLINUZ KMODDIR KMODULES for
#                                 the kernel extracted in ROOT (status 1 if
#                                 a part is missing)
#   kh_fix_headers ROOT RELEASE   point the headers' absolute paths at ROOT
#   kh_kernel_cc KDIR             the compiler the headers ask for

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

# The compiler the headers ask for (gcc-12, gcc-14, ...), without the
# CROSS_COMPILE prefix.
kh_kernel_cc()
{
	grep -hoE 'gcc-[0-9]+' "$1/.kernelvariables" "$1/Makefile" 2>/dev/null | head -n 1
}
