# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# steps.sh - end-to-end steps every architecture's /init runs the same way
# (sourced by /init from /lib/kvm-hc/; they use its pass, fail, t, tally,
# check_rc, hc_insmod, hc_rmmod, $KO, $M, $T, $TIMEOUT, $EXPLAIN and
# $CYCLES).
#
# sample_step: with kvm_hc loaded, samples/kvm_hc_sample.c serves its number
# to a VM whose policy sends that number to the kernel; the guest then calls
# it in a loop while the sample is unloaded and loaded again $CYCLES times:
# every answer must be the sample's or stock KVM's, and the guest must never
# stop.  Once the sample is gone the VM gets stock KVM's answer only.
#
# failed_load_step: kvm_hc's load fails after its hooks went live
# (tests/modules/kvm_hc_namesake.c holds the misc device name kvm_hc needs),
# again and again, with open_discovery=1 while a guest calls the discovery
# number in a loop: every load must fail ("File exists", or "Device or
# resource busy" where misc_register() checks names itself) and leave
# nothing loaded, every answer must be kvm_hc's or stock KVM's; /init's
# kernel-log check then finds no fault from code freed under a vCPU.

#
# armed_step: loaded with no VM attached, kvm_hc's hook is not placed (the
# hooked function is not in ftrace's enabled_functions); open_discovery=1
# places it, 0 removes it.  With --rival, a test module
# (tests/modules/kvm_hc_rival.c) first claims the function with ftrace's
# IPMODIFY, as a livepatch would: open_discovery=1 must then fail with
# EBUSY, leave the parameter 0 and say why in the kernel log, and work once
# the rival is gone.

SAMPLE=$M/kvm_hc_sample.ko

# hook_placed FUNC...: whether ftrace calls a callback on the first FUNC
# (any ops); hook_any FUNC...: on any of them.  /sys/module/kvm_hc/hook
# names one function, or two on powerpc (PAPR, then ePAPR where hooked).
hook_placed() {
	grep -q "^$1[[:space:]]" /sys/kernel/tracing/enabled_functions 2>/dev/null
}

# hc_callbacks_left: prints each ftrace callback of kvm_hc still placed (a
# line of enabled_functions naming kvm_hc); true if there is one.
hc_callbacks_left() {
	grep kvm_hc /sys/kernel/tracing/enabled_functions
}

hook_any() {
	local f
	for f in "$@"; do
		hook_placed $f && return 0
	done
	return 1
}

# armed_step TAG [--rival]
armed_step() {
	local hook out param=/sys/module/kvm_hc/parameters/open_discovery from
	if [ ! -r /sys/kernel/tracing/enabled_functions ]; then
		fail "armed ($1): /sys/kernel/tracing/enabled_functions is not readable"
		return
	fi
	if ! hc_insmod "$1"; then
		fail "armed ($1): skipped, kvm_hc could not be loaded"
		return
	fi
	hook=$(cat /sys/module/kvm_hc/hook)
	if hook_any $hook; then
		fail "armed.idle ($1): $hook is hooked with no VM attached"
	else
		pass "armed.idle ($1): $hook not hooked while nobody uses kvm_hc"
	fi
	if [ "$2" = --rival ]; then
		if ! out=$(insmod $M/kvm_hc_rival.ko func=${hook%% *} 2>&1); then
			fail "armed.rival ($1): cannot load the rival: $out"
		else
			from=$(($(dmesg | wc -l) + 1))
			if out=$( (echo 1 > $param) 2>&1); then
				fail "armed.rival ($1): open_discovery=1 armed the hook under a rival"
			else
				case $out in
				*"busy"*) pass "armed.rival ($1): open_discovery=1 refused: ${out##*: }" ;;
				*) fail "armed.rival ($1): want Device or resource busy, got: $out" ;;
				esac
			fi
			if [ "$(cat $param)" = N ]; then
				pass "armed.rival.param ($1): open_discovery still N"
			else
				fail "armed.rival.param ($1): open_discovery is $(cat $param)"
			fi
			if dmesg | tail -n +$from | grep -q "kvm_hc: cannot hook"; then
				pass "armed.rival.log ($1): the kernel log says why"
			else
				fail "armed.rival.log ($1): no 'cannot hook' line in the kernel log"
			fi
			rmmod kvm_hc_rival 2>/dev/null || fail "armed.rival ($1): rmmod kvm_hc_rival failed"
		fi
	fi
	if (echo 1 > $param) 2>/dev/null && hook_placed $hook; then
		pass "armed.discovery ($1): open_discovery=1 hooks $hook"
	else
		fail "armed.discovery ($1): open_discovery=1 did not hook $hook"
	fi
	echo 0 > $param
	if hook_any $hook; then
		fail "armed.idle-again ($1): $hook still hooked after open_discovery=0"
	else
		pass "armed.idle-again ($1): $hook unhooked again"
	fi
	hc_rmmod "$1"
}

# load_join NAME PID: wait for kvm_hc_test NAME in the background, count
# what it printed to $T/NAME.out
load_join() {
	local rc
	wait $2
	rc=$?
	tally $T/$1.out
	check_rc $1 $rc
}

