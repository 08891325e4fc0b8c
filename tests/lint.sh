#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# lint.sh - static checks over kvm_hc's sources. Any finding fails its check.
#
#   checkpatch  scripts/checkpatch.pl --strict of Linux 6.12 on every kernel
#               .c/.h file (not the user-space code under tests/vmm/ and
#               tools/, which gcc -Wall -Wextra checks as it builds)
#   spdx        an SPDX-License-Identifier in the first two lines of every
#               source, script, build and documentation file
#   sparse      make C=2: sparse on every kernel .c file
#   doc         kernel-doc -Wall on every kernel .c/.h file, docutils on
#               every .rst page
#   w1          make W=1: the extra compiler warnings
#   tools       libkvmhc and the kvm-hc tool built for $KVM_HC_ARCH (cross
#               gcc for the others) with -Wall -Wextra -Werror
#   hotpath     x86 (6.12 and 7.x): the functions a hypercall runs through
#               in kvm_hc (the ftrace callback, kvm_hc_take(), the
#               replacement, the dispatcher, the counters, VAPIC_POLL_IRQ)
#               contain no locked instruction, but for the stack-addressed
#               full barrier of SRCU (Documentation/design.rst, "The hot
#               path"); a function the compiler inlined is checked where it
#               landed
#
# sparse and w1 build a copy of the sources under $KVM_HC_BUILD/lint-*
# (lint-<arch>-* for another architecture):
#   - with KDIR set: make -C $KDIR M=<copy> ...
#   - else with scripts/kernels.sh: scripts/kernels.sh build SERIES <copy> ...
#     for each series in $LINT_SERIES (default 6.12: Debian's 6.12 kernel)
#     of the architecture $KVM_HC_ARCH (amd64; arm64 and ppc64el are
#     cross-built: KVM_HC_ARCH=ppc64el tests/lint.sh sparse w1)
#   - else against the KUnit test kernel that tests/kunit.sh uses
# With KVM_HC_ARCH=s390x (and no KDIR) sparse and w1 cross-build for s390x,
# which is checked by builds only (QEMU has no SIE to run KVM/s390 on):
#   - against Debian's s390x headers of each series (scripts/kernels.sh
#     --arch s390x); a series of which no kernel can be fetched fails
#   - against linux-source-6.12 configured for s390 (defconfig, KVM=m,
#     modules_prepare; cached in $KVM_HC_CACHE/s390x-linux-source-6.12_*).
#     That tree has no vmlinux, so modpost cannot resolve symbols there;
#     its unresolved-symbol messages are left out of the log.
# The test module (KVM_HC_KUNIT=1) is checked too, against the KUnit test
# kernel: with LINT_KUNIT=1, or by default (auto) when that kernel is built
# already or is the one the module is checked against; LINT_KUNIT=0 skips it.
#
# usage: tests/lint.sh [CHECK...]     (default: all of them)
# env:   KDIR, LINT_SERIES, LINT_KUNIT=auto|1|0, KVM_HC_ARCH, and KVM_HC_SRC,
#        KVM_HC_CACHE, KVM_HC_BUILD, KVM_HC_JOBS (see tests/lib/common.sh)
# Prints "LINT <check> PASS|FAIL" per check and "N passed, M failed"; the
# exit status is 1 if any check failed. Logs: $KVM_HC_BUILD/lint/<check>.log
# (lint-<arch>/<check>.log for another architecture)

set -euo pipefail

# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# Another architecture's checks have output folders of their own, so that
# they can run beside amd64's.
LINT_OUT=$KVM_HC_BUILD/lint
case ${KVM_HC_ARCH:-amd64} in amd64) ;; *) LINT_OUT=$LINT_OUT-$KVM_HC_ARCH ;; esac
LOGDIR=$LINT_OUT
LINT_KUNIT=${LINT_KUNIT:-auto}
LINT_SERIES=${LINT_SERIES:-6.12}
# A compiler, sparse or modpost finding.
FINDING='(^|[: ])(warning|error):'
# A finding of checkpatch --terse: "file:line: WARNING:TYPE: message".
CP_FINDING='^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):[A-Z0-9_]+:'

