package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.ChangeGen;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The session's graph after every batch of changes decides every probe as a fresh compile of
 * the session's cluster does, whether the batch was applied incrementally or recompiled.
 */
class CompilerSessionTest {
  private static final int STEPS = 8;

  @Test
  void sessionGraphDecidesLikeAFreshCompileAfterEveryChange() {
    int[] incremental = new int[1];
    qt().withExamples(150).forAll(ClusterGen.clusters(), longs().all(), booleans().all())
        .checkAssert((c, seed, perNode) -> {
          Optional<String> node = perNode && !c.nodes().isEmpty() ? Optional.of(c.nodes().get(0).name())
              : Optional.empty();
          CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
          CompilerSession s = new Compiler().session(c, o);
          Random r = new Random(seed);
          for (int step = 0; step < STEPS; step++) {
            ClusterChange change = ChangeGen.next(s.cluster(), r, step);
            GraphUpdate u = s.apply(List.of(change));
            if (u.incremental()) {
              incremental[0]++;
            }
            assertDecideAlike(s, o, "step " + step + " " + change + " ("
                + (u.incremental() ? "incremental" : u.fallbackReason()) + ")");
          }
        });
    System.out.println("incremental updates: " + incremental[0] + " of " + 150 * STEPS);
    assertThat(incremental[0]).as("incremental updates").isGreaterThan(100);
  }

  @Test
  void tieredSessionGraphDecidesLikeAFreshCompileAfterEveryChange() {
    qt().withExamples(80).forAll(dev.netpolc.compiler.gen.TieredClusterGen.clusters(), longs().all(),
        booleans().all()).checkAssert((c, seed, perNode) -> {
          Optional<String> node = perNode && !c.nodes().isEmpty() ? Optional.of(c.nodes().get(0).name())
              : Optional.empty();
          CompileOptions o = node.map(CompileOptions.DEFAULTS::withNode).orElse(CompileOptions.DEFAULTS);
          CompilerSession s = new Compiler().session(c, o);
          Random r = new Random(seed);
          for (int step = 0; step < STEPS; step++) {
            ClusterChange change = ChangeGen.nextTiered(s.cluster(), r, step);
            GraphUpdate u = s.apply(List.of(change));
            if (change instanceof ClusterChange.ClusterNetworkPolicyUpserted up) {
              assertThat(s.cluster().clusterNetworkPolicies()).contains(up.policy());
            } else if (change instanceof ClusterChange.ClusterScopedPolicyRemoved rm) {
              assertThat(s.cluster().tieredPolicies()).noneMatch(p -> p.kind() == rm.kind() && p.name().equals(rm.name()));
            }
            assertDecideAlike(s, o, "step " + step + " " + change + " ("
                + (u.incremental() ? "incremental" : u.fallbackReason()) + ")");
          }
        });
  }

  /**
   * An egress rule to any destination on a named port allows exactly the pods that resolve the
   * name: a pod that comes with the port must join the rule's peers (the session used to leave
   * the rule's set as it was, since such a rule has no selector or ipBlock to match the pod).
   */
  @Test
  void aNewPodResolvingTheNamedPortOfAnEgressRuleToEveryDestinationBecomesItsPeer() {
    Cluster c = read("""
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: a, labels: {app: client}}
        spec:
          nodeName: n1
          containers: [{name: main}]
        status: {phase: Running, podIPs: [{ip: 10.0.0.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: server1, namespace: a, labels: {app: server}}
        spec:
          nodeName: n1
          containers: [{name: main, ports: [{name: http, containerPort: 80, protocol: UDP}]}]
        status: {phase: Running, podIPs: [{ip: 10.0.0.2}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: out, namespace: a}
        spec:
          podSelector: {matchLabels: {app: client}}
          policyTypes: [Egress]
          egress:
          - ports: [{port: http, protocol: UDP}]
        """);
    for (CompileOptions o : List.of(CompileOptions.DEFAULTS, CompileOptions.DEFAULTS.withNode("n1"))) {
      CompilerSession s = new Compiler().session(c, o);
      Pod server1 = s.cluster().pods().stream().filter(p -> p.name().equals("server1")).findFirst().orElseThrow();
      Pod server2 = new Pod("a", "server2", server1.labels(), List.of(IpAddress.parse("10.0.0.3")),
          "n2", false, server1.phase(), server1.ports(), server1.initPorts(), server1.position());
      s.apply(List.of(new ClusterChange.PodUpserted(server2)));
      Connection toServer2 = Connection.of(IpAddress.parse("10.0.0.1"),
          IpAddress.parse("10.0.0.3"), Protocol.UDP, 80);
      assertThat(new RuleGraphEvaluator(s.graph()).allows(toServer2)).as("%s", o).isTrue();
      assertDecideAlike(s, o, "server2 added");
    }
  }

