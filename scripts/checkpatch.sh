#!/usr/bin/env bash
# checkpatch.pl --strict on every patch of the series: no error, warning or
# check except the ones checks/$TARGET/checkpatch-allow lists with a reason.
# Signed-off-by is not checked: the sender adds it (project.conf).
. "$(dirname "$0")/common.sh"

CODESPELL_DICT=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
rc=0
while read -r p; do
	ignore=$(awk -v p="$p" '!/^#/ && NF >= 3 { if (p ~ glob2re($1)) print $2 }
		function glob2re(g) { gsub(/\./, "\\.", g); gsub(/\*/, ".*", g); return "^" g "$" }' \
		"$TOP/checks/$TARGET/checkpatch-allow" | paste -sd, -)
	# Debian's python3 first: checkpatch finds the codespell dictionary
	# and runs spdxcheck.py (ply) with it, whatever python3 PATH has.
	out=$(PATH=/usr/bin:$PATH "$TREE/scripts/checkpatch.pl" --strict \
		--no-signoff --show-types --codespell --codespellfile "$CODESPELL_DICT" \
		--color=never ${ignore:+--ignore "$ignore"} "$PATCHES/$p" 2>&1) || true
	if printf '%s\n' "$out" | grep -qE 'No codespell typos will be found|Traceback'; then
		printf '%s\n' "$out" | grep -E -A3 'No codespell|Traceback' | sed -n '1,8p'
		result FAIL "checkpatch $p" "checkpatch could not run codespell or spdxcheck"
		rc=1
		continue
	fi
	total=$(printf '%s\n' "$out" | grep -E '^total: ' || echo "total: ? (checkpatch did not finish)")
	if printf '%s\n' "$total" | grep -q '^total: 0 errors, 0 warnings, 0 checks'; then
		result PASS "checkpatch $p" "${ignore:+ignored $ignore}"
	else
		printf '%s\n' "$out" | grep -E '^(ERROR|WARNING|CHECK)|^#|^\+' | sed -n '1,40p'
		result FAIL "checkpatch $p" "$total"
		rc=1
	fi
done < <(series_list)
exit $rc
