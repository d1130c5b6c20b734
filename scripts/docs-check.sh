#!/usr/bin/env bash
# make check's documentation checks, on what the series touches:
#  - scripts/kernel-doc -none -Wall on every touched .c and .h file: no
#    warning that the file's base version does not have (line numbers
#    left out of the comparison);
#  - make htmldocs (Debian's Sphinx) of the Documentation/ directories
#    whose .rst files the series touches: no warning or error naming a
#    touched file. The base's own warnings name other files. (A touched
#    .txt, such as kernel-parameters.txt, is included literally: nothing
#    for Sphinx to warn about.)
# Sphinx is Debian's python3-sphinx: /usr/bin comes first in PATH.
. "$(dirname "$0")/common.sh"

require_series_branch
export PATH=/usr/bin:$PATH
d=$OUT/docs
rm -rf "$d"
mkdir -p "$d/base"
mapfile -t touched < <(git -C "$TREE" diff --name-only --diff-filter=d base series)
# Warnings without file and line: "Warning: F:L msg" (7.x), "F:L: warning: msg" (6.x).
norm() { sed -E -e 's/^(Warning|Error|warning|error): [^ ]+:[0-9]+:? /\1: /' -e 's/^[^ ]+:[0-9]+: //' | sort; }

new=() n=0
for f in "${touched[@]}"; do
	case $f in *.c|*.h) ;; *) continue ;; esac
	n=$((n + 1))
	"$TREE/scripts/kernel-doc" -none -Wall "$TREE/$f" 2>&1 | norm >"$d/series.txt" || true
	: >"$d/base.txt"
	if git -C "$TREE" cat-file -e "base:$f" 2>/dev/null; then
		mkdir -p "$d/base/$(dirname "$f")"
		git -C "$TREE" show "base:$f" >"$d/base/$f"
		"$TREE/scripts/kernel-doc" -none -Wall "$d/base/$f" 2>&1 | norm >"$d/base.txt" || true
	fi
	while IFS= read -r w; do new+=("$f: $w"); done < <(comm -13 "$d/base.txt" "$d/series.txt")
done
if [ ${#new[@]} -eq 0 ]; then
	result PASS "kernel-doc -none -Wall: nothing new on the $n touched source files"
else
	printf '  %s\n' "${new[@]}"
	result FAIL "kernel-doc -none -Wall" "${#new[@]} new warnings"
fi

mapfile -t dirs < <(printf '%s\n' "${touched[@]}" | sed -n 's|^Documentation/\(.*\)/[^/]*\.rst$|\1|p' | sort -u)
[ ${#dirs[@]} -gt 0 ] || exit 0
# From scratch: Sphinx does not see a kernel-doc source change.
rm -rf "$BUILD/docs"
if ! make -C "$TREE" O="$BUILD/docs" SPHINXDIRS="${dirs[*]}" htmldocs >"$d/htmldocs.log" 2>&1; then
	tail -5 "$d/htmldocs.log"
	result FAIL "make htmldocs SPHINXDIRS=\"${dirs[*]}\"" "failed, log: $d/htmldocs.log"
	exit 0
fi
pat=$(printf '%s\n' "${touched[@]}" | sed 's/[][\\.*^$+?(){}|]/\\&/g' | paste -sd'|')
bad=$(grep -E '(WARNING|ERROR|Warning|Error)' "$d/htmldocs.log" | grep -E "$pat" || true)
if [ -z "$bad" ]; then
	result PASS "make htmldocs SPHINXDIRS=\"${dirs[*]}\": no warning on a touched file" \
		"$(grep -c -E 'WARNING|ERROR' "$d/htmldocs.log" || true) in others"
else
	printf '%s\n' "$bad" | sed 's/^/  /'
	result FAIL "make htmldocs SPHINXDIRS=\"${dirs[*]}\"" "warnings on touched files"
fi
