#!/usr/bin/env bash
# make bench: what the series costs without SVA. The stock base and the
# patched series, each with the workbench-only benchmark bench/$TARGET/*.patch
# applied and the same lean config (config/bench.config), boot on q35 +
# intel-iommu and time huge-vmap churn that frees a PTE table per
# iteration (pmd_free_pte_page()). Several boots each; medians compared.
#   bench.sh [ITERATIONS [BOOTS]]
. "$(dirname "$0")/common.sh"

[ "${BENCH:-boot}" = kunit ] && exec "$TOP/scripts/bench-kunit.sh" "$@"

ls "$TOP/bench/$TARGET/"*.patch >/dev/null 2>&1 ||
	die "no benchmark for TARGET=$TARGET yet (bench/$TARGET/*.patch)"
iters=${1:-20000}
boots=${2:-5}
[ -d "$TREE/.git" ] || die "no tree (make tree)"
out=$OUT/bench
mkdir -p "$out"

prepare() {	# $1 name, $2 commit: worktree + benchmark + config + bzImage
	local wt=$BUILD/bench/$1 obj=$BUILD/bench/$1-obj
	[ -d "$wt" ] || git -C "$TREE" worktree add -q --detach "$wt" "$2"
	git -C "$wt" checkout -q -f --detach "$2"
	git -C "$wt" clean -q -fd
	git -C "$wt" apply "$TOP"/bench/"$TARGET"/*.patch
	mkdir -p "$obj"
	make -s -C "$wt" O="$obj" ARCH=x86_64 KCONFIG_ALLCONFIG="$TOP/config/bench.config" allnoconfig
	say "building the $1 kernel (bench config)"
	make -s -C "$wt" O="$obj" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" bzImage
}

boot() {	# $1 name, $2 run: print ns per iteration
	local log=$out/$1-$2.log
	timeout 600 qemu-system-x86_64 -nodefaults -no-reboot -nographic -m 1024 \
		-bios qboot.rom -machine q35 -device intel-iommu \
		-global intel-iommu.x-scalable-mode=on \
		-kernel "$BUILD/bench/$1-obj/arch/x86/boot/bzImage" \
		-append "console=ttyS0 intel_iommu=on panic=-1 kpt_churn_bench=$iters" \
		-serial stdio >"$log" 2>&1 || true
	grep -aoE 'kpt-churn: iterations=[0-9]+ huge=[0-9]+ ns_per_iteration=[0-9]+' "$log" |
		sed 's/.*ns_per_iteration=//'
}

prepare stock base
prepare series series
declare -A med
for k in stock series; do
	say "booting the $k kernel $boots times ($iters iterations each)"
	vals=()
	for r in $(seq "$boots"); do
		v=$(boot "$k" "$r")
		[ -n "$v" ] || die "no result from the $k kernel (see $out/$k-$r.log)"
		vals+=("$v")
	done
	med[$k]=$(printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	echo "  $k: ns per iteration ${vals[*]} (median ${med[$k]})"
done
awk -v a="${med[stock]}" -v b="${med[series]}" 'BEGIN {
	printf "huge-vmap churn without SVA: stock %d ns, patched %d ns per iteration (%+.1f%%)\n", a, b, (b - a) * 100 / a }'
