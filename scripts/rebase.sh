#!/usr/bin/env bash
# make rebase: carry the target's series to the newest upload of its base
# package (or VERSION=...), the way tree.sh makes every base:
#  1. reads the suite's package lists and picks the newest upload; says
#     "up to date" and stops when the pin is already that;
#  2. downloads the source and config packages of that version (fetch.sh)
#     and unpacks the source as a new "base" (fixed identity, and the date
#     of the upload's changelog entry, so its hash is reproducible);
#  3. applies the series with git am -3, saying for each patch whether it
#     applied cleanly, with line offsets, or by a 3-way merge; a patch that
#     does not apply stops it, with the conflict, in build/TARGET/rebase/;
#  4. builds the test kernel and runs the target's KUnit modes on the new
#     tree; only if they pass, rewrites the pins of targets/TARGET.conf and
#     exports the series, and prints what to review and commit.
# The old tree is kept as build/TARGET/linux.pre-rebase until the next run.
#   VERSION=V     rebase on that upload instead of the newest
#   CONTINUE=1    after resolving a conflict in build/TARGET/rebase/linux
#                 (git am --continue until the series is applied): go on
#                 from step 4
. "$(dirname "$0")/common.sh"

S=$TOP/scripts
start=$SECONDS
[ "$(id -u)" -eq 0 ] || die "make rebase needs root (apt-get update, and the KUnit runs)"
work=$BUILD/rebase
new_tree=$work/linux
old=$BASE_PKG_VERSION

