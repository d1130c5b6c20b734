#!/usr/bin/env bash
# make signoff: the sender's Signed-off-by on every patch of the series,
# added by git rebase --signoff from git config user.name/user.email, on
# branch 'signed' (SIGNED_BRANCH=) of the tree, which also records the
# series commit it was made from (branch.signed.series) for make send.
# Branch 'series' and patches/ stay without it: the series is committed
# under the neutral project identity, which never signs off. Runs in a
# worktree (build/T/send-wt), so the kernel build's files keep their times.
. "$(dirname "$0")/common.sh"

require_series_branch
signed=${SIGNED_BRANCH:-signed}
sender_identity --required

wt=$BUILD/send-wt
if ! git -C "$wt" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$wt"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$wt" series
fi
# Whatever an interrupted run left there goes.
git -C "$wt" rebase --abort >/dev/null 2>&1 || true
git -C "$wt" am --abort >/dev/null 2>&1 || true
from=$(git -C "$TREE" rev-parse series)
git -C "$wt" checkout -q --force --detach "$from"
GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
	git -C "$wt" rebase -q --signoff --force-rebase --no-update-refs --no-autosquash base
git -C "$TREE" branch -f "$signed" "$(git -C "$wt" rev-parse HEAD)"
git -C "$TREE" config "branch.$signed.series" "$from"
say "branch '$signed': $(git -C "$TREE" rev-list --count "base..$signed") patches signed off by $name <$email>"
