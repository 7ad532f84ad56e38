package dev.netpolc.model.yaml;

/**
 * The errors the reader reports, with their stable rule ids (documented in
 * {@code docs/input-errors.md}). Every one is an ERROR: the file that causes it contributes
 * nothing to the cluster.
 */
public enum ReaderRule {
  /** The text is not well-formed YAML or JSON. */
  SYNTAX("NP001", "YAML or JSON syntax error"),
  /** A reader limit ({@link ReaderLimits}) was exceeded. */
  LIMIT("NP002", "input exceeds a reader limit"),
  /** A field holds a value of the wrong type (a list where a mapping belongs, …). */
  WRONG_TYPE("NP003", "value of the wrong type"),
  /** A mapping has the same key twice. */
  DUPLICATE_KEY("NP004", "duplicate mapping key"),
  /** The bytes are not valid UTF-8. */
  ENCODING("NP005", "input is not valid UTF-8"),
  /**
   * A field every object needs is missing ({@code kind}, {@code apiVersion}, {@code metadata.name}),
   * or one a cluster policy's CRD requires ({@code spec.priority}, a rule's {@code action}, …).
   */
  MISSING_FIELD("NP006", "required field missing"),
  /** A number does not fit the field (not an integer, or beyond 32 bits). */
  NUMBER_RANGE("NP007", "number out of range or not an integer"),
  /** A YAML feature netpolc refuses: a non-standard tag, binary data, or an alias to an unknown anchor. */
  UNSUPPORTED_YAML("NP008", "unsupported YAML feature"),
  /** An inventory value the model cannot hold: a pod IP, node address, pod CIDR or container protocol. */
  INVALID_INVENTORY_VALUE("NP009", "invalid address, CIDR or protocol in an inventory object"),
  /** A path cannot be read (missing, unreadable, not a file or directory). */
  IO("NP010", "input cannot be read"),
  /**
   * A field the API does not define in a NetworkPolicy spec or a cluster policy (a typo such as
   * {@code ingres} would change meaning; a CRD would prune it, which can widen a peer).
   */
  UNKNOWN_FIELD("NP011", "unknown field in a NetworkPolicy spec, a cluster policy or a Calico resource"),
  /**
   * A Calico selector ({@code selector}, {@code namespaceSelector}, …) that does not parse; the
   * position is the offending character inside the YAML scalar.
   */
  SELECTOR_SYNTAX("NP012", "Calico selector syntax error");

  private final String id;
  private final String summary;

  ReaderRule(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  /** The stable rule id ({@code NP001}). */
  public String id() {
    return id;
  }

  /** A one-line summary of what the rule reports. */
  public String summary() {
    return summary;
  }
}
