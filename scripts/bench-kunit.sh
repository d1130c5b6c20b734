#!/usr/bin/env bash
# make bench for targets with BENCH=kunit (mainline): the series' path and
# mainline's on the same kernel, in QEMU with -icount (time counted in
# guest instructions, so runs repeat):
#  - the VT-d suite's slow case (intel_iommu_sva_kva.sva_kva_bench): M SVA
#    domains on one emulated IOMMU, M = 1, 16, 256, 1024; descriptors and
#    submissions of one invalidation (kernel count, checked against QEMU's
#    trace by kunit-report.sh), its time, and at M = 256 how long a bind
#    waits while one runs;
#  - the deferred-free churn case (kernel_pgtable_free.kpt_batched): 1,000
#    kernel page-table frees, invalidations and most pages pending; then
#    again with bench/mainline/mainline-free-path.patch (mainline's one
#    work run per free) applied in place and reverted.
# Writes build/TARGET/out/bench/{table.txt,bench.dat,bench.png}; the
# table ends with the series-code line that make send checks.
#   bench-kunit.sh [--report]   (--report: redo table and plot only)
. "$(dirname "$0")/common.sh"

out=$OUT/bench
mkdir -p "$out"
require_series_branch
[ -z "$(git -C "$TREE" status --porcelain)" ] || die "uncommitted changes in $TREE: commit or export them first"
"$TOP/scripts/deps.sh" bench
icount="-icount shift=4,sleep=off"

run() {	# $1 label, $2 glob: one KUnit run in 'bench' mode, logs kept as $1
	say "KUnit $2 (QEMU $icount)"
	KUNIT_TIMEOUT=3600 KUNIT_FILTER= KUNIT_GLOB=$2 QEMU_EXTRA=$icount "$TOP/scripts/kunit.sh" exec bench
	for f in kunit-bench.txt guest-bench.log trace-bench.log; do
		cp "$OUT/$f" "$out/$1-$f"
	done
}

# --report: only the table and the plot, from the logs of the last run.
if [ "${1:-}" != --report ]; then
"$TOP/scripts/kunit.sh" build >"$out/build.txt" 2>&1 || { tail -20 "$out/build.txt"; die "build failed"; }
series_code_hash >"$out/series-code"
run sva 'intel_iommu_sva_kva.sva_kva_bench'
# The case's own checks and its measured stretches against QEMU's trace.
# The whole-run IOTLB sum is left out: the bind-latency passes run in a
# kthread and are not logged one by one.
"$TOP/scripts/kunit-report.sh" bench >"$out/sva-verdict.txt" || true
if grep '^FAIL' "$out/sva-verdict.txt" | grep -qv 'IOTLB descriptors, kernel count = QEMU trace'; then
	cat "$out/sva-verdict.txt"
	die "the SVA benchmark failed its checks"
fi
run churn-series 'kernel_pgtable_free.kpt_batched'

head=$(git -C "$TREE" rev-parse HEAD)
trap 'tgit reset -q --hard "$head"' EXIT
tgit apply "$TOP/bench/mainline/mainline-free-path.patch"
"$TOP/scripts/kunit.sh" build >"$out/build-mainline-free.txt" 2>&1 || die "build with mainline's free path failed"
# Its batching bound fails there, by design: only its counts are read.
run churn-mainline 'kernel_pgtable_free.kpt_batched'
tgit reset -q --hard "$head"
trap - EXIT
"$TOP/scripts/kunit.sh" build >"$out/build.txt" 2>&1 || die "rebuild of the series failed"
fi

# The table: one line per M and path.
g=$out/sva-guest-bench.log
awk '
	match($0, /vtd-measure: path=[^ ]+ m=[0-9]+ descriptors=[0-9]+ submissions=[0-9]+/) {
		split(substr($0, RSTART, RLENGTH), f, /[ =]/)
		d[f[5], f[3]] = f[7]; s[f[5], f[3]] = f[9]; ms[f[5]] = 1
	}
	match($0, /sva-bench: m=[0-9]+ ns_ours=[0-9]+ ns_mainline=[0-9]+/) {
		split(substr($0, RSTART, RLENGTH), f, /[ =]/)
		to[f[3]] = f[5]; tm[f[3]] = f[7]
	}
	END {
		printf "%6s | %-32s | %-32s | %s\n", "M", "mainline: desc / subm / time us", "series: desc / subm / time us", "time mainline/series"
		n = 0
		for (m in ms) k[++n] = m + 0
		for (i = 2; i <= n; i++)	# insertion sort: mawk has no asort
			for (j = i; j > 1 && k[j - 1] > k[j]; j--) { t = k[j]; k[j] = k[j - 1]; k[j - 1] = t }
		for (i = 1; i <= n; i++) {
			m = k[i]
			printf "%6d | %6d / %6d / %10.1f      | %6d / %6d / %10.1f      | %.1fx\n", m,
				d[m, "mainline"], s[m, "mainline"], tm[m] / 1000,
				d[m, "per-iommu"], s[m, "per-iommu"], to[m] / 1000,
				to[m] ? tm[m] / to[m] : 0
			printf "%d %d %d %f %f\n", m, d[m, "mainline"], d[m, "per-iommu"], tm[m] / 1000, to[m] / 1000 > "'"$out/bench.dat"'"
		}
	}' "$g" >"$out/table.txt"
grep -aoE 'sva-bench-bind: .*' "$g" | sed 's/^/bind while an M=256 invalidation runs (ns): /' >>"$out/table.txt"
for k in series mainline; do
	l=$(grep -m 1 -aoE 'kpt-churn: .*' "$out/churn-$k-guest-bench.log" || true)
	echo "deferred free, $k path: ${l:-no result}" >>"$out/table.txt"
done
{ grep -h '' "$out/sva-verdict.txt" | grep -E '^(PASS|FAIL).*kernel = QEMU' || true; } >>"$out/table.txt"
# The code measured (series_code_hash), checked by make send.
echo "series-code: $(cat "$out/series-code" 2>/dev/null || echo unknown)" >>"$out/table.txt"

gnuplot <<GP
set terminal pngcairo size 1000,420 noenhanced
set output "$out/bench.png"
set multiplot layout 1,2 title "One SVA kernel-address invalidation on one emulated VT-d IOMMU (QEMU -icount)"
set logscale xy
set key top left
set xlabel "M (SVA domains on the IOMMU)"
set ylabel "descriptors"
set yrange [0.5:*]
plot "$out/bench.dat" using 1:2 with linespoints title "mainline (per mm)", \
     "$out/bench.dat" using 1:3 with linespoints title "series (per IOMMU)"
set ylabel "time (us, guest clock)"
set yrange [50:*]
plot "$out/bench.dat" using 1:4 with linespoints title "mainline (per mm)", \
     "$out/bench.dat" using 1:5 with linespoints title "series (per IOMMU)"
unset multiplot
GP
cat "$out/table.txt"
say "plot: $out/bench.png"
