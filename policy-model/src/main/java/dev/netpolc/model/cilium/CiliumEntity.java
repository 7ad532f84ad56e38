package dev.netpolc.model.cilium;

/**
 * The entities {@code fromEntities}/{@code toEntities} may name: Cilium's {@code Entity} values
 * ({@code pkg/policy/api/entity.go}), with what each matches in netpolc's inventory
 * (SEMANTICS-CILIUM.md, "Entities"). {@code world-ipv4}/{@code world-ipv6} are {@code world}
 * restricted to one address family (Cilium's dual-stack split of {@code reserved:world}; the
 * semantics page is silent on them).
 */
public enum CiliumEntity {
  /** Every peer. */
  ALL("all", false),
  /** Addresses that are neither pods' nor nodes'. */
  WORLD("world", false),
  /** {@code world}, IPv4 addresses only. */
  WORLD_IPV4("world-ipv4", false),
  /** {@code world}, IPv6 addresses only. */
  WORLD_IPV6("world-ipv6", false),
  /** Pods and nodes. */
  CLUSTER("cluster", false),
  /** The subject's own node: its addresses and its host-network pods. */
  HOST("host", false),
  /** The other nodes. */
  REMOTE_NODE("remote-node", false),
  /** The addresses of the {@code default/kubernetes} EndpointSlices (or Endpoints) in the input. */
  KUBE_APISERVER("kube-apiserver", false),
  /** Initialising endpoints: none in netpolc's inventory. */
  INIT("init", true),
  /** Cilium's health endpoints: none in netpolc's inventory. */
  HEALTH("health", true),
  /** Endpoints Cilium does not manage: none in netpolc's inventory. */
  UNMANAGED("unmanaged", true),
  /** Cilium's ingress proxy: none in netpolc's inventory. */
  INGRESS("ingress", true),
  /** Selects nothing by definition. */
  NONE("none", true);

  private final String text;
  private final boolean matchesNothing;

  CiliumEntity(String text, boolean matchesNothing) {
    this.text = text;
    this.matchesNothing = matchesNothing;
  }

  /** The name as written in a policy. */
  public String text() {
    return text;
  }

  /** True for the entities that match no endpoint netpolc knows of (a lint note, not an error). */
  public boolean matchesNothing() {
    return matchesNothing;
  }

  /** The entity named exactly {@code text}, or null. */
  public static CiliumEntity of(String text) {
    for (CiliumEntity e : values()) {
      if (e.text.equals(text)) {
        return e;
      }
    }
    return null;
  }
}
