#!/usr/bin/env bash
# netpolc iptables apply script, node node-a.
# Idempotent: run it again after every compile. Loads the ipsets (each filled under a
# temporary name and swapped in), then the rules (our chains only, atomically per table),
# adds each hook jump only if missing, then removes chains and sets earlier compiles left.
set -euo pipefail
cd "$(dirname "$0")"
keep_sets="NETPOLC-A-229C619D02FC-4 NETPOLC-A-2755D27062A8-4 NETPOLC-A-298BA4328B7C-6 NETPOLC-A-3924BC5C6B2B-6 NETPOLC-A-3BD8673ABA3A-6 NETPOLC-A-4FBBDF97CBCD-4 NETPOLC-A-5EAC477B0235-4 NETPOLC-A-93B9314090DA-4 NETPOLC-A-9B6BF9852BF5-4 NETPOLC-A-AB3CA135E2E4-6 NETPOLC-A-AD9EC3CD669D-4 NETPOLC-A-AE95CEA6C4B0-6 NETPOLC-A-AF31D8FA3BEA-4 NETPOLC-A-AF70E17F0508-4 NETPOLC-A-B17D6EF1F658-6 NETPOLC-A-B6F7D5EC7C28-6 NETPOLC-A-B9113D1F21FB-4 NETPOLC-A-D3CB99FBA845-6 NETPOLC-A-E275B088BF65-6 NETPOLC-A-E343F9AB49D5-4 NETPOLC-G-1A7D48575BF9-4 NETPOLC-G-1A7D48575BF9-6 NETPOLC-G-5FDFFC168117-4 NETPOLC-G-5FDFFC168117-6 NETPOLC-G-6393CB8D3B49-4 NETPOLC-G-6393CB8D3B49-6 NETPOLC-G-6C46ADA36219-4 NETPOLC-G-6C46ADA36219-6 NETPOLC-G-B6F1EB0AB0FA-4 NETPOLC-G-B6F1EB0AB0FA-6 NETPOLC-G-F76960F3B6FE-4 NETPOLC-G-F76960F3B6FE-6"
stale_sets() {
  ipset list -n | awk 'index($0, "NETPOLC-") == 1' | { grep -vxF -f <(tr ' ' '\n' <<<"$keep_sets") || true; }
}
# Old sets stay until the new rules are in; drop the ones no rule uses any more first.
for s in $(stale_sets); do ipset destroy "$s" 2>/dev/null || true; done
in_use=$(stale_sets | wc -l)
if [ $((in_use + 33)) -gt 256 ]; then
  echo "apply.sh: $in_use sets of the live rules + 33 new would pass the kernel's 256; lower maxIpsets" >&2
  exit 1
fi
ipset restore < ipset.restore
iptables-restore --noflush < iptables.rules
ip6tables-restore --noflush < ip6tables.rules
hook() {
  "$1" -t "$2" -C "$3" -j "$4" 2>/dev/null || "$1" -t "$2" -I "$3" 1 -j "$4"
}
hook iptables filter FORWARD NETPOLC-FORWARD
hook ip6tables filter FORWARD NETPOLC-FORWARD
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
cleanup iptables filter "NETPOLC-FORWARD NETPOLC-I-F76960F3B6FE NETPOLC-E-F76960F3B6FE NETPOLC-I-B6F1EB0AB0FA NETPOLC-E-B6F1EB0AB0FA NETPOLC-I-6393CB8D3B49 NETPOLC-E-6393CB8D3B49 NETPOLC-I-1A7D48575BF9 NETPOLC-E-1A7D48575BF9 NETPOLC-I-6C46ADA36219 NETPOLC-E-6C46ADA36219 NETPOLC-I-5FDFFC168117 NETPOLC-E-5FDFFC168117"
cleanup ip6tables filter "NETPOLC-FORWARD NETPOLC-I-F76960F3B6FE NETPOLC-E-F76960F3B6FE NETPOLC-I-B6F1EB0AB0FA NETPOLC-E-B6F1EB0AB0FA NETPOLC-I-6393CB8D3B49 NETPOLC-E-6393CB8D3B49 NETPOLC-I-1A7D48575BF9 NETPOLC-E-1A7D48575BF9 NETPOLC-I-6C46ADA36219 NETPOLC-E-6C46ADA36219 NETPOLC-I-5FDFFC168117 NETPOLC-E-5FDFFC168117"
cleanup iptables mangle ""
cleanup ip6tables mangle ""
for s in $(stale_sets); do ipset destroy "$s" || true; done
