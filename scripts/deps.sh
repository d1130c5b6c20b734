#!/usr/bin/env bash
# Install the Debian packages the workbench needs, only those missing.
#   deps.sh [GROUP...]   groups of config/packages (default: check)
# The target's pinned base package (targets/$TARGET.conf) belongs to the
# check and deb groups, Debian's pinned kernel config package to the deb
# group: installed from the host's suites, or fetched (fetch.sh) from the
# target's own suite.
. "$(dirname "$0")/common.sh"

groups=("${@:-check}")
pkgs=() base=()
for g in "${groups[@]}"; do
	mapfile -t -O ${#pkgs[@]} pkgs < <(packages_of "$g")
	case $g in
	check) base+=("$BASE_PKG") ;;
	deb) base+=("$BASE_PKG" "$BASE_CONFIG_PKG") ;;
	esac
done
if [ -z "$BASE_SUITE" ]; then
	for p in "${base[@]}"; do pkgs+=("$p=$BASE_PKG_VERSION"); done
fi

missing=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
	name=${p%%=*}
	have=$(dpkg-query -W -f='${db:Status-Status}=${Version}' "$name" 2>/dev/null || true)
	case $p in
	*=*) [ "$have" = "installed=${p#*=}" ] || missing+=("$p") ;;
	*) [ "${have%%=*}" = installed ] || missing+=("$p") ;;
	esac
done
fetch_base() {
	[ -n "$BASE_SUITE" ] && [ ${#base[@]} -gt 0 ] || return 0
	"$TOP/scripts/fetch.sh" $(printf '%s\n' "${base[@]}" | sort -u)
}
if [ ${#missing[@]} -eq 0 ]; then
	fetch_base
	exit 0
fi

say "installing: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || die "need root to apt-get install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/workbench-apt.log" 2>&1; then
	tail -20 "${TMPDIR:-/tmp}/workbench-apt.log" >&2
	for p in "${missing[@]}"; do
		case $p in
		*=*)
			echo "pinned: $p (targets/$TARGET.conf); Debian serves: $(served_versions "${p%%=*}" | paste -sd' ')" >&2
			served_versions "${p%%=*}" | grep -qxF "${p#*=}" ||
				echo "Debian no longer serves ${p#*=}: move the series to the newest upload with 'make rebase TARGET=$TARGET'" >&2
			;;
		esac
	done
	die "apt-get install failed (log above)"
fi
fetch_base
