package dev.netpolc.compiler.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.index.ClusterIndex;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.Rule;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.validation.InputRejectedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The literal translation: grouping by treatment, named ports, origins and bad input. */
class GraphBuilderTest {
  private static Pod pod(String name, String ip, int httpPort) {
    return new Pod("ns", name, Map.of("app", "web"), List.of(IpAddress.parse(ip)), "n1", false, "Running",
        List.of(new ContainerPort("http", httpPort, Protocol.TCP)), List.of(), SourcePosition.UNKNOWN);
  }

  private static final PolicyRule HTTP_ANYWHERE = new PolicyRule(List.of(),
      List.of(PolicyPort.of(Protocol.TCP, PortValue.named("http"), null)));

  @Test
  void replicasShareAGroupAndNamedIngressPortsSplitGroupsByResolution() {
    NetworkPolicy np = NetworkPolicy.of("ns", "web", LabelSelector.EVERYTHING, List.of(), List.of(HTTP_ANYWHERE),
        List.of());
    Cluster c = new Cluster(List.of(), List.of(pod("a", "198.18.0.1", 80), pod("b", "198.18.0.2", 80),
        pod("c", "198.18.0.3", 8080)), List.of(), List.of(np));
    RuleGraph g = new Compiler().compile(c, CompileOptions.DEFAULTS).graph();
    assertThat(g.groups()).extracting(EndpointGroup::id).containsExactly("ns/a", "ns/c");
    assertThat(g.groups().get(0).members()).hasSize(2);
    assertThat(g.rules("ns/a", Direction.INGRESS)).extracting(r -> r.ports().toString()).containsExactly("TCP 80");
    assertThat(g.rules("ns/c", Direction.INGRESS)).extracting(r -> r.ports().toString()).containsExactly("TCP 8080");
    assertThat(g.rules().get(0).origins()).extracting(Object::toString).containsExactly("ns/web ingress[0]");
  }

  @Test
  void namedEgressPortsSplitPeersByDestination() {
    NetworkPolicy np = NetworkPolicy.of("ns", "out", LabelSelector.ofLabels(Map.of("app", "none")),
        List.of("Egress"), List.of(), List.of(HTTP_ANYWHERE));
    Pod client = new Pod("ns", "client", Map.of("app", "none"), List.of(IpAddress.parse("198.18.0.9")), "n1", false,
        "Running", List.of(), List.of(), SourcePosition.UNKNOWN);
    Cluster c = new Cluster(List.of(), List.of(client, pod("a", "198.18.0.1", 80), pod("c", "198.18.0.3", 8080)),
        List.of(), List.of(np));
    RuleGraph g = new Compiler().compile(c, CompileOptions.DEFAULTS.withoutPasses()).graph();
    List<Rule> egress = g.rules("ns/client", Direction.EGRESS);
    assertThat(egress).extracting(r -> r.peers() + " " + r.ports())
        .containsExactly("198.18.0.1/32 TCP 80", "198.18.0.3/32 TCP 8080");
  }

  @Test
  void anUnparsableCidrNamesFileLineColumnAndFieldPath() {
    SourcePosition at = new SourcePosition("pol.yaml", 12, 15);
    NetworkPolicy np = new NetworkPolicy("ns", "bad", LabelSelector.EVERYTHING, List.of(),
        List.of(new PolicyRule(List.of(Peer.ipBlock(new IpBlock("10.0.0/8", List.of()))), List.of())), List.of(),
        new SourceMap(Map.of("spec.ingress[0].from[0].ipBlock.cidr", at), SourcePosition.UNKNOWN), Set.of());
    Cluster c = new Cluster(List.of(), List.of(pod("a", "198.18.0.1", 80)), List.of(), List.of(np));
    // The builder alone (lint's analysis builds graphs of input the gate blocks) ...
    assertThatThrownBy(() -> new GraphBuilder(c, new ClusterIndex(c, SemanticsOptions.DEFAULTS),
        SemanticsOptions.DEFAULTS).build(Optional.empty()))
        .isInstanceOf(CompileException.class)
        .hasMessage("pol.yaml:12:15: spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR \"10.0.0/8\"");
    // ... while the compiler's acceptance gate refuses it first, at the same place.
    assertThatThrownBy(() -> new Compiler().compile(c, CompileOptions.DEFAULTS))
        .isInstanceOf(InputRejectedException.class)
        .hasMessageStartingWith("input rejected: pol.yaml:12:15: error[NP101]: spec.ingress[0].from[0].ipBlock.cidr: ");
  }

  @Test
  void unknownPassNamesAreRejectedWithTheKnownOnes() {
    assertThatThrownBy(() -> CompileOptions.DEFAULTS.disable("inline"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merge-rules");
    assertThat(CompileOptions.DEFAULTS.disable("atoms").passes()).doesNotContain("atoms").hasSize(6);
    assertThat(CompileOptions.DEFAULTS.withoutPasses().enable("atoms").passes()).containsExactly("atoms");
  }
}
