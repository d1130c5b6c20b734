#!/usr/bin/env bash
# make holes: the tests of the holes the series fixes must fail on the
# unpatched base. Applies only the series' test patches the target names
# (HOLE_PATCHES, matched against subjects; the fixes are left out) to the
# pinned base, in a worktree of its own (build/holes/TARGET/linux), builds
# that kernel with the tests and the debugging options, runs the tests'
# suite on the emulated VT-d machine, and records a PASS for each case of
# HOLE_CASES that FAILS there (the hole is real on the base), with the
# failed assertions in the log, and a FAIL for each that passes or skips.
# The record is build/TARGET/out/holes/result.txt, which make send checks.
. "$(dirname "$0")/common.sh"

[ -n "${HOLE_PATCHES:-}" ] || die "TARGET=$TARGET names no HOLE_PATCHES (targets/$TARGET.conf)"
[ -d "$TREE/.git" ] || die "no tree at $TREE (make tree)"
require_series_branch
start=$SECONDS
hroot=$BUILD_ROOT/holes/$TARGET	# the same layout as $BUILD: ccache hits
wt=$hroot/linux
kb=$hroot/kunit
hout=$OUT/holes
rm -rf "$hout"
mkdir -p "$hout" "$hroot"
export CCACHE_BASEDIR=$hroot

say "base + the series' test patches only, in $wt"
git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$wt" base
picked=()
while IFS=$'\t' read -r c subject; do
	if printf '%s\n' "$subject" | grep -qE "$HOLE_PATCHES"; then
		if TREE=$wt tgit cherry-pick "$c" >"$hout/pick.log" 2>&1; then
			how="applied"
		else
			# A test hook (a KUnit static stub) sits in a function the
			# fixes or later patches also change: apply it with the
			# context the base still has.
			TREE=$wt tgit cherry-pick --abort || true
			git -C "$TREE" diff "$c^" "$c" | git -C "$wt" apply -C1 --index >>"$hout/pick.log" 2>&1 &&
				TREE=$wt tgit commit -q -C "$c" >>"$hout/pick.log" 2>&1 ||
				{ cat "$hout/pick.log"; die "the test patch \"$subject\" does not apply to the base without the fixes"; }
			how="applied with reduced context (git apply -C1)"
		fi
		picked+=("$subject")
		echo "  $how: $subject"
	fi
done < <(git -C "$TREE" log --reverse --format='%H%x09%s' base..series)
[ ${#picked[@]} -gt 0 ] || die "no patch of the series matches HOLE_PATCHES"
printf '%s\n' "${picked[@]}" >"$hout/patches.txt"

say "building the base with the tests (kunit.py)"
cfg=$hout/kunitconfig
printf '%s\n' $HOLE_KCONFIG >"$cfg"
kpy() {
	local wrap=
	[ "$1" = exec ] && wrap=tcg
	$wrap python3 "$wt/tools/testing/kunit/kunit.py" "$@" --build_dir="$kb" \
		--qemu_config="$wt/$QEMU_CONFIG" --kunitconfig="$cfg"
}
cd "$wt"
if ! kpy build --make_options="CC=ccache gcc" --jobs="$JOBS" >"$hout/build.txt" 2>&1; then
	tail -20 "$hout/build.txt"
	result FAIL "holes: the base builds with the hole tests"
	exit 1
fi
say "running ${HOLE_SUITE} on the base"
kpy exec --timeout=900 --json="$hout/kunit.json" "$HOLE_SUITE" >"$hout/kunit.txt" 2>&1 || true
cp "$kb/test.log" "$hout/guest.log" 2>/dev/null || : >"$hout/guest.log"

: >"$hout/result.txt"
for case in $HOLE_CASES; do
	st=$(python3 - "$hout/kunit.json" "$case" <<'PY'
import json, sys
want = sys.argv[2]
def walk(group, path):
    for case in group.get("test_cases", []):
        if ".".join(path + [case["name"]]) == want:
            print(case["status"])
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
try:
    walk(json.load(open(sys.argv[1])), [])
except (OSError, ValueError):
    pass
PY
)
	name=${case#*.}
	# What it asserted: the failure messages of that case in the guest log.
	why=$(python3 - "$hout/guest.log" "$name" <<'PY'
import re, sys
name, out, grab = sys.argv[2], [], False
for line in open(sys.argv[1], errors="replace"):
    text = re.sub(r"^\[ *[0-9.]+\] ?", "", line.rstrip()).strip()
    if text.startswith("# %s: " % name) and "FAILED" in text:
        grab = True
        continue
    if re.match(r"(not )?ok \d+ ", text):
        grab = False
        continue
    if grab and text and not text.startswith("#"):
        out.append("      " + text)
print("\n".join(out[:8]))
PY
)
	if [ "$st" = FAIL ]; then
		result PASS "holes: $case fails on $BASE_PKG $BASE_PKG_VERSION without the fixes"
		printf '%s\n' "$why"
		echo "PASS $case" >>"$hout/result.txt"
	else
		result FAIL "holes: $case fails on $BASE_PKG $BASE_PKG_VERSION without the fixes" "${st:-not run}"
		echo "FAIL $case ${st:-not run}" >>"$hout/result.txt"
	fi
done
{
	echo "series-code $(series_code_hash)"
	echo "took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
} >>"$hout/result.txt"
say "make holes took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
! grep -q '^FAIL ' "$hout/result.txt"
