package dev.netpolc.compiler.convert;

/** How far a converted object can be trusted beyond the inventory it was proved on. */
public enum Exactness {
  /** Decides every connection as its source, on any inventory (exact by construction). */
  EXACT,
  /**
   * Decides as its source on the inventory it was proved on only: some selector was rewritten as
   * the pods it selects today, so it will not follow future pods; or it is exact only while no
   * pod meets a condition its notes name (such as a Cilium allow and a later deny both matching).
   */
  INVENTORY_DEPENDENT,
  /** Never allows more than its source, but denies some connections the source allowed. */
  APPROXIMATE
}
