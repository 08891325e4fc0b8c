#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e.sh - end-to-end test of kvm_hc on Debian's own kernels.
#
# For each kernel series: fetch the newest Debian amd64 kernel and its
# headers (scripts/kernels.sh), build kvm_hc.ko against the headers as DKMS
# would, pack an initramfs (static busybox, /init, the KVM modules with
# their load order, kvm_hc.ko and the static guest-side test program), and
# boot it in QEMU under TCG on an emulated EPYC, so that kvm_amd runs inside
# the guest.  /init prints one line at the end:
#
#   KVM_HC_E2E result=PASS|FAIL passed=N failed=M
#
# and this script prints, per kernel, one line
#
#   E2E series=<s> kernel=<release> result=PASS|FAIL passed=N failed=M log=<file>
#
# then "N passed, M failed" counting kernels.  A boot that ends without the
# KVM_HC_E2E line (panic, hang, timeout) fails, and its last console lines
# are shown.  Exit status 0 only if every kernel passed.
#
# usage: tests/e2e.sh [--series "6.1 6.12 7"] [--init FILE] [--append ARGS]
#                     [--timeout SEC]
#   --series   kernel series to test (see scripts/kernels.sh series)
#   --init     the initramfs /init (default tests/guest/init)
#   --append   more kernel command line (the guest's /init sees it too)
#   --timeout  seconds one boot may take (default 300)
#
# env:
#   KVM_HC_SRC        module sources (default: this repository)
#   KVM_HC_GUEST_SRC  guest test program (default: tests/guest/kvm_hc_test.c)
#   KVM_HC_INIT       default for --init
#   KVM_HC_SERIES     default for --series
#   KVM_HC_GUEST_CFLAGS  extra gcc flags for the guest program
#   KVM_HC_MAKEFLAGS  extra make arguments for the module build (e.g. W=1)
#   KVM_HC_BUILD      per-run output (default: <repository>/build); console
#                     logs go to $KVM_HC_BUILD/e2e/<series>.log
#   KVM_HC_CACHE, KVM_HC_JOBS, ...  see scripts/kernels.sh

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNELS=$ROOT/scripts/kernels.sh
SRC=$(realpath -m "${KVM_HC_SRC:-$ROOT}")
GUEST_SRC=$(realpath -m "${KVM_HC_GUEST_SRC:-$ROOT/tests/guest/kvm_hc_test.c}")
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
OUT=$BUILD/e2e

series_list=${KVM_HC_SERIES:-"6.1 6.12 7"}
init=${KVM_HC_INIT:-$ROOT/tests/guest/init}
append=
timeout=300

usage()
{
	sed -n '/^# usage:/,/^# *$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--series) series_list=${2:?}; shift 2 ;;
	--series=*) series_list=${1#*=}; shift ;;
	--init) init=${2:?}; shift 2 ;;
	--init=*) init=${1#*=}; shift ;;
	--append) append=${2?}; shift 2 ;;
	--append=*) append=${1#*=}; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	-h | --help) usage ;;
	*) echo "e2e: unknown argument '$1'" >&2; usage ;;
	esac
done
init=$(realpath -m "$init")
case $timeout in '' | *[!0-9]*) echo "e2e: --timeout wants seconds" >&2; exit 2 ;; esac

log()
{
	printf 'e2e: %s\n' "$*" >&2
}

die()
{
	log "$*"
	exit 2
}

