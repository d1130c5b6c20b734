#!/usr/bin/env bash
# The one test kernel, built and run with the kernel's kunit.py.
#   kunit.sh config       write its .config (build/TARGET/kunit)
#   kunit.sh build        configure and build it
#   kunit.sh modes        the target's KUnit runs (KUNIT_MODES)
#   kunit.sh exec MODE    run the KUnit suites on the emulated VT-d machine
#                         in MODE (scalable|legacy|per-mm, see vtd_mode_args);
#                         QEMU traces every invalidation descriptor to
#                         build/TARGET/out/trace-MODE.log. Slow (benchmark)
#                         cases are left out where the target sets
#                         KUNIT_FILTER. The environment may add:
#                         KUNIT_GLOB (suites to run), KUNIT_KARGS (kernel
#                         command line), KUNIT_QEMU_ARGS (the target's QEMU arguments),
#                         QEMU_EXTRA (more QEMU arguments),
#                         KUNIT_TIMEOUT (seconds, default 600).
. "$(dirname "$0")/common.sh"

kunit() {
	local wrap=
	[ "$1" = exec ] && wrap=tcg
	$wrap python3 "$TREE/tools/testing/kunit/kunit.py" "$@" \
		--build_dir="$KBUILD" --qemu_config="$TREE/$QEMU_CONFIG" \
		--kunitconfig="$TREE/$KUNITCONFIG_DIR" \
		--kunitconfig="$TOP/config/workbench.kunitconfig"
}

# kunit.py of newer kernels starts QEMU with '-accel kvm' first, and KVM
# is broken on the workbench machines ("KVM internal error"): where the
# target says so, QEMU runs with /dev/kvm hidden (a private mount
# namespace), so it falls back to TCG, like every other QEMU run here.
[ -f "$TREE/$QEMU_CONFIG" ] || die "$QEMU_CONFIG missing: is the series applied? (make tree)"
mkdir -p "$OUT"
cd "$TREE"
case ${1:-} in
config)
	kunit config >"$OUT/kunit-config.txt" 2>&1 || { cat "$OUT/kunit-config.txt"; exit 1; }
	;;
build)
	kunit build --make_options="CC=ccache gcc" --jobs="$JOBS"
	;;
exec)
	mode=${2:?mode}
	rm -f "$OUT"/{trace,kunit,guest}-"$mode".* "$OUT/kunit-$mode.rc" "$KBUILD/test.log"
	# kunit.py exits non-zero when a test fails or the run crashed: kept
	# for kunit-report.sh, which also reads the JSON.
	args=()
	kargs="$(vtd_mode_kargs "$mode") ${KUNIT_KARGS:-}"
	[ -n "${kargs// /}" ] && args+=(--kernel_args="$kargs")
	[ -n "${KUNIT_FILTER:-}" ] && args+=(--filter="$KUNIT_FILTER")
	glob=${KUNIT_GLOB:-$(vtd_mode_glob "$mode")}
	[ -n "$glob" ] && args+=("$glob")
	rm -f "$OUT/kunit-$mode.flake" "$OUT"/guest-"$mode".flake*.log
	# A boot that dies before any test started, or on an int3 trap no
	# kernel code set (under TCG with two vCPUs, after text patching:
	# static keys, kprobes; seen in sched_clock_cpu() at boot and in
	# flush_tlb_kernel_range() after a test's kprobe was removed), is a
	# flake of the emulated machine, not a test result: note it and boot
	# once more. kunit-report.sh gives it a verdict of its own.
	for attempt in 1 2; do
		rc=0
		kunit exec --timeout="${KUNIT_TIMEOUT:-600}" --json="$OUT/kunit-$mode.json" "${args[@]}" \
			--qemu_args="$(vtd_mode_args "$mode") -trace enable=vtd_inv_*,file=$OUT/trace-$mode.log ${KUNIT_QEMU_ARGS:-} ${QEMU_EXTRA:-}" \
			>"$OUT/kunit-$mode.txt" 2>&1 || rc=$?
		cp "$KBUILD/test.log" "$OUT/guest-$mode.log" 2>/dev/null || : >"$OUT/guest-$mode.log"
		if ! grep -qa 'KTAP version' "$OUT/guest-$mode.log"; then
			why="the test kernel died before any test ran"
		elif why=$(int3_loss "$OUT/guest-$mode.log"); then
			:
		else
			break
		fi
		cp "$OUT/guest-$mode.log" "$OUT/guest-$mode.flake$attempt.log"
		echo "attempt $attempt: $why" >>"$OUT/kunit-$mode.flake"
		[ "$attempt" = 1 ] && echo "note: kunit[$mode]: $why (guest-$mode.flake1.log); booting once more"
	done
	echo "$rc" >"$OUT/kunit-$mode.rc"
	;;
modes)
	echo "$KUNIT_MODES"
	;;
*) die "usage: kunit.sh config | build | exec MODE | modes" ;;
esac
