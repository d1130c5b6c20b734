#!/usr/bin/env bash
# Download base packages of a target whose Debian suite the host's apt does
# not use (targets/*.conf: BASE_SUITE), through a private sources list that
# points at the host's own Debian mirror, and unpack them under build/debs/
# (never installed). The target's pinned version, or a clear error.
#   fetch.sh PKG...
. "$(dirname "$0")/common.sh"

[ -n "$BASE_SUITE" ] || die "TARGET=$TARGET uses the host's suites: nothing to fetch"
apt=$BUILD_ROOT/apt/$BASE_SUITE
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$BUILD_ROOT/debs"
mirror=$(apt_uri bookworm)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $BASE_SUITE main" >"$apt/sources.list"
aptopts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
	-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root -q)
updated=
for pkg in "$@"; do
	dest=$BUILD_ROOT/debs/${pkg}_$BASE_PKG_VERSION
	[ -d "$dest" ] && continue
	if [ -z "$updated" ]; then
		say "reading Debian's $BASE_SUITE package list (private sources list under $apt)"
		apt-get "${aptopts[@]}" update >"$apt/update.log" 2>&1 ||
			{ tail -5 "$apt/update.log"; die "apt-get update of $BASE_SUITE failed"; }
		updated=1
	fi
	say "downloading $pkg $BASE_PKG_VERSION from $BASE_SUITE"
	rm -f "$apt/${pkg}"_*.deb
	if ! (cd "$apt" && apt-get "${aptopts[@]}" download "$pkg=$BASE_PKG_VERSION") >"$apt/download.log" 2>&1; then
		tail -5 "$apt/download.log" >&2
		apt-cache "${aptopts[@]}" policy "$pkg" >&2 || true
		die "Debian's $BASE_SUITE does not serve $pkg $BASE_PKG_VERSION (targets/$TARGET.conf): if it moved on, update the pin and rebase the series"
	fi
	rm -rf "$dest.tmp"
	dpkg-deb -x "$apt/${pkg}_"*.deb "$dest.tmp"
	rm -f "$apt/${pkg}"_*.deb
	mv "$dest.tmp" "$dest"
done
