package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containment that holds for every possible inventory, decided from the policies alone: what
 * NP203 and NP204 use when the input has no Namespace or Pod objects. Sound, not complete: a
 * selector counts as broader than another only when its requirements are a subset of the
 * other's, and a selector peer is never compared with an ipBlock.
 */
final class StaticContainment {
  private StaticContainment() {}

  /** True when every label set {@code narrow} matches is matched by {@code broad}. */
  static boolean broader(LabelSelector broad, LabelSelector narrow) {
    for (Map.Entry<String, String> e : broad.matchLabels().entrySet()) {
      if (!e.getValue().equals(narrow.matchLabels().get(e.getKey()))) {
        return false;
      }
    }
    return narrow.matchExpressions().containsAll(broad.matchExpressions());
  }

  /**
   * True when rule {@code s} of policy {@code sp} allows every peer and port that rule
   * {@code r} of policy {@code rp} allows (both policies in one namespace, same direction).
   */
  static boolean contains(NetworkPolicy sp, PolicyRule s, NetworkPolicy rp, PolicyRule r) {
    return portsContain(s.ports(), r.ports()) && peersContain(sp, s.peers(), rp, r.peers());
  }

  private static boolean peersContain(NetworkPolicy sp, List<Peer> s, NetworkPolicy rp, List<Peer> r) {
    if (s.isEmpty()) {
      return true;
    }
    if (r.isEmpty()) {
      return false;
    }
    for (Peer pr : r) {
      if (s.stream().noneMatch(ps -> peerCovers(sp, ps, rp, pr))) {
        return false;
      }
    }
    return true;
  }

  private static boolean peerCovers(NetworkPolicy sp, Peer s, NetworkPolicy rp, Peer r) {
    if (s.ipBlock().isPresent() || r.ipBlock().isPresent()) {
      if (s.ipBlock().isEmpty() || r.ipBlock().isEmpty()) {
        return false; // pod addresses are unknown without an inventory
      }
      Optional<AddressSet> a = addresses(s.ipBlock().get());
      Optional<AddressSet> b = addresses(r.ipBlock().get());
      return a.isPresent() && b.isPresent() && a.get().containsAll(b.get());
    }
    if (s.podSelector().isEmpty() && s.namespaceSelector().isEmpty()) {
      return false; // an empty peer is invalid (NP103)
    }
    LabelSelector sPods = s.podSelector().orElse(LabelSelector.EVERYTHING);
    LabelSelector rPods = r.podSelector().orElse(LabelSelector.EVERYTHING);
    if (!broader(sPods, rPods)) {
      return false;
    }
    // r's namespaces: its selector's, or its policy's own namespace, known by its name label
    LabelSelector rNamespaces = r.namespaceSelector()
        .orElse(LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, rp.namespace())));
    if (s.namespaceSelector().isPresent()) {
      return broader(s.namespaceSelector().get(), rNamespaces);
    }
    return r.namespaceSelector().isEmpty() && sp.namespace().equals(rp.namespace());
  }

  private static Optional<AddressSet> addresses(IpBlock block) {
    Optional<Cidr.Parsed> cidr = Cidr.parse(block.cidr());
    if (cidr.isEmpty()) {
      return Optional.empty();
    }
    List<Cidr> except = new ArrayList<>();
    for (String e : block.except()) {
      Optional<Cidr.Parsed> ex = Cidr.parse(e);
      if (ex.isEmpty()) {
        return Optional.empty();
      }
      except.add(ex.get().cidr());
    }
    return Optional.of(AddressSet.ofCidrs(List.of(cidr.get().cidr())).difference(AddressSet.ofCidrs(except)));
  }

  private static boolean portsContain(List<PolicyPort> s, List<PolicyPort> r) {
    if (s.isEmpty()) {
      return true;
    }
    if (r.isEmpty()) {
      return false;
    }
    for (PolicyPort pr : r) {
      if (s.stream().noneMatch(ps -> portCovers(ps, pr))) {
        return false;
      }
    }
    return true;
  }

  private static boolean portCovers(PolicyPort s, PolicyPort r) {
    Optional<Protocol> sp = s.effectiveProtocol();
    if (sp.isEmpty() || !sp.equals(r.effectiveProtocol())) {
      return false;
    }
    if (s.port().isEmpty()) {
      return true;
    }
    if (r.port().isEmpty()) {
      return false;
    }
    if (s.port().get().isNamed() || r.port().get().isNamed()) {
      return s.port().get().equals(r.port().get()) && s.endPort().isEmpty() && r.endPort().isEmpty();
    }
    int sFrom = s.port().get().number();
    int rFrom = r.port().get().number();
    return sFrom <= rFrom && r.endPort().orElse(rFrom) <= s.endPort().orElse(sFrom);
  }
}
