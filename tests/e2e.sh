#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e.sh - end-to-end test of kvm_hc on Debian's own kernels.
#
# For each kernel series: fetch the newest Debian kernel of the architecture
# and its headers (scripts/kernels.sh), build kvm_hc.ko against the headers
# as DKMS would, pack an initramfs (static busybox, /init, the KVM modules
# with their load order, kvm_hc.ko and the static guest-side test program),
# and boot it in QEMU under TCG:
#   amd64  on an emulated EPYC, so that kvm_amd runs inside the guest
#   arm64  cross-built, on qemu-system-aarch64's virt machine with EL2
#          (virtualization=on, GICv3, -cpu max); KVM is built into the
#          kernel.  Each series boots once per KVM mode (--kvm-modes):
#          vhe (the kernel's default) and nvhe, protected, ... given as
#          kvm-arm.mode=<mode>
#   ppc64el  cross-built, on qemu-system-ppc64's pseries machine with a
#          POWER9 and nested HV (cap-nested-hv=on), so that kvm-hv loads in
#          the guest and runs PAPR guests of its own; one boot per series
# /init prints one line at the end:
#
#   KVM_HC_E2E result=PASS|FAIL passed=N failed=M
#
# and this script prints, per kernel (and mode), one line
#
#   E2E series=<s> kernel=<release> result=PASS|FAIL passed=N failed=M log=<file>
#   E2E arch=arm64 series=<s> mode=<m> kernel=<release> result=... log=<file>
#   E2E arch=ppc64el series=<s> kernel=<release> result=... log=<file>
#
# then "N passed, M failed" counting those lines.  A boot that ends without
# the KVM_HC_E2E line (panic, hang, timeout) fails, and its last console
# lines are shown.  A boot whose stock KVM reported a problem before kvm_hc
# was ever loaded (/init's KVM_HC_E2E_STOCK_BROKEN line) is booted once
# more, and that boot decides.  Exit status 0 only if every one passed.
#
# usage: tests/e2e.sh [--arch amd64|arm64|ppc64el] [--series "6.1 6.12 7"]
#                     [--kvm-modes "vhe nvhe"] [--init FILE] [--append ARGS]
#                     [--timeout SEC] [--kernel-tree DIR]
#                     [--secondary-skip PIECES] [--skip-in "SERIES:PIECES..."]
#   --arch       architecture of the kernels (default amd64)
#   --series     kernel series to test (see scripts/kernels.sh series)
#   --kvm-modes  arm64: KVM modes to boot each kernel in (default "vhe nvhe")
#   --init       the initramfs /init (default tests/vmm/init, the one for
#                every architecture)
#   --append     more kernel command line (the guest's /init sees it too)
#   --timeout    seconds one boot may take (default 300)
#   --first-mode-only SERIES  arm64: these series boot in their first KVM
#                mode only (e.g. "6.12": the series between the oldest and
#                the newest, whose hooked function is theirs)
#   --secondary-skip  arm64: /init pieces (kvm_hc_skip=) left out of every
#                boot of a series but its first mode's, e.g. "load,sample":
#                pieces that do not depend on KVM's mode run once a kernel
#   --skip-in    /init pieces (kvm_hc_skip=) left out of the boots of one
#                series, e.g. "6.1:sample,failload": pieces whose code is
#                the same on another series the run boots (the same hooked
#                function) run there
#   --kernel-tree  boot a kernel built here instead of Debian's: amd64, the
#                debug kernel of tests/kunit.sh --debug (KASAN, lockdep,
#                kmemleak, KVM as modules); ppc64el, the KVM-PR kernel of
#                tests/pr-kernel.sh (on a bare-metal POWER8, powernv8, KVM-PR
#                loaded instead of KVM-HV).  DIR is its build folder, and
#                --series only names the run (default "tree")
#
# env:
#   KVM_HC_ARCH       default for --arch
#   KVM_HC_SRC        module sources (default: this repository)
#   KVM_HC_GUEST_SRC  another guest program's sources, linked into one
#                     program (default: the test VMM, tests/vmm/Makefile
#                     with the architecture's folder)
#   KVM_HC_GUEST_LIBS  libraries the guest program links with (e.g. -lm)
#   KVM_HC_QEMU_ARGS  more QEMU arguments (e.g. -icount shift=0,sleep=off)
#   KVM_HC_SMP        the guest's CPUs (default: amd64 and arm64 2, ppc64el 1)
#   KVM_HC_E2E_HIGHLIGHTS  what a boot's summary shows instead of the
#                     architecture's HIGHLIGHTS (below): entries one a line
#   KVM_HC_E2E_PACK   a script that adds to each initramfs: called as
#                     SCRIPT INITRAMFS_DIR WORK_DIR with ARCH, KVER, VMLINUZ
#                     and BUSYBOX in its environment (tests/real-vmm.sh)
#   KVM_HC_INIT       default for --init
#   KVM_HC_SERIES     default for --series
#   KVM_HC_KVM_MODES  default for --kvm-modes
#   KVM_HC_GUEST_CFLAGS  extra gcc flags for the guest program
#   KVM_HC_MAKEFLAGS  extra make arguments for the module build (e.g. W=1)
#   KVM_HC_E2E_KO_DIR a folder of <release>/kvm_hc.ko built elsewhere (DKMS,
#                     tests/dkms.sh): booted instead of building one here
#                     (and no test modules: leave out sample and failload)
#   KVM_HC_BUILD      per-run output (default: <repository>/build); console
#                     logs go to $KVM_HC_BUILD/e2e/<series>.log (amd64),
#                     $KVM_HC_BUILD/e2e/arm64/<series>-<mode>.log and
#                     $KVM_HC_BUILD/e2e/ppc64el/<series>.log
#   KVM_HC_CACHE, KVM_HC_JOBS, ...  see scripts/kernels.sh

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KERNELS=$ROOT/scripts/kernels.sh
SRC=$(realpath -m "${KVM_HC_SRC:-$ROOT}")
BUILD=$(realpath -m "${KVM_HC_BUILD:-$ROOT/build}")
OUT=$BUILD/e2e

