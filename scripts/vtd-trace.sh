#!/usr/bin/env bash
# Count what QEMU's emulated VT-d processed, from a '-trace vtd_inv_*' log:
# descriptors by type, IOTLB descriptors by granularity, and submissions
# (writes that move the queue tail register, one per qi_submit_sync()).
#   vtd-trace.sh TRACE            summary
#   vtd-trace.sh TRACE --did D    IOTLB descriptors for domain id D only
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
