#!/usr/bin/env bash
# make bench for targets with BENCH=kunit (mainline): the unpatched base
# and the series, each with the same bench-only patch
# (bench/TARGET/sva-kva-bench.patch, never part of the series) and the same
# lean configuration (bench/TARGET/bench.kunitconfig: no KASAN, no lockdep),
# built in worktrees of their own and run one after the other on the same
# emulated VT-d machine, under QEMU -icount (time counted in guest
# instructions), through the suite sva_kva_bench:
#  - one invalidation of the kernel half with M = 1, 16, 256, 1024 processes
#    bound: descriptors and submissions (kernel count between marker
#    submissions, checked against QEMU's trace) and guest time;
#  - a bind at M = 256, idle and while an invalidation runs (on the base the
#    real walk, on the series the one call, on both held 30 ms in its first
#    submission); a figure only where the overlap happened (overlapped=1);
#  - 1,000 kernel page-table frees with one process bound, at gaps of 0,
#    0.1, 1, 4 and 20 ms: invalidations, most pages waiting, time from the
#    last free until all were freed;
#  - the same without any bond, at gaps 0 and 1 ms, over BENCH_BOOTS boots
#    each (medians): time per free in the freeing task, invalidations.
# Writes build/TARGET/out/bench/{table.txt,bench.dat,bench.png}; the table
# ends with the series-code line that make send checks.
#   bench-kunit.sh [--report]   (--report: redo table and plot only)
. "$(dirname "$0")/common.sh"

out=$OUT/bench
bdir=$BUILD/bench
boots=${BENCH_BOOTS:-3}
mkdir -p "$out" "$bdir"
require_series_branch
[ -z "$(git -C "$TREE" status --porcelain)" ] || die "uncommitted changes in $TREE: commit or export them first"
"$TOP/scripts/deps.sh" bench
icount="-icount shift=4,sleep=off"
patch=$TOP/bench/$TARGET/sva-kva-bench.patch
kconfig=$TOP/bench/$TARGET/bench.kunitconfig

prepare() {	# $1 kernel (base|series), $2 commit: worktree, patch, build
	local wt=$bdir/$1/linux kb=$bdir/$1/kunit
	local stamp="$(git -C "$TREE" rev-parse "$2") $(cat "$patch" "$kconfig" "$TREE/$QEMU_CONFIG" | sha256sum | cut -c1-16)"
	if [ "$(cat "$bdir/$1/built" 2>/dev/null)" = "$stamp" ] && [ -f "$kb/arch/x86/boot/bzImage" ]; then
		say "the $1 kernel with the bench: built already ($bdir/$1/built)"
		qemu_bench "$1"
		return
	fi
	rm -f "$bdir/$1/built"
	git -C "$TREE" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
	git -C "$TREE" worktree prune
	mkdir -p "$bdir/$1"
	git -C "$TREE" worktree add -q --detach "$wt" "$2"
	git -C "$wt" apply "$patch" || die "the bench patch does not apply to the $1 kernel"
	# The series brings the VT-d machine for kunit.py; the base gets a copy.
	[ -f "$wt/$QEMU_CONFIG" ] || cp "$TREE/$QEMU_CONFIG" "$wt/$QEMU_CONFIG"
	say "building the $1 kernel with the bench (log: $out/build-$1.txt)"
	(cd "$wt" && CCACHE_BASEDIR=$bdir/$1 python3 tools/testing/kunit/kunit.py build \
		--build_dir="$kb" --kunitconfig="$kconfig" --qemu_config="$wt/$QEMU_CONFIG" \
		--make_options="CC=ccache gcc" --jobs="$JOBS") >"$out/build-$1.txt" 2>&1 ||
		{ tail -20 "$out/build-$1.txt"; die "the $1 kernel with the bench does not build"; }
	echo "$stamp" >"$bdir/$1/built"
	qemu_bench "$1"
}