series_list=${KVM_HC_SERIES:-"6.1 6.12 7"}
series_set=${KVM_HC_SERIES:+1}
arch=${KVM_HC_ARCH:-amd64}
kvm_modes=
init=${KVM_HC_INIT:-}
guest_src=${KVM_HC_GUEST_SRC:-}
append=
timeout=300
ktree=
secondary_skip=
skip_in=
first_mode_only=

usage()
{
	sed -n '/^# usage:/,/^# *$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--series) series_list=${2:?}; series_set=1; shift 2 ;;
	--series=*) series_list=${1#*=}; series_set=1; shift ;;
	--arch) arch=${2:?}; shift 2 ;;
	--arch=*) arch=${1#*=}; shift ;;
	--kvm-modes) kvm_modes=${2:?}; shift 2 ;;
	--kvm-modes=*) kvm_modes=${1#*=}; shift ;;
	--init) init=${2:?}; shift 2 ;;
	--init=*) init=${1#*=}; shift ;;
	--append) append=${2?}; shift 2 ;;
	--append=*) append=${1#*=}; shift ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--secondary-skip) secondary_skip=${2:?}; shift 2 ;;
	--skip-in) skip_in=${2:?}; shift 2 ;;
	--first-mode-only) first_mode_only=${2:?}; shift 2 ;;
	--secondary-skip=*) secondary_skip=${1#*=}; shift ;;
	--kernel-tree) ktree=${2:?}; shift 2 ;;
	--kernel-tree=*) ktree=${1#*=}; shift ;;
	-h | --help) usage ;;
	*) echo "e2e: unknown argument '$1'" >&2; usage ;;
	esac
done
case $timeout in '' | *[!0-9]*) echo "e2e: --timeout wants seconds" >&2; exit 2 ;; esac
# A kernel tree: its image (KT_IMAGE) and make's arguments (KT_MAKE).
if [ -n "$ktree" ]; then
	case $arch in
	amd64) KT_IMAGE=arch/x86/boot/bzImage; KT_MAKE=(ARCH=x86_64) ;;
	ppc64el) KT_IMAGE=vmlinux; KT_MAKE=(ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-) ;;
	*) echo "e2e: --kernel-tree is for amd64 (tests/kunit.sh's kernels) and ppc64el (tests/pr-kernel.sh's)" >&2; exit 2 ;;
	esac
	ktree=$(realpath -m "$ktree")
	[ -f "$ktree/$KT_IMAGE" ] && [ -f "$ktree/include/config/kernel.release" ] ||
		{ echo "e2e: $ktree is not a built kernel tree (no $KT_IMAGE)" >&2; exit 2; }
	[ -n "$series_set" ] || series_list=tree
