package dev.netpolc.e2e.kernel;

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
}
