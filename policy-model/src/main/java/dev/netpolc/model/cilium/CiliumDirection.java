package dev.netpolc.model.cilium;

/** The direction of a Cilium rule section, which names its peer fields ({@code from*} or {@code to*}). */
public enum CiliumDirection {
  /** {@code ingress}/{@code ingressDeny}: peers are sources, fields {@code from*}. */
  INGRESS("from"),
  /** {@code egress}/{@code egressDeny}: peers are destinations, fields {@code to*}. */
  EGRESS("to");

  private final String prefix;

  CiliumDirection(String prefix) {
    this.prefix = prefix;
  }

  /** The peer field {@code base} of this direction: {@code field("CIDRSet")} is {@code fromCIDRSet}. */
  public String field(String base) {
    return prefix + base;
  }
}
