#!/usr/bin/env bash
# Judge one KUnit run (kunit.sh exec MODE): every test case from kunit.py's
# JSON as a result (a skip fails: the workbench machine has the hardware),
# the guest log free of KASAN/lockdep/BUG reports, and the descriptors the
# tests counted in the kernel ("vtd-desc:" lines) equal to what QEMU traced.
#   kunit-report.sh MODE
. "$(dirname "$0")/common.sh"

mode=${1:?mode}
json=$OUT/kunit-$mode.json guest=$OUT/guest-$mode.log trace=$OUT/trace-$mode.log
rc=0
expected=$(awk -v m="$mode" '$1 == m { print $2 }' "$TOP/config/$TARGET/expected-tests")

# A boot the emulated machine lost (it died before any test ran, or on an
# int3 trap no kernel code set: kunit.sh): its own verdict, apart from
# the tests.
if [ -f "$OUT/kunit-$mode.flake" ]; then
	if [ "$(wc -l <"$OUT/kunit-$mode.flake")" = 1 ]; then
		echo "NOTE kunit[$mode]: the emulated machine lost its first boot; the second boot ran the tests ($(sed -n 1p "$OUT/kunit-$mode.flake"))"
	else
		result FAIL "kunit[$mode]: the emulated machine runs the tests (two boots lost)" "$(paste -sd';' "$OUT/kunit-$mode.flake")"
		exit 1
	fi
fi
if [ ! -s "$json" ]; then
	tail -30 "$OUT/kunit-$mode.txt" 2>/dev/null
	result FAIL "kunit[$mode]: kunit.py produced results"
	exit 1
fi
# kunit.py's own verdict covers crashes and missing results.
kunit_rc=$(cat "$OUT/kunit-$mode.rc" 2>/dev/null || echo missing)
if [ "$kunit_rc" = 0 ]; then
	result PASS "kunit[$mode]: kunit.py run succeeded"
else
	grep -m 5 -aE 'ERROR|crashed|CRASHED' "$OUT/kunit-$mode.txt" || true
	result FAIL "kunit[$mode]: kunit.py run succeeded" "exit $kunit_rc"
	rc=1
fi
expected_skip() {
	local m glob reason
	while read -r m glob reason; do
		[ "$m" = "$mode" ] || continue
		# shellcheck disable=SC2053
		[[ $1 == $glob ]] && { echo "$reason"; return 0; }
	done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/config/$TARGET/expected-skips")
	return 1
}

ncases=0
while read -r status name; do
	ncases=$((ncases + 1))
	case $status in
	PASS) result PASS "kunit[$mode]: $name" ;;
	SKIP) if why=$(expected_skip "$name"); then
		echo "SKIP kunit[$mode]: $name  (expected: $why)"
	      else
		result FAIL "kunit[$mode]: $name" "skipped"; rc=1
	      fi ;;
	*) result FAIL "kunit[$mode]: $name" "$status"; rc=1 ;;
	esac
done < <(python3 - "$json" <<'PY'
import json, sys
def walk(group, path):
    for case in group.get("test_cases", []):
        print(case["status"], ".".join(path + [case["name"]]))
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
walk(json.load(open(sys.argv[1])), [])
PY
)
if [ "$ncases" = "$expected" ]; then
	result PASS "kunit[$mode]: all $expected expected test cases reported"
else
	result FAIL "kunit[$mode]: all $expected expected test cases reported" "got $ncases (config/$TARGET/expected-tests)"
	rc=1
fi

if guest_log_reports "$guest"; then
	result FAIL "kunit[$mode]: guest log has no KASAN/lockdep/BUG report"
	rc=1
else
	result PASS "kunit[$mode]: guest log has no KASAN/lockdep/BUG report"
fi

# Kernel-side counts, summed per domain id, against QEMU's.
sums=$({ grep -aoE 'vtd-desc: iommu=[^ ]+ did=[0-9]+ iotlb=[0-9]+' "$guest" || true; } |
	awk '{ split($3, d, "="); split($4, n, "="); s[d[2]] += n[2] }
	     END { for (k in s) print k, s[k] }' | sort -n)
if [ -z "$sums" ] && [ -n "$(vtd_mode_glob "$mode")" ]; then
	echo "note: kunit[$mode] runs $(vtd_mode_glob "$mode") only: no cache-tag flush counts to compare"
elif [ -z "$sums" ] && [ "${KUNIT_DESC_COUNTS:-1}" = 0 ]; then
	echo "note: kunit[$mode]: this target's kernel prints no cache-tag flush counts to compare"
elif [ -z "$sums" ]; then
	result FAIL "kunit[$mode]: IOTLB descriptors, kernel count = QEMU trace" "no vtd-desc lines in the guest log"
	rc=1
else
	ok=1 detail=
	while read -r did kern; do
		qemu=$("$TOP/scripts/vtd-trace.sh" "$trace" --did "$did")
		detail+="did $did: kernel $kern, QEMU $qemu; "
		[ "$kern" = "$qemu" ] || ok=0
	done <<<"$sums"
	if [ $ok = 1 ]; then
		result PASS "kunit[$mode]: IOTLB descriptors, kernel count = QEMU trace" "${detail%; }"
	else
		result FAIL "kunit[$mode]: IOTLB descriptors, kernel count = QEMU trace" "${detail%; }"
		rc=1
	fi
fi
# Measurements bracketed by marker submissions: the kernel's counts of
# descriptors (waits excluded) and submissions against QEMU's, stretch by
# stretch (the n-th measurement lies between markers 2n-1 and 2n).
marks=$({ grep -aoE -m 1 'vtd-mark: iommu=[^ ]+ did=[0-9]+' "$guest" || true; } | sed 's/.*did=//')
# The measured case, where it ran in this mode, must have left its marks.
measured=$(python3 - "$json" "${KUNIT_MEASURE_CASE:-intel_iommu_sva_kva.sva_test_kva_vs_per_mm.M=1}" <<'PY'
import json, sys
want = sys.argv[2]
def walk(group, path):
    for case in group.get("test_cases", []):
        if ".".join(path + [case["name"]]) == want:
            print(case["status"])
    for sub in group.get("sub_groups", []):
        walk(sub, path + [sub["name"]])
walk(json.load(open(sys.argv[1])), [])
PY
)
if [ -z "$marks" ] && [ "${KUNIT_MEASURES:-0}" = 1 ] && [ "$measured" = PASS ]; then
	result FAIL "kunit[$mode]: SVA measurements present" "no vtd-mark lines in the guest log"
	rc=1
elif [ -n "$marks" ]; then
	mapfile -t qemu < <("$TOP/scripts/vtd-trace.sh" "$trace" --marks "$marks" | awk 'NR % 2 == 1')
	i=0
	while read -r label kd ks; do
		q=${qemu[$i]:-"? ?"}
		if [ "$q" = "$kd $ks" ]; then
			result PASS "kunit[$mode]: $label: kernel = QEMU trace" "$kd descriptors in $ks submissions"
		else
			result FAIL "kunit[$mode]: $label: kernel = QEMU trace" "kernel $kd/$ks, QEMU ${q/ //}"
			rc=1
		fi
		i=$((i + 1))
	done < <({ grep -aoE 'vtd-measure: path=[^ ]+ m=[0-9]+ descriptors=[0-9]+ submissions=[0-9]+' "$guest" || true; } |
		sed -E 's/vtd-measure: path=([^ ]+) m=([0-9]+) descriptors=([0-9]+) submissions=([0-9]+)/\1,M=\2 \3 \4/')
fi
exit $rc
