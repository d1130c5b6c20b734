#!/usr/bin/env bash
# make check's send test, for targets whose series is mailed (SERIES_MAILED):
# make signoff and make send SEND=1 for real, through git send-email, to an
# SMTP server on 127.0.0.1 (scripts/smtp-sink.py) that writes an mbox under
# build/T/out/send-test/. Then the mails as received: a cover letter and one
# mail per patch, numbered [PATCH n/N], each in reply to the cover letter
# and sent to everyone get_maintainer.pl names for its patch; git am of them
# on the base rebuilds the tested series' tree and messages. Also: send
# refuses without current make bench numbers, without the sender's
# sign-off, as the series identity; signoff refuses the series identity;
# V=2 (dry run) numbers the thread v2 and carries the changelog. The
# sender is a test identity in a private git config, the signed branch
# is 'check-signed'; nothing leaves the machine. The cover letter quotes
# the committed make bench output, docs/bench-T.txt.
. "$(dirname "$0")/common.sh"

[ "${SERIES_MAILED:-0}" = 1 ] || exit 0
S=$TOP/scripts
d=$OUT/send-test
rm -rf "$d"
mkdir -p "$d/mails"
table=$TOP/docs/bench-$TARGET.txt
export GIT_CONFIG_GLOBAL=$d/gitconfig GIT_CONFIG_NOSYSTEM=1 SIGNED_BRANCH=check-signed
sender() { git config --file "$GIT_CONFIG_GLOBAL" user.name "$1"; git config --file "$GIT_CONFIG_GLOBAL" user.email "$2"; }
sender "make check" check@example.org
n=$(git -C "$TREE" rev-list --count base..series)

# expect NAME PATTERN command...: the command fails, saying PATTERN.
expect_refusal() {
	local name=$1 pat=$2 log
	shift 2
	log=$d/refusal.log
	if "$@" >"$log" 2>&1; then
		result FAIL "$name" "it went through"
	elif grep -q -- "$pat" "$log"; then
		result PASS "$name"
	else
		result FAIL "$name" "$(tail -1 "$log")"
	fi
}
expect_refusal "send: refuses without make bench output" "no make bench output" \
	env BENCH_TABLE="$d/none" "$S/send.sh"
sed 's/^series-code: .*/series-code: 0000000000000000/' "$table" >"$d/stale.txt"
expect_refusal "send: refuses numbers measured on other code" "measured other code" \
	env BENCH_TABLE="$d/stale.txt" "$S/send.sh"
git -C "$TREE" branch -q -D "$SIGNED_BRANCH" 2>/dev/null || true
expect_refusal "send: SEND=1 refuses a series not signed off" "make signoff" \
	env SEND=1 BENCH_TABLE="$table" "$S/send.sh"
sender "$SERIES_NAME" "$SERIES_EMAIL"
expect_refusal "signoff: refuses the neutral series identity" "never signs off" "$S/signoff.sh"
expect_refusal "send: SEND=1 refuses the neutral series identity" "never signs off or sends" \
	env SEND=1 BENCH_TABLE="$table" "$S/send.sh"
sender "make check" check@example.org

# V=2: refused without a changelog; then a dry run numbered v2, with it.
mkdir -p "$d/changes"
expect_refusal "send: V=2 refuses without a changelog" "changes-v2.txt" \
	env V=2 CHANGES_DIR="$d/changes" BENCH_TABLE="$table" "$S/send.sh"
printf '%s\n' "- make check's changelog line: A & B, 50% \\d" >"$d/changes/changes-v2.txt"
if V=2 CHANGES_DIR="$d/changes" BENCH_TABLE="$table" "$S/send.sh" >"$d/v2.log" 2>&1 &&
	[ "$(grep -c "^Subject: \[PATCH v2 [0-9]*/$n\] " "$d/v2.log")" -eq $((n + 1)) ] &&
	grep -qxF -e "- make check's changelog line: A & B, 50% \\d" "$OUT/send/v2/v2-0000-cover-letter.patch" &&
	grep -qx 'Changes in v2:' "$OUT/send/v2/v2-0000-cover-letter.patch" &&
	[ "$(awk '/^Subject: \[PATCH v2 0+\//{ exit } /^To: /{ t++ } END { print t + 0 }' "$d/v2.log")" -eq 1 ]; then
	result PASS "send: V=2 dry run: [PATCH v2 i/$n], the changelog in the cover letter"
