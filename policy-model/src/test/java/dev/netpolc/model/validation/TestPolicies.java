package dev.netpolc.model.validation;

import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders of policies in code for validation tests. */
final class TestPolicies {
  private TestPolicies() {}

  static NetworkPolicy ingress(PolicyRule... rules) {
    return NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Ingress"), List.of(rules), List.of());
  }

  static NetworkPolicy egress(PolicyRule... rules) {
    return NetworkPolicy.of("ns", "p", LabelSelector.EVERYTHING, List.of("Egress"), List.of(), List.of(rules));
  }

  static PolicyRule from(Peer... peers) {
    return new PolicyRule(List.of(peers), List.of());
  }

  static PolicyRule ports(PolicyPort... ports) {
    return new PolicyRule(List.of(), List.of(ports));
  }

  static Peer block(String cidr, String... except) {
    return Peer.ipBlock(new IpBlock(cidr, List.of(except)));
  }

  static Peer pods(Map<String, String> labels) {
    return Peer.pods(LabelSelector.ofLabels(labels));
  }

  static Peer expr(String key, String op, String... values) {
    return Peer.pods(new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement(key, op, List.of(values)))));
  }

  static PolicyPort port(String protocol, Integer number, Integer end) {
    return new PolicyPort(Optional.ofNullable(protocol), Optional.ofNullable(number).map(PortValue::of),
        Optional.ofNullable(end));
  }

  static PolicyPort named(String name, Integer end) {
    return new PolicyPort(Optional.empty(), Optional.of(PortValue.named(name)), Optional.ofNullable(end));
  }
}
