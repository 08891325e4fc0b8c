#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - make bench: kvm-hc-bench (tools/bench/) on Debian's kernels,
# inside QEMU, one boot per kernel: stock KVM first, then kvm_hc loaded, then
# VMs attached, with the ratios side by side.
#
# By default QEMU runs with -icount shift=0,sleep=off: the guest's clock
# then counts emulated instructions, so the figures are instructions per
# hypercall and repeat to within 1% on a busy machine.  --realtime boots
# without it (nanoseconds of a TCG guest: noisy, for reference only).
#
# The host kernel boots with cryptomgr.notests=1: its self-tests would
# otherwise compete with the first cases for the CPU.
#
# Each kernel's table is written to build/bench/<arch>-<series>[-realtime].txt
# and printed.  With --ratchet, every ratio is compared with the one
# recorded in tests/bench/ratchet for that architecture and series; one
# that is worse by more than 1% (8% for forwarding, ratchet_tolerance)
# fails.  --record writes the ratios of this
# run into that file instead.
#
# usage: tests/bench.sh [--arch amd64|arm64|ppc64el] [--series "6.12 7"]
#                       [--realtime] [--only PREFIX] [--ratchet] [--record]
#   --arch     architecture (default amd64)
#   --series   kernel series (default "6.12 7"; 6.1 does not boot under icount)
#   --realtime no icount
#   --only     only the cases whose name starts with PREFIX
#   --ratchet  fail if a ratio got worse than recorded by more than 1%
#   --record   record this run's ratios in tests/bench/ratchet
#
# env: KVM_HC_BENCH_APPEND  more kernel command line for the host kernel
#      KVM_HC_BUILD (default <repository>/build), KVM_HC_CACHE, ... as e2e.sh

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
RATCHET=$ROOT/tests/bench/ratchet
LOG_TAG=bench
# shellcheck source=../scripts/lib/util.sh
. "$ROOT/scripts/lib/util.sh"

arch=amd64
series_list="6.12 7"
realtime=0
only=
ratchet=0
record=0

usage()
{
	sed -n '/^# usage:/,/^# *$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:?}; shift 2 ;;
	--series) series_list=${2:?}; shift 2 ;;
	--realtime) realtime=1; shift ;;
	--only) only=${2:?}; shift 2 ;;
	--ratchet) ratchet=1; shift ;;
	--record) record=1; shift ;;
	-h | --help) usage ;;
	*) echo "bench: unknown argument '$1'" >&2; usage ;;
	esac
done
case $arch in
amd64) part=x86 ;;
arm64) part=arm64 ;;
ppc64el) part=ppc64 ;;
*) echo "bench: unknown architecture '$arch' (amd64, arm64, ppc64el)" >&2; exit 2 ;;
esac
case $only in *[!a-z0-9._]*) echo "bench: bad --only '$only'" >&2; exit 2 ;; esac

OUT=$BUILD/bench
mkdir -p "$OUT"
append="kvm_hc_bench_label=icount cryptomgr.notests=1"
qemu_args="-icount shift=0,sleep=off"
suffix=
if [ "$realtime" = 1 ]; then
	append="kvm_hc_bench_label=realtime cryptomgr.notests=1"
	qemu_args=
	suffix=-realtime
fi
[ -z "$only" ] || append="$append kvm_hc_bench_only=$only"
# More kernel command line for the host kernel, e.g. mitigations=off.
[ -z "${KVM_HC_BENCH_APPEND:-}" ] || append="$append $KVM_HC_BENCH_APPEND"

# How much worse than recorded a ratio may get.  1% in general: icount
# makes the figures repeat to well within that (a ratio recorded below 1,
# where kvm_hc runs no code of its own, counts as 1).  Forwarded calls return to
# the VMM in user space, and their figures fall into one of two modes about
# 3% apart from boot to boot, on each side independently, so that their
# ratio moves by up to about 6.5%: 8% for those (record the higher mode).
ratchet_tolerance()
{
	case $1 in
	# the doorbell's ratios have the forwarded round trip, or the
	# scheduling of the VMM's I/O thread, in them
	forward | doorbell | doorbell.ring) echo 1.08 ;;
	*) echo 1.01 ;;
	esac
}

