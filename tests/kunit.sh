#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# kunit.sh - run kvm_hc's KUnit suites under kunit.py on x86_64 QEMU.
#
#   1. kunit.py build: test kernel from kunit/.kunitconfig (cached; KUnit
#      itself is a module, KVM is built in)
#   2. make M=: kvm_hc and its test module kunit/kvm_hc_kunit.ko, which holds
#      every suite (kunit.py parses only the first KTAP document of a boot)
#   3. initramfs: static busybox, kunit.ko and our modules, /init = kunit/init
#   4. kunit.py exec: boot, parse the KTAP output, report
#
# The exit status is kunit.py's: a failed case, a crash or missing test
# output all fail the run.
#
# usage: tests/kunit.sh [--debug|--kcsan] [kunit.py exec arguments]
#   --debug   the debug kernel (kunit/debug.kunitconfig on top: KASAN,
#             lockdep with PROVE_RCU, DEBUG_OBJECTS_RCU_HEAD, kmemleak,
#             DEBUG_KOBJECT_RELEASE, DEBUG_ATOMIC_SLEEP), built in its own
#             folder; any report of theirs fails the run, shown with its
#             trace
#   --kcsan   the data-race detector's kernel (kunit/kcsan.kunitconfig on
#             top: KCSAN, strict), in a folder of its own; make check-long
#   tests/kunit.sh                      every suite
#   tests/kunit.sh kvm_hc_core          one suite
#   tests/kunit.sh 'kvm_hc_core.policy_*'   cases matching a glob
#   tests/kunit.sh --list_tests         list the cases without running them
#   tests/kunit.sh --json=out.json      also write the results as JSON
#   tests/kunit.sh --raw_output=all     show the whole console log
#
# env (and those of tests/lib/common.sh: KVM_HC_SRC, KVM_HC_CACHE,
# KVM_HC_BUILD, KVM_HC_JOBS):
#   SKIP_KERNEL=1      do not even re-check the test kernel if it is built
#   KVM_HC_MAKEFLAGS   extra make arguments for the module build

set -euo pipefail

case ${1:-} in
--debug) export KVM_HC_KUNIT_DEBUG=1; shift ;;
--kcsan) export KVM_HC_KUNIT_KCSAN=1; shift ;;
esac
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

TEST_MODULE=kvm_hc_kunit
VARIANT=kunit
[ "${KVM_HC_KUNIT_DEBUG:-0}" != 1 ] || VARIANT=kunit-debug
[ "${KVM_HC_KUNIT_KCSAN:-0}" != 1 ] || VARIANT=kunit-kcsan
SRC=$KVM_HC_BUILD/$VARIANT-src
ROOTFS=$KVM_HC_BUILD/$VARIANT-initramfs
CPIO=$KVM_HC_BUILD/$VARIANT-initramfs.cpio
LOG=$KVM_HC_BUILD/$VARIANT.log
# What the debug kernel's checkers print: any of it fails the run.
REPORTS='BUG: |WARNING: |KASAN|KCSAN: |possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unreferenced object|ODEBUG|INFO: task .* blocked|lock held when returning|sleeping function called from invalid context'

KMAKE=(ARCH=x86_64 "CC=$KERNEL_CC")
MODVARS=("${KMAKE[@]}" KVM_HC_KUNIT=1)

ensure_packages
KSRC=$(linux_source)

# 1. Test kernel.
if [ "${SKIP_KERNEL:-0}" = 1 ] && [ -f "$KUNIT_KDIR/arch/x86/boot/bzImage" ]; then
	log "using the test kernel in $KUNIT_KDIR as it is"
else
	kunit_kernel_build "$KSRC" || die "test kernel build failed"
	log "test kernel ready ($(elapsed) s)"
fi

# 2. Modules, built from a copy so that no object lands in the sources.
copy_sources "$SRC"
# shellcheck disable=SC2086 # KVM_HC_MAKEFLAGS is a list of make arguments
make -s -C "$KUNIT_KDIR" "${MODVARS[@]}" M="$SRC" -j"$KVM_HC_JOBS" \
	${KVM_HC_MAKEFLAGS:-} modules || die "module build failed"
