#!/usr/bin/env bash
# netpolc iptables apply script, node n1.
# Idempotent: run it again after every compile. Loads the ipsets (each filled under a
# temporary name and swapped in), then the rules (our chains only, atomically per table),
# adds each hook jump only if missing, then removes chains and sets earlier compiles left.
set -euo pipefail
cd "$(dirname "$0")"
keep_sets="NETPOLC-A-0091A1AB6CE6-4 NETPOLC-A-536BF39FBAEE-4 NETPOLC-A-6FB2C137319B-4 NETPOLC-A-7CE3221E3DEA-6 NETPOLC-A-807D4FF2A1A0-6 NETPOLC-A-928F52C6768E-6 NETPOLC-A-94E34CAFC2A8-4 NETPOLC-A-A39E93AE7289-4 NETPOLC-G-049175C6B093-4 NETPOLC-G-049175C6B093-6 NETPOLC-G-4FF9F62A75DB-4 NETPOLC-G-4FF9F62A75DB-6"
stale_sets() {
  ipset list -n | awk 'index($0, "NETPOLC-") == 1' | { grep -vxF -f <(tr ' ' '\n' <<<"$keep_sets") || true; }
}
# Old sets stay until the new rules are in; drop the ones no rule uses any more first.
for s in $(stale_sets); do ipset destroy "$s" 2>/dev/null || true; done
in_use=$(stale_sets | wc -l)
if [ $((in_use + 13)) -gt 256 ]; then
  echo "apply.sh: $in_use sets of the live rules + 13 new would pass the kernel's 256; lower maxIpsets" >&2
  exit 1
fi
ipset restore < ipset.restore
iptables-restore --noflush < iptables.rules
ip6tables-restore --noflush < ip6tables.rules
hook() {
  "$1" -t "$2" -C "$3" -j "$4" 2>/dev/null || "$1" -t "$2" -I "$3" 1 -j "$4"
}
hook iptables filter FORWARD NETPOLC-FORWARD
hook iptables filter INPUT NETPOLC-INPUT
hook iptables filter OUTPUT NETPOLC-OUTPUT
hook ip6tables filter FORWARD NETPOLC-FORWARD
hook ip6tables filter INPUT NETPOLC-INPUT
hook ip6tables filter OUTPUT NETPOLC-OUTPUT
cleanup() {
  local bin=$1 table=$2 keep=$3 c h
  local stale
  stale=$("$bin" -t "$table" -S | awk '$1 == "-N" && index($2, "NETPOLC-") == 1 {print $2}' | { grep -vxF -f <(tr ' ' '\n' <<<"$keep") || true; })
  for h in INPUT FORWARD OUTPUT; do
    if grep -qxF "NETPOLC-$h" <<<"$stale"; then
      while "$bin" -t "$table" -D "$h" -j "NETPOLC-$h" 2>/dev/null; do :; done
    fi
  done
  for c in $stale; do "$bin" -t "$table" -F "$c"; done
  for c in $stale; do "$bin" -t "$table" -X "$c"; done
}
cleanup iptables filter "NETPOLC-FORWARD NETPOLC-INPUT NETPOLC-OUTPUT NETPOLC-E-4FF9F62A75DB NETPOLC-I-049175C6B093 NETPOLC-I-049175C6B093-NP NETPOLC-E-049175C6B093 NETPOLC-E-049175C6B093-NP NETPOLC-E-049175C6B093-BL"
cleanup ip6tables filter "NETPOLC-FORWARD NETPOLC-INPUT NETPOLC-OUTPUT NETPOLC-E-4FF9F62A75DB NETPOLC-I-049175C6B093 NETPOLC-I-049175C6B093-NP NETPOLC-E-049175C6B093 NETPOLC-E-049175C6B093-NP NETPOLC-E-049175C6B093-BL"
cleanup iptables mangle ""
cleanup ip6tables mangle ""
for s in $(stale_sets); do ipset destroy "$s" || true; done
