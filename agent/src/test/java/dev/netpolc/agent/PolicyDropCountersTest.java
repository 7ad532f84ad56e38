package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Drop counters attributed to policies: listings shaped as {@code nft -j -t list table} prints
 * them (drop rules with a counter, their comments as the nftables backend writes them), over the
 * graph the agent applied.
 */
class PolicyDropCountersTest {

  static final String CLUSTER = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: x, labels: {ns: x}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {namespace: x, name: a, labels: {app: web}}
      spec: {nodeName: n1}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {namespace: x, name: b, labels: {app: db}}
      spec: {nodeName: n1}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-from-db, namespace: x}
      spec:
        podSelector: {matchLabels: {app: web}}
        ingress:
        - from: [{podSelector: {matchLabels: {app: db}}}]
          ports: [{port: 80}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: all-ingress-denied, namespace: x}
      spec:
        podSelector: {}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-egress, namespace: x}
      spec:
        podSelector: {matchLabels: {app: db}}
        policyTypes: [Egress]
        egress:
        - to: [{podSelector: {matchLabels: {app: web}}}]
      """;

  /** The listing's rules: chain, handle, comment, packets; {@link #json} renders them. */
  private final List<Object[]> rules = new ArrayList<>();
  private long tableHandle = 2;

  private String json() {
    StringBuilder b = new StringBuilder("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}},"
        + " {\"table\": {\"family\": \"inet\", \"name\": \"netpolc\", \"handle\": " + tableHandle + "}}");
    for (Object[] r : rules) {
      b.append(", {\"rule\": {\"family\": \"inet\", \"table\": \"netpolc\", \"chain\": \"").append(r[0])
          .append("\", \"handle\": ").append(r[1]).append(", \"comment\": \"").append(r[2])
          .append("\", \"expr\": [{\"counter\": {\"packets\": ").append(r[3]).append(", \"bytes\": 0}}, ")
          .append(r[4]).append("]}}");
    }
    return b.append("]}").toString();
  }

  private void rule(String chain, int handle, String comment, long packets, String verdict) {
    rules.add(new Object[] {chain, handle, comment, packets, verdict});
  }

  private static PolicyDropCounters.Key key(String policy, String direction) {
    return new PolicyDropCounters.Key(policy, direction);
  }

  private PolicyDropCounters applied() {
    ReadResult r = new PolicyReader().readString("c.yaml", CLUSTER);
    assertThat(r.errors()).isEmpty();
    Cluster c = r.cluster();
    PolicyDropCounters d = new PolicyDropCounters(this::json);
    d.applied(new Compiler().compile(c, CompileOptions.DEFAULTS.withNode("n1")).graph(), c);
    return d;
  }

  @Test
  void aDefaultDenyCountsForEveryPolicyIsolatingTheGroupAndDenyRulesForTheirOrigins() throws IOException {
    PolicyDropCounters d = applied();
    rule("g_5356176b92c3_in_np", 22, "default-deny x/a", 5, "{\"drop\": null}");
    rule("g_b68ad6bd6971_in", 23, "default-deny x/b", 2, "{\"drop\": null}");
    rule("g_b68ad6bd6971_out", 26, "default-deny x/b", 7, "{\"drop\": null}");
    rule("g_5356176b92c3_in", 19, "anp:deny-db ingress[0], banp:default ingress[1]", 3, "{\"drop\": null}");
    rule("g_5356176b92c3_in", 20, "x/web-from-db ingress[0]", 100, "{\"accept\": null}");
    assertThat(new TreeMap<>(d.read())).isEqualTo(new TreeMap<>(Map.of(
        key("x/web-from-db", "ingress"), 5L,
        key("x/all-ingress-denied", "ingress"), 7L,
        key("x/db-egress", "egress"), 7L,
        key("anp:deny-db", "ingress"), 3L,
        key("banp:default", "ingress"), 3L)));
  }

  @Test
  void totalsOnlyGrowWhenRulesAreReplacedOrTheTableRecreated() throws IOException {
    PolicyDropCounters d = applied();
    rule("g_b68ad6bd6971_out", 26, "default-deny x/b", 7, "{\"drop\": null}");
    assertThat(d.read()).containsEntry(key("x/db-egress", "egress"), 7L);
    rules.clear();
    rule("g_b68ad6bd6971_out", 26, "default-deny x/b", 10, "{\"drop\": null}");
    assertThat(d.read()).containsEntry(key("x/db-egress", "egress"), 10L);
    // A delta rebuilt the chain: a new handle, counting from zero.
    rules.clear();
    rule("g_b68ad6bd6971_out", 31, "default-deny x/b", 4, "{\"drop\": null}");
    assertThat(d.read()).containsEntry(key("x/db-egress", "egress"), 14L);
    // A full replacement: a new table, the same rule handle, a counter below the last.
    tableHandle = 3;
    rules.clear();
    rule("g_b68ad6bd6971_out", 31, "default-deny x/b", 1, "{\"drop\": null}");
    assertThat(d.read()).containsEntry(key("x/db-egress", "egress"), 15L);
    assertThat(d.lastTotals()).containsEntry(key("x/db-egress", "egress"), 15L);
  }

  @Test
  void aFailedReadKeepsTheTotals() throws IOException {
    List<String> listing = new ArrayList<>(List.of("{\"nftables\": [{\"table\": {\"handle\": 1}}, {\"rule\": "
        + "{\"chain\": \"g_ab_in\", \"handle\": 4, \"comment\": \"anp:deny-db ingress[0]\", \"expr\": "
        + "[{\"counter\": {\"packets\": 9}}, {\"drop\": null}]}}]}", "not json"));
    PolicyDropCounters d = new PolicyDropCounters(() -> listing.remove(0));
    assertThat(d.read()).containsExactlyEntriesOf(Map.of(key("anp:deny-db", "ingress"), 9L));
    assertThatThrownBy(d::read).isInstanceOf(IOException.class);
    assertThat(d.lastTotals()).containsExactlyEntriesOf(Map.of(key("anp:deny-db", "ingress"), 9L));
  }
}
