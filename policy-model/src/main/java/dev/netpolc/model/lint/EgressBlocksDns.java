package dev.netpolc.model.lint;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * NP211: egress-isolated pods that no egress rule lets reach the cluster DNS on both UDP and
 * TCP port 53. Name resolution then fails or, when only UDP is open, fails for large answers.
 * The DNS is {@link DnsTarget} (default kube-system pods {@code k8s-app=kube-dns}); when the
 * inventory has no such pod, a pod with those labels in that namespace stands in for it.
 */
public final class EgressBlocksDns extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP211";

  /** The rule. */
  public EgressBlocksDns() {
    super(ID, Severity.WARNING, "egress-isolated pods cannot reach cluster DNS on both UDP and TCP 53", true);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    Selection selection = context.selection();
    DnsTarget dns = context.config().dns();
    List<Pod> dnsPods = dnsPods(selection, dns);
    List<NetworkPolicy> egressPolicies = context.cluster().policies().stream()
        .filter(NetworkPolicy::isolatesEgress).collect(ImmutableList.toImmutableList());
    // A pod's gap depends only on its namespace's egress policies and its labels: computed once
    // per namespace and label set, not once per pod against every policy.
    Map<String, List<NetworkPolicy>> egressByNamespace = new HashMap<>();
    egressPolicies.forEach(p -> egressByNamespace.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p));
    Map<List<Object>, Set<Protocol>> byShape = new HashMap<>();
    Map<Pod, Set<Protocol>> missing = new IdentityHashMap<>();
    // Each distinct subject list once: 10,000 policies with one selector are one pass over its
    // pods, not 10,000.
    Set<List<Pod>> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    for (NetworkPolicy p : egressPolicies) {
      List<Pod> subjects = selection.subjects(p);
      if (!visited.add(subjects)) {
        continue;
      }
      for (Pod pod : subjects) {
        if (!missing.containsKey(pod)) {
          missing.put(pod, byShape.computeIfAbsent(List.of(pod.namespace(), pod.labels()),
              k -> missingProtocols(pod, egressByNamespace.get(pod.namespace()), selection, dnsPods, dns.port())));
        }
      }
    }
    // Policies with the same selector share one subject list (Selection), and so one grouping.
    Map<List<Pod>, Map<Set<Protocol>, List<String>>> gapsBySubjects = new IdentityHashMap<>();
    for (NetworkPolicy p : egressPolicies) {
      Map<Set<Protocol>, List<String>> byGap = gapsBySubjects.computeIfAbsent(selection.subjects(p), subjects -> {
        Map<Set<Protocol>, List<String>> groups = new LinkedHashMap<>();
        for (Pod pod : subjects) {
          Set<Protocol> gap = missing.get(pod);
          if (!gap.isEmpty()) {
            groups.computeIfAbsent(gap, g -> new ArrayList<>()).add(pod.key());
          }
        }
        return groups;
      });
      String path = p.source().has("spec.policyTypes") ? "spec.policyTypes" : "spec.egress";
      for (Map.Entry<Set<Protocol>, List<String>> e : byGap.entrySet()) {
        String protocols = e.getKey().stream().map(pr -> pr + "/" + dns.port()).collect(Collectors.joining(" and "));
        sink.report(p, finding(p, path, "egress-isolated pods " + sample(e.getValue())
            + " cannot reach cluster DNS (" + dns + ") on " + protocols
            + "; add an egress rule allowing UDP and TCP " + dns.port() + " to it"));
      }
    }
  }

  /** The inventory's DNS pods, or a stand-in with the configured labels when there is none. */
  private static List<Pod> dnsPods(Selection selection, DnsTarget dns) {
    List<Pod> real = selection.podsIn(dns.namespace(), dns.podSelector());
    if (!real.isEmpty()) {
      return real;
    }
    return List.of(new Pod(dns.namespace(), "cluster-dns", dns.podSelector().matchLabels(), List.of(), null, false,
        null, List.of(), List.of(), SourcePosition.UNKNOWN));
  }

  /** What {@code pod} cannot reach the DNS on; {@code egressPolicies} are its namespace's. */
  private static Set<Protocol> missingProtocols(Pod pod, List<NetworkPolicy> egressPolicies, Selection selection,
      List<Pod> dnsPods, int port) {
    Set<Protocol> gap = EnumSet.noneOf(Protocol.class);
    for (Protocol protocol : List.of(Protocol.UDP, Protocol.TCP)) {
      boolean allowed = false;
      for (NetworkPolicy p : egressPolicies) {
        if (!p.namespace().equals(pod.namespace()) || !p.podSelector().matches(pod.labels())) {
          continue;
        }
        for (PolicyRule rule : p.egress()) {
          for (Pod dnsPod : dnsPods) {
            allowed |= peersAllow(p, rule, dnsPod, selection) && portsAllow(rule, dnsPod, protocol, port);
          }
        }
      }
      if (!allowed) {
        gap.add(protocol);
      }
    }
    return gap;
  }

  private static boolean peersAllow(NetworkPolicy p, PolicyRule rule, Pod dnsPod, Selection selection) {
    if (rule.peers().isEmpty()) {
      return true;
    }
    for (Peer peer : rule.peers()) {
      if (peer.ipBlock().isPresent() ? blockCovers(peer.ipBlock().get(), dnsPod)
          : selection.peerMatches(p, peer, dnsPod)) {
        return true;
      }
    }
    return false;
  }

  /** An ipBlock reaches the DNS pod when it holds one of its IPs; a stand-in only by a /0. */
  private static boolean blockCovers(IpBlock block, Pod dnsPod) {
    Optional<Cidr> cidr = Cidr.parse(block.cidr()).map(Cidr.Parsed::cidr);
    if (cidr.isEmpty()) {
      return false;
    }
    if (dnsPod.ips().isEmpty()) {
      return cidr.get().prefix() == 0 && block.except().isEmpty();
    }
    for (IpAddress ip : dnsPod.ips()) {
      boolean excepted = block.except().stream().map(Cidr::parse).flatMap(Optional::stream)
          .anyMatch(ex -> ex.cidr().contains(ip));
      if (cidr.get().contains(ip) && !excepted) {
        return true;
      }
    }
    return false;
  }

  private static boolean portsAllow(PolicyRule rule, Pod dnsPod, Protocol protocol, int port) {
    if (rule.ports().isEmpty()) {
      return true;
    }
    for (PolicyPort entry : rule.ports()) {
      if (entry.effectiveProtocol().orElse(null) != protocol) {
        continue;
      }
      if (entry.port().isEmpty()) {
        return true;
      }
      if (entry.port().get().isNamed()) {
        if (dnsPod.namedPort(entry.port().get().name(), protocol).orElse(-1) == port) {
          return true;
        }
        continue;
      }
      int from = entry.port().get().number();
      if (from <= port && port <= entry.endPort().orElse(from)) {
        return true;
      }
    }
    return false;
  }
}
