#!/usr/bin/env bash
# checkpatch.pl --strict on every patch of the series: no error, warning or
# check except the ones checks/$TARGET/checkpatch-allow lists with a reason.
# Signed-off-by is not checked: the sender adds it (project.conf).
. "$(dirname "$0")/common.sh"

rc=0
while read -r p; do
	ignore=$(awk -v p="$p" '!/^#/ && NF >= 3 { if (p ~ glob2re($1)) print $2 }
		function glob2re(g) { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); return "^" g "$" }' \
		"$TOP/checks/$TARGET/checkpatch-allow" | paste -sd, -)
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-signoff --show-types \
		--codespell --color=never ${ignore:+--ignore "$ignore"} "$PATCHES/$p" 2>&1) || true
	total=$(printf '%s\n' "$out" | grep -E '^total: ' || echo "total: ? (checkpatch did not finish)")
	if printf '%s\n' "$total" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		result PASS "checkpatch $p" "${ignore:+ignored $ignore}"
	else
		printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK)|^#|^\+' | head -40
		result FAIL "checkpatch $p" "$total"
		rc=1
	fi
done < <(series_list)
exit $rc
