#!/usr/bin/env bash
# Download base packages of the target from its Debian suite
# (targets/*.conf: BASE_SUITE; the host's own suites when it is empty) and
# unpack them under build/debs/PKG_VERSION/ (never installed). The
# target's pinned version, or the one --version names (make rebase); a
# clear error, with the versions Debian does serve, when it is gone.
#   fetch.sh [--version V] PKG...
. "$(dirname "$0")/common.sh"

version=$BASE_PKG_VERSION
if [ "${1:-}" = --version ]; then
	version=$2
	shift 2
fi
apt=$BUILD_ROOT/apt/${BASE_SUITE:-host}
mkdir -p "$apt" "$BUILD_ROOT/debs"
updated=
for pkg in "$@"; do
	dest=$BUILD_ROOT/debs/${pkg}_$version
	[ -d "$dest" ] && continue
	if [ -z "$updated" ]; then
		say "reading Debian's ${BASE_SUITE:-bookworm} package lists"
		target_apt_update
		updated=1
	fi
	say "downloading $pkg $version from ${BASE_SUITE:-the host suites}"
	rm -f "$apt/${pkg}"_*.deb
	if ! (cd "$apt" && target_apt apt-get download "$pkg=$version") >"$apt/download.log" 2>&1; then
		tail -5 "$apt/download.log" >&2
		die "Debian does not serve $pkg $version; it serves: $(served_versions "$pkg" | paste -sd' ')${BASE_SUITE:+ (in $BASE_SUITE)}. If the pin is old: make rebase TARGET=$TARGET"
	fi
	rm -rf "$dest.tmp"
	dpkg-deb -x "$apt/${pkg}_"*.deb "$dest.tmp"
	rm -f "$apt/${pkg}"_*.deb
	mv "$dest.tmp" "$dest"
done