else
	result FAIL "send: V=2 dry run: [PATCH v2 i/$n], the changelog in the cover letter" "$(tail -1 "$d/v2.log")"
fi

# The real send.
/usr/bin/python3 "$S/smtp-sink.py" "$d/received.mbox" "$d/port" 2>"$d/smtp.log" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.2; done
[ -s "$d/port" ] || { result FAIL "send: SMTP server on 127.0.0.1" "$(tail -1 "$d/smtp.log")"; exit 0; }
rc=0
{ "$S/signoff.sh" && SEND=1 BENCH_TABLE="$table" SMTP_SERVER=127.0.0.1 \
	SMTP_PORT=$(cat "$d/port") "$S/send.sh"; } >"$d/send.log" 2>&1 || rc=$?
kill $sink
wait $sink 2>/dev/null || true
got=0
[ -s "$d/received.mbox" ] && got=$(git mailsplit --mboxrd -o"$d/mails" "$d/received.mbox")
if [ $rc -eq 0 ] && [ "$got" -eq $((n + 1)) ]; then
	result PASS "send: SEND=1 through git send-email to an SMTP server on 127.0.0.1" "$got mails"
else
	result FAIL "send: SEND=1 through git send-email to an SMTP server on 127.0.0.1" \
		"exit $rc, $got mails of $((n + 1)): $(tail -1 "$d/send.log")"
	exit 0
fi

# Header NAME of mail FILE, continuation lines unfolded.
hdr() {
	awk -v want="$2" 'BEGIN { want = tolower(want) ":" }
		/^$/ { exit }
		/^[ \t]/ { if (on) { sub(/^[ \t]+/, " "); v = v $0 }; next }
		{ if (on) exit; if (tolower($1) == want) { on = 1; v = substr($0, length(want) + 2) } }
		END { print v }' "$1"
}
addrs() { grep -oE '[^<>", ]+@[^<>", ]+' | tr 'A-Z' 'a-z' | sort -u; }

