package dev.netpolc.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.TieredClusterGen;
import org.junit.jupiter.api.Test;

/** {@link VerificationProbes#count} is the size of {@link VerificationProbes#of}, without building it. */
class VerificationProbesCountTest {

  @Test
  void theCountIsTheNumberOfProbes() {
    qt().withExamples(100).forAll(ClusterGen.clusters())
        .checkAssert(c -> assertThat(VerificationProbes.count(c)).isEqualTo(VerificationProbes.of(c).size()));
  }

  @Test
  void theCountIsTheNumberOfProbesWithTieredPolicies() {
    qt().withExamples(60).forAll(TieredClusterGen.clusters())
        .checkAssert(c -> assertThat(VerificationProbes.count(c)).isEqualTo(VerificationProbes.of(c).size()));
  }
}
