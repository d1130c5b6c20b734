#!/usr/bin/env bash
# Count what QEMU's emulated VT-d processed, from a '-trace vtd_inv_*' log:
# descriptors by type, IOTLB descriptors by granularity, and submissions
# (writes that move the queue tail register, one per qi_submit_sync()).
#   vtd-trace.sh TRACE            summary
#   vtd-trace.sh TRACE --did D    IOTLB descriptors for domain id D only
#   vtd-trace.sh TRACE --marks D  per stretch between two marker submissions
#                                 (IOTLB invalidations of domain id D, which
#                                 tests submit around what they measure):
#                                 "descriptors submissions", waits excluded
. "$(dirname "$0")/common.sh"

trace=${1:?trace file}
[ -f "$trace" ] || die "no trace file $trace"
if [ "${2:-}" = --did ]; then
	awk -v did="$(printf '0x%x' "$3")" '
		/(^|:)vtd_inv_desc_iotlb_(pages|domain) / {
			for (i = 1; i < NF; i++) if ($i == "domain" && $(i + 1) == did) n++
		}
		END { print n + 0 }' "$trace"
	exit 0
fi
if [ "${2:-}" = --marks ]; then
	# Between two marker lines lie: the first marker's wait descriptor,
	# the measured submissions, and the second marker's tail write and
	# its marker descriptor. Each submission ends with one wait.
	awk -v did="$(printf '0x%x' "$3")" '
		/(^|:)vtd_inv_qi_head / { heads++ }
		/(^|:)vtd_inv_qi_tail / { if ($NF != tail) tails++; tail = $NF }
		/(^|:)vtd_inv_desc_iotlb_domain / && $NF == did {
			if (seen++) print (heads - 2) - (tails - 1), tails - 1
			heads = 0; tails = 0
		}' "$trace"
	exit 0
fi
awk '
	/(^|:)vtd_inv_qi_head /            { total++ }
	/(^|:)vtd_inv_desc invalidate desc type / { type[$5]++; named++ }
	/(^|:)vtd_inv_desc_iotlb_global /  { gran["global"]++ }
	/(^|:)vtd_inv_desc_iotlb_domain /  { gran["domain"]++ }
	/(^|:)vtd_inv_desc_iotlb_pages /   { gran["page"]++ }
	/(^|:)vtd_inv_qi_tail / { if ($NF != tail) subs++; tail = $NF }
	END {
		printf "  descriptors: %d in %d submissions\n", total, subs
		for (t in type) printf "    %-12s %d\n", t, type[t]
		if (total > named)
			printf "    %-12s %d  (types 6/7, PASID-based: QEMU 7.2 accepts them unnamed)\n",
				"unnamed", total - named
		printf "  iotlb granularity: global %d, domain %d, page %d\n",
			gran["global"], gran["domain"], gran["page"]
	}' "$trace"
