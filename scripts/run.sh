#!/usr/bin/env bash
# make run: install what is missing, build the tree (base + series), build
# the patched kernel, boot it on the emulated VT-d machine (scalable mode)
# to run the series' KUnit suites, and print a short report.
. "$(dirname "$0")/common.sh"

S=$TOP/scripts
mode=${MODE:-scalable}
start=$SECONDS
"$S/deps.sh"
mkdir -p "$OUT"
"$S/doctor.sh" >"$OUT/doctor.txt" 2>&1 || { cat "$OUT/doctor.txt"; exit 1; }
"$S/tree.sh"
mkdir -p "$OUT"
say "building the patched kernel (kunit.py build; ~5 min cold, seconds with ccache)"
"$S/kunit.sh" build >"$OUT/kunit-build.txt" 2>&1 || { tail -30 "$OUT/kunit-build.txt"; die "build failed"; }
say "booting it on q35 + intel-iommu ($mode mode) and running KUnit"
"$S/kunit.sh" exec "$mode"

guest=$OUT/guest-$mode.log
echo
echo "== Base"
echo "  $BASE_PKG $BASE_PKG_VERSION (Linux $BASE_KERNELVERSION), tree $TREE, base $(git -C "$TREE" rev-parse --short=12 base)"
echo "== Series ($(git -C "$TREE" rev-list --count base..HEAD) patches)"
git -C "$TREE" log --reverse --format='  %h %s' base..HEAD
echo "== What the guest says about the IOMMU"
{ grep -aE 'DMAR: (Intel|dmar[0-9]|Host address|IOMMU enabled)|iommu: Default domain|DMAR-IR|scalable' "$guest" || true; } |
	sed -E 's/^\[ *[0-9.]+\] //; s/^/  /' | sed -n '1,12p'
echo "== KUnit"
{ grep -aE '^\[[0-9:]+\] (Testing complete|=+ \[|\[(PASSED|FAILED|SKIPPED)\])' "$OUT/kunit-$mode.txt" || true; } |
	sed -E 's/^\[[0-9:]+\] /  /'
echo "== Invalidation descriptors the emulated VT-d processed (QEMU trace, whole boot)"
"$S/vtd-trace.sh" "$OUT/trace-$mode.log"
echo "== The tests' own counts (kernel, read back from the invalidation queue) beside QEMU's"
{ grep -aoE 'vtd-desc: iommu=[^ ]+ did=[0-9]+ iotlb=[0-9]+ devices=[0-9]+' "$guest" || true; } |
	awk '{ split($3, d, "="); split($4, n, "="); s[d[2]] += n[2]; c[d[2]]++ }
	     END { for (k in s) print k, c[k], s[k] }' | sort -n |
while read -r did flushes kern; do
	echo "  domain id $did: $flushes flushes, $kern IOTLB descriptors counted by the kernel, $("$S/vtd-trace.sh" "$OUT/trace-$mode.log" --did "$did") traced by QEMU"
done
marks=$({ grep -aoE -m 1 'vtd-mark: iommu=[^ ]+ did=[0-9]+' "$guest" || true; } | sed 's/.*did=//')
if [ -n "$marks" ]; then
	echo "== SVA kernel-address invalidation, M SVA domains on one IOMMU (descriptors excluding waits / submissions)"
	mapfile -t qemu < <("$S/vtd-trace.sh" "$OUT/trace-$mode.log" --marks "$marks" | awk 'NR % 2 == 1')
	i=0
	{ grep -aoE 'vtd-measure: path=[^ ]+ m=[0-9]+ descriptors=[0-9]+ submissions=[0-9]+' "$guest" || true; } |
	while read -r _ path m d s; do
		printf '  %-14s %-6s kernel %s/%s, QEMU %s\n' "${path#path=}" "M=${m#m=}" \
			"${d#descriptors=}" "${s#submissions=}" "${qemu[$i]/ //}"
		i=$((i + 1))
	done
fi
echo "== Coalescing (KUnit burst tests)"
{ grep -aoE '(kva|kpt)-burst: .*' "$guest" || true; } | sed 's/^/  /'
echo "== Files: $OUT (kunit-$mode.txt, guest-$mode.log, trace-$mode.log)"
say "make run took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"
echo "== Verdict"
verdict=0
"$S/kunit-report.sh" "$mode" >"$OUT/verdict-$mode.txt" || verdict=$?
grep -v '^PASS' "$OUT/verdict-$mode.txt" || echo "  all checks of this run passed"
exit $verdict