# sample_rmmod TAG: rmmod kvm_hc_sample, again while a call holds it
sample_rmmod() {
	local i=0 out
	while ! out=$(rmmod kvm_hc_sample 2>&1); do
		i=$((i + 1))
		if [ $i -ge 50 ]; then
			fail "rmmod-sample ($1): ${out:-rmmod failed}"
			return 1
		fi
		sleep 0.1
	done
	pass "rmmod-sample ($1)"
}

# sample_step TAG
sample_step() {
	local out i load
	if [ ! -f $SAMPLE ]; then
		fail "sample ($1): $SAMPLE is missing"
		return
	fi
	if ! hc_insmod "$1"; then
		fail "sample ($1): skipped, kvm_hc could not be loaded"
		return
	fi
	if out=$(insmod $SAMPLE 2>&1); then
		pass "insmod-sample ($1)"
		t sample-present sample --expect present --seconds 2
		# as long as the cycles take, and a little more
		$TIMEOUT kvm_hc_test $EXPLAIN sample --expect both --seconds $((CYCLES * 2 + 2)) \
			> $T/sample-load.out 2>&1 &
		load=$!
		i=1
		while [ $i -le $CYCLES ]; do
			sleep 1
			sample_rmmod "$1, cycle $i"
			sleep 1
			if out=$(insmod $SAMPLE 2>&1); then
				pass "insmod-sample ($1, cycle $i)"
			else
				fail "insmod-sample ($1, cycle $i): ${out:-insmod failed}"
			fi
			i=$((i + 1))
		done
		load_join sample-load $load
		sample_rmmod "$1"
		t sample-absent sample --expect absent --seconds 2
	else
		fail "insmod-sample ($1): ${out:-insmod failed}"
	fi
	hc_rmmod "$1"
}

# failed_load_step TAG
# Where misc_register() does not check names itself, each failed load makes
# the kernel report the duplicate sysfs name /devices/virtual/misc/kvm_hc
# with a stack trace.  The step checks its own
# part of the kernel log (no fault, and no stack trace but those reports)
# and sets DMESG_EXCUSED_FROM/TO, the lines /init's kernel-log check skips.
failed_load_step() {
	local namesake=$M/kvm_hc_namesake.ko out i load from n dups bad
	if [ ! -f $namesake ]; then
		fail "failed-load ($1): $namesake is missing"
		return
	fi
	if [ -d /sys/module/kvm_hc ] || ! out=$(insmod $namesake 2>&1); then
		fail "failed-load ($1): cannot set up: ${out:-kvm_hc is loaded}"
		return
	fi
	from=$(($(dmesg | wc -l) + 1))
	$TIMEOUT kvm_hc_test $EXPLAIN load --seconds $((CYCLES * 2)) > $T/failed-load.out 2>&1 &
	load=$!
	i=1
	while [ $i -le $((CYCLES * 2)) ]; do
		if out=$(insmod $KO open_discovery=1 2>&1); then
			fail "failed-load ($1, cycle $i): kvm_hc loaded although its device name is taken"
			hc_rmmod "$1, cycle $i"
		elif [ -d /sys/module/kvm_hc ]; then
			fail "failed-load ($1, cycle $i): kvm_hc is left loaded ($out)"
		else
			# misc_register() says EEXIST, from 7.x on EBUSY, for a taken name
			case $out in
			*"File exists"* | *"Device or resource busy"*)
				pass "failed-load ($1, cycle $i): insmod failed: ${out##*: }" ;;
			*) fail "failed-load ($1, cycle $i): want File exists or busy, got: $out" ;;
			esac
		fi
		sleep 0.5
		i=$((i + 1))
	done
	load_join failed-load $load
	n=$((i - 1))
	dmesg | tail -n +$from > $T/dmesg.failed-load
	DMESG_EXCUSED_FROM=$from
	DMESG_EXCUSED_TO=$((from + $(wc -l < $T/dmesg.failed-load) - 1))
	dups=$(grep -c "cannot create duplicate filename '/devices/virtual/misc/kvm_hc'" $T/dmesg.failed-load)
	bad=$(grep -cE 'BUG:|WARNING:|Oops|general protection|Unable to handle|Internal error' $T/dmesg.failed-load)
	if [ "$bad" = 0 ] && [ "$(grep -cE 'Call [Tt]race' $T/dmesg.failed-load)" -le "$dups" ]; then
		pass "failed-load.dmesg ($1): $dups duplicate-name report lines for $n loads, no fault"
	else
		grep -E -A 30 'BUG:|WARNING:|Oops|general protection|Unable to handle|Internal error' \
			$T/dmesg.failed-load | head -n 120 | sed 's/^/INFO dmesg: /'
		fail "failed-load.dmesg ($1): $bad fault lines, $dups duplicate-name reports for $n loads"
	fi
	if out=$(rmmod kvm_hc_namesake 2>&1); then
		pass "rmmod-namesake ($1)"
	else
		fail "rmmod-namesake ($1): $out"
	fi
}