say "$TARGET: pinned $BASE_PKG $old (targets/$TARGET.conf)"
if [ "${CONTINUE:-0}" != 1 ]; then
	say "reading Debian's package lists (${BASE_SUITE:-the host suites})"
	target_apt_update
	served=$(served_versions "$BASE_PKG")
	[ -n "$served" ] || die "Debian serves no $BASE_PKG in ${BASE_SUITE:-the host suites}"
	new=${VERSION:-$(printf '%s\n' "$served" | sed -n 1p)}
	printf '%s\n' "$served" | grep -qxF "$new" ||
		die "Debian does not serve $BASE_PKG $new; it serves: $(printf '%s\n' "$served" | paste -sd' ')"
	if [ "$new" = "$old" ]; then
		say "$TARGET is up to date: $BASE_PKG $old is the newest upload${BASE_SUITE:+ in $BASE_SUITE}"
		exit 0
	fi
	served_versions "$BASE_CONFIG_PKG" | grep -qxF "$new" ||
		die "Debian serves $BASE_PKG $new but not $BASE_CONFIG_PKG $new (it has: $(served_versions "$BASE_CONFIG_PKG" | paste -sd' ')): make deb needs both"
	say "$BASE_PKG: $old -> $new"

	# Nothing of the current tree may be lost.
	if [ -d "$TREE/.git" ] && ! "$S/status.sh" >/dev/null; then
		"$S/status.sh" || true
		die "the tree has work patches/$TARGET/ lacks: 'make export TARGET=$TARGET' first"
	fi

	"$S/fetch.sh" --version "$new" "$BASE_PKG" "$BASE_CONFIG_PKG"
	pkgdir=$BUILD_ROOT/debs/${BASE_PKG}_$new
	# The base commit's date: the upload's own (its changelog entry).
	date=$(zcat "$pkgdir/usr/share/doc/$BASE_PKG/changelog.Debian.gz" |
		sed -n '0,/^ -- /s/^ -- .*>  //p')
	date=$(date -u -d "$date" +%Y-%m-%dT%H:%M:%S+0000) ||
		die "no date in $BASE_PKG $new's changelog.Debian.gz"
	kver=$(tar -xOJf "$pkgdir/$BASE_TARBALL" "$BASE_PKG/Makefile" |
		awk '$1 == "VERSION" { v = $3 } $1 == "PATCHLEVEL" { p = $3 }
		     $1 == "SUBLEVEL" { s = $3 } $1 == "EXTRAVERSION" { e = $3 }
		     END { printf "%s.%s.%s%s\n", v, p, s, e }')

	mkdir -p "$work"
	rm -rf "$work"/linux* "$BUILD/rebase-applied.txt"
	unpack_base "$pkgdir/$BASE_TARBALL" "$new" "$kver" "$date" "$new_tree"
	git -C "$new_tree" checkout -q -b series
	printf '%s\n' "$new" >"$work/version"
	printf '%s\n' "$kver" >"$work/kernelversion"
	printf '%s\n' "$date" >"$work/date"

	say "applying patches/$TARGET/ ($(series_list | wc -l) patches) with git am -3"
	n=0
	while read -r p; do
		n=$((n + 1))
		if out=$(git -C "$new_tree" apply --check -v "$PATCHES/$p" 2>&1); then
			offsets=$(printf '%s\n' "$out" | grep -c 'succeeded at .*offset' || true)
			if [ "$offsets" -gt 0 ]; then how="applied with offsets ($offsets hunks)"; else how="applied cleanly"; fi
		else
			how="applied by a 3-way merge"
		fi
		if ! TREE=$new_tree tgit am -q -3 --committer-date-is-author-date "$PATCHES/$p" >"$work/am.log" 2>&1; then
			printf '  %2d %-68s DOES NOT APPLY\n' "$n" "$p" | tee -a "$BUILD/rebase-applied.txt"
			cat "$work/am.log"
			echo "--- the conflict:"
			git -C "$new_tree" diff | head -80
			die "patch $n ($p) does not apply to $BASE_PKG $new. Resolve it in $new_tree (edit, git add, git am --continue; the rest of the series follows), then: make rebase TARGET=$TARGET CONTINUE=1"
		fi
		printf '  %2d %-68s %s\n' "$n" "$p" "$how" | tee -a "$BUILD/rebase-applied.txt"
	done < <(series_list)
fi

# Step 4 (CONTINUE=1 starts here): the series on the new base.
[ -d "$new_tree/.git" ] && [ -f "$work/version" ] || die "no rebase in progress ($new_tree)"
new=$(cat "$work/version") kver=$(cat "$work/kernelversion") date=$(cat "$work/date")
[ ! -d "$new_tree/.git/rebase-apply" ] || die "git am is still in progress in $new_tree: finish it (git am --continue)"
[ "$(git -C "$new_tree" rev-list --count base..series)" = "$(series_list | wc -l)" ] ||
	die "$new_tree has $(git -C "$new_tree" rev-list --count base..series) commits on base, the series $(series_list | wc -l)"

# What Debian changed in the files the series touches.
if [ -d "$TREE/.git" ]; then
	say "files the series touches that changed from $old to $new:"
	exec 3>&1 >"$BUILD/rebase-changed.txt"
	changed=0
	while read -r f; do
		a=$(git -C "$TREE" rev-parse -q --verify "base:$f" 2>/dev/null || echo none)
		b=$(git -C "$new_tree" rev-parse -q --verify "base:$f" 2>/dev/null || echo none)
		[ "$a" = "$b" ] && continue
		changed=$((changed + 1))
		lines=$(diff <(git -C "$TREE" show "base:$f" 2>/dev/null) <(git -C "$new_tree" show "base:$f" 2>/dev/null) | grep -c '^[<>]' || true)
		printf '  %-60s %s lines differ\n' "$f" "$lines"
	done < <(git -C "$new_tree" diff --name-only base series)
	[ "$changed" -gt 0 ] || echo "  none"
	git -C "$new_tree" fetch -q "$TREE" refs/tags/base:refs/old-base
	echo "the whole tree:$(git -C "$new_tree" diff --shortstat refs/old-base base)"
	git -C "$new_tree" update-ref -d refs/old-base
	exec 1>&3 3>&-
	cat "$BUILD/rebase-changed.txt"
fi

# The checks run on the new tree in the target's usual place; the old one
# goes back if they fail.
rm -rf "$BUILD/linux.pre-rebase"
[ ! -d "$TREE" ] || mv "$TREE" "$BUILD/linux.pre-rebase"
mv "$new_tree" "$TREE"
restore() {
	rm -rf "$work/linux.failed"
	mv "$TREE" "$work/linux.failed"
	[ ! -d "$BUILD/linux.pre-rebase" ] || mv "$BUILD/linux.pre-rebase" "$TREE"
	die "$1; nothing changed in the repo. The rebased tree is kept in $work/linux.failed"
}
rm -f "$OUT/results"
mkdir -p "$OUT"
say "building the test kernel on $new (kunit.py build)"
"$S/kunit.sh" config >/dev/null || restore "kunit.py config failed"
"$S/kunit.sh" build >"$OUT/kunit-build.txt" 2>&1 ||
	{ tail -30 "$OUT/kunit-build.txt"; restore "the test kernel does not build on $new"; }
for mode in $KUNIT_MODES; do
	say "KUnit on emulated VT-d, $mode mode"
	"$S/kunit.sh" exec "$mode"
	"$S/kunit-report.sh" "$mode" >"$OUT/rebase-kunit-$mode.txt" 2>&1 || true
	grep -E '^(FAIL|PASS) kunit\[[a-z-]+\]: kunit.py' "$OUT/rebase-kunit-$mode.txt" || true
done
passed=$(grep -c '^PASS ' "$OUT/results" || true)
failed=$(grep -c '^FAIL ' "$OUT/results" || true)
if [ "${failed:-0}" -ne 0 ] || [ "${passed:-0}" -eq 0 ]; then
	grep '^FAIL ' "$OUT/results" || true
	restore "KUnit on $new: $passed passed, $failed failed"
fi
say "KUnit on $new: $passed passed, 0 failed ($KUNIT_MODES)"

# Pins and patches.
conf=$TOP/targets/$TARGET.conf
commit=$(git -C "$TREE" rev-parse base)
sed -i -e "s|^BASE_PKG_VERSION=.*|BASE_PKG_VERSION=$new|" \
	-e "s|^BASE_KERNELVERSION=.*|BASE_KERNELVERSION=$kver|" \
	-e "s|^BASE_COMMIT_DATE=.*|BASE_COMMIT_DATE=$date|" \
	-e "s|^BASE_COMMIT=.*|BASE_COMMIT=$commit|" \
	-e "/^BASE_IMAGE_PKGS=/s|-$BASE_KERNELVERSION+|-$kver+|g" "$conf"
BASE_PKG_VERSION=$new "$S/export.sh"
rm -rf "$work"

msg=$BUILD/rebase-commit.txt
{
	echo "$TARGET: rebase on $BASE_PKG $new"
	echo
	echo "Debian published $BASE_PKG $new (Linux $kver); the series was on $old."
	echo "make rebase moved it there:"
	echo
	cat "$BUILD/rebase-applied.txt" 2>/dev/null || true
	echo
	echo "Files the series touches that Debian changed:"
	cat "$BUILD/rebase-changed.txt" 2>/dev/null || true
	echo
	echo "KUnit on the new base ($KUNIT_MODES): $passed passed, 0 failed."
} >"$msg"
say "done in $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s: $BASE_PKG $old -> $new"
echo "changed in the repo: targets/$TARGET.conf (pins), patches/$TARGET/ (re-exported)"
stale=$(git -C "$TOP" grep -l -F "$old" -- . ':!patches' ':!mutants' 2>/dev/null || true)
[ -z "$stale" ] || echo "files that still name $old (check whether they should say $new): $(printf '%s\n' "$stale" | paste -sd' ')"
echo "review: git -C $TOP diff --stat; commit it as one change: git -C $TOP commit -a -F $msg"
