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

# A base package of the target: installed (host suites) or fetched.
base_pkg() {	# $1 package, $2 its file, $3 what for
	local have st=ok
	if [ -z "$BASE_SUITE" ]; then
		have=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true)
		have=${have:+installed: $have}
		[ "${have#installed: }" = "$BASE_PKG_VERSION" ] && [ -r "$2" ] || st=MISSING
	else
		have="fetched from $BASE_SUITE by make deps"
		[ -r "$2" ] || st=MISSING
	fi
	[ $st = ok ] || missing+=("$1=$BASE_PKG_VERSION")
	printf '  %-7s %-22s %-24s %s\n' "$st" "${2##*/}" "($1 $BASE_PKG_VERSION)" "$3 ($have)"
}

if printf '%s\n' "${groups[@]}" | grep -qx check; then
	base_pkg "$BASE_PKG" "$BASE_TARBALL_FILE" "the pinned base tree of $TARGET"
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
	base_pkg "$BASE_CONFIG_PKG" "$BASE_CONFIG_FILE" "Debian's config for make deb"
fi

# A note, never a failure: has Debian published a newer upload of the base
# than the pin? (As the apt lists last read say: make deps and make rebase
# read them.)
newest=$(served_versions "$BASE_PKG" | sed -n 1p)
if [ -n "$newest" ] && [ "$newest" != "$BASE_PKG_VERSION" ] &&
	dpkg --compare-versions "$newest" gt "$BASE_PKG_VERSION"; then
	echo "note: Debian serves $BASE_PKG $newest, newer than the pin $BASE_PKG_VERSION (targets/$TARGET.conf): make rebase TARGET=$TARGET"
fi

if [ ${#missing[@]} -gt 0 ]; then
	echo "missing: $(printf '%s\n' "${missing[@]}" | sort -u | paste -sd' ')"
	if [ "${groups[*]}" = check ]; then
		die "install them: make deps (as root)"
	fi
	die "install them: scripts/deps.sh ${groups[*]} (as root)"
fi
echo "all $(printf '%s\n' "${groups[@]}" | paste -sd' ') tools present"