fi

# What differs per architecture, and nothing else below looks at $arch:
#   KVM_MODES    the KVM modes a kernel boots in by default; "-": one boot,
#                its mode has no name, and --kvm-modes is refused
#   OUT_ARCH     where its console logs and builds go (amd64 keeps its
#                output where it always was)
#   RESULT_ARCH  the arch= field of its E2E lines (amd64's have none)
#   TAG          what log lines call a series: "$TAG<series>"
#   GUEST_CC     the compiler of the guest program; GUEST_DIR, the test
#                VMM's folder of the architecture (tests/vmm/<GUEST_DIR>)
#   BUSYBOX      host: the host's busybox-static; archive: the guest
#                architecture's, from the Debian archive
#   QEMU         the emulator and its machine; CONSOLE, the console device
#   HIGHLIGHTS   what highlights() shows of a boot, in order: "PATTERN|TEXT"
#                (the first line PATTERN matches, else TEXT if any),
#                ":mode" (the mode KVM started in, if the console shows it)
#                or ":matrix" (the stock comparison counted); then failures
# shellcheck disable=SC2054 # the commas are in QEMU's option values
case $arch in
amd64)
	KVM_MODES=-
	OUT_ARCH=$OUT
	RESULT_ARCH=
	TAG=
	GUEST_CC=gcc
	GUEST_DIR=x86
	BUSYBOX=host
	QEMU=(qemu-system-x86_64 -accel tcg,thread=single -cpu EPYC -smp "${KVM_HC_SMP:-2}")
	CONSOLE=ttyS0
	HIGHLIGHTS=('^PASS hook |no hook line'
		'^PASS discover\.version got=0x0*10000,|discovery never answered by kvm_hc'
		:matrix
		'^[A-Z]* load\.answers |no load line'
		'^[A-Z]* policy\.user\.64 |'
		'^[A-Z]* kick\.kvm_hc\.halted\.woken|')
	;;
arm64)
	KVM_MODES=${KVM_HC_KVM_MODES:-vhe nvhe}
	OUT_ARCH=$OUT/arm64
	RESULT_ARCH=" arch=$arch"
	TAG="$arch "
	GUEST_CC=aarch64-linux-gnu-gcc
	GUEST_DIR=arm64
	BUSYBOX=archive
	QEMU=(qemu-system-aarch64 -M virt,virtualization=on,gic-version=3
		-cpu max,pauth-impdef=on -smp "${KVM_HC_SMP:-2}")
	CONSOLE=ttyAMA0
	HIGHLIGHTS=(:mode
		'^[A-Z]* hook |'
		'^PASS discover\.version got=0x0*10000,|discovery never answered by kvm_hc'
		:matrix
		'^[A-Z]* load\.answers |'
		'^[A-Z]* policy\.user\.smc32 |'
		'^INFO kick: waiting vCPU woken|')
	;;
ppc64el)
	KVM_MODES=-
	OUT_ARCH=$OUT/ppc64el
	RESULT_ARCH=" arch=$arch"
	TAG="$arch "
	GUEST_CC=powerpc64le-linux-gnu-gcc
	GUEST_DIR=ppc64
	BUSYBOX=archive
	# One vCPU: TCG runs it fastest, and the guest's own VMs need no
	# second one.
	QEMU=(qemu-system-ppc64 -M pseries,cap-nested-hv=on -cpu POWER9 -smp "${KVM_HC_SMP:-1}" -vga none)
	# tests/pr-kernel.sh's kernel runs KVM-PR, which wants a hash MMU: a
	# POWER8, bare metal (powernv8, skiboot's OPAL).  Under the pseries
	# machine QEMU itself answers a guest's "sc 1" from problem state
	# (H_PRIVILEGE), so KVM-PR's PAPR hcalls would never reach it.
	if [ -n "$ktree" ]; then
		QEMU=(qemu-system-ppc64 -M powernv8 -smp "${KVM_HC_SMP:-1}")
		export KVM_HC_KVM_MODULES="kvm kvm_pr"
	fi
	CONSOLE=hvc0
	HIGHLIGHTS=('^[A-Z]* hook |'
		:matrix
		'^PASS discover\.version got=0x0*10000,|discovery never answered by kvm_hc'
		'^[A-Z]* policy\.user\.forward |'
		'^[A-Z]* policy\.deny\.enohc |'
		'^[A-Z]* load\.answers |')
	;;
