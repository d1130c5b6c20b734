#!/usr/bin/env bash
# Does the kernel tree (its commits and uncommitted changes) agree with the
# repo's exported series? Exit 1 when work would be lost.
. "$(dirname "$0")/common.sh"

[ -d "$TREE/.git" ] || { echo "no tree yet ($TREE): nothing to lose"; exit 0; }
require_series_branch

rc=0
dirty=$(git -C "$TREE" status --porcelain | head -20)
if [ -n "$dirty" ]; then
	echo "uncommitted changes in the tree:"
	printf '%s\n' "$dirty" | sed 's/^/  /'
	rc=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" --to "$tmp" >/dev/null
# *.txt beside the patches (the cover letter, changelogs) are not commits.
if ! diff -r -q -x '*.txt' "$tmp" "$PATCHES" >"$tmp.diff" 2>&1; then
	echo "the tree's commits differ from patches/$TARGET/:"
	sed -e "s|$tmp|tree|g" -e "s|$PATCHES|patches/$TARGET|g" -e 's/^/  /' "$tmp.diff"
	rc=1
fi
rm -f "$tmp.diff"
n=$(git -C "$TREE" rev-list --count base..HEAD)
[ $rc -eq 0 ] && echo "tree and patches/$TARGET/ agree ($n patches on base $BASE_PKG_VERSION)"
exit $rc
