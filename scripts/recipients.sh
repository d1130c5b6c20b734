#!/usr/bin/env bash
# Recipients of one mail of the series, for git send-email's --to-cmd and
# --cc-cmd: the kernel tree's scripts/get_maintainer.pl on the patch; for
# the cover letter (NNNN = 0000), the union over the patches beside it.
#   recipients.sh to|cc FILE   (to: maintainers; cc: reviewers and lists,
#                               and the target's SEND_CC on every mail)
. "$(dirname "$0")/common.sh"

[ $# -eq 2 ] || die "usage: recipients.sh to|cc FILE"
case $1 in
to) roles=(--m --no-r --no-l) ;;
cc) roles=(--no-m --r --l) ;;
*) die "usage: recipients.sh to|cc FILE" ;;
esac
file=$(realpath "$2")
files=("$file")
if [[ $(basename "$file") =~ ^(v[0-9]+-)?0000- ]]; then
	mapfile -t files < <(find "$(dirname "$file")" -maxdepth 1 -name '*.patch' \
		! -name '0000-*' ! -name 'v*-0000-*' | sort)
fi
{
	for f in "${files[@]}"; do
		(cd "$TREE" && perl scripts/get_maintainer.pl --no-rolestats --no-git \
			--no-git-fallback "${roles[@]}" "$f")
	done
	if [ "$1" = cc ] && [ -n "${SEND_CC:-}" ]; then
		tr ',' '\n' <<<"$SEND_CC" | sed 's/^ *//; s/ *$//' | grep -v '^$'
	fi
} | awk '!seen[tolower($0)]++'
