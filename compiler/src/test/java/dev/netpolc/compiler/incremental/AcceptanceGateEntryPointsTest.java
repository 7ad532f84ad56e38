package dev.netpolc.compiler.incremental;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.validation.InputRejectedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The library's entry points ask the same acceptance gate as the commands: {@code Compiler.compile}
 * and {@code CompilerSession} refuse what the API server would reject, before any output or
 * change, and compile what it accepts (rules of a direction missing from policyTypes, ignored).
 */
class AcceptanceGateEntryPointsTest {
  private static final Pod WEB = pod("web", "198.18.0.1", "web");
  private static final Pod DB = pod("db", "198.18.0.2", "db");

  private static Pod pod(String name, String ip, String app) {
    return new Pod("ns", name, Map.of("app", app), List.of(IpAddress.parse(ip)), "n1", false, "Running", List.of(),
        List.of(), SourcePosition.UNKNOWN);
  }

  /** The db pods take ingress from web only. */
  private static final NetworkPolicy DB_FROM_WEB = NetworkPolicy.of("ns", "db", LabelSelector.ofLabels(
      Map.of("app", "db")), List.of("Ingress"), List.of(new PolicyRule(List.of(Peer.pods(LabelSelector.ofLabels(
          Map.of("app", "web")))), List.of())), List.of());

  /** Egress-only for web, with ingress rules that would allow everything if they were not ignored. */
  private static final NetworkPolicy WEB_EGRESS_ONLY = NetworkPolicy.of("ns", "web", LabelSelector.ofLabels(
      Map.of("app", "web")), List.of("Egress"), List.of(new PolicyRule(List.of(), List.of())),
      List.of(new PolicyRule(List.of(Peer.pods(LabelSelector.ofLabels(Map.of("app", "db")))), List.of())));

  private static final NetworkPolicy BAD_CIDR = NetworkPolicy.of("ns", "bad", LabelSelector.EVERYTHING,
      List.of("Ingress"), List.of(new PolicyRule(List.of(Peer.ipBlock(new IpBlock("10.0.0.0/33", List.of()))),
          List.of())), List.of());

  private static final Cluster CLUSTER = new Cluster(List.of(), List.of(WEB, DB), List.of(), List.of(DB_FROM_WEB));

  private static final Connection DB_TO_WEB = Connection.of(IpAddress.parse("198.18.0.2"),
      IpAddress.parse("198.18.0.1"), Protocol.TCP, 80);

  private static List<String> ids(InputRejectedException e) {
    return e.findings().stream().map(Diagnostic::ruleId).toList();
  }

  @Test
  void compileRefusesWhatTheApiServerRejects() {
    Cluster bad = CLUSTER.withPolicies(List.of(DB_FROM_WEB, BAD_CIDR));
    assertThatThrownBy(() -> new Compiler().compile(bad, CompileOptions.DEFAULTS))
        .isInstanceOfSatisfying(InputRejectedException.class, e -> assertThat(ids(e)).containsExactly("NP101"));
    Cluster twice = CLUSTER.withPolicies(List.of(DB_FROM_WEB, DB_FROM_WEB));
    assertThatThrownBy(() -> new Compiler().compile(twice, CompileOptions.DEFAULTS))
        .isInstanceOfSatisfying(InputRejectedException.class, e -> assertThat(ids(e)).containsExactly("NP107"));
  }

  @Test
  void compileAcceptsRulesOfADirectionMissingFromPolicyTypesAndIgnoresThem() {
    Cluster c = CLUSTER.withPolicies(List.of(DB_FROM_WEB, WEB_EGRESS_ONLY));
    RuleGraphEvaluator g = new RuleGraphEvaluator(new Compiler().compile(c, CompileOptions.DEFAULTS).graph());
    // web is not ingress-isolated: its ignored ingress rules neither isolate nor allow.
    assertThat(g.allows(DB_TO_WEB)).isTrue();
    assertThat(g.allows(Connection.of(IpAddress.parse("198.18.0.1"), IpAddress.parse("198.18.0.2"), Protocol.TCP,
        80))).isTrue();
    assertThat(g.allows(Connection.of(IpAddress.parse("198.18.0.1"), IpAddress.parse("203.0.113.1"), Protocol.TCP,
        80))).isFalse();
  }

  @Test
  void aSessionRefusesRejectedInputDuplicatesIncluded() {
    assertThatThrownBy(() -> new Compiler().session(CLUSTER.withPolicies(List.of(BAD_CIDR)), CompileOptions.DEFAULTS))
        .isInstanceOf(InputRejectedException.class);
    Cluster podTwice = new Cluster(List.of(), List.of(WEB, DB, WEB), List.of(), List.of(DB_FROM_WEB));
    assertThatThrownBy(() -> new Compiler().session(podTwice, CompileOptions.DEFAULTS))
        .isInstanceOfSatisfying(InputRejectedException.class, e -> assertThat(ids(e)).containsExactly("NP107"));
  }

  @Test
  void aBatchWithARejectedObjectChangesNothingAndTheSessionGoesOn() {
    CompilerSession s = new Compiler().session(CLUSTER, CompileOptions.DEFAULTS);
    Cluster before = s.cluster();
    Pod relabelled = pod("web", "198.18.0.1", "db");
    Pod badLabel = new Pod("ns", "x", Map.of("app", "-bad"), List.of(), null, false, "Pending", List.of(), List.of(),
        SourcePosition.UNKNOWN);
    for (List<ClusterChange> batch : List.of(
        List.<ClusterChange>of(new ClusterChange.PodUpserted(relabelled), new ClusterChange.PolicyUpserted(BAD_CIDR)),
        List.<ClusterChange>of(new ClusterChange.PodRemoved("ns", "db"), new ClusterChange.PodUpserted(badLabel)),
        List.<ClusterChange>of(new ClusterChange.NamespaceUpserted(Namespace.of("Bad_Name", Map.of()))))) {
      assertThatThrownBy(() -> s.apply(batch)).as("%s", batch).isInstanceOf(InputRejectedException.class);
      assertThat(s.cluster()).isEqualTo(before);
      assertThat(new RuleGraphEvaluator(s.graph()).allows(DB_TO_WEB)).isTrue();
    }
    // An accepted change after a refused batch: NP106 rules come in with a warning's meaning.
    GraphUpdate u = s.apply(List.of(new ClusterChange.PolicyUpserted(WEB_EGRESS_ONLY)));
    assertThat(u.incremental()).isFalse();
    assertThat(s.cluster().policies()).containsExactly(DB_FROM_WEB, WEB_EGRESS_ONLY);
    assertThat(new RuleGraphEvaluator(s.graph()).allows(DB_TO_WEB)).isTrue();
  }
}