*)
	echo "e2e: unknown architecture '$arch' (amd64, arm64, ppc64el)" >&2
	exit 2
	;;
esac
[ -z "${KVM_HC_E2E_HIGHLIGHTS:-}" ] || mapfile -t HIGHLIGHTS <<<"$KVM_HC_E2E_HIGHLIGHTS"
if [ "$KVM_MODES" = - ]; then
	# KVM_HC_KVM_MODES is arm64's: ignored here.
	[ -z "$kvm_modes" ] || { echo "e2e: --kvm-modes is for arm64 only" >&2; exit 2; }
	kvm_modes=-
else
	: "${kvm_modes:=$KVM_MODES}"
	for m in $kvm_modes; do
		case $m in
		*[!a-z]*) echo "e2e: bad KVM mode '$m' (vhe, nvhe, protected, ...)" >&2; exit 2 ;;
		esac
	done
fi
init=$(realpath -m "${init:-$ROOT/tests/vmm/init}")
GUEST_SRC=()
# shellcheck disable=SC2086
[ -z "$guest_src" ] || read -r -a GUEST_SRC <<<"$(realpath -m $guest_src | tr '\n' ' ')"
# shellcheck disable=SC2206
QEMU_ARGS=(${KVM_HC_QEMU_ARGS:-})
KERNELS=("$KERNELS" --arch "$arch")

LOG_TAG=e2e
# shellcheck source=../scripts/lib/util.sh
. "$ROOT/scripts/lib/util.sh"

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
	# Of the tests, only the helper modules are built with kvm_hc.
	local excl=(--exclude=/.git --exclude=/build/ --include=/tests/ --include='/tests/modules/***'
		--exclude='/tests/*')

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

# Boot kernel $2 with initramfs $3 in KVM mode $5; console to $4.  Returns
# qemu's status (124 on timeout).  Once /init has printed its result line,
# a guest that does not power off is stopped after a grace period.  The
# kernel log is large enough for a whole run (/init judges it by lines
# counted from its start, and a debug kernel says a lot).
boot()
{
	local series=$1 kernel=$2 initrd=$3 console=$4 mode=$5 pid rc=0 waited=0 s
	local cmdline="panic=-1 quiet loglevel=4 log_buf_len=8M"

	# not the series' first mode: what does not depend on it is left out
	if [ -n "$secondary_skip" ] && [ "$mode" != "${kvm_modes%% *}" ]; then
		cmdline="$cmdline kvm_hc_skip=$secondary_skip"
	fi
	# what another series runs with the same code
	for s in $skip_in; do
		[ "${s%%:*}" != "$series" ] || cmdline="$cmdline kvm_hc_skip=${s#*:}"
	done

	: >"$console"
	# VHE is what an arm64 kernel picks on a CPU with VHE (-cpu max).
	case $mode in
	- | vhe) ;;
	*) cmdline="$cmdline kvm-arm.mode=$mode" ;;
	esac
	timeout -k 10 "$timeout" "${QEMU[@]}" -m 2G -nographic -no-reboot -nic none \
		"${QEMU_ARGS[@]}" -kernel "$kernel" -initrd "$initrd" \
		-append "console=$CONSOLE $cmdline $append" \
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
	tr -d '\r' <"$file" 2>/dev/null | grep -av "^qemu-system-[a-z0-9_]*: warning: TCG doesn't support" |
		tail -n 30 | sed 's/^/    /'
}

# --- host preparation ------------------------------------------------------------

[ -f "$init" ] || die "no init script $init (use --init or KVM_HC_INIT)"
for f in "${GUEST_SRC[@]}"; do
	[ -f "$f" ] || die "no guest program $f (set KVM_HC_GUEST_SRC)"
