# shellcheck shell=bash
# Shared settings for the workbench scripts. Source it; do not run it.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The target: which base and which series (targets/*.conf).
TARGET=${TARGET:-debian-6.12}
if [ ! -f "$TOP/targets/$TARGET.conf" ]; then
	printf 'error: TARGET=%s: no targets/%s.conf (targets: %s)\n' "$TARGET" "$TARGET" \
		"$(cd "$TOP/targets" && ls -- *.conf | sed 's/\.conf$//' | paste -sd' ')" >&2
	exit 1
fi
# shellcheck source=../targets/debian-6.12.conf
. "$TOP/targets/$TARGET.conf"
# shellcheck source=../project.conf
. "$TOP/project.conf"

BUILD_ROOT=${BUILD_ROOT:-$TOP/build}
BUILD=$BUILD_ROOT/$TARGET	# everything of this target
TREE=$BUILD/linux		# git tree: tag "base" + the series
KBUILD=$BUILD/kunit		# O= directory of the one test kernel
OUT=$BUILD/out			# logs, traces, reports of the last run
PATCHES=$TOP/patches/$TARGET
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the target's build directory: clones of the repo
# share cache entries. Per target, so not inherited from another one.
export CCACHE_BASEDIR=$BUILD
export KBUILD_BUILD_USER=workbench KBUILD_BUILD_HOST=workbench

say()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# git inside the kernel tree, committing under the series identity and
# ignoring the user's git configuration (format.*, diff.* would change the
# exported patches).
tgit() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	GIT_AUTHOR_NAME="$SERIES_NAME" GIT_AUTHOR_EMAIL="$SERIES_EMAIL" \
	GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
		git -C "$TREE" "$@"
}

# Refuse to work on a tree whose HEAD is not the series branch (say, left
# detached by an interrupted 'make builds').
require_series_branch() {
	[ "$(git -C "$TREE" symbolic-ref -q HEAD)" = refs/heads/series ] ||
		die "$TREE is not on branch 'series' (interrupted check?): git -C $TREE checkout series"
}

# make in the kernel tree with the test kernel's O= and ccache.
kmake() {
	make -C "$TREE" O="$KBUILD" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" -s "$@"
}

# A hash of the series' changes outside Documentation/: make bench records
# it with its numbers, and make send quotes numbers only of the same code.
series_code_hash() {
	tgit diff --full-index --no-renames --no-ext-diff --no-textconv \
		--src-prefix=a/ --dst-prefix=b/ base series -- . ':(exclude)Documentation' |
		sha256sum | cut -c1-16
}

# The sender: git config user.name/user.email of the tree, into $name and
# $email. sender_identity --required: both set, and not the neutral series
# identity, which never signs off or sends; else die with $1's words.
sender_identity() {
	name=$(git -C "$TREE" config user.name || true)
	email=$(git -C "$TREE" config user.email || true)
	[ "${1:-}" = --required ] || return 0
	[ -n "$name" ] && [ -n "$email" ] ||
		die "git config user.name and user.email are not set: the sign-off and the mail are the sender's own"
	if [ "$name" = "$SERIES_NAME" ] ||
		[ "$(printf '%s' "$email" | tr '[:upper:]' '[:lower:]')" = "$(printf '%s' "$SERIES_EMAIL" | tr '[:upper:]' '[:lower:]')" ]; then
		die "git config names the series identity ($SERIES_EMAIL), which never signs off or sends: configure the sender's own"
	fi
}

series_list() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$PATCHES/series" 2>/dev/null || true
}

# Record one check's outcome for the summary: result PASS|FAIL name [detail]
result() {
	local r=$1 name=$2
	shift 2
	mkdir -p "$OUT"
	printf '%s %s\n' "$r" "$name" >>"$OUT/results"
	printf '%-4s %s%s\n' "$r" "$name" "${*:+  ($*)}"
}

# Print the kernel reports found in a guest log; false if there are none.
# Report headers only: fault injection's own stack dumps are expected.
# int3_loss LOG: did the guest die on an int3 trap no kernel code set?
# Under TCG with two vCPUs a CPU can still hit a breakpoint that text
# patching (a static key, a tracepoint, a removed kprobe) already took
# out: a boot the emulated machine lost, not a result. Prints why, with
# the trap's RIP line; make kunit and make deb-test boot once more.
int3_loss() {
	grep -qa 'Oops: int3' "$1" || return 1
	echo "an int3 trap no kernel code set ($(grep -a -m1 -A6 'Oops: int3' "$1" | { grep -a -m1 -o 'RIP: .*' || echo 'no RIP line'; } | cut -c1-80))"
}

