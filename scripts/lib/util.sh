# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# util.sh - what every script of kvm-hc shares (sourced, not run): one way
# to log, to give up, and to retry a command that may fail for a while.
#
#   log MESSAGE...     "<tag>: MESSAGE" on stderr; the tag is $LOG_TAG, else
#                      the script's name without .sh
#   die MESSAGE...     log, then exit 1
#   retry N CMD...     run CMD up to N times, 5 s, 10 s, ... apart, while it
#                      fails with a status other than 100 (which means "do
#                      not try again"); its status is the last one's
#   joined SEP WORD... the WORDs with SEP between them
#
# env: KVM_HC_RETRY_DELAY  seconds before the first retry (default 5; the
#                          delay doubles each time)

log()
{
	local tag=${LOG_TAG:-${0##*/}}

	printf '%s: %s\n' "${tag%.sh}" "$*" >&2
}

die()
{
	log "$*"
	exit 1
}

retry()
{
	local n=$1 i=1 rc=0 delay=${KVM_HC_RETRY_DELAY:-5}

	shift
	while :; do
		"$@" && return 0
		rc=$?
		[ "$rc" = 100 ] && return "$rc"
		[ "$i" -ge "$n" ] && return "$rc"
		log "'$1' failed (status $rc, try $i of $n); again in $delay s"
		sleep "$delay"
		i=$((i + 1))
		delay=$((delay * 2))
	done
}

joined()
{
	local sep=$1 out='' w

	shift
	for w in "$@"; do
		out+=${out:+$sep}$w
	done
	printf '%s' "$out"
}
