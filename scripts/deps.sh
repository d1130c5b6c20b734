#!/usr/bin/env bash
# Install the Debian packages the workbench needs, only those missing.
#   deps.sh [GROUP...]   groups of config/packages (default: check)
# The pinned base package (base.conf) belongs to the check and deb groups,
# Debian's pinned kernel config package to the deb group.
. "$(dirname "$0")/common.sh"

groups=("${@:-check}")
pkgs=()
for g in "${groups[@]}"; do
	mapfile -t -O ${#pkgs[@]} pkgs < <(packages_of "$g")
	case $g in
	check) pkgs+=("$BASE_PKG=$BASE_PKG_VERSION") ;;
	deb) pkgs+=("$BASE_PKG=$BASE_PKG_VERSION" "$BASE_CONFIG_PKG=$BASE_PKG_VERSION") ;;
	esac
done

missing=()
for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do
	name=${p%%=*}
	have=$(dpkg-query -W -f='${db:Status-Status}=${Version}' "$name" 2>/dev/null || true)
	case $p in
	*=*) [ "$have" = "installed=${p#*=}" ] || missing+=("$p") ;;
	*) [ "${have%%=*}" = installed ] || missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing: ${missing[*]}"
[ "$(id -u)" -eq 0 ] || die "need root to apt-get install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/workbench-apt.log" 2>&1; then
	tail -20 "${TMPDIR:-/tmp}/workbench-apt.log" >&2
	for p in "${missing[@]}"; do
		case $p in
		*=*)
			echo >&2
			apt-cache policy "${p%%=*}" >&2 || true
			echo "pinned: $p (base.conf); if Debian no longer serves it, rebase the series and update base.conf" >&2
			;;
		esac
	done
	die "apt-get install failed (log above)"
fi
