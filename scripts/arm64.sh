#!/usr/bin/env bash
# Does the series build where x86's sharing of the kernel half of the page
# tables does not exist? arm64 defconfig with SMMUv3 SVA, IOMMU debugfs and
# KUnit, built with Debian's cross compiler and W=1: drivers/iommu/ and
# mm/. Prints the build line and what the config gave (IOMMU_SVA on,
# ASYNC_KERNEL_PGTABLE_FREE and the x86-only tests off); a warning in a
# file the series touches fails.
. "$(dirname "$0")/common.sh"

cross=aarch64-linux-gnu-
obj=$BUILD/arm64
mkdir -p "$obj" "$OUT"
km() { make -C "$TREE" O="$obj" ARCH=arm64 CROSS_COMPILE=$cross CC="ccache ${cross}gcc" -j"$JOBS" "$@"; }

km -s defconfig
"$TREE/scripts/config" --file "$obj/.config" -e IOMMU_SUPPORT -e ARM_SMMU_V3 \
	-e ARM_SMMU_V3_SVA -e IOMMU_DEBUGFS -e KUNIT -e IOMMU_SVA_KUNIT_TEST \
	-e INTEL_IOMMU_KUNIT_TEST
km -s olddefconfig
log=$OUT/arm64-build.txt
km W=1 drivers/iommu/ mm/ >"$log" 2>&1 || { tail -30 "$log"; die "arm64 build failed ($log)"; }
touched=$(git -C "$TREE" diff --name-only base..HEAD -- '*.c' '*.h' | paste -sd'|' -)
if grep -E "($touched).*(warning|error):" "$log"; then
	die "warnings in files the series touches ($log)"
fi
cfg() { grep -qx "CONFIG_$1=y" "$obj/.config" && echo "$1=y" || echo "$1=n"; }
echo "arm64: ${cross}gcc $(${cross}gcc -dumpfullversion), defconfig + SMMUv3 SVA, W=1: drivers/iommu/ mm/ built, no warning in touched files;" \
	"$(cfg IOMMU_SVA) $(cfg ASYNC_KERNEL_PGTABLE_FREE) $(cfg IOMMU_SVA_KUNIT_TEST) $(cfg INTEL_IOMMU_KUNIT_TEST)"