done
[ -f "$SRC/Kbuild" ] || [ -f "$SRC/Makefile" ] || die "no module sources in $SRC (set KVM_HC_SRC)"

t_all=$(now)
"$ROOT/scripts/deps.sh" --arch "$arch" || die "cannot install the host packages"
mkdir -p "$OUT_ARCH"

t=$(now)
guest_flags=(-O2 -Wall -static)
[ -d "$SRC/include/uapi" ] && guest_flags+=(-I "$SRC/include/uapi")
# shellcheck disable=SC2206
guest_flags+=(${KVM_HC_GUEST_CFLAGS:-})
if [ ${#GUEST_SRC[@]} -gt 0 ]; then
	# shellcheck disable=SC2086
	"$GUEST_CC" "${guest_flags[@]}" -o "$OUT_ARCH/kvm_hc_test" "${GUEST_SRC[@]}" \
		${KVM_HC_GUEST_LIBS:-} || die "cannot build the guest program ${GUEST_SRC[*]}"
else
	# a second or two: built afresh, so that no object has other flags
	rm -rf "$OUT_ARCH/vmm"
	make -s -j2 -C "$ROOT/tests/vmm" ARCH_DIR="$GUEST_DIR" CC="$GUEST_CC" O="$OUT_ARCH/vmm" \
		CFLAGS="-O2 -Wall" EXTRA_CFLAGS="${guest_flags[*]:3}" &&
		cp "$OUT_ARCH/vmm/kvm_hc_test" "$OUT_ARCH/kvm_hc_test" ||
		die "cannot build the test VMM (tests/vmm, $GUEST_DIR)"
	# the operators' tool, which the test VMM runs too (scenario lib)
	rm -rf "$OUT_ARCH/kvm-hc"
	make -s -C "$ROOT/tools/kvm-hc" CC="$GUEST_CC" O="$OUT_ARCH/kvm-hc" LDFLAGS=-static \
		CFLAGS="-O2 -Wall" || die "cannot build the kvm-hc tool ($GUEST_CC)"
	# the example VMM to copy, and the 32-bit VMM of the compat check
	# (x86_64 only)
	rm -rf "$OUT_ARCH/examples" "$OUT_ARCH/kvm_hc_compat32"
	if [ "$GUEST_DIR" = x86 ]; then
		make -s -C "$ROOT/tools/examples" CC="$GUEST_CC" O="$OUT_ARCH/examples" \
			LDFLAGS=-static CFLAGS="-O2 -Wall" || die "cannot build tools/examples"
		i686-linux-gnu-gcc -static -O2 -Wall -o "$OUT_ARCH/kvm_hc_compat32" \
			"$ROOT/tests/vmm/x86/compat32.c" ||
			die "cannot build the 32-bit VMM tests/vmm/x86/compat32.c (gcc-i686-linux-gnu)"
	fi
fi
log "guest program built ($(since "$t") s)"

if [ "$BUSYBOX" = host ]; then
	busybox=$(command -v busybox || true)
	[ -n "$busybox" ] || die "busybox is missing (scripts/deps.sh installs busybox-static)"
	if ldd "$busybox" >/dev/null 2>&1; then
		die "$busybox is not static (install busybox-static)"
	fi
else
	# The guest's busybox-static, from the archive into the cache.
	t=$(now)
	bbdir=$("${KERNELS[@]}" package busybox-static) ||
		die "cannot fetch busybox-static for $arch"
	busybox=$bbdir/bin/busybox
	[ -x "$busybox" ] || die "no bin/busybox in $bbdir"
	log "busybox for $arch: ${bbdir##*/} ($(since "$t") s)"
fi

# matrix_summary CONSOLE: the stock-comparison checks of a run, counted.
matrix_summary()
{
	echo "stock results identical with kvm_hc loaded:" \
		"$(grep -ac '^PASS matrix-identical' <<<"$1") checks," \
		"$(grep -ac '^FAIL matrix-identical' <<<"$1") differences"
}

# What a kernel's run showed, in a few lines (HIGHLIGHTS: the hook, the
# discovery call, the stock comparison, unloading under load, ...), and
# every failure; with kvm_hc_demo=1 the guest's own plain-words account
# instead.
highlights()
{
	local tag=$1 con h n
	con=$(tr -d '\r' <"$2" | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g')
	if grep -aq '^kvm-hc-bench:' <<<"$con"; then
		sed -n '/^kvm-hc-bench:/,/^KVM_HC_BENCH/p' <<<"$con" | grep -av '^ROW\|^KVM_HC_BENCH' || true
		grep -a '^FAIL' <<<"$con" | head -n 20 || true
		return 0
	fi
	if [[ " $append " == *" kvm_hc_demo=1 "* ]]; then
		sed -n '/kvm_hc end-to-end demo/,/^KVM_HC_E2E/p' <<<"$con" | grep -av '^KVM_HC_E2E' || true
		return 0
	fi
	{
		for h in "${HIGHLIGHTS[@]}"; do
			case $h in
			:mode)
				grep -a -m1 -o '[A-Za-z ]*mode initialized successfully' <<<"$con" |
					sed 's/^ *//; s/^/kvm: /' || true
				;;
			:matrix)
				n=$(grep -ac '^[A-Z]* matrix-identical' <<<"$con" || true)
				[ "${n:-0}" = 0 ] || matrix_summary "$con"
				;;
			*)
				grep -a -m1 "${h%|*}" <<<"$con" || [ -z "${h##*|}" ] || echo "${h##*|}"
				;;
			esac
		done
		grep -a '^FAIL' <<<"$con" | head -n 20 || true
		# a failed fuzz check with the seed that replays it
		! grep -aq '^FAIL fuzz' <<<"$con" || grep -a -m1 '^INFO fuzz: seed' <<<"$con" || true
	} | sed "s/^/  [$tag] /"
}

