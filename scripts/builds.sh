#!/usr/bin/env bash
# Build checks that walk the series in the tree:
#  - every patch builds on its own (full incremental build of the test
#    kernel at each commit, with the test kernel's .config);
#  - W=1 and sparse (C=2) report nothing new, against base, on the .c files
#    the series touches;
#  - 'make coccicheck MODE=report M=drivers/iommu' reports nothing new
#    against base.
# Needs build/kunit/.config (kunit.sh config). Leaves the tree at HEAD.
# BUILDS_FROM=N builds patches N.. alone only, for a rerun after a change
# to patch N (the patches before it and their commits unchanged).
. "$(dirname "$0")/common.sh"

[ -f "$KBUILD/.config" ] || die "no $KBUILD/.config (kunit.sh config)"
[ -z "$(git -C "$TREE" status --porcelain)" ] || die "the tree has uncommitted changes"
cfg=$BUILD/test-kernel.config
cp "$KBUILD/.config" "$cfg"
head=$(git -C "$TREE" symbolic-ref -q --short HEAD || git -C "$TREE" rev-parse HEAD)
trap 'git -C "$TREE" checkout -q "$head"' EXIT
log=$OUT/builds
rm -rf "$log" && mkdir -p "$log"
rc=0

use_config() { cp "$cfg" "$KBUILD/.config" && kmake olddefconfig >/dev/null; }

# W=1 + sparse on the touched .c files, as "path: message" without line
# numbers, so that base and HEAD compare by content.
touched=$(git -C "$TREE" diff --name-only --diff-filter=AM base "$head" -- '*.c')
extra_warnings() {
	local f objs=()
	for f in $touched; do
		[ -f "$TREE/$f" ] && objs+=("${f%.c}.o")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	kmake -k W=1 C=2 "${objs[@]}" >"$log/w1-$1.raw" 2>&1 || true
	if grep -q 'No rule to make target' "$log/w1-$1.raw"; then
		grep 'No rule to make target' "$log/w1-$1.raw"
		result FAIL "W=1 + sparse ($1): every touched file compiled"
		rc=1
	fi
	# Paths are absolute ($TREE/...); keep "path: message", sorted.
	{ grep -E ': (warning|error):' "$log/w1-$1.raw" || true; } |
		sed -E "s#^$TREE/##; s#^([^:]+):[0-9]+(:[0-9]+)?:#\\1:#" |
		awk -F: 'NR == FNR { touched[$0]; next } $1 in touched' \
			<(git -C "$TREE" diff --name-only base "$head") - |
		sort >"$log/w1-$1.txt"
}

cocci() {
	# In the source tree: with O= it looks for M= in the object tree.
	make -C "$TREE" coccicheck MODE=report M=drivers/iommu J="$JOBS" \
		>"$log/cocci-$1.raw" 2>&1 || {
		tail -5 "$log/cocci-$1.raw"
		result FAIL "coccicheck runs ($1)"
		rc=1
	}
	{ grep -E '^drivers/[^:]+:[0-9]+:' "$log/cocci-$1.raw" || true; } |
		sed -E 's/:[0-9]+:[0-9]+-[0-9]+:/:/; s/on line [0-9]+/on line N/' |
		sort >"$log/cocci-$1.txt"
}

new_lines() { comm -13 "$log/$1-base.txt" "$log/$1-head.txt"; }

say "base: W=1/sparse on touched files, coccicheck"
git -C "$TREE" checkout -q base
use_config
extra_warnings base
cocci base

n=0
for c in $(git -C "$TREE" rev-list --reverse base.."$head"); do
	n=$((n + 1))
	[ "$n" -ge "${BUILDS_FROM:-1}" ] || continue
	git -C "$TREE" checkout -q "$c"
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	say "building $n: $subj"
	use_config
	if kmake >"$log/build-$c.log" 2>&1; then
		result PASS "builds: $subj"
	else
		grep -m 20 -E 'error|Error' "$log/build-$c.log" || true
		result FAIL "builds: $subj"
		rc=1
	fi
done

say "HEAD: W=1/sparse on touched files, coccicheck"
extra_warnings head
cocci head
# The kernel drops C=2 when it finds sparse too old for it (7.3 needs
# __typeof_unqual__, which no Debian sparse release has): the result then
# names W=1 alone.
what="W=1 + sparse"
if grep -q 'specified, but .* is not available or not up to date' "$log/w1-head.raw" 2>/dev/null; then
	say "note: sparse did not run: $(sparse --version 2>/dev/null || echo none) is too old for this kernel (scripts/checker-valid.sh)"
	what="W=1 (sparse too old for this kernel)"
fi
if [ -s "$log/w1-head.txt" ] && [ -n "$(new_lines w1)" ]; then
	new_lines w1
	result FAIL "$what: nothing new on touched files"
	rc=1
else
	result PASS "$what: nothing new on touched files" "$(echo $touched | wc -w) files"
fi
if [ -n "$(new_lines cocci)" ]; then
	new_lines cocci
	result FAIL "coccicheck M=drivers/iommu: nothing new"
	rc=1
else
	result PASS "coccicheck M=drivers/iommu: nothing new" "$(wc -l <"$log/cocci-base.txt") reports on base, none added"
fi
exit $rc
