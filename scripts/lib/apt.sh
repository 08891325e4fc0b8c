# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# apt.sh - kvm-hc's client of Debian's archive (sourced, not run; needs
# util.sh).  Two kinds of use:
#
# - Packages of any architecture and suite fetched into a private apt state
#   (its own sources list, lists and cache under a folder of the caller's),
#   so that the machine's apt configuration is never touched:
#     kh_apt_setup DIR ARCH SUITE...   use the state in DIR for Debian
#                                      architecture ARCH (and the host's)
#     kh_apt_update                    refresh its lists (bounded retries)
#     kh_apt_cache ARGS...             apt-cache on it
#     kh_apt_versions PACKAGE...       "PACKAGE VERSION SUITE" lines
#     kh_apt_download DIR PKG=VER...   download .debs into DIR; on failure
#                                      KH_APT_WHY says why in one line
# - Packages installed on this host with the machine's own apt:
#     kh_host_install PACKAGE...       apt-get install, with a fresh
#                                      apt-get update and bounded retries
#
# A download that fails for good (404, a hash or size mismatch: an index
# ahead of its pool, a mirror in sync) returns at once; one that fails for
# a while (no connection, a time-out, a 5xx answer) is tried again.
#
# env:
#   KVM_HC_APT_MAX_AGE      reuse package lists younger than this many
#                           seconds (default 3600; 0: refresh every run)
#   KVM_HC_MIRROR           archive URI for Debian's suites and
#   KVM_HC_SECURITY_MIRROR  for the -security suites (default: taken from
#                           the machine's apt sources)
#   KVM_HC_APT_TRUSTED=1    trust the archive without a signature (for a
#                           local test archive only)
#   KVM_HC_RETRIES          tries of a download or update (default 3)

KH_HOST_ARCH=${KH_HOST_ARCH:-amd64}
KH_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
KH_APT_RETRIES=${KVM_HC_RETRIES:-3}

# Print "URI SUITE" for every enabled binary source in the machine's apt
# configuration (one-line and deb822 formats).
kh_apt_sources()
{
	local f

	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			print $i, $(i + 1)
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u = 1; u <= nu; u++)
					for (s = 1; s <= ns; s++)
						print uris[u], suites[s]
			types = ""; enabled = ""; nu = 0; ns = 0
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			key = tolower($1); sub(/:$/, "", key)
			if (key == "types") { $1 = ""; types = $0 }
			else if (key == "enabled") enabled = tolower($2)
			else if (key == "uris") for (i = 2; i <= NF; i++) uris[++nu] = $i
			else if (key == "suites") for (i = 2; i <= NF; i++) suites[++ns] = $i
		}
		END { flush() }' "$f"
	done
}

# kh_apt_uri SUITE: the archive URI to fetch SUITE from.  The machine's own
# sources decide; only the suite differs.  A -security suite comes from the
# URI the machine uses for its -security suite, any other from the URI of
# its main suite.
kh_apt_uri()
{
	local suite=$1 uri

	case $suite in
	*-security) [ -n "${KVM_HC_SECURITY_MIRROR:-}" ] && { echo "$KVM_HC_SECURITY_MIRROR"; return; } ;;
	*) [ -n "${KVM_HC_MIRROR:-}" ] && { echo "$KVM_HC_MIRROR"; return; } ;;
	esac
	uri=$(kh_apt_sources | awk -v want="$suite" '
		function kind(s) { return s ~ /-security$/ ? "sec" : (s ~ /-/ ? "other" : "main") }
		$2 == want && !exact { exact = $1 }
		kind($2) == kind(want) && !same { same = $1 }
		kind(want) == "other" && kind($2) == "main" && !main { main = $1 }
		END { print exact ? exact : (same ? same : main) }')
	[ -n "$uri" ] || die "no apt source to take the URI for $suite from" \
		"(set KVM_HC_MIRROR / KVM_HC_SECURITY_MIRROR)"
	echo "${uri%/}"
}

