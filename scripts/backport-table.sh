#!/usr/bin/env bash
# The 6.12 backport's patch table, from the patches themselves: patch,
# subject, and what it is the 6.12 version of, as its message says
# ("backport of patch N/M" of the mainline series; "mainline's commit(s)"
# of v6.19, every hash named up to "v6.19"; or "[ 6.12 only"). Markdown,
# on stdout.
#   scripts/backport-table.sh           print it
#   scripts/backport-table.sh --check   README.md holds it, byte for byte
. "$(dirname "$0")/common.sh"

dir=$TOP/patches/debian-6.12
table() {
	echo "| 6.12 | subject | the 6.12 version of |"
	echo "| --- | --- | --- |"
	local f n=0 msg subj what
	[ "$(series_list | wc -l)" -gt 0 ] || die "no patches in $dir/series"
	for f in $(series_list); do
		f=$dir/$f n=$((n + 1))
		# The message, header lines unfolded, up to the diffstat.
		msg=$(awk '/^---$/ { exit } { print }' "$f" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n / /g')
		subj=$(printf '%s\n' "$msg" | sed -n 's/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p')
		msg=$(printf '%s\n' "$msg" | tr '\n' ' ' | tr -s ' ')
		if [[ $msg =~ backport\ of\ patch\ ([0-9]+)/([0-9]+) ]]; then
			what="mainline series, patch ${BASH_REMATCH[1]}"
		elif [[ $msg == *"[ 6.12 only"* ]]; then
			what="6.12 only"
		elif [[ $msg =~ mainline\'s\ commits?\ [0-9a-f]{12} ]]; then
			# Every commit named from there up to "v6.19".
			what=${msg#*"mainline's commit"}
			[[ $what == *v6.19* ]] ||
				die "${f##*/}: it names mainline's commits but not which release (v6.19)"
			what=${what%%v6.19*}
			what="v6.19 $(grep -oE '\b[0-9a-f]{12}\b' <<<"$what" | paste -sd, | sed 's/,/, /g')"
		else
			die "${f##*/}: its message names no mainline patch or commit and is not marked '[ 6.12 only'"
		fi
		echo "| $n | $subj | $what |"
	done
}

if [ "${1:-}" = --check ]; then
	# README's copy: from its header line to the first line that is not
	# part of the table.
	readme=$(awk '$0 == "| 6.12 | subject | the 6.12 version of |" { t = 1 }
		t && !/^\| / { exit } t' "$TOP/README.md")
	t=$(table) || exit 1
	if [ "$readme" = "$t" ]; then
		result PASS "README's 6.12 patch table is the patches'" "$(($(wc -l <<<"$readme") - 2)) rows"
	else
		{ diff <(printf '%s\n' "$t") <(printf '%s\n' "$readme") || true; } | head -20
		result FAIL "README's 6.12 patch table is the patches'" "regenerate it with scripts/backport-table.sh"
	fi
else
	table
fi
