#!/usr/bin/env bash
# Boot the test kernel on q35 + intel-iommu in MODE (scalable|legacy) with a
# busybox initramfs and a virtio-blk disk behind the IOMMU
# (iommu_platform=on): write a known pattern, read it back from the device,
# compare checksums, in the guest and against the disk image on the host;
# and no KASAN/lockdep/BUG report in the boot log.
#   boot-test.sh MODE
. "$(dirname "$0")/common.sh"

mode=${1:?mode}
bzimage=$KBUILD/arch/x86/boot/bzImage
[ -f "$bzimage" ] || die "no kernel at $bzimage (make build)"
work=$BUILD/boot-$mode
rm -rf "$work" && mkdir -p "$work/root/bin" "$work/root/proc" \
	"$work/root/sys" "$work/root/dev" "$work/root/tmp"

cp /bin/busybox "$work/root/bin/busybox"
cat >"$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
pci=$(readlink -f /sys/block/vda/device/..)
grp=$(readlink -f "$pci/iommu_group")
echo "boot-test: vda at ${pci##*/}, iommu group ${grp##*/} type $(cat "$grp/type")"
# 16 MiB pattern; its checksum is compared with what the disk returns
# and, after poweroff, with the disk image on the host.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
w=$(md5sum </tmp/pattern | cut -d' ' -f1)
dd if=/tmp/pattern of=/dev/vda bs=1M oflag=direct 2>/dev/null
sync
echo 3 >/proc/sys/vm/drop_caches
r=$(dd if=/dev/vda bs=1M count=16 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
echo "boot-test: wrote $w read $r"
poweroff -f
INIT
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.gz"
truncate -s 32M "$work/disk.img"

say "booting ($mode mode, virtio-blk behind the IOMMU)"
# shellcheck disable=SC2046
timeout 600 qemu-system-x86_64 -nodefaults -no-reboot -nographic -m 1024 \
	-bios qboot.rom -machine q35 \
	-device intel-iommu,device-iotlb=on $(vtd_mode_args "$mode") \
	-drive file="$work/disk.img",if=none,id=d0,format=raw,cache=none \
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on \
	-kernel "$bzimage" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 intel_iommu=on kunit.enable=0 panic=-1 rdinit=/init" \
	-serial stdio >"$OUT/boot-$mode.log" 2>&1 || true

log=$OUT/boot-$mode.log
line=$(grep -a '^boot-test: wrote' "$log" | tr -d '\r' || true)
w=$(echo "$line" | awk '{print $3}')
r=$(echo "$line" | awk '{print $5}')
host=$(head -c 16M "$work/disk.img" | md5sum | cut -d' ' -f1)
grep -a 'boot-test: vda' "$log" || true
echo "guest wrote $w, guest read back $r, host image $host"
[ -n "$w" ] && [ "$w" = "$r" ] && [ "$w" = "$host" ] || exit 1
grep -aq 'type DMA' "$log" || { echo "vda is not translated by the IOMMU"; exit 1; }
! guest_log_reports "$log" || { echo "kernel reports in the boot log"; exit 1; }
