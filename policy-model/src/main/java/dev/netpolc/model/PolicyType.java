package dev.netpolc.model;

/** The directions a NetworkPolicy may isolate. */
public enum PolicyType {
  Ingress, Egress;

  /** The type spelled exactly {@code text}, or null. */
  public static PolicyType parse(String text) {
    for (PolicyType t : values()) {
      if (t.name().equals(text)) {
        return t;
      }
    }
    return null;
  }
}
