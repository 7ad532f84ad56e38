package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.compiler.incremental.MemberUpdates;
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
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental fast path and tiers: a pod joining or leaving a group with Admin or Baseline
 * egress rules changes the node-local dispatch ({@code ep_node4}/{@code ep_node6}), which the
 * fast path leaves to the full diff ({@link DeltaWriter.Fallback#NODE_LOCAL_TIERS}); a pod of a
 * NetworkPolicy-only group in the same ruleset still takes the fast path. Either way the delta
 * leaves exactly the full ruleset of the new graph. The updates are made by hand
 * ({@link MemberUpdates}): a session does not accept tiered policies yet.
 */
class NodeLocalFastPathTest {
  private static final Endpoint A0 = endpoint("ns/a0", "198.18.0.10", "fd00::10");
  private static final Endpoint B0 = endpoint("ns/b0", "198.18.0.20", "fd00::20");
  /** The pods that come and go: addresses in no peer set. */
  private static final Endpoint A1 = endpoint("ns/a1", "198.18.1.5", "fd00:1::5");
  private static final Endpoint B1 = endpoint("ns/b1", "198.18.1.6", "fd00:1::6");

  private static Endpoint endpoint(String pod, String v4, String v6) {
    return new Endpoint(pod, List.of(IpAddress.parse(v4), IpAddress.parse(v6)), Optional.of("n1"));
  }

  /** Group a (Admin Deny to the node's kubelet port, NetworkPolicy isolation) and group b (NetworkPolicy only). */
  private static RuleGraph graph(Optional<String> node, List<Endpoint> a, List<Endpoint> b) {
    EndpointGroup ga = new EndpointGroup("ns/a0", a, false, true);
    EndpointGroup gb = new EndpointGroup("ns/b0", b, true, false);
    AddressSet nodeAddrs = AddressSet.ofAddresses(List.of(IpAddress.parse("192.0.2.1"), IpAddress.parse("2001:db8::1")));
    return RuleGraph.builder(SemanticsOptions.DEFAULTS).node(node).nodeAddresses("n1", nodeAddrs)
        .addGroup(ga).addGroup(gb)
        .addRule(new Rule(Direction.EGRESS, Tier.ADMIN, 1, ga.id(), nodeAddrs, PortSet.of(Protocol.TCP,
            PortRange.of(10250)), Action.DENY, List.of(new Origin("guard", Direction.EGRESS, 0, SourcePosition.UNKNOWN))))
        .addRule(new Rule(Direction.INGRESS, Tier.NETWORK_POLICY, 0, gb.id(), AddressSet.ofAddresses(A0.ips()),
            PortSet.ALL_PROTOCOLS, Action.ALLOW, List.of(new Origin("ns/b", Direction.INGRESS, 0,
            SourcePosition.UNKNOWN))))
        .build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void membersOfNodeLocalGroupsTakeTheFullDiffOthersTheFastPath(boolean perNode) throws Exception {
    Optional<String> node = perNode ? Optional.of("n1") : Optional.empty();
    NftablesBackend nft = new NftablesBackend();
    BackendOptions opts = BackendOptions.DEFAULTS;
    Artifact installed = nft.emit(graph(node, List.of(A0), List.of(B0)), opts);
    assertThat(installed.primary()).contains("map ep_node4");

    RuleGraph aJoined = graph(node, List.of(A0, A1), List.of(B0));
    GraphUpdate join = MemberUpdates.of(aJoined, List.of(new GraphUpdate.MemberChange("ns/a0", A1, true, false, true)));
    assertThat(NftablesBackend.attempt(installed, join, opts).fallback())
        .contains(DeltaWriter.Fallback.NODE_LOCAL_TIERS);
    Artifact afterJoin = reachesFull(nft, installed, join, aJoined);
    assertThat(afterJoin.primary()).contains("198.18.1.5 " + (perNode ? ": jump" : ". 192.0.2.1 : jump"));

    RuleGraph aLeft = graph(node, List.of(A0), List.of(B0));
    GraphUpdate leave = MemberUpdates.of(aLeft, List.of(new GraphUpdate.MemberChange("ns/a0", A1, false, false, true)));
    assertThat(NftablesBackend.attempt(afterJoin, leave, opts).fallback())
        .contains(DeltaWriter.Fallback.NODE_LOCAL_TIERS);
    reachesFull(nft, afterJoin, leave, aLeft);

    // Control: the same ruleset, a pod of the NetworkPolicy-only group: the fast path, still exact.
    // (Emitted again: the layout cache keeps only the last few rulesets.)
    installed = nft.emit(graph(node, List.of(A0), List.of(B0)), opts);
    RuleGraph bJoined = graph(node, List.of(A0), List.of(B0, B1));
    GraphUpdate other = MemberUpdates.of(bJoined, List.of(new GraphUpdate.MemberChange("ns/b0", B1, true, true, false)));
    DeltaWriter.Fast fast = NftablesBackend.attempt(installed, other, opts);
    assertThat(fast.delta()).as("fallback %s", fast.fallback()).isPresent();
    reachesFull(nft, installed, other, bJoined);
  }

  /** Applies {@code update}'s delta to {@code installed} and checks it equals the full ruleset of {@code after}. */
  private static Artifact reachesFull(NftablesBackend nft, Artifact installed, GraphUpdate update, RuleGraph after)
      throws Exception {
    Delta d = nft.update(installed, update, BackendOptions.DEFAULTS);
    Artifact full = nft.emit(after, BackendOptions.DEFAULTS);
    List<String> where = new ArrayList<>(List.of(d.files().get(NftablesBackend.DELTA_FILE)));
    assertThat(IncrementalDeltaPropertyTest.state(NftablesBackend.parse(installed, d))).as("%s", where)
        .isEqualTo(IncrementalDeltaPropertyTest.state(NftablesBackend.parse(full)));
    return full;
  }
}
