package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Origin;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.ir.Tier;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A small tiered rule graph, built by hand at the IR level, for golden files and the README's
 * walk-through: two nodes, four pods on node-a and one on node-b.
 *
 * <ul>
 *   <li>{@code shop/web-1}, {@code shop/web-2} (one group, ingress isolated by NetworkPolicy,
 *       which allows TCP 80 from {@code shop/client}): Admin Deny of every TCP port from node-b's
 *       pod block, Admin Pass of {@code shop/client}, Baseline Deny of UDP from everyone;</li>
 *   <li>{@code shop/client} (not isolated): Admin Deny of TCP 10250 to node addresses, Admin
 *       Allow of TCP 22 to the web pods, Baseline Deny of TCP 22 to everything;</li>
 *   <li>{@code ops/tool}: no rules (nothing to look up).</li>
 * </ul>
 * With {@code withoutTiers} only the NetworkPolicy rules are kept: the same graph as plain
 * NetworkPolicy would compile it, for comparing sizes.
 */
final class TieredFixture {
  private TieredFixture() {}

  static final IpAddress NODE_A = IpAddress.parse("192.0.2.1");
  static final IpAddress NODE_A6 = IpAddress.parse("2001:db8::1");
  static final IpAddress NODE_B = IpAddress.parse("192.0.2.2");

  /** The graph, for {@code node} (node-a) or cluster-wide when empty. */
  static RuleGraph graph(Optional<String> node, boolean withoutTiers) {
    List<Endpoint> all = List.of(
        pod("shop/web-1", "node-a", "10.244.0.10", "fd00:10::a"),
        pod("shop/web-2", "node-a", "10.244.0.11", "fd00:10::b"),
        pod("shop/client", "node-a", "10.244.0.12", "fd00:10::c"),
        pod("ops/tool", "node-a", "10.244.0.13"),
        pod("shop/db", "node-b", "10.244.1.10"));
    List<Endpoint> local = all.stream().filter(e -> node.isEmpty() || e.node().equals(node)).toList();
    RuleGraph.Builder b = RuleGraph.builder(SemanticsOptions.DEFAULTS).node(node)
        .nodeAddresses("node-a", AddressSet.ofAddresses(List.of(NODE_A, NODE_A6)))
        .nodeAddresses("node-b", AddressSet.ofAddresses(List.of(NODE_B)));
    EndpointGroup web = EndpointGroup.of(local.stream().filter(e -> e.pod().startsWith("shop/web")).toList(), true,
        false);
    b.addGroup(web);
    Endpoint client = local.stream().filter(e -> e.pod().equals("shop/client")).findFirst().orElseThrow();
    EndpointGroup clients = EndpointGroup.of(List.of(client), false, false);
    b.addGroup(clients);
    for (Endpoint e : local) {
      if (e.pod().startsWith("ops/") || e.pod().equals("shop/db")) {
        b.addGroup(EndpointGroup.of(List.of(e), false, false));
      }
    }
    AddressSet webPods = AddressSet.ofAddresses(all.stream().filter(e -> e.pod().startsWith("shop/web"))
        .flatMap(e -> e.ips().stream()).toList());
    AddressSet clientPod = AddressSet.ofAddresses(client.ips());
    AddressSet nodeA = AddressSet.ofAddresses(List.of(NODE_A, NODE_A6));
    PortSet tcp80 = PortSet.of(Protocol.TCP, PortRange.of(80));
    PortSet tcp22 = PortSet.of(Protocol.TCP, PortRange.of(22));
    PortSet everyTcp = PortSet.of(Protocol.TCP, PortRange.ALL);
    PortSet everyUdp = PortSet.of(Protocol.UDP, PortRange.ALL);
    List<Rule> rules = new ArrayList<>();
    rules.add(rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, web, clientPod, tcp80, Action.ALLOW, "shop/web"));
    rules.add(rule(Direction.INGRESS, Tier.ADMIN, 10, web, AddressSet.ofCidrs(List.of(Cidr.of("10.244.1.0/24"))),
        everyTcp, Action.DENY, "deny-node-b-pods"));
    rules.add(rule(Direction.INGRESS, Tier.ADMIN, 20, web, clientPod, PortSet.ALL_PROTOCOLS, Action.PASS,
        "pass-clients"));
    rules.add(rule(Direction.INGRESS, Tier.BASELINE, 0, web, AddressSet.ALL, everyUdp, Action.DENY, "default"));
    rules.add(rule(Direction.EGRESS, Tier.ADMIN, 5, clients, nodeA, PortSet.of(Protocol.TCP, PortRange.of(10250)),
        Action.DENY, "protect-kubelet"));
    rules.add(rule(Direction.EGRESS, Tier.ADMIN, 10, clients, webPods, tcp22, Action.ALLOW, "ssh-to-web"));
    rules.add(rule(Direction.EGRESS, Tier.BASELINE, 0, clients, AddressSet.ALL, tcp22, Action.DENY, "default"));
    for (Rule r : rules) {
      if (!withoutTiers || r.tier() == Tier.NETWORK_POLICY) {
        b.addRule(r);
      }
    }
    return b.build();
  }

  private static Endpoint pod(String key, String node, String... ips) {
    return new Endpoint(key, List.of(ips).stream().map(IpAddress::parse).toList(), Optional.of(node));
  }

  private static Rule rule(Direction d, Tier tier, int priority, EndpointGroup subject, AddressSet peers,
      PortSet ports, Action action, String policy) {
    return new Rule(d, tier, priority, subject.id(), peers, ports, action,
        List.of(new Origin(policy, d, 0, SourcePosition.UNKNOWN)));
  }
}
