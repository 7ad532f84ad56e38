package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedSet;

/**
 * Words nft 1.0.6's scanner always turns into keywords, so they cannot be bare table, chain or
 * set names; plus the contextual words this grammar lexes as keywords everywhere. A superset of
 * the grammar's keyword tokens (a test keeps it so), and free of ANTLR: the backend checks names
 * with it without loading the simulator's parser.
 *
 * <pre>{@code
 * NftKeywords.isReserved("counter");   // true
 * }</pre>
 */
public final class NftKeywords {
  private NftKeywords() {}

  private static final ImmutableSet<String> RESERVED = ImmutableSet.of(
      "eq", "ne", "lt", "le", "gt", "ge", "lshift", "rshift", "xor", "and", "or", "not", "vmap",
      "include", "define", "redefine", "undefine", "describe", "hook", "device", "devices", "table",
      "chain", "rule", "set", "element", "map", "flowtable", "handle", "ruleset", "socket", "tproxy",
      "accept", "drop", "continue", "jump", "goto", "return", "inet", "netdev", "add", "replace",
      "update", "create", "insert", "delete", "get", "list", "reset", "flush", "rename", "import",
      "export", "monitor", "position", "index", "comment", "constant", "interval", "dynamic",
      "auto-merge", "timeout", "gc-interval", "elements", "expires", "policy", "size", "flow",
      "offload", "meter", "counter", "log", "queue", "limit", "quota", "hour", "day", "reject",
      "snat", "dnat", "masquerade", "redirect", "random", "th", "bridge", "ether", "type", "typeof",
      "vlan", "arp", "ip", "ecn", "time", "icmp", "icmpv6", "igmp", "ip6", "priority", "ah", "esp",
      "comp", "flags", "udp", "udplite", "gre", "tcp", "dccp", "sctp", "rt", "rt0", "rt2", "srh",
      "hbh", "frag", "dst", "mh", "meta", "mark", "iif", "iifname", "iiftype", "oif", "oifname",
      "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "ibriport", "ibrname", "obriport",
      "obrname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "ct", "numgen", "jhash",
      "symhash", "dup", "fwd", "fib", "osf", "synproxy", "notrack", "all", "exists", "missing",
      "exthdr", "ipsec", "secmark", "xt",
      // Contextual in nft, keywords everywhere in this grammar.
      "with", "icmpx", "packets", "bytes", "prefix", "level", "group", "snaplen", "saddr", "daddr",
      "sport", "dport", "protocol", "l4proto", "nfproto", "state");

  /** Every reserved word, sorted. */
  public static ImmutableSortedSet<String> all() {
    return ImmutableSortedSet.copyOf(RESERVED);
  }

  /** True when {@code word} cannot be used as a bare name. */
  public static boolean isReserved(String word) {
    return RESERVED.contains(word);
  }
}
