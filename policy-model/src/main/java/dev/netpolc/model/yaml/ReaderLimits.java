package dev.netpolc.model.yaml;

/**
 * The limits that keep hostile or broken input from exhausting memory or time. Exceeding any of
 * them is error NP002 for the file concerned. The defaults are sized for real clusters (a
 * 100,000-pod inventory dump fits) while refusing alias bombs, runaway nesting and giant files.
 *
 * @param maxFileBytes   largest single input in bytes (checked before reading)
 * @param maxTotalBytes  largest sum of all inputs of one read in bytes
 * @param maxDepth       deepest nesting of mappings and sequences (capped at 1000)
 * @param maxScalarChars longest scalar or key in characters
 * @param maxAliases     most YAML alias uses (including merge keys) per file; the nodes they
 *                       expand to are further limited to {@link #maxAliasExpansion()}
 * @param maxDocuments   most YAML documents (or JSON root values) per file
 * @param maxObjects     most Kubernetes objects (List items included) over all inputs of one read
 */
public record ReaderLimits(long maxFileBytes, long maxTotalBytes, int maxDepth, int maxScalarChars, int maxAliases,
    int maxDocuments, int maxObjects) {

  /**
   * Production defaults: 256 MiB per file, 1 GiB in total, depth 64, scalars up to 1 MiB
   * characters, 1,000 aliases per file (expanding to at most 1,000,000 nodes), 1,000,000 documents per
   * file and 2,000,000 objects per read.
   */
  public static final ReaderLimits DEFAULTS =
      new ReaderLimits(256L << 20, 1L << 30, 64, 1 << 20, 1_000, 1_000_000, 2_000_000);

  /** The hard cap on nesting, whatever {@code maxDepth} says: the tree builder recurses per level. */
  static final int DEPTH_CAP = 1000;

  public ReaderLimits {
    if (maxFileBytes < 1 || maxTotalBytes < 1 || maxDepth < 1 || maxScalarChars < 1 || maxAliases < 0
        || maxDocuments < 1 || maxObjects < 1) {
      throw new IllegalArgumentException("reader limits must be positive");
    }
  }

  /** The most nodes all alias uses of one file may expand to: 1,000 per allowed alias. */
  public long maxAliasExpansion() {
    return 1_000L * maxAliases;
  }

  /** The nesting limit actually enforced. */
  int effectiveDepth() {
    return Math.min(maxDepth, DEPTH_CAP);
  }
}
