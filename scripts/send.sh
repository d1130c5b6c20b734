#!/usr/bin/env bash
# make send: mail the series of a target that goes to a list (SERIES_MAILED
# in targets/T.conf) with git format-patch --cover-letter and git send-email.
#   V=N        version: [PATCH vN n/M]; from v2 on the cover letter carries
#              the changelog patches/T/changes-vN.txt (and those of the
#              versions between, newest first)
#   SEND=1     really send; the default is git send-email --dry-run
#   BENCH_TABLE=FILE  the make bench table the cover letter quotes
#              (default build/T/out/bench/table.txt, the last make bench
#              here; without one, the committed docs/bench-T.txt)
#   SMTP_SERVER=, SMTP_PORT=  for git send-email (default: sendemail.*)
#   SIGNED_BRANCH=, CHANGES_DIR=  (make check's send test)
# Recipients: get_maintainer.pl per patch (To: maintainers, Cc: reviewers
# and lists), their union on the cover letter (scripts/recipients.sh).
# SEND=1 mails branch 'signed' (make signoff) and refuses unless it is the
# current series, every patch signed off by the sender (git config
# user.name/user.email), and the sender is not the neutral series identity.
. "$(dirname "$0")/common.sh"

[ "${SERIES_MAILED:-0}" = 1 ] ||
	die "the $TARGET series is not mailed (targets/$TARGET.conf): only a backport"
require_series_branch
"$TOP/scripts/status.sh" >/dev/null || die "tree and patches/$TARGET/ differ: make export or make apply first"
V=${V:-1}
[[ $V =~ ^[1-9][0-9]*$ ]] || die "V=$V: a version number"
SEND=${SEND:-0}
signed=${SIGNED_BRANCH:-signed}
changes_dir=${CHANGES_DIR:-$PATCHES}
table=${BENCH_TABLE:-$OUT/bench/table.txt}
[ -n "${BENCH_TABLE:-}" ] || [ -s "$table" ] || table=$TOP/docs/bench-$TARGET.txt
send=$OUT/send/v$V

# The numbers: the last make bench output, and only of this code.
[ -s "$table" ] || die "no make bench output ($table, nor a committed docs/bench-$TARGET.txt): run make bench TARGET=$TARGET first"
measured=$(sed -n 's/^series-code: //p' "$table")
current=$(series_code_hash) || die "cannot hash the series"
[ "$measured" = "$current" ] ||
	die "$table measured other code (series-code ${measured:-missing}, the series is $current): run make bench TARGET=$TARGET again"
! grep -q '^FAIL ' "$table" || die "$table has FAIL lines: a bench run that failed is not quoted"

branch=series
sender_identity
if [ "$SEND" = 1 ]; then
	sender_identity --required
	git -C "$TREE" rev-parse -q --verify "$signed" >/dev/null || die "no branch '$signed': make signoff TARGET=$TARGET"
	[ "$(git -C "$TREE" config "branch.$signed.series" || true)" = "$(git -C "$TREE" rev-parse series)" ] ||
		die "branch '$signed' was signed off from another series: make signoff TARGET=$TARGET again"
	# The trailer as git writes it for this identity.
	ident=$(git -C "$TREE" var GIT_COMMITTER_IDENT | sed 's/ [0-9]* [-+][0-9]*$//')
	for c in $(git -C "$TREE" rev-list "base..$signed"); do
		git -C "$TREE" log -1 --format=%B "$c" | grep -qxF "Signed-off-by: $ident" ||
			die "$(git -C "$TREE" log -1 --format=%s "$c"): no Signed-off-by: $ident (make signoff)"
	done
	branch=$signed
fi

# The cover letter: the template with the bench figures, as the branch
# description that format-patch --cover-from-description=subject uses.
# The figures are make bench's own lines, quoted as printed.
section() {	# section NAME ERE [MIN]: the table's lines matching ERE
	local lines
	lines=$(grep -E "$2" "$table" || true)
	[ "$(printf '%s' "$lines" | grep -c .)" -ge "${3:-1}" ] || die "$table: no $1 lines"
	printf '%s' "$lines"
}
table_lines=$(section 'M table' '^ *(M|[0-9]+) \|' 5)
bind_lines=$(section bind '^  (base|series)( |:)' 2)
churn_lines=$(section churn '^ *(gap|[0-9]+ us) \|' 6)
nosva_lines=$(section 'no-SVA' '^  gap ' 4)
changes=
if [ "$V" -gt 1 ]; then
	[ -s "$changes_dir/changes-v$V.txt" ] ||
		die "V=$V: write the changelog to patches/$TARGET/changes-v$V.txt"
	for ((v = V; v > 1; v--)); do
		[ -s "$changes_dir/changes-v$v.txt" ] || continue
		changes+=$(printf '\nChanges in v%s:\n%s\n' "$v" "$(cat "$changes_dir/changes-v$v.txt")")
		changes+=$'\n'
	done
fi
cover=$(grep -v '^#' "$PATCHES/cover-letter.txt" | cat -s)
# Quoted replacements: bash 5.2 would expand '&' in them.
cover=${cover//@TABLE@/"$table_lines"}
cover=${cover//@BIND@/"$bind_lines"}
cover=${cover//@CHURN@/"$churn_lines"}
cover=${cover//@NOSVA@/"$nosva_lines"}
cover=${cover//@BASE@/"Linux $BASE_KERNELVERSION ($BASE_PKG $BASE_PKG_VERSION)"}
cover=${cover//@CHANGES@/"$changes"}
if [[ $cover =~ @[A-Z_]+@ ]]; then
	die "cover letter: ${BASH_REMATCH[0]} not filled from $table"
fi
git -C "$TREE" config "branch.$branch.description" "$cover"

# format-patch without the user's format.* and diff.* settings.
rm -rf "$send"
mkdir -p "$send"
version=()
[ "$V" -gt 1 ] && version=(-v "$V")
GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
	git -C "$TREE" -c user.name="${name:-$SERIES_NAME}" -c user.email="${email:-$SERIES_EMAIL}" \
	-c core.abbrev=12 format-patch -q --cover-letter --cover-from-description=subject "${version[@]}" \
	--subject-prefix=PATCH --no-signature -o "$send" "base..$branch"
say "$(find "$send" -name '*.patch' | wc -l) mails in $send (cover letter from make bench: $table)"

# No Cc to the sender, nor to the commits' author: the neutral series
# identity is no mailbox.
args=(--confirm=never --no-annotate --suppress-cc=self --suppress-cc=author
	--to-cmd="$TOP/scripts/recipients.sh to" --cc-cmd="$TOP/scripts/recipients.sh cc")
[ -n "$name" ] && [ -n "$email" ] && args+=(--from="$name <$email>")
[ -n "${SMTP_SERVER:-}" ] && args+=(--smtp-server="$SMTP_SERVER")
[ -n "${SMTP_PORT:-}" ] && args+=(--smtp-server-port="$SMTP_PORT")
if [ "$SEND" = 1 ]; then
	say "git send-email as $name <$email>"
	TARGET=$TARGET git -C "$TREE" send-email "${args[@]}" "$send"/*.patch </dev/null
else
	say "dry run (SEND=1 sends): who gets what"
	TARGET=$TARGET git -C "$TREE" send-email --dry-run "${args[@]}" "$send"/*.patch </dev/null |
		awk '/^From: /{ p = 1; print "" } /^Date: /{ p = 0 } p'
fi