# Files of the source tree, relative to it: tracked and new files, without
# ignored ones, VCS data and the build output folder.
source_files()
{
	local out=${KVM_HC_BUILD#"$KVM_HC_SRC"/}

	if git -C "$KVM_HC_SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$KVM_HC_SRC" ls-files --cached --others --exclude-standard
	else
		(cd "$KVM_HC_SRC" && find . -name .git -prune -o -type f -printf '%P\n')
	fi | grep -v -e '^build/' -e "^$out/" | sort -u |
		while read -r f; do
			[ -f "$KVM_HC_SRC/$f" ] && echo "$f"
		done
}

# Kernel C sources and headers: everything but the user-space programs
# (the test VMMs and the benchmark, with guest code in asm; libkvmhc and
# the kvm-hc tool); tools/include's guest header is kernel code.
kernel_c_files()
{
	source_files | grep -E '\.[ch]$' | grep -v -e '^tests/vmm/' -e '^tools/' || true
	# but the guest-side header, which is kernel code of the guest
	source_files | grep -E '^tools/include/.*\.h$' || true
}

check_checkpatch()
{
	local files out finding f n type code rc=0 bad=0

	mapfile -t files < <(kernel_c_files)
	[ ${#files[@]} -gt 0 ] || { echo "no C files"; return 0; }
	# LINUX_VERSION_CODE: checkpatch wants code written for the one kernel
	# it is merged into; an out-of-tree module builds for several.
	# For the same reason "LINUX_VERSION_CODE >= KERNEL_VERSION(...)" is
	# let through CONSTANT_COMPARISON below (KERNEL_VERSION() looks like
	# a constant to checkpatch); the check still applies everywhere else.
	out=$(cd "$KVM_HC_SRC" && perl "$KSRC/scripts/checkpatch.pl" --strict \
		--no-tree --show-types --terse --ignore LINUX_VERSION_CODE \
		--file "${files[@]}" 2>&1) || rc=$?
	while IFS= read -r finding; do
		IFS=: read -r f n _ type _ <<<"$finding"
		[[ $finding =~ $CP_FINDING ]] || continue
		code=
		[[ $n =~ ^[0-9]+$ ]] && code=$(sed -n "${n}p" "$KVM_HC_SRC/$f")
		if [ "$type" = CONSTANT_COMPARISON ] &&
		   [[ $code =~ LINUX_VERSION_CODE ]]; then
			continue
		fi
		# The guest header serves guest kernels and freestanding guest
		# code alike: only the compiler's macros name the architecture.
		if [ "$type" = ARCH_DEFINES ] && [[ $f == tools/include/* ]]; then
			continue
		fi
		printf '%s\n\t%s\n' "$finding" "$code"
		bad=1
	done <<<"$out"
	# checkpatch exits with 1 when it reports anything; other codes, or 1
	# without a finding, mean that checkpatch itself broke.
	if [ $rc -gt 1 ] || { [ $rc = 1 ] && ! grep -Eq "$CP_FINDING" <<<"$out"; }; then
		echo "$out"
		echo "checkpatch failed (exit status $rc)"
		bad=1
	fi
	return $bad
}

check_spdx()
{
	local f bad=0

	while read -r f; do
		case ${f##*/} in
		*.c | *.h | *.S | *.sh | *.py | *.rst | *.lds | Kbuild | Kconfig* | \
		Makefile* | .kunitconfig | *.kunitconfig) ;;
		*) head -c2 "$KVM_HC_SRC/$f" | grep -q '^#!' || continue ;;
		esac
		if ! head -n2 "$KVM_HC_SRC/$f" | grep -q 'SPDX-License-Identifier: '; then
			echo "$f: no SPDX-License-Identifier in its first two lines"
			bad=1
		fi
	done < <(source_files)
	return $bad
}

# Build fresh copies of the sources under $LINT_OUT-$1* with the
# make arguments that follow, print the build output; fail on a failed build.
lint_build()
{
	local dir=$LINT_OUT-$1 kunit=$LINT_KUNIT rc=0 series

	shift
	fresh_copy "$dir"
	if [ "${KVM_HC_ARCH:-}" = s390x ] && [ -z "${KDIR:-}" ]; then
		lint_build_s390x "$dir" "$@" || rc=$?
	elif [ -n "${KDIR:-}" ]; then
		echo "== make -C $KDIR M=$dir $*"
		make -C "$KDIR" M="$dir" -j"$KVM_HC_JOBS" "$@" modules 2>&1 || rc=$?
	elif [ -x "$KVM_HC_ROOT/scripts/kernels.sh" ]; then
		for series in $LINT_SERIES; do
			fresh_copy "$dir"
			echo "== scripts/kernels.sh build $series $dir $*"
			"$KVM_HC_ROOT/scripts/kernels.sh" build "$series" "$dir" "$@" 2>&1 || rc=$?
		done
	else
		kunit_kernel_make "$dir" "$@" || rc=$?
		kunit=1
	fi
	if [ "$kunit" = auto ] && [ -f "$KUNIT_KDIR/arch/x86/boot/bzImage" ]; then
		kunit=1
	fi
	if [ "$kunit" = 1 ]; then
		fresh_copy "$dir-kunit"
		kunit_kernel_make "$dir-kunit" KVM_HC_KUNIT=1 "$@" || rc=$?
	fi
	return $rc
}

# --- s390x ------------------------------------------------------------------

S390X_KMAKE=(ARCH=s390 CROSS_COMPILE=s390x-linux-gnu- "CC=ccache s390x-linux-gnu-gcc")

# Print the folder of the linux-source tree $1 configured for s390 (KVM=m)
# and prepared for external modules, making it on first use.
s390x_source_tree()
{
	local ksrc=$1 out=$KVM_HC_CACHE/s390x-${1##*/}
	local kmake=(make -s -C "$ksrc" O="$out" "${S390X_KMAKE[@]}" -j"$KVM_HC_JOBS")

	mkdir -p "$CCACHE_DIR"
	(
		flock 9
		[ -f "$out/.complete" ] && exit 0
		find "$KVM_HC_CACHE" -mindepth 1 -maxdepth 1 -name 's390x-linux-source-*' \
			! -path "$out" -exec rm -rf {} +
		rm -rf "$out"
		"${kmake[@]}" defconfig &&
			"$ksrc/scripts/config" --file "$out/.config" --enable VIRTUALIZATION \
				--module KVM --disable DEBUG_INFO_BTF &&
			"${kmake[@]}" olddefconfig &&
			"${kmake[@]}" modules_prepare &&
			touch "$out/.complete"
	) 9>"$KVM_HC_CACHE/s390x-source.lock" >&2 || return
	echo "$out"
}

# lint_build for s390x: copies $1-<series> and $1-src, built against
# Debian's headers and the configured linux-source tree.
lint_build_s390x()
{
	local dir=$1 kernels=$KVM_HC_ROOT/scripts/kernels.sh s kout out rc=0

	shift
	for s in $("$kernels" series); do
		if ! "$kernels" resolve "$s" >/dev/null 2>"$LOGDIR/resolve-s390x.log"; then
			echo "== FAIL $s: $(tail -n 1 "$LOGDIR/resolve-s390x.log")"
			rc=1
			continue
		fi
		fresh_copy "$dir-$s"
		echo "== scripts/kernels.sh build $s $dir-$s $*"
		"$kernels" build "$s" "$dir-$s" "$@" 2>&1 || rc=$?
	done
	echo "== configuring linux-source-6.12 for s390 ($LOGDIR/s390x-source.log)"
	kout=$(s390x_source_tree "$KSRC" 2>"$LOGDIR/s390x-source.log") || return
	fresh_copy "$dir-src"
	echo "== make -C $kout M=$dir-src $*"
	out=$(make -C "$kout" "${S390X_KMAKE[@]}" M="$dir-src" -j"$KVM_HC_JOBS" \
		KBUILD_MODPOST_WARN=1 "$@" modules 2>&1) || rc=$?
	grep -vE 'undefined!$|suppressed [0-9]+ unresolved symbol|^WARNING: Module.symvers is missing|^ +(Modules may not|You may get|You can set|if you want to)' <<<"$out" || true
	return $rc
}

fresh_copy()
{
	rm -rf "$1"
	copy_sources "$1"
}

# make M=$1 against the KUnit test kernel, building that kernel first if
# needed; the remaining arguments are passed to make.
kunit_kernel_make()
{
	local dir=$1

	shift
	if [ ! -f "$KUNIT_KDIR/arch/x86/boot/bzImage" ]; then
		echo "== building the KUnit test kernel ($LOGDIR/kunit-kernel.log)"
		kunit_kernel_build "$KSRC" >"$LOGDIR/kunit-kernel.log" 2>&1 || return
	fi
	echo "== make -C $KUNIT_KDIR M=$dir $*"
	make -C "$KUNIT_KDIR" ARCH=x86_64 CC="$KERNEL_CC" M="$dir" \
		-j"$KVM_HC_JOBS" "$@" modules 2>&1
}

# A build check passes when the build works and prints no finding.
check_build()
{
	local out rc=0

	out=$(lint_build "$@") || rc=$?
	echo "$out"
	if echo "$out" | grep -Eq "$FINDING"; then
		echo "== findings:"
		echo "$out" | grep -E "$FINDING"
		return 1
	fi
	return $rc
}

# The test modules (tests/modules/) are checked with kvm_hc and the sample.
check_sparse()
{
	check_build sparse C=2 KVM_HC_TEST_MODULES=1
}

check_w1()
{
	check_build w1 W=1 KVM_HC_TEST_MODULES=1
}

# libkvmhc and the tool for this architecture: the library is the same C
# on all four, its exit decoding is not (s390 runs nowhere here).
check_tools()
{
	local cc=gcc out=$LINT_OUT/tools

	case ${KVM_HC_ARCH:-amd64} in
	arm64) cc=aarch64-linux-gnu-gcc ;;
	ppc64el) cc=powerpc64le-linux-gnu-gcc ;;
	s390x) cc=s390x-linux-gnu-gcc ;;
	esac
	rm -rf "$out"
	echo "== make tools, $cc"
	make -C "$KVM_HC_ROOT" tools TOOLS_OUT="$out" CC="$cc" \
		CFLAGS="-O2 -Wall -Wextra -Werror" 2>&1
}

