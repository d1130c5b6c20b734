#!/usr/bin/env bash
# Build the target's kernel tree: the pinned Debian base as commit "base",
# then the target's series applied with git am.
#
#   tree.sh         create the tree if missing; otherwise check it agrees
#                   with the repo's series
#   tree.sh apply   reset the tree to base and apply the repo's series
#                   (refuses to drop unexported work unless FORCE=1)
. "$(dirname "$0")/common.sh"

check_installed_base() {
	local have
	if [ -z "$BASE_SUITE" ]; then
		have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
		[ -n "$have" ] || die "$BASE_PKG is not installed (run: make deps)"
		[ "$have" = "$BASE_PKG_VERSION" ] ||
			die "$BASE_PKG $have is installed, the $TARGET series expects $BASE_PKG_VERSION (targets/$TARGET.conf); install that version or rebase the series"
	fi
	[ -r "$BASE_TARBALL_FILE" ] || die "$BASE_TARBALL_FILE missing (run: make deps TARGET=$TARGET)"
}

make_base() {
	check_installed_base
	unpack_base "$BASE_TARBALL_FILE" "$BASE_PKG_VERSION" "$BASE_KERNELVERSION" \
		"$BASE_COMMIT_DATE" "$TREE"
	[ "$(git -C "$TREE" rev-parse base)" = "$BASE_COMMIT" ] ||
		die "base is $(git -C "$TREE" rev-parse base), targets/$TARGET.conf expects ${BASE_COMMIT:-(none set)}: the unpacked $BASE_PKG differs from the one the series was made on"
	git -C "$TREE" checkout -q -b series
	say "base is $(git -C "$TREE" rev-parse --short=12 base)"
}

apply_series() {
	local p n=0
	tgit checkout -q -B series base
	while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/$TARGET/series names $p, which is missing"
		if ! tgit am -q --committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			cat "$BUILD/am.log" >&2
			tgit am --abort || true
			die "patch $p does not apply to $BASE_PKG $BASE_PKG_VERSION (TARGET=$TARGET)"
		fi
		n=$((n + 1))
	done < <(series_list)
	say "applied $n patches on base"
}

# The layout before targets kept one tree in build/linux.
[ ! -d "$BUILD_ROOT/linux/.git" ] ||
	die "$BUILD_ROOT/linux is a tree of the old one-target layout: move it to $BUILD_ROOT/debian-6.12/linux (its work is the debian-6.12 series) or remove it"
mkdir -p "$BUILD"
case ${1:-} in
"")
	if [ ! -d "$TREE/.git" ]; then
		make_base
		apply_series
	elif ! "$TOP/scripts/status.sh" >/dev/null; then
		"$TOP/scripts/status.sh" || true
		die "the tree and patches/$TARGET/ disagree: 'make export' keeps the tree's work, 'make apply' takes the repo's series"
	fi
	;;
apply)
	[ -d "$TREE/.git" ] || make_base
	if [ "${FORCE:-0}" != 1 ] && ! "$TOP/scripts/status.sh"; then
		die "the tree has work patches/$TARGET/ lacks: 'make export' it, or FORCE=1 (the old branch is kept as series-backup)"
	fi
	git -C "$TREE" branch -f series-backup series 2>/dev/null || true
	apply_series
	;;
*) die "usage: tree.sh [apply]" ;;
esac