guest_log_reports() {
	grep -aEn -m 20 'BUG:|KASAN:|UBSAN:|WARNING:|INFO: (possible|inconsistent|trying|suspicious)|INFO: task .* blocked|rcu: INFO|detected stalls|sleeping function called from invalid context|general protection fault|Oops|Kernel panic' "$1"
}

# QEMU's emulated VT-d machine, as the series' kunit qemu config defines it,
# in each KUnit run (KUNIT_MODES of the target): scalable and legacy VT-d;
# per-mm, scalable mode booted with iommu.sva_kva_per_mm=1 (mainline's
# per-process invalidation path); caching, scalable mode with caching mode
# on (a virtual IOMMU, kept on that path). per-mm and caching run the SVA
# suite only; bench is scalable mode for make bench.
vtd_mode_args() {
	case $1 in
	scalable|per-mm|bench) echo "-global intel-iommu.x-scalable-mode=on" ;;
	caching) echo "-global intel-iommu.x-scalable-mode=on -global intel-iommu.caching-mode=on" ;;
	legacy) echo "-global intel-iommu.x-scalable-mode=off" ;;
	*) die "unknown VT-d mode $1" ;;
	esac
}

vtd_mode_kargs() {
	case $1 in
	per-mm) echo "iommu.sva_kva_per_mm=1" ;;
	esac
}

vtd_mode_glob() {
	case $1 in
	per-mm) echo "${KUNIT_PER_MM_GLOB:-intel_iommu_sva_kva*}" ;;
	caching) echo "${KUNIT_CACHING_GLOB:-intel_iommu_sva_kva*}" ;;
	esac
}

# Packages of one group of config/packages (make deps, make doctor).
packages_of() {
	awk -v g="$1" '!/^#/ && $1 == g { print $2 }' "$TOP/config/packages" | sort -u
}

# The URI the host's apt uses for Debian suite $1 (one-line and deb822
# sources), so that a private root or sources list reaches the same mirror.
# Nothing about the host is written into the repo.
apt_uri() {
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk -v s="$1" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /^[a-z+]+:\/\//) { if ($(i + 1) == s) print $i; break } }'
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			awk -v s="$1" 'BEGIN { RS = "" } {
				uri = ""; ok = 0; deb = 0
				n = split($0, l, "\n")
				for (i = 1; i <= n; i++) {
					if (l[i] ~ /^Types:.*(^|[ \t])deb([ \t]|$)/) deb = 1
					if (l[i] ~ /^URIs:/) { split(l[i], u, /[ \t]+/); uri = u[2] }
					if (l[i] ~ /^Suites:/) { m = split(l[i], x, /[ \t]+/); for (j = 2; j <= m; j++) if (x[j] == s) ok = 1 }
				}
				if (deb && ok && uri != "") print uri
			}'
	} | awk 'NR == 1 { u = $0 } END { if (u == "") exit 1; print u }' ||
		die "the host's apt sources name no mirror for suite $1"
}

# Absolute path of file $2 (its path inside the package) of base package
# $1: installed with apt-get when the target's suite is the host's, else
# unpacked under build/debs by fetch.sh.
pkg_file() {
	if [ -z "$BASE_SUITE" ]; then
		echo "/$2"
	else
		echo "$BUILD_ROOT/debs/${1}_$BASE_PKG_VERSION/$2"
	fi
}
BASE_TARBALL_FILE=$(pkg_file "$BASE_PKG" "$BASE_TARBALL")
BASE_CONFIG_FILE=$(pkg_file "$BASE_CONFIG_PKG" "$BASE_CONFIG")

# Chroot roots (fresh-check, deb-test). fresh_root_dir DIR: an empty DIR,
# after unmounting what an earlier run left mounted below it. root_mounts
# ROOT: /dev, /dev/pts, /proc and /sys inside ROOT. unmount_all: undo them,
# newest first (scripts call it from an EXIT trap too).
MOUNTED=()
fresh_root_dir() {
	grep -o " $1/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l || true
	rm -rf --one-file-system "$1" && mkdir -p "$1"
}
root_mounts() {
	mount --bind /dev "$1/dev"
	MOUNTED+=("$1/dev")
	mount --bind /dev/pts "$1/dev/pts"
	MOUNTED+=("$1/dev/pts")
	mount -t proc proc "$1/proc"
	MOUNTED+=("$1/proc")
	mount -t sysfs sys "$1/sys"
	MOUNTED+=("$1/sys")
}
unmount_all() {
	local i
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do
		umount -l "${MOUNTED[$i]}" 2>/dev/null || true
	done
	MOUNTED=()
}