# Microseconds since the epoch, and the seconds since $1 as N.N.
now() { echo "${EPOCHREALTIME/./}"; }
since()
{
	local us=$(($(now) - $1))
	printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# Copy the module sources to $1 without VCS data, tests, the build output
# or objects.  Objects already in $1 stay (rsync keeps excluded files)
# and mtimes are kept, so an unchanged file is not rebuilt; a copy of other
# sources starts afresh.
copy_sources()
{
	local excl=(--exclude=/.git --exclude=/build/ --exclude=/tests/)

	if [ "$(cat "$1.origin" 2>/dev/null)" != "$SRC" ]; then
		rm -rf "$1"
		echo "$SRC" >"$1.origin"
	fi

	case $BUILD/ in
	"$SRC"/*) excl+=(--exclude="/${BUILD#"$SRC"/}/") ;;
	esac
	mkdir -p "$1"
	rsync -a --delete "${excl[@]}" \
		--exclude='*.o' --exclude='*.ko' --exclude='*.a' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='.*.d' \
		--exclude=modules.order --exclude=Module.symvers --exclude='.tmp_*' \
		"$SRC/" "$1/"
}

# Pack the folder $1 as a gzip'ed newc cpio into $2, owned by root.
pack_initramfs()
{
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio -o -H newc --null --quiet -R 0:0) | gzip -1 >"$2"
}

# Boot kernel $2 with initramfs $3; console to $4.  Returns qemu's status
# (124 on timeout).  Once /init has printed its result line, a guest that
# does not power off is stopped after a grace period.
boot()
{
	local series=$1 kernel=$2 initrd=$3 console=$4 pid rc=0 waited=0

	: >"$console"
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-accel tcg,thread=single -cpu EPYC -smp 2 -m 2G \
		-nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 $append" \
		</dev/null >"$console" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if grep -aq 'KVM_HC_E2E result=' "$console"; then
			if [ $((waited += 1)) -gt 20 ]; then
				log "[$series] guest did not power off after its result; stopping it"
				kill "$pid" 2>/dev/null || true
			fi
		fi
		sleep 0.5
	done
	wait "$pid" || rc=$?
	return "$rc"
}

# Report a kernel that has no result: why, and the end of its log (less
# QEMU's warnings about CPU features TCG lacks).
report_failure()
{
	local why=$1 file=$2

	echo "e2e: $why; last 30 lines of $file:"
	tr -d '\r' <"$file" 2>/dev/null | grep -av "^qemu-system-x86_64: warning: TCG doesn't support" |
		tail -n 30 | sed 's/^/    /'
}

# --- host preparation ------------------------------------------------------------

[ -f "$init" ] || die "no init script $init (use --init or KVM_HC_INIT)"
[ -f "$GUEST_SRC" ] || die "no guest program $GUEST_SRC (set KVM_HC_GUEST_SRC)"
[ -f "$SRC/Kbuild" ] || [ -f "$SRC/Makefile" ] || die "no module sources in $SRC (set KVM_HC_SRC)"

t_all=$(now)
"$ROOT/scripts/deps.sh" || die "cannot install the host packages"
mkdir -p "$OUT"

t=$(now)
guest_flags=(-O2 -Wall -static)
[ -d "$SRC/include/uapi" ] && guest_flags+=(-I "$SRC/include/uapi")
# shellcheck disable=SC2206
guest_flags+=(${KVM_HC_GUEST_CFLAGS:-})
gcc "${guest_flags[@]}" -o "$OUT/kvm_hc_test" "$GUEST_SRC" ||
	die "cannot build the guest program $GUEST_SRC"
log "guest program built ($(since "$t") s)"

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || die "busybox is missing (scripts/deps.sh installs busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is not static (install busybox-static)"
fi

# What a kernel's run showed, in a few lines: the hook, the discovery call,
# the stock comparison, unloading under load, every failure; with
# kvm_hc_demo=1 the guest's own plain-words account instead.
highlights()
{
	local series=$1 con
	con=$(tr -d '\r' <"$2" | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g')
	if [[ " $append " == *" kvm_hc_demo=1 "* ]]; then
		sed -n '/kvm_hc end-to-end demo/,/^KVM_HC_E2E/p' <<<"$con" | grep -av '^KVM_HC_E2E' || true
		return 0
	fi
	{
		grep -a -m1 '^PASS hook ' <<<"$con" || echo "no hook line"
		grep -a -m1 '^PASS discover\.cpl0\.version got=0x0*10000 ' <<<"$con" ||
			echo "discovery never answered by kvm_hc"
		echo "stock results identical with kvm_hc loaded:" \
			"$(grep -ac '^PASS matrix-identical' <<<"$con") checks," \
			"$(grep -ac '^FAIL matrix-identical' <<<"$con") differences"
		grep -a -m1 '^[A-Z]* load:' <<<"$con" || echo "no load line"
		grep -a -m1 '^[A-Z]* policy\.user\.64 ' <<<"$con" || true
		grep -a -m1 '^[A-Z]* kick\.kvm_hc\.halted\.woken' <<<"$con" || true
		grep -a '^FAIL' <<<"$con" | head -n 20 || true
	} | sed "s/^/  [$series] /"
}

# --- one kernel ---------------------------------------------------------------

passed=0
failed=0
# shellcheck disable=SC2206
make_args=(${KVM_HC_MAKEFLAGS:-})

for series in $series_list; do
	d=$OUT/$series
	console=$OUT/$series.log
	kver=unknown
	mkdir -p "$d"
	rm -f "$console"

	# Kernel, headers and modules.
	t=$(now)
	if ! vars=$("$KERNELS" fetch "$series" 2>"$d/fetch.log"); then
		cat "$d/fetch.log" >&2
		report_failure "cannot fetch a $series kernel" "$d/fetch.log"
		echo "E2E series=$series kernel=$kver result=FAIL passed=0 failed=0 log=$d/fetch.log"
		failed=$((failed + 1))
		continue
	fi
	KVER="" VMLINUZ=""
	eval "$vars"
	kver=$KVER
	grep -a '^kernels:' "$d/fetch.log" >&2 || true
	log "[$series] kernel $KVER ready ($(since "$t") s)"

	# The module, built from a copy of the sources.
	t=$(now)
	copy_sources "$d/src"
	if ! "$KERNELS" build "$KVER" "$d/src" "${make_args[@]}" >"$d/build.log" 2>&1 ||
		[ ! -f "$d/src/kvm_hc.ko" ]; then
		report_failure "[$series] kvm_hc.ko did not build" "$d/build.log"
		echo "E2E series=$series kernel=$kver result=FAIL passed=0 failed=0 log=$d/build.log"
		failed=$((failed + 1))
		continue
	fi
	grep -a '^kernels:' "$d/build.log" >&2 || true
	vermagic=$(modinfo -F vermagic "$d/src/kvm_hc.ko")
	log "[$series] kvm_hc.ko built ($(since "$t") s), vermagic: $vermagic"
	if [ "${vermagic%% *}" != "$KVER" ]; then
		report_failure "[$series] kvm_hc.ko vermagic does not match $KVER" "$d/build.log"
		echo "E2E series=$series kernel=$kver result=FAIL passed=0 failed=0 log=$d/build.log"
		failed=$((failed + 1))
		continue
	fi

	# The initramfs.
	t=$(now)
	rd=$d/initramfs
	rm -rf "$rd"
	mkdir -p "$rd"/{bin,dev,proc,sys,tmp,lib/kvm-hc}
	cp "$busybox" "$rd/bin/busybox"
	# No /bin/sh unless /init asks for it: with one, a broken /init would
	# leave the kernel in a shell until the timeout instead of panicking.
	head -n 1 "$init" | grep -q '^#! */bin/sh' && ln -s busybox "$rd/bin/sh"
	cp "$init" "$rd/init"
	chmod 755 "$rd/init"
	cp "$OUT/kvm_hc_test" "$rd/bin/kvm_hc_test"
	if ! "$KERNELS" kvm-modules "$KVER" "$rd/lib/kvm-hc" 2>"$d/modules.log"; then
		report_failure "[$series] cannot collect the KVM modules" "$d/modules.log"
		echo "E2E series=$series kernel=$kver result=FAIL passed=0 failed=0 log=$d/modules.log"
		failed=$((failed + 1))
		continue
	fi
	cp "$d/src/kvm_hc.ko" "$rd/lib/kvm-hc/"
	pack_initramfs "$rd" "$d/initramfs.cpio.gz"
	log "[$series] initramfs: $(tr '\n' ' ' <"$rd/lib/kvm-hc/load-order")kvm_hc.ko" \
		"($(du -k "$d/initramfs.cpio.gz" | cut -f1) KiB, $(since "$t") s)"

	# The boot.
	t=$(now)
	log "[$series] booting $KVER (timeout $timeout s, console: $console)"
	rc=0
	boot "$series" "$VMLINUZ" "$d/initramfs.cpio.gz" "$console" || rc=$?
	log "[$series] boot ended after $(since "$t") s (qemu status $rc)"

	line=$(tr -d '\r' <"$console" | grep -a -o 'KVM_HC_E2E result=.*' | tail -n 1 || true)
	if [ -n "$line" ]; then
		result=$(sed -n 's/.*result=\([A-Z]*\).*/\1/p' <<<"$line")
		np=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$line")
		nf=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
		[ "$result" = PASS ] || result=FAIL
	else
		if [ "$rc" = 124 ]; then
			why="timeout after $timeout s"
		elif grep -aq 'Kernel panic' "$console"; then
			why="kernel panic"
		else
			why="qemu exited with status $rc"
		fi
		report_failure "[$series] no KVM_HC_E2E line ($why)" "$console"
		result=FAIL
		np=$(tr -d '\r' <"$console" | grep -ac '^PASS' || true)
		nf=$(tr -d '\r' <"$console" | grep -ac '^FAIL' || true)
	fi
	highlights "$series" "$console"
	echo "E2E series=$series kernel=$kver result=$result passed=${np:-0} failed=${nf:-0} log=$console"
	if [ "$result" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

log "done in $(since "$t_all") s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
