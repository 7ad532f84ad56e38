package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * NP205: an {@code ipBlock} that covers pod or node addresses: a node's {@code podCIDRs}, a
 * node address, or a pod IP from the inventory. Some CNIs (Cilium, for one) never match
 * ipBlock against pod IPs, so such a rule behaves differently across implementations; select
 * pods with selectors instead. Blocks of prefix 0 ("anywhere") are left alone: they are meant
 * for the outside world and everyone writes them.
 */
public final class IpBlockOverlapsPodAddresses extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP205";

  /** The rule. */
  public IpBlockOverlapsPodAddresses() {
    super(ID, Severity.WARNING, "an ipBlock overlaps pod or node CIDRs (some CNIs ignore ipBlock for pod IPs)",
        true);
  }

  /** A cluster address range and what it is, for the message. */
  private record Known(Cidr cidr, String what) {}

  @Override
  public void check(LintContext context, LintSink sink) {
    // Node pod CIDRs are few and scanned; host addresses are many and binary-searched.
    List<Known> ranges = new ArrayList<>();
    List<Known> hosts = new ArrayList<>();
    for (Node n : context.cluster().nodes()) {
      n.podCidrs().forEach(c -> ranges.add(new Known(c, "pod CIDR " + c + " of node " + n.name())));
      n.addresses().forEach(a -> hosts.add(new Known(Cidr.host(a), "address " + a + " of node " + n.name())));
    }
    for (Pod pod : context.cluster().pods()) {
      if (pod.isActive()) {
        String what = pod.hostNetwork() ? "host-network pod " : "pod ";
        pod.ips().forEach(a -> hosts.add(new Known(Cidr.host(a), what + pod.key() + " (" + a + ")")));
      }
    }
    if (ranges.isEmpty() && hosts.isEmpty()) {
      return;
    }
    hosts.sort(Comparator.comparing((Known k) -> k.cidr().first()).thenComparing(Known::what));
    List<IpAddress> hostAddresses = hosts.stream().map(k -> k.cidr().first()).collect(Collectors.toList());
    for (NetworkPolicy p : context.cluster().policies()) {
      for (RuleWalk w : RuleWalk.of(p)) {
        List<Peer> peers = w.rule().peers();
        for (int j = 0; j < peers.size(); j++) {
          Optional<IpBlock> block = peers.get(j).ipBlock();
          if (block.isEmpty()) {
            continue;
          }
          Optional<Cidr> cidr = Cidr.parse(block.get().cidr()).map(Cidr.Parsed::cidr);
          if (cidr.isEmpty() || cidr.get().prefix() == 0) {
            continue;
          }
          List<Cidr> except = block.get().except().stream().map(Cidr::parse).flatMap(Optional::stream)
              .map(Cidr.Parsed::cidr).toList();
          List<String> hits = new ArrayList<>();
          for (Known k : ranges) {
            if (overlaps(cidr.get(), except, k.cidr())) {
              hits.add(k.what());
            }
          }
          int from = Collections.binarySearch(hostAddresses, cidr.get().first());
          for (int i = from >= 0 ? from : -from - 1; i < hosts.size(); i++) {
            Known k = hosts.get(i);
            if (k.cidr().first().compareTo(cidr.get().last()) > 0) {
              break;
            }
            if (overlaps(cidr.get(), except, k.cidr())) {
              hits.add(k.what());
            }
          }
          if (!hits.isEmpty()) {
            sink.report(p, finding(p, w.peerPath(j) + ".ipBlock.cidr", "ipBlock " + cidr.get() + " covers "
                + sample(hits) + "; some CNIs ignore ipBlock for pod addresses, so select those pods with "
                + "podSelector/namespaceSelector instead"));
          }
        }
      }
    }
  }

  /** True when {@code range} shares an address with {@code block} minus {@code except}. */
  static boolean overlaps(Cidr block, List<Cidr> except, Cidr range) {
    if (block.v6() != range.v6()) {
      return false;
    }
    if (!block.contains(range.first()) && !range.contains(block.first())) {
      return false; // CIDRs either nest or are disjoint
    }
    Cidr inner = block.prefix() >= range.prefix() ? block : range;
    for (Cidr ex : except) {
      if (ex.v6() == inner.v6() && ex.contains(inner.first()) && ex.prefix() <= inner.prefix()) {
        return false; // the shared part lies wholly inside one except
      }
    }
    return true;
  }
}