# kernel-doc of Linux 6.12 over every kernel .c/.h file (W=1 sees only the
# compiled .c files), and docutils over every .rst page.
check_doc()
{
	local files rst out f bad=0

	mapfile -t files < <(kernel_c_files)
	out=$(cd "$KVM_HC_SRC" && perl "$KSRC/scripts/kernel-doc" -none -Wall "${files[@]}" 2>&1) || bad=1
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
	mapfile -t rst < <(source_files | grep '\.rst$' || true)
	for f in "${rst[@]}"; do
		python3 -m docutils --report=2 --halt=5 --exit-status=2 \
			"$KVM_HC_SRC/$f" /dev/null || bad=1
	done
	return $bad
}

# Functions of the hot path whose code must have no locked instruction
# (kvm_hc_count and kvm_hc_nr_slot may have been inlined or split: .part;
# kvm_hc_nr_slot_find is the probe past a number's home slot).
HOTPATH_FUNCS='kvm_hc_x86_ftrace|kvm_hc_x86_emulate|kvm_hc_take|kvm_hc_dispatch_vm|kvm_hc_end|kvm_hc_count[.a-z0-9]*|kvm_hc_nr_slot|kvm_hc_nr_slot_find[.a-z0-9]*'
HOTPATH_MUST='kvm_hc_x86_ftrace kvm_hc_x86_emulate kvm_hc_take kvm_hc_dispatch_vm'