# The test machine without ATS on its device: QEMU 7.2 answers a
# PASID-based device-TLB invalidation with an invalidation queue error
# (seen in a first run of the base kernel: one error per process flush),
# which would time error handling, not invalidation.
qemu_bench() {
	local wt=$bdir/$1/linux
	sed 's/ats=on/ats=off/' "$wt/$QEMU_CONFIG" >"$bdir/$1/qemu_bench.py"
	grep -q 'ats=off' "$bdir/$1/qemu_bench.py" || die "no ats=on to turn off in $QEMU_CONFIG"
}

run() {	# $1 kernel, $2 label, $3 glob: one boot, logs kept as $1-$2.*
	local wt=$bdir/$1/linux kb=$bdir/$1/kunit
	say "$1 kernel: $3 (QEMU $icount)"
	(cd "$wt" && tcg python3 tools/testing/kunit/kunit.py exec --build_dir="$kb" \
		--qemu_config="$bdir/$1/qemu_bench.py" --timeout=3600 --json="$out/$1-$2.json" "$3" \
		--qemu_args="$(vtd_mode_args bench) -trace enable=vtd_inv_*,file=$out/$1-$2.trace $icount") \
		>"$out/$1-$2.txt" 2>&1 || true
	cp "$kb/test.log" "$out/$1-$2.log" 2>/dev/null || : >"$out/$1-$2.log"
}

if [ "${1:-}" != --report ]; then
	rm -f "$out"/*
	series_code_hash >"$out/series-code"
	prepare base base
	prepare series "$(git -C "$TREE" rev-parse series)"
	for k in base series; do
		run "$k" all 'sva_kva_bench'
		for r in $(seq 2 "$boots"); do
			run "$k" "nosva$r" 'sva_kva_bench.bench_no_sva'
		done
	done
fi

# Each kernel's own checks, and its measured stretches against QEMU's trace.
: >"$out/verdict.txt"
for k in base series; do
	log=$out/$k-all.log
	if guest_log_reports "$log" >/dev/null; then
		echo "FAIL $k: the guest log has a kernel report" >>"$out/verdict.txt"
	fi
	grep -aE '^ *(not ok|ok) [0-9]+ bench_' "$log" | sed "s/^ */$k: /" >>"$out/verdict.txt" || true
	marks=$({ grep -aoE -m 1 'vtd-mark: iommu=[^ ]+ did=[0-9]+' "$log" || true; } | sed 's/.*did=//')
	if [ -n "$marks" ]; then
		mapfile -t q < <("$TOP/scripts/vtd-trace.sh" "$out/$k-all.trace" --marks "$marks" | awk 'NR % 2 == 1')
		i=0
		while read -r m d s; do
			if [ "${q[$i]:-}" = "$d $s" ]; then
				echo "PASS $k M=$m: kernel = QEMU trace ($d descriptors in $s submissions)" >>"$out/verdict.txt"
			else
				echo "FAIL $k M=$m: kernel $d/$s, QEMU ${q[$i]:-none}" >>"$out/verdict.txt"
			fi
			i=$((i + 1))
		done < <(grep -aoE 'vtd-measure: path=[^ ]+ m=[0-9]+ descriptors=[0-9]+ submissions=[0-9]+' "$log" |
			sed -E 's/.* m=([0-9]+) descriptors=([0-9]+) submissions=([0-9]+)/\1 \2 \3/')
	else
		echo "FAIL $k: no vtd-mark lines" >>"$out/verdict.txt"
	fi
done
grep -q '^ *[a-z]*: not ok\|^FAIL' "$out/verdict.txt" && { cat "$out/verdict.txt"; warn "bench checks failed (above): the table says so"; }

