#!/usr/bin/env bash
# make fresh-check: 'make check' as a new user runs it, on a new Debian 12
# machine. Makes a fresh Debian 12 root (debootstrap, minbase) from the
# mirror the host's apt uses, installs make in it (what README asks of a
# new machine), clones this repo's committed HEAD into it and runs
# '.ci/run' there: every other package must come from the workbench's own
# install step. Not part of make check. Needs root.
#   FRESH_CMD='make run'   run that in the root instead of 'bash .ci/run'

. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || die "make fresh-check needs root (debootstrap, chroot)"
"$TOP/scripts/deps.sh" fresh
fresh=$BUILD_ROOT/fresh
root=$fresh/root
log=$fresh/check.log
start=$SECONDS
[ -z "$(git -C "$TOP" status --porcelain)" ] ||
	warn "the repo has uncommitted changes: fresh-check tests the committed HEAD only"

trap unmount_all EXIT
fresh_root_dir "$root"

main=$(apt_uri bookworm)
security=$(apt_uri bookworm-security)
say "debootstrap bookworm (minbase) into $root"
include=
case $main$security in *https:*) include=--include=ca-certificates ;; esac
debootstrap --variant=minbase $include bookworm "$root" "$main" >"$fresh/debootstrap.log" 2>&1 ||
	{ tail -20 "$fresh/debootstrap.log"; die "debootstrap failed"; }
rm -f "$root"/etc/apt/sources.list
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: $main
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No daemon starts inside the root.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"

root_mounts "$root"
mount -t tmpfs tmpfs "$root/tmp"
MOUNTED+=("$root/tmp")

in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 CI=true \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
say "installing make in the root (apt-get)"
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make' \
	>"$fresh/apt.log" 2>&1 || { tail -20 "$fresh/apt.log"; die "apt-get install make failed in the root"; }

say "cloning the repo's HEAD ($(git -C "$TOP" rev-parse --short HEAD)) into the root"
git clone -q --no-local "$TOP" "$root/work/sva"
prepared=$((SECONDS - start))

cmd=${FRESH_CMD:-bash .ci/run}
say "$cmd in the fresh root (log: $log)"
t0=$SECONDS
rc=0
in_root bash -c "cd /work/sva && $cmd" >"$log" 2>&1 || rc=$?
t=$((SECONDS - t0))
echo
grep -E '^(FAIL|error:)' "$log" | head -20 || true
echo "fresh root: made in $((prepared / 60)) min $((prepared % 60)) s;" \
	"'$cmd' took $((t / 60)) min $((t % 60)) s and exited $rc"
echo "last line: $(tail -1 "$log")"
exit $rc
