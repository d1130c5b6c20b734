#!/usr/bin/env bash
# make mutants: every deliberate defect in mutants/TARGET/*.patch must make
# the tests fail. Each one is applied to the series tree (which must be
# clean; it is reset to the series afterwards, also when interrupted), the
# test kernel is rebuilt incrementally and the KUnit runs the defect names
# are judged by kunit-report.sh: a failing verdict kills it.
# Header of a defect file (then a diff against the series, git apply -p1):
#   # defect: what it breaks
#   # modes: scalable per-mm      (KUnit runs to judge; default scalable)
# Report: build/TARGET/out/mutants/report.txt; exit 1 if one survived or
# could not be judged (did not apply or did not build).
#   mutants.sh [GLOB]   only the defects whose file name matches GLOB
. "$(dirname "$0")/common.sh"

dir=${MUTANTS_DIR:-$TOP/mutants/$TARGET}
ls "$dir"/*.patch >/dev/null 2>&1 || die "no defects in mutants/$TARGET/"
[ -d "$TREE/.git" ] || die "no tree at $TREE (make tree)"
require_series_branch
[ -z "$(git -C "$TREE" status --porcelain)" ] || die "uncommitted changes in $TREE: commit or export them first"

head=$(git -C "$TREE" rev-parse HEAD)
restore() { tgit reset -q --hard "$head"; }
trap restore EXIT

mdir=$OUT/mutants${MUTANTS_DIR:+-$(basename "$MUTANTS_DIR")}
rm -rf "$mdir"
mkdir -p "$mdir"
report=$mdir/report.txt
: >"$report"
killed=0 total=0 bad=0
# Compile every changed file: ccache was seen to return the object of the
# unmutated file for a defect that swapped two lines of the same length
# (mm/vmstat.c), so that the defect was never tested. Results are still
# stored, so the unmutated rebuild stays cheap.
export CCACHE_RECACHE=1
for f in "$dir"/${1:-*}.patch; do
	name=$(basename "$f" .patch)
	what=$(sed -n 's/^# defect: //p' "$f" | head -1)
	modes=$(sed -n 's/^# modes: //p' "$f" | head -1)
	total=$((total + 1))
	say "mutant $name: $what"
	restore
	if ! tgit apply "$f"; then
		echo "ERROR    $name: does not apply to the series" | tee -a "$report"
		bad=$((bad + 1))
		continue
	fi
	if ! "$TOP/scripts/kunit.sh" build >"$mdir/$name-build.txt" 2>&1; then
		echo "ERROR    $name: does not build ($mdir/$name-build.txt)" | tee -a "$report"
		bad=$((bad + 1))
		continue
	fi
	fails=
	for mode in ${modes:-scalable}; do
		"$TOP/scripts/kunit.sh" exec "$mode"
		"$TOP/scripts/kunit-report.sh" "$mode" >"$mdir/$name-$mode.txt" 2>&1 || true
		fails+=$(sed -n 's/^FAIL *//p' "$mdir/$name-$mode.txt" | sed 's/  (.*//' | paste -sd';' -)
		cp "$OUT/guest-$mode.log" "$mdir/$name-guest-$mode.log" 2>/dev/null || true
	done
	if [ -n "$fails" ]; then
		killed=$((killed + 1))
		echo "KILLED   $name: $what -- failed: $fails" | tee -a "$report"
	else
		echo "SURVIVED $name: $what" | tee -a "$report"
	fi
done
restore
echo "mutants: $killed/$total killed$([ "$bad" -gt 0 ] && echo ", $bad not judged")" | tee -a "$report"
say "rebuild the unmutated kernel with: make build TARGET=$TARGET"
[ "$killed" = "$total" ]
