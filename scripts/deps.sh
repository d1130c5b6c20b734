#!/usr/bin/env bash
# Install the Debian packages the workbench needs, only those missing.
. "$(dirname "$0")/common.sh"

pkgs=(
	"$BASE_PKG=$BASE_PKG_VERSION"	# the base tree
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod
	python3 ccache sparse coccinelle codespell
	qemu-system-x86 busybox-static
	xz-utils git git-email
)

missing=()
for p in "${pkgs[@]}"; do
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
	if printf '%s\n' "${missing[@]}" | grep -q "^$BASE_PKG="; then
		echo >&2
		apt-cache policy "$BASE_PKG" >&2 || true
		die "could not install $BASE_PKG $BASE_PKG_VERSION (the pinned base, base.conf); if Debian no longer serves it, rebase the series and update base.conf"
	fi
	die "apt-get install failed (log above)"
fi
