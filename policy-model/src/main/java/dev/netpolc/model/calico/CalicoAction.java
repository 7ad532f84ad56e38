package dev.netpolc.model.calico;

/** A Calico rule's {@code action} (SEMANTICS-CALICO.md, "The decision"). */
public enum CalicoAction {
  /** Allow the connection; evaluation stops. */
  ALLOW("Allow"),
  /** Deny the connection; evaluation stops. */
  DENY("Deny"),
  /** Log the packet and go on with the next rule. */
  LOG("Log"),
  /** Skip the rest of this tier and go on with the next tier. */
  PASS("Pass");

  private final String yamlName;

  CalicoAction(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The value as written in YAML ({@code Allow}). */
  public String yamlName() {
    return yamlName;
  }

  /** The action written {@code text} (case as Calico's enum requires), or null. */
  public static CalicoAction of(String text) {
    for (CalicoAction a : values()) {
      if (a.yamlName.equals(text)) {
        return a;
      }
    }
    return null;
  }
}