# ratchet_check ARCH SERIES ROWS: compare the ROW lines with the record.
ratchet_check()
{
	local a=$1 s=$2 name ratio rec bad=0

	while read -r name ratio; do
		rec=$(awk -v a="$a" -v s="$s" -v n="$name" '$1 == a && $2 == s && $3 == n { print $4 }' \
			"$RATCHET" 2>/dev/null || true)
		if [ -z "$rec" ]; then
			echo "RATCHET $a $s $name now=$ratio recorded=none new"
		elif awk -v n="$ratio" -v r="$rec" -v t="$(ratchet_tolerance "$name")" \
			'BEGIN { if (r < 1) r = 1; exit !(n > r * t) }'; then
			echo "RATCHET $a $s $name now=$ratio recorded=$rec WORSE"
			bad=1
		else
			echo "RATCHET $a $s $name now=$ratio recorded=$rec ok"
		fi
	done <<<"$3"
	return "$bad"
}

# ratchet_record ARCH SERIES ROWS: replace the record of ARCH SERIES.
ratchet_record()
{
	local tmp

	tmp=$(mktemp)
	{
		grep -v "^$1 $2 " "$RATCHET" 2>/dev/null || true
		sed "s/^/$1 $2 /" <<<"$3"
	} | sort >"$tmp"
	{
		echo "# kvm-hc-bench ratios (kvm_hc / stock) under icount: tests/bench.sh --record"
		grep -v '^#' "$tmp"
	} >"$RATCHET"
	rm -f "$tmp"
	log "recorded $(wc -l <<<"$3") ratios for $1 $2 in $RATCHET"
}

rc=0
for series in $series_list; do
	work=$OUT/work$suffix
	e2e_rc=0
	modes=()
	[ "$arch" != arm64 ] || modes=(--kvm-modes "${KVM_HC_BENCH_MODES:-vhe}")
	KVM_HC_BUILD=$work KVM_HC_INIT=$ROOT/tests/bench/init \
		KVM_HC_GUEST_SRC="$ROOT/tools/bench/kvm_hc_bench.c $ROOT/tools/bench/bench_$part.c" \
		KVM_HC_GUEST_LIBS="-lpthread -lm" KVM_HC_QEMU_ARGS="$qemu_args" \
		"$ROOT/tests/e2e.sh" --arch "$arch" --series "$series" "${modes[@]}" \
		--append "$append" --timeout 900 || e2e_rc=$?
	case $arch in
	amd64) console=$work/e2e/$series.log ;;
	arm64) console=$work/e2e/arm64/$series-${KVM_HC_BENCH_MODES:-vhe}.log ;;
	ppc64el) console=$work/e2e/ppc64el/$series.log ;;
	esac
	table=$OUT/$arch-$series$suffix.txt
	tr -d '\r' <"$console" 2>/dev/null | sed -n '/^kvm-hc-bench:/,/^KVM_HC_BENCH/p' |
		grep -v '^ROW\|^KVM_HC_BENCH' >"$table" || true
	rows=$(tr -d '\r' <"$console" 2>/dev/null | sed -n 's/^ROW \([^ ]*\) .* ratio=\([0-9.]*\) .*/\1 \2/p')
	if [ "$e2e_rc" != 0 ] || [ ! -s "$table" ]; then
		echo "BENCH arch=$arch series=$series result=FAIL log=$console"
		rc=1
		continue
	fi
	log "table: $table"
	if [ "$record" = 1 ] && [ "$realtime" = 0 ]; then
		ratchet_record "$arch" "$series" "$rows"
	fi
	res=PASS
	if [ "$ratchet" = 1 ] && [ "$realtime" = 0 ] && ! ratchet_check "$arch" "$series" "$rows"; then
		res=FAIL
		rc=1
	fi
	echo "BENCH arch=$arch series=$series result=$res table=$table"
done
exit "$rc"
