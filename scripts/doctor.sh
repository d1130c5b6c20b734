#!/usr/bin/env bash
# make doctor: is every external program and file the workbench calls
# present? Lists each (config/packages) and fails naming the Debian
# packages to install when one is missing. Installs nothing.
#   doctor.sh [GROUP...]   groups of config/packages (default: check)
. "$(dirname "$0")/common.sh"

groups=("${@:-check}")
missing=()
for g in "${groups[@]}"; do
	while read -r grp pkg what why; do
		[ "$grp" = "$g" ] || continue
		case $what in
		/*) [ -e "$what" ] ;;
		*) command -v "$what" >/dev/null ;;
		esac && st=ok || { st=MISSING; missing+=("$pkg"); }
		printf '  %-7s %-22s %-24s %s\n' "$st" "${what##*/}" "($pkg)" "$why"
	done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$TOP/config/packages")
done

if printf '%s\n' "${groups[@]}" | grep -qx check; then
	have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
	if [ "$have" = "$BASE_PKG_VERSION" ] && [ -r "$BASE_TARBALL" ]; then
		st=ok
	else
		st=MISSING
		missing+=("$BASE_PKG=$BASE_PKG_VERSION")
	fi
	printf '  %-7s %-22s %-24s %s\n' "$st" "${BASE_TARBALL##*/}" "($BASE_PKG $BASE_PKG_VERSION)" "the pinned base tree${have:+ (installed: $have)}"
	# The emulated VT-d machine must offer what the tests use.
	if command -v qemu-system-x86_64 >/dev/null; then
		if qemu-system-x86_64 -device intel-iommu,help 2>/dev/null | grep -q x-scalable-mode; then
			st=ok
		else
			st=MISSING
			missing+=(qemu-system-x86)
		fi
		printf '  %-7s %-22s %-24s %s\n' "$st" "intel-iommu" "(qemu-system-x86)" "emulated VT-d with scalable mode"
	fi
fi

if printf '%s\n' "${groups[@]}" | grep -qx deb; then
	have=$(dpkg-query -W -f='${Version}' "$BASE_CONFIG_PKG" 2>/dev/null || true)
	if [ "$have" = "$BASE_PKG_VERSION" ] && [ -r "$BASE_CONFIG" ]; then
		st=ok
	else
		st=MISSING
		missing+=("$BASE_CONFIG_PKG=$BASE_PKG_VERSION")
	fi
	printf '  %-7s %-22s %-24s %s\n' "$st" "${BASE_CONFIG##*/}" "($BASE_CONFIG_PKG $BASE_PKG_VERSION)" "Debian's config for make deb${have:+ (installed: $have)}"
fi

if [ ${#missing[@]} -gt 0 ]; then
	echo "missing: $(printf '%s\n' "${missing[@]}" | sort -u | paste -sd' ')"
	die "install them: make deps (as root), or apt-get install $(printf '%s\n' "${missing[@]}" | sort -u | paste -sd' ')"
fi
echo "all $(printf '%s\n' "${groups[@]}" | paste -sd' ') tools present"