# The mode KVM says it started in, from a console that shows the kernel's
# "... mode initialized successfully" line (vhe, nvhe, hvhe, protected);
# nothing if the console does not show it.
kvm_mode_seen()
{
	local l

	l=$(tr -d '\r' <"$1" | grep -a -m1 -o '[A-Za-z ]*mode initialized successfully' || true)
	case $l in
	'') ;;
	*Protected*) echo protected ;;
	*hVHE*) echo hvhe ;;
	*nVHE* | *"Hyp mode"*) echo nvhe ;;
	*VHE*) echo vhe ;;
	esac
}

# --- one kernel ---------------------------------------------------------------

passed=0
failed=0
# shellcheck disable=SC2206
make_args=(${KVM_HC_MAKEFLAGS:-})

# result SERIES MODE KERNEL RESULT PASSED FAILED LOG: the E2E line, counted.
result()
{
	local m=" mode=$2"

	[ "$2" != - ] || m=
	echo "E2E$RESULT_ARCH series=$1$m kernel=$3 result=$4 passed=$5 failed=$6 log=$7"
	if [ "$4" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# The KVM modes $series boots in (--first-mode-only).
modes_of_series()
{
	case " $first_mode_only " in
	*" $series "*) echo "${kvm_modes%% *}" ;;
	*) echo "$kvm_modes" ;;
	esac
}

# A kernel that cannot be tested fails in every mode.
fail_kernel()
{
	local m

	for m in $(modes_of_series); do
		result "$series" "$m" "$kver" FAIL 0 0 "$1"
	done
}