# unpack_base TARBALL PKG_VERSION KERNELVERSION DATE DEST: the base tree
# at DEST, as a git repository whose commits have fixed identities and
# dates, so that their hashes are the same on every machine: tag "debian"
# (the tarball as unpacked), tag "base" (plus the .gitignore fix), on
# branch base-branch. tree.sh makes the target's tree with it, rebase.sh a
# newer upload's.
unpack_base() {
	local tarball=$1 pkgver=$2 kver=$3 date=$4 dest=$5 tmp ver
	say "unpacking $BASE_PKG $pkgver"
	tmp=$dest.unpack.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xf "$tarball"
	[ -d "$tmp/$BASE_PKG" ] || die "$tarball has no $BASE_PKG/ directory"
	ver=$(make -s -C "$tmp/$BASE_PKG" kernelversion)
	[ "$ver" = "$kver" ] ||
		die "$tarball unpacks to Linux $ver, expected $kver"
	rm -rf "$dest"
	mv "$tmp/$BASE_PKG" "$dest" && rmdir "$tmp"

	say "committing the base (git)"
	git -C "$dest" init -q -b base-branch
	git -C "$dest" config core.autocrlf false
	git -C "$dest" config gc.auto 0
	git -C "$dest" add -A -f .
	GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
		TREE=$dest tgit commit -q --no-verify -m "$BASE_PKG $pkgver (Linux $ver)"
	git -C "$dest" tag debian
	# Debian's source package ignores every top-level path (its packaging
	# repo's rule), which would hide all work from git: drop that rule.
	perl -0pi -e 's{#\n# Debian packaging:.*?^!/debian/\n}{}ms' "$dest/.gitignore"
	git -C "$dest" add .gitignore
	GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
		TREE=$dest tgit commit -q --no-verify -m "Drop Debian packaging rules from .gitignore"
	git -C "$dest" tag base
}

# apt-get or apt-cache (first argument) on the target's Debian suite: the
# host's own lists when BASE_SUITE is empty, else a private sources list
# under build/apt/ that points at the host's Debian mirror (nothing is
# installed from it; target_apt_update writes its lists).
target_apt() {
	local tool=$1 apt=$BUILD_ROOT/apt/$BASE_SUITE
	shift
	if [ -z "$BASE_SUITE" ]; then
		"$tool" -q "$@"
		return
	fi
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	[ -f "$apt/sources.list" ] ||
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(apt_uri bookworm) $BASE_SUITE main" >"$apt/sources.list"
	"$tool" -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
		-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root -q "$@"
}
target_apt_update() {
	local log=$BUILD_ROOT/apt/update-${BASE_SUITE:-host}.log
	mkdir -p "$BUILD_ROOT/apt"
	[ "$(id -u)" -eq 0 ] || die "reading Debian's package lists (apt-get update) needs root"
	target_apt apt-get update >"$log" 2>&1 ||
		{ tail -5 "$log" >&2; die "apt-get update of ${BASE_SUITE:-the host suites} failed (log: $log)"; }
}

# The versions of package $1 the target's suite serves, newest first, as
# the apt lists last read say (empty if none).
served_versions() {
	target_apt apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '{ gsub(/[ \t]/, "", $2); if ($2 != "") print $2 }' | sort -u |
		python3 -c '
import functools, subprocess, sys
def cmp(a, b):
    return -1 if subprocess.call(["dpkg", "--compare-versions", a, "lt", b]) == 0 else 1
vs = sorted({l.strip() for l in sys.stdin if l.strip()}, key=functools.cmp_to_key(cmp), reverse=True)
print("\n".join(vs))'
}

# Run "$@" with /dev/kvm hidden where the target's kunit.py would try KVM
# first (QEMU_FORCE_TCG in targets/TARGET.conf): QEMU then falls back to TCG.
tcg() {
	if [ "${QEMU_FORCE_TCG:-0}" = 1 ] && [ -e /dev/kvm ]; then
		[ "$(id -u)" -eq 0 ] || die "TARGET=$TARGET hides /dev/kvm from QEMU (TCG only): needs root"
		unshare --mount sh -c 'mount --bind /dev/null /dev/kvm && exec "$@"' sh "$@"
	else
		"$@"
	fi
}
