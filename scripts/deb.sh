#!/usr/bin/env bash
# make deb: installable Debian packages (linux-image, linux-headers) of the
# patched kernel, built with the kernel's own 'make bindeb-pkg' from
# Debian's configuration for the same version (targets/$TARGET.conf:
# BASE_CONFIG_PKG, BASE_CONFIG).
#
#   LSMOD=FILE       trim to the modules listed in FILE (lsmod output);
#                    default: the modules loaded on this machine
#   DEB_CONFIG=full  keep every module of Debian's config (no trimming)
#   DEB_DEBUG_INFO=1 keep Debian's debug info and BTF (slower, -dbg package)
#
#   DEB_DIR=DIR      where to build (default build/deb; objects in DIR/obj)
#
# Output: DIR/*.deb; prints their version and the dpkg -i line.
. "$(dirname "$0")/common.sh"

mode=${DEB_CONFIG:-local}
debdir=$(realpath -m "${DEB_DIR:-$BUILD/deb}")
obj=$debdir/obj
log=$OUT/deb-build-${debdir##*/}.log
start=$SECONDS
case $mode in local | full) ;; *) die "DEB_CONFIG=$mode: use 'full' or leave it unset" ;; esac

mkdir -p "$OUT"
"$TOP/scripts/deps.sh" check deb
"$TOP/scripts/doctor.sh" check deb >"$OUT/doctor-deb.txt" 2>&1 || { cat "$OUT/doctor-deb.txt"; exit 1; }
"$TOP/scripts/tree.sh"
require_series_branch
[ -z "$(git -C "$TREE" status --porcelain)" ] || die "$TREE has uncommitted changes: commit or stash them first"

# The modules to keep, as lsmod prints them.
if [ "$mode" = local ]; then
	mods=$debdir/lsmod.txt
	mkdir -p "$debdir"
	if [ -n "${LSMOD:-}" ]; then
		[ -r "$LSMOD" ] || die "LSMOD=$LSMOD: no such file"
		cp "$LSMOD" "$mods"
	else
		lsmod >"$mods" 2>/dev/null || :
	fi
	[ "$(grep -vc '^Module' "$mods")" -gt 0 ] ||
		die "no module list: this machine has no modules loaded (lsmod printed none); give LSMOD=FILE (lsmod output of the target machine) or DEB_CONFIG=full"
fi

say "configuration: Debian's $BASE_CONFIG_PKG $BASE_PKG_VERSION (${BASE_CONFIG##*/})"
rm -f "$debdir"/*.deb "$debdir"/*.buildinfo "$debdir"/*.changes
mkdir -p "$obj" "$OUT"
xz -dc "$BASE_CONFIG_FILE" >"$obj/.config"
dmake() {
	# LOCALVERSION= (set, empty): no "+" for a git tree past its tag.
	make -C "$TREE" O="$obj" ARCH=x86_64 CC="ccache gcc" LOCALVERSION= -j"$JOBS" "$@"
}
cfg() { "$TREE/scripts/config" --file "$obj/.config" "$@"; }
# Our release beside Debian's; modules signed with the build's own key
# (Debian signs its modules outside the kernel build; its certificate
# files are not part of linux-source).
cfg --set-str LOCALVERSION "$DEB_LOCALVERSION" --disable LOCALVERSION_AUTO \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--set-str MODULE_SIG_KEY certs/signing_key.pem --enable MODULE_SIG_ALL
if [ "${DEB_DEBUG_INFO:-0}" != 1 ]; then
	say "debug info and BTF off (DEB_DEBUG_INFO=1 keeps them)"
	cfg --disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--disable DEBUG_INFO_BTF --enable DEBUG_INFO_NONE
fi
# What the series needs, on before and after trimming.
required=(IOMMU_SUPPORT IOMMU_SVA INTEL_IOMMU INTEL_IOMMU_SVM ASYNC_KERNEL_PGTABLE_FREE VM_EVENT_COUNTERS)
for o in "${required[@]}"; do cfg --enable "$o"; done
dmake -s olddefconfig >"$log" 2>&1 || { tail -20 "$log"; die "olddefconfig failed"; }
if [ "$mode" = local ]; then
	say "trimming to the $(grep -vc '^Module' "$mods") modules of ${LSMOD:-this machine} (make localmodconfig)"
	dmake -s LSMOD="$mods" localmodconfig </dev/null >>"$log" 2>&1 ||
		{ tail -20 "$log"; die "localmodconfig failed"; }
else
	say "keeping every module of Debian's config (DEB_CONFIG=full: hours on 2 cores)"
fi
for o in "${required[@]}"; do
	grep -qx "CONFIG_$o=y" "$obj/.config" ||
		die "CONFIG_$o is not =y in the final config ($obj/.config): the series needs it"
done
rel=$(dmake -s kernelrelease)
say "kernel $rel: $(grep -c '=m$' "$obj/.config") modules, $(grep -c '=y$' "$obj/.config") built-in options"

say "building with make bindeb-pkg (log: $log)"
if ! dmake bindeb-pkg >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | tail -20
	die "make bindeb-pkg failed (log: $log)"
fi
echo "$rel" >"$debdir/kernelrelease"
t=$((SECONDS - start))
say "make deb took $((t / 60)) min $((t % 60)) s"
echo "packages in $debdir:"
for f in "$debdir"/*.deb; do
	printf '  %-48s %s %s\n' "${f##*/}" "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)"
done
echo "install (as root), beside Debian's kernel:"
echo "  dpkg -i $(ls "$debdir"/linux-image-"$rel"_*.deb "$debdir"/linux-headers-"$rel"_*.deb 2>/dev/null | paste -sd' ')"
