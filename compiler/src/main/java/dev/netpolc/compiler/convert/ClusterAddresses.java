package dev.netpolc.compiler.convert;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses of an inventory that Cilium's CIDR rules never match and that the other dialects'
 * CIDRs do (SEMANTICS-CILIUM.md): pod addresses, node addresses, and the nodes' pod CIDRs (where
 * future pods get theirs). A CIDR disjoint from all of them matches the same addresses in every
 * dialect, for today's pods and for pods that land on today's nodes later.
 */
final class ClusterAddresses {
  private final List<Cidr> cluster = new ArrayList<>();
  /** Why a future pod's address is not known to lie in today's pod CIDRs; empty when it is. */
  private final Optional<String> podCidrsUnknown;

  ClusterAddresses(Cluster c) {
    String unknown = c.nodes().isEmpty() ? "the inventory has no node" : null;
    for (Node n : c.nodes()) {
      n.addresses().forEach(a -> cluster.add(Cidr.host(a)));
      cluster.addAll(n.podCidrs());
      if (unknown == null && n.podCidrs().isEmpty()) {
        unknown = "node " + n.name() + " declares no pod CIDR";
      }
    }
    podCidrsUnknown = Optional.ofNullable(unknown);
    for (Pod p : c.pods()) {
      p.ips().forEach(a -> cluster.add(Cidr.host(a)));
    }
  }

  /**
   * The caveat of carrying {@code cidr} over between Cilium and a dialect whose CIDRs match pods,
   * when {@link #overlap} found none: the CIDR is disjoint from today's pods and nodes, but without
   * every node's pod CIDR nothing says a future pod's address will not fall in it (then Cilium and
   * the other dialect decide that pod differently). Empty when every node declares its pod CIDRs.
   */
  Optional<String> futurePodCaveat(String cidr) {
    return podCidrsUnknown.map(why -> "CIDR " + cidr + " carried over as written: exact while no pod gets an"
        + " address in it (" + why + ")");
  }

  /** The node addresses, in inventory order. */
  static List<IpAddress> nodeAddresses(Cluster c) {
    List<IpAddress> out = new ArrayList<>();
    c.nodes().forEach(n -> out.addAll(n.addresses()));
    return out;
  }

  /**
   * Why {@code text} is not safe to carry over between Cilium and a dialect whose CIDRs match pods
   * and nodes: the first cluster address range it overlaps; empty when it overlaps none.
   */
  Optional<String> overlap(String text) {
    Optional<Cidr.Parsed> parsed = Cidr.parse(text);
    if (parsed.isEmpty()) {
      return Optional.of(text + " is not a CIDR");
    }
    Cidr c = parsed.get().cidr();
    for (Cidr a : cluster) {
      if (a.v6() == c.v6() && (c.contains(a) || a.contains(c))) {
        return Optional.of(text + " covers the cluster's address " + a);
      }
    }
    return Optional.empty();
  }

  /**
   * {@code cidr} less {@code except} as a list of prefixes (the fewest, in address order), or empty
   * when that takes more than {@code max}. An except outside {@code cidr} subtracts nothing.
   */
  static Optional<List<String>> subtract(String cidr, List<String> except, int max) {
    Cidr whole = Cidr.parse(cidr).orElseThrow().cidr();
    List<Cidr> holes = new ArrayList<>();
    for (String e : except) {
      Cidr.parse(e).map(Cidr.Parsed::cidr).filter(h -> h.v6() == whole.v6()).ifPresent(holes::add);
    }
    // The minimal cover of the difference: the fewest prefixes, in address order.
    List<Cidr> rest = AddressSet.ofCidrs(List.of(whole)).difference(AddressSet.ofCidrs(holes)).cidrs();
    return rest.size() > max ? Optional.empty() : Optional.of(rest.stream().map(Cidr::toString).toList());
  }
}