# kh_apt_setup DIR ARCH SUITE...: make DIR the private apt state for
# packages of ARCH (and of this host's architecture) from SUITEs.  The
# package lists are refreshed by kh_apt_update when the sources change.
kh_apt_setup()
{
	local d=$1 arch=$2 s opts archs

	shift 2
	[ "${KH_APT_DIR:-}" = "$d" ] && return
	archs=$KH_HOST_ARCH
	[ "$arch" = "$KH_HOST_ARCH" ] || archs="$archs,$arch"
	opts="arch=$archs"
	if [ "${KVM_HC_APT_TRUSTED:-0}" = 1 ]; then
		opts="$opts trusted=yes"
	elif [ -f "$KH_KEYRING" ]; then
		opts="$opts signed-by=$KH_KEYRING"
	fi
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/prefs"
	# An empty dpkg status: what the host has installed does not matter here.
	[ -f "$d/status" ] || : >"$d/status"
	for s in $(printf '%s\n' "$@" | sort -u); do
		echo "deb [$opts] $(kh_apt_uri "$s") $s main"
	done >"$d/sources.list.new"
	if ! cmp -s "$d/sources.list.new" "$d/sources.list"; then
		mv "$d/sources.list.new" "$d/sources.list"
		rm -f "$d/updated"
	else
		rm -f "$d/sources.list.new"
	fi
	KH_APT_DIR=$d
	KH_APT_UPDATED=0
	KH_APT_OPTS=(
		-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/parts"
		-o "Dir::Etc::PreferencesParts=$d/prefs"
		-o "Dir::Etc::Preferences=$d/prefs/none"
		-o "Dir::State=$d"
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::State::status=$d/status"
		-o "Dir::Cache=$d/cache"
		-o "Dir::Cache::pkgcache=$d/cache/pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=$d/cache/srcpkgcache.bin"
		-o "Acquire::Languages=none"
		-o "Acquire::Retries=0"
		-o "APT::Sandbox::User=root"
		-o "Debug::NoLocking=1"
		-q
	)
	# The foreign architecture for this state only; dpkg's list of foreign
	# architectures stays as it is.
	if [ "$arch" != "$KH_HOST_ARCH" ]; then
		KH_APT_OPTS+=(
			-o "APT::Architecture=$KH_HOST_ARCH"
			-o "APT::Architectures::=$KH_HOST_ARCH"
			-o "APT::Architectures::=$arch"
		)
	fi
}

# kh_apt_failure: read apt's output on stdin, print why it failed in one
# line, and return 0 if that failure is for good (the file is not there or
# not what the index says: trying again will not help), 1 if it may pass.
kh_apt_failure()
{
	local out line file

	out=$(cat)
	line=$(grep -m1 -E '^E:' <<<"$out" || grep -m1 -E '^Err:' <<<"$out" ||
		grep -m1 -v '^ *$' <<<"$out" || true)
	file=$(grep -m1 -oE '[^/ ]+\.deb' <<<"$out" || true)
	# The URI's escapes (%2b for +, %7e for ~) back to the file's name.
	file=$(printf '%b' "${file//%/\\x}")
	case $out in
	*" 404 "* | *"404  Not Found"*) echo "404 Not Found${file:+ ($file)}"; return 0 ;;
	*"Hash Sum mismatch"*) echo "hash mismatch${file:+ ($file)}"; return 0 ;;
	*"unexpected size"*) echo "truncated or wrong size${file:+ ($file)}"; return 0 ;;
	*"Unable to locate package"* | *"Can't find a source"* | *"was not found"*)
		echo "${line#E: }"
		return 0
		;;
	esac
	# "E: Failed to fetch URI  503  Service Unavailable [IP: ...]"
	line=$(sed -E -e 's/^E: //' -e 's/^Failed to fetch [^ ]+ +//' -e 's/ *\[IP: [^]]*\]//' \
		-e 's/  +/ /g' <<<"$line")
	echo "$line${file:+ ($file)}"
	return 1
}

# Refresh the private package lists when they are older than
# KVM_HC_APT_MAX_AGE (so at most once per run).  An archive that cannot be
# reached is not fatal while older lists exist; nor are lists that some
# suites fail to give (an index the mirror does not serve as its Release
# file says): the packages of those suites are then not seen, and the log
# says which lists are missing.  Transient failures are tried again.
kh_apt_update()
{
	local d=$KH_APT_DIR

	[ "$KH_APT_UPDATED" = 1 ] && return
	(
		flock 9
		if [ -f "$d/updated" ] &&
			[ $(($(date +%s) - $(stat -c %Y "$d/updated"))) -lt "${KVM_HC_APT_MAX_AGE:-3600}" ]; then
			exit 0
		fi
		kh_apt_update_once()
		{
			apt-get "${KH_APT_OPTS[@]}" update --error-on=any >"$d/update.log" 2>&1 && return
			# Only some lists missing: go on without them.
			grep '^E:' "$d/update.log" | grep -qv -e '^E: Failed to fetch' \
				-e '^E: Some index files failed' || return 0
			return 1
		}
		if retry "$KH_APT_RETRIES" kh_apt_update_once; then
			if grep -q '^E: Failed to fetch' "$d/update.log"; then
				log "apt-get update: these lists could not be fetched, their suites are left out:" \
					"$(sed -n 's#^E: Failed to fetch [a-z]*:/*[^/]*/\([^ ]*\) .*#\1#p' "$d/update.log" | tr '\n' ' ')"
			fi
			touch "$d/updated"
		elif [ -f "$d/updated" ]; then
			log "apt-get update failed: $(kh_apt_failure <"$d/update.log"); using older lists"
		else
			cat "$d/update.log" >&2
			exit 1
		fi
	) 9>"$d.lock" || return 1
	KH_APT_UPDATED=1
}

