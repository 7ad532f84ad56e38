package dev.netpolc.model;

/** The directions a NetworkPolicy may isolate. */
public enum PolicyType {
  Ingress, Egress;

  /** {@link #values()} without its copy: parse runs for every policy of an input. */
  private static final PolicyType[] ALL = values();

  /** The type spelled exactly {@code text}, or null. */
  public static PolicyType parse(String text) {
    for (PolicyType t : ALL) {
      if (t.name().equals(text)) {
        return t;
      }
    }
    return null;
  }
}