[ -f "$SRC/kunit/$TEST_MODULE.ko" ] ||
	die "the build made no kunit/$TEST_MODULE.ko (is KVM_HC_KUNIT=1 handled in Kbuild?)"
# kunit/init loads only $TEST_MODULE: a second test module would never run.
while read -r ko; do
	ko=${ko%.o}.ko
	[[ $ko = /* ]] || ko=$SRC/$ko
	[ "$ko" -ef "$SRC/kunit/$TEST_MODULE.ko" ] && continue
	case ",$(modinfo -F depends "$ko")," in
	*,kunit,*) die "${ko#"$SRC"/} is a second KUnit test module; put its suites into kunit/$TEST_MODULE.ko" ;;
	esac
done <"$SRC/modules.order"
log "modules built ($(elapsed) s)"

# 3. Initramfs.
BUSYBOX=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is not static (apt-get install busybox-static)"
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS"/{bin,dev,proc,sys}
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for applet in sh cat echo mount modprobe rmmod reboot; do
	ln -s busybox "$ROOTFS/bin/$applet"
done
make -s -C "$KUNIT_KDIR" "${KMAKE[@]}" INSTALL_MOD_PATH="$ROOTFS" \
	INSTALL_MOD_STRIP=1 modules_install
make -s -C "$KUNIT_KDIR" "${MODVARS[@]}" M="$SRC" INSTALL_MOD_PATH="$ROOTFS" \
	INSTALL_MOD_STRIP=1 modules_install
install -m 755 "$KUNIT_CONFIG_DIR/init" "$ROOTFS/init"
(cd "$ROOTFS" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$CPIO"
log "initramfs packed ($(elapsed) s)"

# 4. Boot and parse.
rc=0
kunit_py "$KSRC" exec --qemu_args="-smp 2 -initrd $(printf %q "$CPIO")" \
	--kernel_args=panic=-1 "$@" || rc=$?
cp -f "$KUNIT_KDIR/test.log" "$LOG" 2>/dev/null || true
if [ $rc != 0 ] && ! grep -q 'KTAP version' "$LOG" 2>/dev/null; then
	log "no test output; the console said:"
	tail -n 25 "$LOG" >&2 || true
fi
# A KCSAN report names the two racing accesses, each with its stack: the
# race is kvm_hc's when the function of either access (the first frame
# after its "read/write ... to 0x... by" line) is in kvm_hc's modules
# ([kvm_hc] or [kvm_hc_kunit]); a frame below that only means an interrupt
# hit kvm_hc's code.  Those fail the run; the kernel's own races are shown
# only.  (mawk: no {n} intervals in the patterns.)
ours=$(awk '/BUG: KCSAN: /{r=1} r && a {if ($0 ~ /\[kvm_hc/) n++; a=0}
	r && /(read|write).* to 0x[0-9a-f]+ .*by /{a=1}
	/Reported by Kernel Concurrency Sanitizer/{r=0}
	END{print n+0}' "$LOG" 2>/dev/null || echo 0)
if grep -E "$REPORTS" "$LOG" 2>/dev/null | grep -Ev 'BUG: KCSAN: ' | grep -q . ||
	[ "$ours" != 0 ]; then
	log "the kernel reported problems; each with the 25 lines after it:"
	grep -E -A 25 "$REPORTS" "$LOG" | head -n 200 >&2
	[ $rc != 0 ] || rc=1
elif grep -q 'BUG: KCSAN: ' "$LOG" 2>/dev/null; then
	log "KCSAN reported races outside kvm_hc (not counted):"
	grep 'BUG: KCSAN: ' "$LOG" | sort | uniq -c >&2
fi
if [ "${KVM_HC_KUNIT_DEBUG:-0}" = 1 ] && ! grep -q 'kunit/init: kmemleak scan done' "$LOG"; then
	log "the debug kernel's kmemleak scan did not run"
	[ $rc != 0 ] || rc=1
fi
log "done in $(elapsed) s, status $rc (console log: $LOG)"
exit $rc