kv() {	# kv FILE PATTERN KEY: the value of KEY= in the first line matching
	grep -aoE "$2.*" "$1" | sed -n 1p | grep -oE "(^| )$3=[0-9]+" | sed 's/.*=//'
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
us() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1000 }'; }
{
	echo "make bench, $(date -u +%F): the unpatched base ($BASE_PKG $BASE_PKG_VERSION) and the series,"
	echo "each with bench/$TARGET/sva-kva-bench.patch, the same config, QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG $icount,"
	echo "one emulated VT-d unit in scalable mode; times in guest-clock microseconds."
	echo "SVA binds are real iommu_sva_bind_device() calls to the emulated virtio device (ATS off:"
	echo "QEMU 7.2 rejects PASID-based device-TLB invalidations with an invalidation queue error),"
	echo "with the VT-d capability check and the PASID table entry skipped (QEMU 7.2 has no"
	echo "first-stage translation and no PASID-capable device); the rest is each kernel's own."
	echo
	echo "One invalidation of the kernel half, M processes bound (descriptors exclude the"
	echo "invalidation-wait descriptor of each submission; kernel counts = QEMU's trace):"
	printf '%6s | %-30s | %-30s | %s\n' M "base: desc / subm / time us" "series: desc / subm / time us" "time base/series"
	: >"$out/bench.dat"
	for m in 1 16 256 1024; do
		bd=$(kv "$out/base-all.log" "sva-bench-vtd: kernel=base m=$m " descriptors)
		bs=$(kv "$out/base-all.log" "sva-bench-vtd: kernel=base m=$m " submissions)
		bt=$(kv "$out/base-all.log" "sva-bench-vtd: kernel=base m=$m " ns)
		sd=$(kv "$out/series-all.log" "sva-bench-vtd: kernel=series m=$m " descriptors)
		ss=$(kv "$out/series-all.log" "sva-bench-vtd: kernel=series m=$m " submissions)
		st=$(kv "$out/series-all.log" "sva-bench-vtd: kernel=series m=$m " ns)
		printf '%6d | %6s / %6s / %10s    | %6s / %6s / %10s    | %s\n' "$m" "${bd:-?}" "${bs:-?}" "$(us "${bt:-0}")" \
			"${sd:-?}" "${ss:-?}" "$(us "${st:-0}")" \
			"$(awk -v a="${bt:-0}" -v b="${st:-0}" 'BEGIN { if (b) printf "%.1fx", a / b; else print "?" }')"
		echo "$m ${bd:-0} ${sd:-0} $(us "${bt:-0}") $(us "${st:-0}")" >>"$out/bench.dat"
	done
	echo
	echo "A bind at M = 256 (us): idle, and while an invalidation runs (base: the real walk,"
	echo "under the lock every bind takes; series: the one call), on both held 30 ms in its"
	echo "first submission so that the bind overlaps it. Shown only where the bind started"
	echo "while the invalidation ran (overlapped=1):"
	for k in base series; do
		l=$(grep -aoE 'sva-bench-bind: .*' "$out/$k-all.log" | sed -n 1p)
		if [ "$(printf '%s' "$l" | grep -oE 'overlapped=[01]' | sed 's/.*=//')" = 1 ]; then
			printf '  %-6s: idle %s, during an invalidation %s (it ran %s, held %s) overlapped=1\n' "$k" \
				"$(us "$(printf '%s' "$l" | grep -oE 'idle_ns=[0-9]+' | sed 's/.*=//')")" \
				"$(us "$(printf '%s' "$l" | grep -oE 'busy_ns=[0-9]+' | sed 's/.*=//')")" \
				"$(us "$(printf '%s' "$l" | grep -oE 'pass_ns=[0-9]+' | sed 's/.*=//')")" \
				"$(us "$(printf '%s' "$l" | grep -oE 'hold_ns=[0-9]+' | sed 's/.*=//')")"
		else
			echo "  $k: no figure: the bind did not overlap the invalidation (${l:-no result})"
		fi
	done
	echo
	echo "1,000 kernel page-table frees, one process bound: IOMMU invalidations, most pages"
	echo "waiting at once, ms from the last free until all were freed:"
	printf '%8s | %-28s | %-28s\n' "gap" "base: inval / peak / drain" "series: inval / peak / drain"
	: >"$out/churn.dat"
	for g in 0 100 1000 4000 20000; do
		b=$(grep -aoE "sva-bench-churn: kernel=base bond=1 gap_us=$g .*" "$out/base-all.log" | sed -n 1p)
		s=$(grep -aoE "sva-bench-churn: kernel=series bond=1 gap_us=$g .*" "$out/series-all.log" | sed -n 1p)
		f() { printf '%s' "$1" | grep -oE "$2=[0-9]+" | sed 's/.*=//'; }
		# gap 0 at 10 us on the plot's log axis
		echo "$([ "$g" = 0 ] && echo 10 || echo "$g") $(f "$b" invalidations) $(f "$s" invalidations)" >>"$out/churn.dat"
		printf '%6s us | %6s / %5s / %8s ms | %6s / %5s / %8s ms\n' "$g" \
			"$(f "$b" invalidations)" "$(f "$b" peak_pending)" "$(awk -v n="$(f "$b" drain_ns)" 'BEGIN { printf "%.1f", n / 1e6 }')" \
			"$(f "$s" invalidations)" "$(f "$s" peak_pending)" "$(awk -v n="$(f "$s" drain_ns)" 'BEGIN { printf "%.1f", n / 1e6 }')"
	done
	echo
	echo "1,000 kernel page-table frees, no SVA bond (medians of $boots boots): ns per free in"
	echo "the freeing task, IOMMU invalidations, most pages waiting, ms until all were freed:"
	for g in 0 1000; do
		for k in base series; do
			lines=$(cat "$out/$k"-*.log | grep -aoE "sva-bench-churn: kernel=$k bond=0 gap_us=$g .*")
			n=$(printf '%s\n' "$lines" | grep -c . || true)
			fr=$(printf '%s\n' "$lines" | grep -oE 'free_ns=[0-9]+' | sed 's/.*=//' | median)
			iv=$(printf '%s\n' "$lines" | grep -oE 'invalidations=[0-9]+' | sed 's/.*=//' | median)
			pk=$(printf '%s\n' "$lines" | grep -oE 'peak_pending=[0-9]+' | sed 's/.*=//' | median)
			dr=$(printf '%s\n' "$lines" | grep -oE 'drain_ns=[0-9]+' | sed 's/.*=//' | median)
			printf '  gap %5s us, %-6s: %6s ns per free, %4s invalidations, peak %4s, drain %s ms (%s boots; values: %s)\n' \
				"$g" "$k" "${fr:-?}" "${iv:-?}" "${pk:-?}" "$(awk -v n="${dr:-0}" 'BEGIN { printf "%.1f", n / 1e6 }')" "$n" \
				"$(printf '%s\n' "$lines" | grep -oE 'free_ns=[0-9]+' | sed 's/.*=//' | paste -sd,)"
		done
	done
	echo "  (resolution: ktime_get_ns() in the guest; under -icount a guest ns is counted, not timed)"
	echo
	cat "$out/verdict.txt"
	echo "series-code: $(cat "$out/series-code" 2>/dev/null || echo unknown)"
} >"$out/table.txt"

gnuplot <<GP
set terminal pngcairo size 1500,420 noenhanced
set output "$out/bench.png"
set multiplot layout 1,3 title "One emulated VT-d unit, QEMU -icount: one kernel-address invalidation against M; 1,000 page-table frees against their spacing"
set logscale xy
set key top left
set xlabel "M (processes bound)"
set ylabel "descriptors"
set yrange [0.5:*]
plot "$out/bench.dat" using 1:2 with linespoints title "base 7.3.4 (per process)", \
     "$out/bench.dat" using 1:3 with linespoints title "series (per IOMMU)"
set ylabel "time (us, guest clock)"
set yrange [10:*]
plot "$out/bench.dat" using 1:4 with linespoints title "base 7.3.4 (per process)", \
     "$out/bench.dat" using 1:5 with linespoints title "series (per IOMMU)"
set xlabel "gap between frees (us; 10 = no gap)"
set ylabel "IOMMU invalidations per 1,000 frees"
set yrange [1:2000]
plot "$out/churn.dat" using 1:2 with linespoints title "base 7.3.4", \
     "$out/churn.dat" using 1:3 with linespoints title "series"
unset multiplot
GP
cat "$out/table.txt"
say "plot: $out/bench.png"
