package dev.netpolc.compiler.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Protocol;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MatrixDiffTest {
  static ReachabilityMatrix m(Map<String, List<String>> allowed) {
    return new ReachabilityMatrix(PortSpec.of(80), Protocol.TCP, new TreeMap<>(allowed));
  }

  @Test
  void equalMatricesHaveNoDifference() {
    ReachabilityMatrix a = m(Map.of("x/a", List.of("x/a", "x/b"), "x/b", List.of("x/b")));
    assertThat(MatrixDiff.describe("c", a, a)).isEmpty();
  }

  @Test
  void eachDifferingPairIsNamed() {
    ReachabilityMatrix expected = m(Map.of("x/a", List.of("x/a", "x/b"), "x/b", List.of("x/b")));
    ReachabilityMatrix actual = m(Map.of("x/a", List.of("x/a"), "x/b", List.of("x/a", "x/b"), "y/c", List.of("y/c")));
    assertThat(MatrixDiff.describe("c", expected, actual)).containsExactly(
        "case c probe 80/TCP: y/c unexpected in the output",
        "case c probe 80/TCP: x/a -> x/b expected allowed, got denied",
        "case c probe 80/TCP: x/b -> x/a expected denied, got allowed",
        "case c probe 80/TCP: y/c -> y/c expected denied, got allowed");
  }
}