# One series' kvm_hc.ko, disassembled: the hot path's locked instructions.
hotpath_scan()
{
	local ko=$1 dis f bad=0

	dis=$(objdump -d --no-show-raw-insn "$ko" |
		awk -v re="^[0-9a-f]+ <($HOTPATH_FUNCS)>:\$" '
			/^[0-9a-f]+ <.*>:$/ { fn = ($0 ~ re) ? $2 : "" ; if (fn) print "FUNC " fn; next }
			fn && /\tlock / { print "LOCK " fn " " $0 }')
	for f in $HOTPATH_MUST; do
		grep -q "^FUNC <$f>:" <<<"$dis" || { echo "$ko: no function $f"; bad=1; }
	done
	echo "$(grep -c '^FUNC' <<<"$dis") hot-path functions in $ko"
	# A full barrier on the stack (lock orl $0, -4(%rsp)) is smp_mb(), not
	# a shared read-modify-write.
	if grep '^LOCK' <<<"$dis" | grep -v 'lock orl \$0x0,.*(%rsp)' | grep -q .; then
		grep '^LOCK' <<<"$dis" | grep -v 'lock orl \$0x0,.*(%rsp)' | sed 's/^LOCK /locked instruction in /'
		bad=1
	fi
	return $bad
}

check_hotpath()
{
	local series dir rc=0

	if [ "${KVM_HC_ARCH:-amd64}" != amd64 ] || [ -n "${KDIR:-}" ]; then
		echo "== SKIP hotpath: x86 against Debian's kernels only"
		return 0
	fi
	for series in 6.12 7; do
		dir=$LINT_OUT-hotpath-$series
		fresh_copy "$dir"
		echo "== scripts/kernels.sh build $series $dir"
		"$KVM_HC_ROOT/scripts/kernels.sh" build "$series" "$dir" 2>&1 || { rc=1; continue; }
		hotpath_scan "$dir/kvm_hc.ko" || rc=1
	done
	return $rc
}

ALL=(checkpatch spdx doc sparse w1 tools hotpath)
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=("${ALL[@]}")
for c in "${checks[@]}"; do
	[[ " ${ALL[*]} " = *" $c "* ]] || die "unknown check '$c' (checks: ${ALL[*]})"
done

ensure_packages
KSRC=$(linux_source)
mkdir -p "$LOGDIR"

passed=0
failed=0
for c in "${checks[@]}"; do
	if "check_$c" >"$LOGDIR/$c.log" 2>&1; then
		grep -E '^(== SKIP|kernels: building against)' "$LOGDIR/$c.log" | sed -E 's/^(== )?/  /' || true
		echo "LINT $c PASS"
		passed=$((passed + 1))
	else
		sed 's/^/  /' "$LOGDIR/$c.log" | tail -n 60
		echo "  (whole log: $LOGDIR/$c.log)"
		echo "LINT $c FAIL"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