# Every mail is from the sender.
from=$(for f in "$d"/mails/*; do hdr "$f" From; done | sort -u)
if [ "$from" = "make check <check@example.org>" ]; then
	result PASS "send: every mail is from the sender (git config), none from the series identity"
else
	result FAIL "send: every mail is from the sender" "From: $(printf '%s' "$from" | paste -sd'|')"
fi

# The thread: the cover letter, then patch i of n, each replying to it.
cover= errs=()
declare -A mail
for f in "$d"/mails/*; do
	s=$(hdr "$f" Subject)
	if [[ $s =~ ^\[PATCH\ ([0-9]+)/$n\]\  ]]; then
		i=$((10#${BASH_REMATCH[1]}))
		[ -z "${mail[$i]:-}" ] || errs+=("two mails numbered $i/$n")
		mail[$i]=$f
	else
		errs+=("subject not [PATCH i/$n]: $s")
	fi
done
cover=${mail[0]:-}
[ -n "$cover" ] || errs+=("no cover letter [PATCH 0/$n]")
id=$([ -n "$cover" ] && hdr "$cover" Message-Id || true)
for i in $(seq "$n"); do
	if [ -z "${mail[$i]:-}" ]; then
		errs+=("no mail $i/$n")
	elif [ "$(hdr "${mail[$i]}" In-Reply-To)" != "$id" ]; then
		errs+=("$i/$n is not in reply to the cover letter $id")
	fi
done
if [ ${#errs[@]} -eq 0 ]; then
	result PASS "send: received thread: cover letter and $n patches, [PATCH i/$n], each in reply to the cover letter"
else
	result FAIL "send: received thread" "${errs[*]}"
	exit 0
fi

# Everyone get_maintainer.pl names for a patch received it; the cover
# letter went to all of them. The lists of what the series touches are
# among them.
errs=() all=$d/all.txt
: >"$all"
for i in $(seq "$n"); do
	f=${mail[$i]}
	want=$(cd "$TREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
		--no-git-fallback "$f" | addrs)
	[ -n "$want" ] || errs+=("get_maintainer.pl names nobody for $i/$n")
	printf '%s\n' "$want" >>"$all"
	have=$(printf '%s\n%s\n' "$(hdr "$f" To)" "$(hdr "$f" Cc)" | addrs)
	missing=$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$have") | paste -sd' ')
	[ -z "$missing" ] || errs+=("$i/$n misses $missing")
	grep -q '^diff --git a/drivers/iommu/' "$f" && ! grep -qx 'iommu@lists.linux.dev' <<<"$have" &&
		errs+=("$i/$n touches drivers/iommu/ but not to iommu@lists.linux.dev")
	grep -q '^diff --git a/mm/' "$f" && ! grep -qx 'linux-mm@kvack.org' <<<"$have" &&
		errs+=("$i/$n touches mm/ but not to linux-mm@kvack.org")
done
have=$(printf '%s\n%s\n' "$(hdr "$cover" To)" "$(hdr "$cover" Cc)" | addrs)
missing=$(comm -23 <(addrs <"$all") <(printf '%s\n' "$have") | paste -sd' ')
[ -z "$missing" ] || errs+=("cover letter misses $missing")
# And the target's SEND_CC, on every mail.
for a in $(tr ',' '\n' <<<"${SEND_CC:-}" | addrs); do
	for f in "${mail[@]}"; do
		printf '%s\n%s\n' "$(hdr "$f" To)" "$(hdr "$f" Cc)" | addrs | grep -qx "$a" ||
			errs+=("$(basename "$f") misses $a (SEND_CC)")
	done
done
if [ ${#errs[@]} -eq 0 ]; then
	result PASS "send: each patch to everyone get_maintainer.pl names, the cover letter to all" \
		"$(addrs <"$all" | wc -l) addresses"
else
	result FAIL "send: recipients" "${errs[*]}"
fi

# The series' own tree, from the mails as received.
wt=$BUILD/send-wt
git -C "$wt" checkout -q --detach base
am=()
for i in $(seq "$n"); do am+=("${mail[$i]}"); done
if ! git -C "$wt" am -q "${am[@]}" >"$d/am.log" 2>&1; then
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	result FAIL "send: git am of the received mails on the base" "$(tail -1 "$d/am.log")"
elif [ "$(git -C "$wt" rev-parse HEAD^{tree})" != "$(git -C "$TREE" rev-parse series^{tree})" ]; then
	result FAIL "send: git am of the received mails on the base" "another tree than the series'"
elif ! diff -q <(git -C "$wt" log --format=%B base..HEAD) \
	<(git -C "$TREE" log --format=%B "base..$SIGNED_BRANCH") >/dev/null; then
	result FAIL "send: git am of the received mails on the base" "other commit messages than the signed series'"
elif [ "$(git -C "$wt" log --format='%an <%ae>' base..HEAD | sort -u)" != "$SERIES_NAME <$SERIES_EMAIL>" ]; then
	result FAIL "send: git am of the received mails on the base" "authors: $(git -C "$wt" log --format='%an <%ae>' base..HEAD | sort -u | paste -sd,)"
else
	result PASS "send: git am of the received mails on the base gives the series' tree and messages" \
		"tree $(git -C "$wt" rev-parse --short HEAD^{tree}), author kept"
fi

# A sign-off by someone else than the sender does not do.
sender "someone else" else@example.org
expect_refusal "send: SEND=1 refuses a sign-off that is not the sender's" "no Signed-off-by" \
	env SEND=1 BENCH_TABLE="$table" "$S/send.sh"
exit 0
