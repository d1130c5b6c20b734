#!/usr/bin/env bash
# Export the tree's commits since "base" as the repo's patch series:
# git format-patch files plus a quilt-style series file. Output is stable:
# no churn when nothing changed.
#   export.sh [--to DIR]   (default: patches/)
. "$(dirname "$0")/common.sh"

dest=$PATCHES
[ "${1:-}" = --to ] && dest=$2
[ -d "$TREE/.git" ] || die "no tree at $TREE (make tree)"
require_series_branch

if [ "$dest" = "$PATCHES" ] && [ -n "$(git -C "$TREE" status --porcelain)" ]; then
	git -C "$TREE" status --short | head -20 >&2
	die "uncommitted changes in the tree would not be exported: commit them first"
fi

# Write to a fresh directory first: patches/ changes only if that worked.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fixed abbreviation for the blob names of the "index" lines: git's
# automatic length grows with the packed objects, so a freshly unpacked
# tree (all loose) and the same tree after a gc would export different
# files, and make status would see work to lose where there is none.
tgit -c core.abbrev=12 format-patch -q --zero-commit --no-signature \
	--no-numbered --no-renames -o "$tmp" base..HEAD
mkdir -p "$dest"
rm -f "$dest"/*.patch
cp "$tmp"/*.patch "$dest"/ 2>/dev/null || true
{
	echo "# Series against $BASE_PKG $BASE_PKG_VERSION, applied in this order."
	(cd "$dest" && ls -- *.patch 2>/dev/null || true)
} >"$dest/series"
[ "$dest" = "$PATCHES" ] && say "exported $(series_list | wc -l) patches to patches/$TARGET/"
exit 0