  /**
   * Two rules with equal peers and different ports are one merged rule; a pod that becomes a
   * peer of only one of them must not gain the other's ports (the session used to add it to the
   * merged set, allowing it every port). Found by the property above (seed 89949382375369).
   */
  @Test
  void aPodJoiningOnlyOneOfTwoRulesMergedForTheirEqualPeersDoesNotGainTheOthersPorts() {
    Cluster c = read("""
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: a}
        spec:
          nodeName: n1
          containers: [{name: main}]
        status: {phase: Running, podIPs: [{ip: 10.0.0.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: a, labels: {app: web}}
        spec:
          nodeName: n1
          containers: [{name: main}]
        status: {phase: Running, podIPs: [{ip: 10.0.0.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: idle, namespace: b}
        spec:
          nodeName: n1
          containers: [{name: main}]
        status: {phase: Running, podIPs: [{ip: 10.0.0.4}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: in, namespace: a}
        spec:
          podSelector: {}
          ingress:
          - from: [{podSelector: {matchExpressions: [{key: app, operator: Exists}]}, namespaceSelector: {}}]
            ports: [{port: 80}]
          - from: [{podSelector: {matchLabels: {app: web}}}]
        """);
    for (CompileOptions o : List.of(CompileOptions.DEFAULTS, CompileOptions.DEFAULTS.withNode("n1"))) {
      CompilerSession s = new Compiler().session(c, o);
      Pod web = s.cluster().pods().stream().filter(p -> p.name().equals("web")).findFirst().orElseThrow();
      Pod other = new Pod("b", "other", web.labels(), List.of(IpAddress.parse("10.0.0.3")),
          "n1", false, web.phase(), web.ports(), web.initPorts(), web.position());
      s.apply(List.of(new ClusterChange.PodUpserted(other)));
      RuleGraphEvaluator e = new RuleGraphEvaluator(s.graph());
      IpAddress from = IpAddress.parse("10.0.0.3");
      IpAddress to = IpAddress.parse("10.0.0.1");
      assertThat(e.allows(Connection.of(from, to, Protocol.TCP, 80))).as("%s", o).isTrue();
      assertThat(e.allows(Connection.of(from, to, Protocol.TCP, 81))).as("%s", o).isFalse();
      assertDecideAlike(s, o, "b/other added");
    }
  }

  private static void assertDecideAlike(CompilerSession s, CompileOptions o, String where) {
    RuleGraphEvaluator session = new RuleGraphEvaluator(s.graph());
    RuleGraphEvaluator fresh = new RuleGraphEvaluator(new Compiler().compile(s.cluster(), o).graph());
    for (Connection conn : ConnectionProbes.of(s.cluster())) {
      if (session.allows(conn) != fresh.allows(conn)) {
        throw new AssertionError("the session " + (session.allows(conn) ? "allows " : "denies ") + conn
            + " and a fresh compile does not, after " + where);
      }
    }
  }

  private static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("session.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }
}
