#!/usr/bin/env bash
# make deb-test: the packaged kernel booted with Debian userspace on the
# emulated VT-d machine.
#  1. make deb for the emulated machine's modules (config/qemu-guest.lsmod),
#     in build/TARGET/deb-qemu;
#  2. a minimal Debian 12 root (debootstrap: systemd, udev,
#     initramfs-tools), cached under build/rootfs/ and remade only when its
#     recipe below changes;
#  3. 'dpkg -i' of the linux-image package in a copy of that root: Debian's
#     own postinst hooks make the initramfs;
#  4. boot that kernel and initramfs on q35 + intel-iommu (scalable mode),
#     the root file system on virtio-blk behind the IOMMU
#     (iommu_platform=on), until systemd reaches multi-user.target; a unit
#     ordered after it reports to a second serial port and powers off;
#  5. check the report on the host. Needs root.
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || die "make deb-test needs root (debootstrap, chroot, dpkg -i in the root)"
work=$BUILD/deb-test
# Beside build/TARGET/deb, at the same depth, so ccache entries are shared.
pkgdir=$BUILD/deb-qemu
start=$SECONDS
mkdir -p "$work" "$OUT"
rc=0
check() {	# check PASS|FAIL name [detail]: print, and remember a failure
	[ "$1" = PASS ] || rc=1
	printf '%-4s deb-test: %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

say "make deb for the emulated machine (LSMOD=config/qemu-guest.lsmod)"
t0=$SECONDS
DEB_DIR=$pkgdir LSMOD=$TOP/config/qemu-guest.lsmod DEB_CONFIG=local "$TOP/scripts/deb.sh"
deb_time=$((SECONDS - t0))
rel=$(cat "$pkgdir/kernelrelease")
image=$(ls "$pkgdir"/linux-image-"$rel"_*.deb)

# The root file system's recipe; its hash names the cached tarball.
suite=bookworm
include=systemd,systemd-sysv,udev,initramfs-tools,kmod,procps,e2fsprogs
recipe="debootstrap --variant=minbase --include=$include $suite"
key=$(printf '%s\n' "$recipe" | sha256sum | cut -c1-16)
cache=$BUILD_ROOT/rootfs/$suite-$key.tar
if [ ! -f "$cache" ]; then
	say "making the Debian root file system ($recipe)"
	mkdir -p "$BUILD_ROOT/rootfs"
	fresh_root_dir "$work/rootfs"
	rm -f "$BUILD_ROOT/rootfs/$suite"-*.tar
	debootstrap --variant=minbase --include="$include" "$suite" "$work/rootfs" \
		"$(apt_uri "$suite")" >"$OUT/deb-test-debootstrap.log" 2>&1 ||
		{ tail -20 "$OUT/deb-test-debootstrap.log"; die "debootstrap failed"; }
	tar -C "$work/rootfs" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
	fresh_root_dir "$work/rootfs" && rmdir "$work/rootfs"
else
	say "Debian root file system: cached ($cache)"
fi

root=$work/root
trap unmount_all EXIT
fresh_root_dir "$root"
tar -C "$root" -xf "$cache"

say "dpkg -i ${image##*/} in the root (Debian's postinst makes the initramfs)"
root_mounts "$root"
cp "$image" "$root/tmp/"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	dpkg -i "/tmp/${image##*/}" >"$OUT/deb-test-dpkg.log" 2>&1 ||
	{ tail -20 "$OUT/deb-test-dpkg.log"; die "dpkg -i failed in the root"; }
rm -f "$root/tmp/${image##*/}"
unmount_all
[ -f "$root/boot/vmlinuz-$rel" ] && [ -f "$root/boot/initrd.img-$rel" ] ||
	die "dpkg -i left no /boot/vmlinuz-$rel and /boot/initrd.img-$rel (log: $OUT/deb-test-dpkg.log)"
cp "$root/boot/vmlinuz-$rel" "$root/boot/initrd.img-$rel" "$work/"

# The guest's side: a unit after multi-user.target reports on ttyS1.
echo "/dev/vda / ext4 defaults 0 1" >"$root/etc/fstab"
echo sva-deb-test >"$root/etc/hostname"
cat >"$root/usr/local/sbin/sva-deb-test" <<'GUEST'
#!/bin/sh
# Runs once multi-user.target is reached: report, then power off.
exec >/dev/ttyS1 2>&1
r() { echo "deb-test: $*"; }
r "uname $(uname -r)"
r "multi-user.target $(systemctl is-active multi-user.target)"
r "failed units: $(systemctl list-units --state=failed --plain --no-legend | awk '{print $1}' | tr '\n' ' ')"
r "cmdline $(cat /proc/cmdline)"
for d in /sys/class/iommu/dmar*; do
	r "iommu ${d##*/} ecap $(cat "$d/intel-iommu/ecap")"
done
pci=$(readlink -f /sys/block/vda/device/..)
grp=$(readlink -f "$pci/iommu_group")
r "vda at ${pci##*/}, iommu group ${grp##*/} type $(cat "$grp/type")"
# The deferred free's counters; iommu/sva_kva only with IOMMU_DEBUGFS,
# which Debian's configuration leaves off.
grep -E '^(nr_)?kernel_pgtable_' /proc/vmstat | sed 's/^/deb-test: vmstat /'
for f in /sys/kernel/debug/iommu/sva_kva; do
	if cat "$f" >/tmp/counters 2>/dev/null; then
		r "counters $f"
		sed 's/^/deb-test:   /' /tmp/counters
	else
		r "unreadable $f"
	fi
done
journalctl -k -b -o short-monotonic --no-pager | sed 's/^/journal: /'
r done
systemctl poweroff
GUEST
chmod +x "$root/usr/local/sbin/sva-deb-test"
cat >"$root/etc/systemd/system/sva-deb-test.service" <<'UNIT'
[Unit]
Description=Boot test of the SVA KVA kernel package
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/sva-deb-test

[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/sva-deb-test.service \
	"$root/etc/systemd/system/multi-user.target.wants/sva-deb-test.service"

say "disk image (ext4, made from the root)"
rm -f "$work/disk.img"
mkfs.ext4 -q -F -L root -d "$root" "$work/disk.img" 2G

say "booting $rel on q35 + intel-iommu (scalable mode), root on virtio-blk behind the IOMMU"
console=$OUT/deb-test-console.log report=$OUT/deb-test-report.log trace=$OUT/deb-test-trace.log
rm -f "$console" "$report" "$trace"
t0=$SECONDS
qrc=0
timeout 900 qemu-system-x86_64 -nodefaults -no-reboot -display none -monitor none \
	-m 2048 -smp 2 -bios qboot.rom -machine q35 \
	-device intel-iommu,x-scalable-mode=on \
	-drive file="$work/disk.img",if=none,id=d0,format=raw,cache=unsafe \
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on \
	-kernel "$work/vmlinuz-$rel" -initrd "$work/initrd.img-$rel" \
	-append "root=/dev/vda rw console=ttyS0 intel_iommu=on panic=-1" \
	-serial file:"$console" -serial file:"$report" \
	-trace enable=vtd_reg_dmar_root,file="$trace" || qrc=$?
boot_time=$((SECONDS - t0))
[ -f "$report" ] || : >"$report"
[ -f "$trace" ] || : >"$trace"
tr -d '\r' <"$report" >"$report.txt"

echo
grep '^deb-test:' "$report.txt" | grep -v '^deb-test:   ' || true
grep '^deb-test:   ' "$report.txt" || true
{ grep -E '^journal: .*DMAR' "$report.txt" || true; } | head -12 | sed 's/^journal: /  /'
echo
got=$(sed -n 's/^deb-test: uname //p' "$report.txt")
[ "$got" = "$rel" ] && check PASS "uname -r is ours" "$got" || check FAIL "uname -r is ours" "got '${got}', built $rel"
grep -qx 'deb-test: multi-user.target active' "$report.txt" &&
	check PASS "systemd reached multi-user.target" ||
	check FAIL "systemd reached multi-user.target" "see $console"
failed_units=$(sed -n 's/^deb-test: failed units: *//p' "$report.txt")
grep -q '^deb-test: failed units:' "$report.txt" && [ -z "$failed_units" ] &&
	check PASS "no failed systemd unit" ||
	check FAIL "no failed systemd unit" "${failed_units:-no report}"
n=$(grep -c '^journal: .*DMAR' "$report.txt" || true)
grep -q '^journal: .*DMAR: dmar0: Using Queued invalidation' "$report.txt" &&
	check PASS "DMAR: IOMMU up with queued invalidation" "$n DMAR lines" ||
	check FAIL "DMAR: IOMMU up with queued invalidation" "$n DMAR lines"
# QEMU says which root table format the guest programmed.
grep -q 'vtd_reg_dmar_root.*scalable 1\|vtd_reg_dmar_root.*extended 1' "$trace" &&
	check PASS "scalable mode on (the guest set a scalable-mode root table)" ||
	check FAIL "scalable mode on (the guest set a scalable-mode root table)" "$(grep -m1 vtd_reg_dmar_root "$trace" || echo 'no root table set')"
grep -q '^deb-test: vda at .* type DMA' "$report.txt" &&
	check PASS "root disk translated by the IOMMU (group type DMA)" ||
	check FAIL "root disk translated by the IOMMU (group type DMA)"
missing=
for c in nr_kernel_pgtable_pending kernel_pgtable_deferred \
	 kernel_pgtable_invalidations kernel_pgtable_invalidation_failures; do
	grep -q "^deb-test: vmstat $c [0-9]*$" "$report.txt" || missing="$missing $c"
done
[ -z "$missing" ] &&
	check PASS "counters in /proc/vmstat" "$(sed -n 's/^deb-test: vmstat //p' "$report.txt" | paste -sd, | sed 's/,/, /g')" ||
	check FAIL "counters in /proc/vmstat" "missing:$missing"
if grep -qx "CONFIG_IOMMU_DEBUGFS=y" "$pkgdir/obj/.config" 2>/dev/null; then
	grep -qx "deb-test: counters /sys/kernel/debug/iommu/sva_kva" "$report.txt" &&
		check PASS "debugfs iommu/sva_kva readable" ||
		check FAIL "debugfs iommu/sva_kva readable"
fi
if grep '^journal: ' "$report.txt" >"$work/journal.txt" && [ -s "$work/journal.txt" ]; then
	if guest_log_reports "$work/journal.txt"; then
		check FAIL "no WARNING/BUG/KASAN/lockdep line in the kernel journal"
	else
		check PASS "no WARNING/BUG/KASAN/lockdep line in the kernel journal" "$(wc -l <"$work/journal.txt") lines"
	fi
else
	check FAIL "no WARNING/BUG/KASAN/lockdep line in the kernel journal" "no journal received"
fi
[ "$qrc" = 0 ] && grep -qx 'deb-test: done' "$report.txt" && grep -aq 'reboot: Power down' "$console" &&
	check PASS "clean poweroff" "QEMU exited after ${boot_time} s" ||
	check FAIL "clean poweroff" "QEMU exit $qrc after ${boot_time} s"
t=$((SECONDS - start))
say "make deb-test took $((t / 60)) min $((t % 60)) s (make deb $((deb_time / 60)) min $((deb_time % 60)) s, boot $boot_time s)"
exit $rc
