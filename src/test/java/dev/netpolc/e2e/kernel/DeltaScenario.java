package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.Map;

/**
 * The cluster and the changes the backends' incremental kernel tests walk through: two
 * namespaces on one node, five dual-stack pods, two ingress policies in x, and the policy added
 * in step 3. One scenario, so that the nftables and iptables deltas are held to the same steps.
 */
final class DeltaScenario {
  /** The node every pod runs on. */
  static final String NODE = "node0";

  /** x: every pod takes TCP 80 from y's clients. */
  static final String FROM_CLIENTS = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-clients, namespace: x}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {role: client}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /** {@link #FROM_CLIENTS}, and x's db pods also take anything from x's web pods. */
  static final String POLICIES = FROM_CLIENTS + """
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-from-web, namespace: x}
      spec:
        podSelector: {matchLabels: {tier: db}}
        ingress:
        - from:
          - podSelector: {matchLabels: {tier: web}}
      """;

  /** Added in step 3: y is isolated, only x's db pods get in. */
  static final String Y_FROM_DB = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-db, namespace: y}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: x}}
            podSelector: {matchLabels: {tier: db}}
      """;

  private DeltaScenario() {}

  /** The starting cluster: namespaces x and y, pods x/a (web), x/b (db), x/c (web), y/a (client), y/b. */
  static Cluster start() {
    return read("""
        apiVersion: v1
        kind: Namespace
        metadata: {name: x, labels: {ns: x}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: y, labels: {ns: y}}
        ---
        """ + pod("x", "a", "{pod: a, tier: web}", 10) + pod("x", "b", "{pod: b, tier: db}", 11)
        + pod("x", "c", "{pod: c, tier: web}", 12) + pod("y", "a", "{pod: a, role: client}", 13)
        + pod("y", "b", "{pod: b}", 14) + POLICIES);
  }

  /** The policy of step 3. */
  static NetworkPolicy yFromDb() {
    return read(Y_FROM_DB).policies().get(0);
  }

  /** Pod {@code key} of the session's cluster with {@code labels}. */
  static Pod relabel(CompilerSession s, String key, Map<String, String> labels) {
    return relabel(s.cluster(), key, labels);
  }

  /** Pod {@code key} of {@code c} with {@code labels}. */
  static Pod relabel(Cluster c, String key, Map<String, String> labels) {
    Pod p = c.pods().stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
    return new Pod(p.namespace(), p.name(), labels, p.ips(), p.nodeName(), p.hostNetwork(), p.phase(), p.ports(),
        p.initPorts(), p.position());
  }

  /** Objects read from {@code yaml}, which must be valid. */
  static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("delta.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  private static String pod(String ns, String name, String labels, int ip) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {namespace: " + ns + ", name: " + name + ", labels: " + labels
        + "}\nspec: {nodeName: " + NODE + ", containers: [{name: main, image: pause}]}\n"
        + "status: {phase: Running, podIPs: [{ip: 198.18.0." + ip + "}, {ip: \"fd00::" + ip + "\"}]}\n---\n";
  }
}
