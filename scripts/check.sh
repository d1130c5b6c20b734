#!/usr/bin/env bash
# The whole test suite (make check; .ci/run calls it). Every check adds a
# PASS or FAIL line; the last line is the summary "N passed, N failed".
# Without TARGET=, every target of CHECK_TARGETS (project.conf) in turn.
if [ -z "${TARGET:-}" ]; then
	. "$(dirname "$0")/common.sh"
	start=$SECONDS
	passed=0 failed=0
	for t in $CHECK_TARGETS; do
		say "make check TARGET=$t"
		r=$BUILD_ROOT/$t/out/results
		rm -f "$r"
		rc=0
		TARGET=$t "$TOP/scripts/check.sh" || rc=$?
		p=$(grep -c '^PASS ' "$r" 2>/dev/null || true)
		f=$(grep -c '^FAIL ' "$r" 2>/dev/null || true)
		p=${p:-0} f=${f:-0}
		# A run that died (set -e) without recording why still fails.
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL make check TARGET=$t  (exited $rc without a recorded failure)"
			f=1
		fi
		passed=$((passed + p)) failed=$((failed + f))
	done
	say "make check ($CHECK_TARGETS) took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
fi
. "$(dirname "$0")/common.sh"

S=$TOP/scripts
start=$SECONDS

# The summary of what was recorded; the last line make check prints.
summary() {
	local passed failed
	passed=$(grep -c '^PASS ' "$OUT/results" || true)
	failed=$(grep -c '^FAIL ' "$OUT/results" || true)
	say "make check TARGET=$TARGET took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
	grep '^FAIL ' "$OUT/results" || true
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# Run one step that records its own results; if it fails without having
# recorded a failure (it died), record that.
step() {
	local name=$1 before rc=0
	shift
	before=$(grep -c '^FAIL ' "$OUT/results" 2>/dev/null || true)
	"$@" || rc=$?
	if [ $rc -ne 0 ] && [ "$(grep -c '^FAIL ' "$OUT/results" 2>/dev/null || true)" = "${before:-0}" ]; then
		result FAIL "$name" "exited $rc without a result"
	fi
	return 0
}
rm -f "$OUT/results"
mkdir -p "$OUT"

"$S/deps.sh"
say "doctor: the tools every check calls"
if "$S/doctor.sh" >"$OUT/doctor.txt" 2>&1; then
	result PASS "doctor: every tool the workbench calls is present" "$(grep -c '^  ok' "$OUT/doctor.txt") tools"
	grep '^note:' "$OUT/doctor.txt" || true
else
	cat "$OUT/doctor.txt"
	result FAIL "doctor: every tool the workbench calls is present"
	summary || exit 1
fi
if ! "$S/tree.sh"; then
	result FAIL "the $TARGET series applies to its pinned base (tree.sh)"
	summary || exit 1
fi
say "series: $(series_list | wc -l) patches on $BASE_PKG $BASE_PKG_VERSION"

say "checkpatch --strict"
step checkpatch "$S/checkpatch.sh"

if [ "${README_TABLE:-0}" = 1 ]; then
	step backport-table "$S/backport-table.sh" --check
fi

if [ "${ARM64_CHECK:-0}" = 1 ]; then
	say "arm64 cross build (where SVA does not share kernel page tables)"
	if line=$("$S/arm64.sh"); then
		result PASS "arm64: the series builds, x86-only tests off" "$line"
	else
		printf '%s\n' "$line"
		result FAIL "arm64: the series builds, x86-only tests off"
	fi
fi

say "documentation: kernel-doc and htmldocs on what the series touches"
step docs "$S/docs-check.sh"

if [ "${SERIES_MAILED:-0}" = 1 ]; then
	say "make send, for real, to an SMTP server on 127.0.0.1; git am back"
	step send "$S/send-test.sh"
fi

say "configuring the test kernel (kunit.py config)"
if "$S/kunit.sh" config; then
	if [ "${CHECK_BUILDS:-1}" = 1 ]; then
		say "per-patch builds, W=1 + sparse, coccicheck"
		step builds "$S/builds.sh"
	else
		say "per-patch builds, W=1 + sparse, coccicheck: not in make check for $TARGET (make builds TARGET=$TARGET; see targets/$TARGET.conf)"
	fi
	say "building the test kernel (kunit.py build)"
	if "$S/kunit.sh" build >"$OUT/kunit-build.txt" 2>&1; then
		for mode in $KUNIT_MODES; do
			say "KUnit on emulated VT-d, $mode mode"
			"$S/kunit.sh" exec "$mode"
			step "kunit[$mode] report" "$S/kunit-report.sh" "$mode"
		done
		for mode in scalable legacy; do
			if "$S/boot-test.sh" "$mode"; then
				result PASS "boot test [$mode]: virtio-blk data intact behind the IOMMU"
			else
				tail -20 "$OUT/boot-$mode.log"
				result FAIL "boot test [$mode]: virtio-blk data intact behind the IOMMU"
			fi
		done
	else
		tail -30 "$OUT/kunit-build.txt"
		result FAIL "the test kernel builds (kunit.py build)"
	fi
else
	result FAIL "the test kernel configures (kunit.py config)"
fi

if [ -n "${HOLE_PATCHES:-}" ] && [ "${CHECK_HOLES:-1}" = 1 ]; then
	say "the hole tests on the unpatched base (make holes): each must fail there"
	step holes "$S/holes.sh"
fi

if [ -n "${HOLE_PATCHES:-}" ] && [ "${CHECK_HOLES:-1}" != 1 ]; then
	say "the hole tests on the unpatched base: not in make check for $TARGET (make holes TARGET=$TARGET; see targets/$TARGET.conf)"
fi

summary
