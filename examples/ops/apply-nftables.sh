#!/usr/bin/env bash
# What a node agent does with netpolc and nftables: compile this node's ruleset, check it with
# `nft -c`, apply it atomically (only table inet netpolc is replaced), then read the live table
# back from the kernel and verify it against the policies.
#
# Usage: NODE=node-a examples/ops/apply-nftables.sh PATH...   (PATHs: policy and inventory YAML)
# Needs root (CAP_NET_ADMIN) and nft. Exit codes: 0 applied and verified, 1 verification failed,
# 2 bad input or a ruleset nft refused (nothing applied).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
netpolc="$here/bin/netpolc"
NODE="${NODE:-$(hostname)}"
DIR="${DIR:-$(mktemp -d -t netpolc-apply.XXXXXX)}"
TABLE=netpolc

if [[ $# -eq 0 ]]; then
  echo "usage: NODE=<node> $0 PATH..." >&2
  exit 2
fi
command -v nft >/dev/null || { echo "apply-nftables: nft not found (install the nftables package)" >&2; exit 2; }

echo "apply-nftables: compiling the ruleset for node $NODE into $DIR"
if ! "$netpolc" compile --backend nftables --node "$NODE" --output "$DIR" "$@"; then
  echo "apply-nftables: compile failed; nothing applied" >&2
  exit 2
fi

echo "apply-nftables: checking $DIR/$TABLE.nft with nft -c"
if ! nft -c -f "$DIR/$TABLE.nft"; then
  echo "apply-nftables: nft refused the ruleset; nothing applied" >&2
  exit 2
fi

echo "apply-nftables: applying atomically (table inet $TABLE only)"
nft -f "$DIR/$TABLE.nft"

echo "apply-nftables: verifying the live table against the policies"
nft list table inet "$TABLE" > "$DIR/live.nft"
if ! "$netpolc" verify --backend nftables --node "$NODE" "$DIR/live.nft" "$@"; then
  echo "apply-nftables: the live ruleset does NOT enforce the policies (see above); $DIR/live.nft kept" >&2
  exit 1
fi
echo "apply-nftables: node $NODE enforces the policies"