for series in $series_list; do
	d=$OUT_ARCH/$series
	tag=$TAG$series
	kver=none
	mkdir -p "$d"
	rm -f "$OUT_ARCH/$series.log"
	[ "$kvm_modes" = - ] || rm -f "$OUT_ARCH/$series"-*.log

	# Kernel, headers and modules.
	t=$(now)
	if [ -n "$ktree" ]; then
		# A kernel built here: its tree is its headers, its modules are
		# installed next to the initramfs.
		vars="KVER=$(cat "$ktree/include/config/kernel.release") VMLINUZ=$ktree/$KT_IMAGE"
		: >"$d/fetch.log"
	elif ! vars=$("${KERNELS[@]}" fetch "$series" 2>"$d/fetch.log"); then
		report_failure "cannot fetch a $tag kernel: $(grep -a '^kernels:' "$d/fetch.log" | tail -n 1)" "$d/fetch.log"
		fail_kernel "$d/fetch.log"
		continue
	fi
	KVER="" VMLINUZ=""
	eval "$vars"
	kver=$KVER
	grep -a '^kernels:' "$d/fetch.log" >&2 || true
	log "[$tag] kernel $KVER ready ($(since "$t") s)"

	# The module, built from a copy of the sources; or one built elsewhere
	# for this kernel (DKMS: tests/dkms.sh), booted as it is, without the
	# test modules (the pieces that need them are left out then).
	t=$(now)
	if [ -n "${KVM_HC_E2E_KO_DIR:-}" ]; then
		rm -rf "$d/src"
		mkdir -p "$d/src"
		: >"$d/build.log"
		if [ ! -f "$KVM_HC_E2E_KO_DIR/$KVER/kvm_hc.ko" ]; then
			report_failure "[$tag] no $KVM_HC_E2E_KO_DIR/$KVER/kvm_hc.ko" "$d/build.log"
			fail_kernel "$d/build.log"
			continue
		fi
		cp "$KVM_HC_E2E_KO_DIR/$KVER/kvm_hc.ko" "$d/src/kvm_hc.ko"
		log "[$tag] kvm_hc.ko from $KVM_HC_E2E_KO_DIR/$KVER (srcversion $(modinfo -F srcversion "$d/src/kvm_hc.ko"))"
	else
		copy_sources "$d/src"
		if [ -n "$ktree" ]; then
			build=(make -C "$ktree" "${KT_MAKE[@]}" M="$d/src" -j"${KVM_HC_JOBS:-2}")
			build_end=(modules)
		else
			build=("${KERNELS[@]}" build "$KVER" "$d/src")
			build_end=()
		fi
		if ! "${build[@]}" KVM_HC_TEST_MODULES=1 "${make_args[@]}" "${build_end[@]}" \
			>"$d/build.log" 2>&1 || [ ! -f "$d/src/kvm_hc.ko" ]; then
			report_failure "[$tag] kvm_hc.ko did not build" "$d/build.log"
			fail_kernel "$d/build.log"
			continue
		fi
		grep -a '^kernels:' "$d/build.log" >&2 || true
	fi
	vermagic=$(modinfo -F vermagic "$d/src/kvm_hc.ko")
	log "[$tag] kvm_hc.ko built ($(since "$t") s), vermagic: $vermagic"
	if [ "${vermagic%% *}" != "$KVER" ]; then
		report_failure "[$tag] kvm_hc.ko vermagic does not match $KVER" "$d/build.log"
		fail_kernel "$d/build.log"
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
	cp "$OUT_ARCH/kvm_hc_test" "$rd/bin/kvm_hc_test"
	[ ! -x "$OUT_ARCH/kvm-hc/kvm-hc" ] || cp "$OUT_ARCH/kvm-hc/kvm-hc" "$rd/bin/kvm-hc"
	[ ! -x "$OUT_ARCH/examples/forward-vmm" ] ||
		cp "$OUT_ARCH/examples/forward-vmm" "$rd/bin/forward-vmm"
	[ ! -x "$OUT_ARCH/kvm_hc_compat32" ] || cp "$OUT_ARCH/kvm_hc_compat32" "$rd/bin/"
	kmods=
	if [ -n "$ktree" ]; then
		rm -rf "$d/modroot"
		make -s -C "$ktree" "${KT_MAKE[@]}" INSTALL_MOD_PATH="$d/modroot" INSTALL_MOD_STRIP=1 \
			modules_install >"$d/modules.log" 2>&1 || true
		kmods=$d/modroot/lib/modules/$KVER
	fi
	if ! KVM_HC_KMODULES=$kmods "${KERNELS[@]}" kvm-modules "$KVER" "$rd/lib/kvm-hc" 2>>"$d/modules.log"; then
		report_failure "[$tag] cannot collect the KVM modules" "$d/modules.log"
		fail_kernel "$d/modules.log"
		continue
	fi
	cp "$d/src/kvm_hc.ko" "$rd/lib/kvm-hc/"
	if [ -n "${KVM_HC_E2E_PACK:-}" ] &&
		! ARCH=$arch KVER=$KVER VMLINUZ=$VMLINUZ BUSYBOX=$busybox "$KVM_HC_E2E_PACK" "$rd" "$d" >"$d/pack.log" 2>&1; then
		report_failure "[$tag] $KVM_HC_E2E_PACK failed" "$d/pack.log"
		fail_kernel "$d/pack.log"
		continue
	fi
	[ -z "${KVM_HC_E2E_PACK:-}" ] || grep -a '^pack:' "$d/pack.log" | sed "s/^/  [$tag] /" >&2 || true
	# The sample handler module, the test modules and the steps that use them.
	[ ! -f "$d/src/samples/kvm_hc_sample.ko" ] || cp "$d/src/samples/kvm_hc_sample.ko" "$rd/lib/kvm-hc/"
	cp "$ROOT/tests/vmm/steps.sh" "$rd/lib/kvm-hc/"
	for m in kvm_hc_namesake kvm_hc_rival; do
		[ ! -f "$d/src/tests/modules/$m.ko" ] || cp "$d/src/tests/modules/$m.ko" "$rd/lib/kvm-hc/"
	done
	pack_initramfs "$rd" "$d/initramfs.cpio.gz"
	log "[$tag] initramfs: $(tr '\n' ' ' <"$rd/lib/kvm-hc/load-order")kvm_hc.ko" \
		"($(du -k "$d/initramfs.cpio.gz" | cut -f1) KiB, $(since "$t") s)"

	# The boots: one, or one per KVM mode.
	for mode in $(modes_of_series); do
		if [ "$mode" = - ]; then
			console=$OUT_ARCH/$series.log
			btag=$tag
		else
			console=$OUT_ARCH/$series-$mode.log
			btag="$tag $mode"
		fi
		# Stock KVM may fail on its own under emulation before kvm_hc
		# is ever loaded (seen: Debian's arm64 7.3 warning in
		# kvm_vcpu_load_debug() now and then, its VMMs crashing
		# after): /init then stops at once, and the kernel
		# boots once more.  That boot decides; the first one's console
		# is kept as CONSOLE.stock-broken.
		for attempt in 1 2; do
			t=$(now)
			log "[$btag] booting $KVER (timeout $timeout s, console: $console)"
			rc=0
			boot "$series" "$VMLINUZ" "$d/initramfs.cpio.gz" "$console" "$mode" || rc=$?
			log "[$btag] boot ended after $(since "$t") s (qemu status $rc)"
			broken=$(tr -d '\r' <"$console" | grep -a -m1 '^KVM_HC_E2E_STOCK_BROKEN ' || true)
			[ -n "$broken" ] && [ $attempt = 1 ] || break
			log "[$btag] stock KVM reported a problem before kvm_hc was loaded:" \
				"${broken#KVM_HC_E2E_STOCK_BROKEN }; booting once more"
			cp "$console" "$console.stock-broken"
		done

		line=$(tr -d '\r' <"$console" | grep -a -o 'KVM_HC_E2E result=.*' | tail -n 1 || true)
		if [ -n "$line" ]; then
			res=$(sed -n 's/.*result=\([A-Z]*\).*/\1/p' <<<"$line")
			np=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$line")
			nf=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
			[ "$res" = PASS ] || res=FAIL
		else
			if [ "$rc" = 124 ]; then
				why="timeout after $timeout s"
			elif grep -aq 'Kernel panic' "$console"; then
				why="kernel panic"
			else
				why="qemu exited with status $rc"
			fi
			report_failure "[$btag] no KVM_HC_E2E line ($why)" "$console"
			res=FAIL
			np=$(tr -d '\r' <"$console" | grep -ac '^PASS' || true)
			nf=$(tr -d '\r' <"$console" | grep -ac '^FAIL' || true)
		fi
		# A mode the kernel did not start in was not tested.
		if [ "$mode" != - ]; then
			seen=$(kvm_mode_seen "$console")
			if [ -n "$seen" ] && [ "$seen" != "$mode" ]; then
				echo "e2e: [$btag] KVM started in $seen mode, not $mode"
				res=FAIL
			fi
		fi
		highlights "$btag" "$console"
		result "$series" "$mode" "$kver" "$res" "${np:-0}" "${nf:-0}" "$console"
	done
done

log "done in $(since "$t_all") s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