kh_apt_cache()
{
	apt-cache "${KH_APT_OPTS[@]}" "$@"
}

# kh_apt_versions PACKAGE...: one line "PACKAGE VERSION SUITE" for every
# version of PACKAGEs the lists hold, in every suite that holds it.
kh_apt_versions()
{
	[ $# -gt 0 ] || return 0
	kh_apt_cache madison "$@" 2>/dev/null |
		awk -F' *[|] *' '{ split($3, s, " "); sub(/\/.*/, "", s[2]); print $1, $2, s[2] }'
}

# kh_pkg_field PACKAGE[=VERSION] FIELD: a field of that version of PACKAGE
# (without a version: apt's candidate).
kh_pkg_field()
{
	local v=--no-all-versions

	kh_apt_cache show $v "$1" 2>/dev/null |
		awk -v f="$2:" '$1 == f { sub(/^[^:]*: */, ""); print; exit }'
}

# kh_pkg_depends PACKAGE[=VERSION] REGEX: names of the dependencies of
# PACKAGE that match REGEX (alternatives and version constraints dropped).
kh_pkg_depends()
{
	kh_pkg_field "$1" Depends | tr ',|' '\n' |
		awk '{ print $1 }' | sed 's/:any$//' | grep -E "$2" || true
}

# kh_apt_download DIR PKG=VER...: download the packages into DIR (emptied
# first).  Returns 0 when all arrived whole; else 1, with KH_APT_WHY set
# to one line saying why.  Failures that may pass are tried again.
kh_apt_download()
{
	local dir=$1 out i=1 delay=${KVM_HC_RETRY_DELAY:-5}

	shift
	KH_APT_WHY=
	while :; do
		rm -rf "$dir"
		mkdir -p "$dir"
		if out=$(cd "$dir" && apt-get "${KH_APT_OPTS[@]}" download "$@" 2>&1 </dev/null); then
			return 0
		fi
		if KH_APT_WHY=$(kh_apt_failure <<<"$out"); then
			rm -rf "$dir"
			return 1
		fi
		if [ "$i" -ge "$KH_APT_RETRIES" ]; then
			KH_APT_WHY="$KH_APT_WHY (after $i tries)"
			rm -rf "$dir"
			return 1
		fi
		log "download failed: $KH_APT_WHY; again in $delay s"
		sleep "$delay"
		i=$((i + 1))
		delay=$((delay * 2))
	done
}

# One apt-get update and install of the packages (kh_host_install's); the
# reason of a failure in KH_APT_WHY.
kh_host_install_once()
{
	local out rc=0 opts=(-q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=2)

	apt-get "${opts[@]}" update >&2 || log "apt-get update failed; trying the lists there are"
	out=$(apt-get "${opts[@]}" install -y --no-install-recommends "$@" 2>&1) || rc=$?
	printf '%s\n' "$out" >&2
	[ "$rc" = 0 ] && return 0
	KH_APT_WHY=$(kh_apt_failure <<<"$out") || true
	log "installing $* failed: $KH_APT_WHY"
	return 1
}

# kh_host_install PACKAGE...: install PACKAGEs on this host with the
# machine's apt.  A failed install gets a fresh apt-get update and another
# try (bounded); in the end a failure names the packages and the suites
# apt would have taken them from.
kh_host_install()
{
	local where p

	export DEBIAN_FRONTEND=noninteractive
	retry "$KH_APT_RETRIES" kh_host_install_once "$@" && return 0
	where=$(for p in "$@"; do
		printf '%s (from %s) ' "$p" "$(apt-cache policy "$p" 2>/dev/null |
			awk '/^ +(\*\*\* )?[0-9]/ { getline; s = $3; sub(/\/.*/, "", s); print s; f = 1; exit }
				END { if (!f) print "no suite" }')"
	done)
	log "cannot install ${where% }: $KH_APT_WHY"
	return 1
}
