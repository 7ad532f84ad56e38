package dev.netpolc.compiler.conformance;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.List;
import java.util.TreeSet;

/** The differing pairs of two matrices, one readable line each, for conformance failures. */
public final class MatrixDiff {
  private MatrixDiff() {}

  /**
   * One line per pair on which {@code actual} disagrees with {@code expected}, e.g.
   * {@code case deny-x probe 80/TCP: x/a -> y/b expected allowed, got denied}; empty when equal.
   */
  public static List<String> describe(String caseName, ReachabilityMatrix expected, ReachabilityMatrix actual) {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    String probe = "case " + caseName + " probe " + expected.port() + "/" + expected.protocol() + ": ";
    TreeSet<String> pods = new TreeSet<>(expected.allowed().keySet());
    pods.addAll(actual.allowed().keySet());
    for (String p : pods) {
      if (expected.allowed().containsKey(p) != actual.allowed().containsKey(p)) {
        out.add(probe + p + (expected.allowed().containsKey(p) ? " missing from" : " unexpected in") + " the output");
      }
    }
    for (String from : pods) {
      for (String to : pods) {
        boolean want = expected.reaches(from, to);
        boolean got = actual.reaches(from, to);
        if (want != got) {
          out.add(probe + from + " -> " + to + " expected " + (want ? "allowed" : "denied") + ", got "
              + (got ? "allowed" : "denied"));
        }
      }
    }
    return out.build();
  }
}
