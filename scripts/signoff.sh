#!/usr/bin/env bash
# make signoff: the sender's Signed-off-by on every patch of the series,
# added by git rebase --signoff from git config user.name/user.email, on
# branch 'signed' of the tree. Branch 'series' and patches/ stay without
# it: the series is committed under the neutral project identity, which
# never signs off. Runs in a worktree (build/T/send-wt), so the kernel
# build's files keep their times.
. "$(dirname "$0")/common.sh"

require_series_branch
name=$(git -C "$TREE" config user.name || true)
email=$(git -C "$TREE" config user.email || true)
[ -n "$name" ] && [ -n "$email" ] ||
	die "git config user.name and user.email are not set: the sign-off is the sender's own"
if [ "$name" = "$SERIES_NAME" ] || [ "$email" = "$SERIES_EMAIL" ]; then
	die "git config names the series identity ($SERIES_NAME <$SERIES_EMAIL>), which never signs off: configure the sender's own"
fi

wt=$BUILD/send-wt
if ! git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$wt"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$wt" series
fi
git -C "$wt" checkout -q --detach series
GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
	git -C "$wt" rebase -q --signoff --force-rebase base
git -C "$TREE" branch -f signed "$(git -C "$wt" rev-parse HEAD)"
say "branch 'signed': $(git -C "$TREE" rev-list --count base..signed) patches signed off by $name <$email>"
