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

if [ ! -s "$json" ]; then
	tail -30 "$OUT/kunit-$mode.txt" 2>/dev/null
	result FAIL "kunit[$mode]: kunit.py produced results"
	exit 1
fi
expected_skip() {
	local m glob reason
	while read -r m glob reason; do
		[ "$m" = "$mode" ] || continue
		# shellcheck disable=SC2053
		[[ $1 == $glob ]] && { echo "$reason"; return 0; }
	done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/config/expected-skips")
	return 1
}

while read -r status name; do
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

if guest_log_reports "$guest"; then
	result FAIL "kunit[$mode]: guest log has no KASAN/lockdep/BUG report"
	rc=1
else
	result PASS "kunit[$mode]: guest log has no KASAN/lockdep/BUG report"
fi

# Kernel-side counts, summed per domain id, against QEMU's.
sums=$(grep -aoE 'vtd-desc: iommu=[^ ]+ did=[0-9]+ iotlb=[0-9]+' "$guest" |
	awk '{ split($3, d, "="); split($4, n, "="); s[d[2]] += n[2] }
	     END { for (k in s) print k, s[k] }' | sort -n)
if [ -n "$sums" ]; then
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
marks=$(grep -aoE 'vtd-mark: iommu=[^ ]+ did=[0-9]+' "$guest" | head -1 | sed 's/.*did=//')
if [ -n "$marks" ]; then
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
	done < <(grep -aoE 'vtd-measure: path=[^ ]+ m=[0-9]+ descriptors=[0-9]+ submissions=[0-9]+' "$guest" |
		sed -E 's/vtd-measure: path=([^ ]+) m=([0-9]+) descriptors=([0-9]+) submissions=([0-9]+)/\1,M=\2 \3 \4/')
fi
exit $rc
