package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.conformance.MatrixDiff;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The two policy sets every backend's re-apply kernel test switches between, so that each
 * backend is held to the same scenario.
 */
final class ReapplyPolicies {
  private ReapplyPolicies() {}

  /** Policy set A: x accepts TCP 80 from every pod of y; y accepts everything. */
  static final String POLICIES_A = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-y, namespace: x}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /**
   * Policy set B: x accepts TCP 80 only from y/a (pod=a), and now y is isolated too: only x/b gets
   * in. So the replies x/a → y/a of the kept flow y/a → x/a would be refused as new connections:
   * that flow survives only if the re-applied ruleset still honours its conntrack state.
   */
  static final String POLICIES_B = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-y-a, namespace: x}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: y}}
            podSelector: {matchLabels: {pod: a}}
          ports:
          - {port: 80, protocol: TCP}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-x-b, namespace: y}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: x}}
            podSelector: {matchLabels: {pod: b}}
      """;

  /** The node every pod of {@link #cluster} runs on. */
  static final String NODE = "node0";

  /** Namespaces x and y, pods a and b in each (dual-stack, on {@link #NODE}), and {@code policies}. */
  static Cluster cluster(String policies) {
    StringBuilder yaml = inventory("x", "y");
    yaml.append(policies);
    ReadResult r = new PolicyReader().readString("reapply.yaml", yaml.toString());
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  /**
   * Namespaces {@code first} and {@code second} (label {@code ns: <name>}), pods a and b in each
   * (label {@code pod: <name>}, dual-stack 198.18.0.10–13 and fd00::10–13, on {@link #NODE}), as a
   * YAML stream to which policies can be appended.
   */
  static StringBuilder inventory(String first, String second) {
    StringBuilder yaml = new StringBuilder();
    for (String ns : List.of(first, second)) {
      yaml.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ").append(ns).append(", labels: {ns: ")
          .append(ns).append("}}\n---\n");
    }
    int ip = 10;
    for (String ns : List.of(first, second)) {
      for (String pod : List.of("a", "b")) {
        yaml.append("apiVersion: v1\nkind: Pod\nmetadata: {namespace: ").append(ns).append(", name: ").append(pod)
            .append(", labels: {pod: ").append(pod).append("}}\nspec: {nodeName: ").append(NODE)
            .append(", containers: [{name: main, image: pause}]}\nstatus: {phase: Running, podIPs: [{ip: 198.18.0.")
            .append(ip).append("}, {ip: \"fd00::").append(ip).append("\"}]}\n---\n");
        ip++;
      }
    }
    return yaml;
  }

  /**
   * TCP and UDP port 80 between every pair of pods, probed on {@code t} and compared with the
   * reference for {@code cluster}: the disagreements (empty when the kernel follows it).
   */
  /**
   * {@link #observed} for new flows only, after a policy change: the nodes' UDP conntrack entries
   * are deleted first. A UDP probe of an earlier step that the change now denies leaves an entry
   * for 30 s, and a probe that happens to get the same source port again would pass as
   * established (documented behaviour, tested on its own), not as the new flow it stands for.
   * TCP entries stay: a new SYN never rides on an old entry, and a test may hold a flow open.
   */
  static List<String> observedNewFlows(Topology t, Cluster cluster, KernelLayout layout) {
    StringBuilder sh = new StringBuilder();
    for (String node : t.nodes().stream().map(n -> n.name()).toList()) {
      for (String family : List.of("ipv4", "ipv6")) {
        // conntrack -D exits 1 when nothing matched: its report line says it ran.
        sh.append("ip netns exec ").append(t.nodeNamespace(node)).append(" conntrack -D -p udp -f ").append(family)
            .append(" 2>&1 | grep -q 'flow entries have been deleted' || { echo conntrack -D failed in ")
            .append(node).append(" >&2; exit 1; };");
      }
    }
    dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, "sh", "-c", sh + "true").orThrow();
    return observed(t, cluster, layout);
  }

  static List<String> observed(Topology t, Cluster cluster, KernelLayout layout) {
    // Neighbour caches only: flushing conntrack would drop the established flows under test.
    ConformanceKernelRun.forgetPreviousCase(t, false);
    List<Probe> probes = List.of(new Probe(PortSpec.of(80), Protocol.TCP), new Probe(PortSpec.of(80), Protocol.UDP));
    ReferenceEvaluator ref = new ReferenceEvaluator(cluster);
    List<ReachabilityMatrix> want = probes.stream()
        .map(p -> MatrixComputer.compute(cluster, ref, p.port(), p.protocol())).toList();
    KernelMatrix.Observed seen = KernelMatrix.observe(t, KernelMatrix.plan(cluster, layout, probes), want);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) {
      out.addAll(MatrixDiff.describe("reapply", want.get(i), seen.matrices().get(i)));
    }
    return out;
  }
}
