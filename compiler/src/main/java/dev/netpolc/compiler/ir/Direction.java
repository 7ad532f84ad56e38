package dev.netpolc.compiler.ir;

/** Which side of a connection a rule protects: traffic into its subject, or out of it. */
public enum Direction {
  /** Traffic to the subject; the peer is the source. */
  INGRESS,
  /** Traffic from the subject; the peer is the destination. */
  EGRESS;

  /** The lower-case API spelling, as used in origins ({@code ingress[0]}). */
  public String apiName() {
    return this == INGRESS ? "ingress" : "egress";
  }
}
