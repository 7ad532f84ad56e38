package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KernelSupportTest {

  @Test
  void namesAMissingExecutableAndPassesAPresentOne() {
    assertThat(KernelSupport.missing("sh")).isEmpty();
    assertThat(KernelSupport.missing("sh", "netpolc-no-such-tool", "sh"))
        .containsExactly("netpolc-no-such-tool (not on PATH)");
  }

  @Test
  void skipsWithOneLineNamingEverythingMissing() {
    assertThatThrownBy(() -> KernelSupport.requireNothingMissing(List.of("nft (not on PATH)", "root (running as uid 1000)"),
        false))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith("kernel test skipped: missing nft (not on PATH); root (running as uid 1000)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void failsInsteadOfSkippingOnCi() {
    assertThatThrownBy(() -> KernelSupport.requireNothingMissing(List.of("ipset (not on PATH)"), true))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI is set")
        .hasMessageContaining("ipset (not on PATH)")
        .hasMessageNotContaining("\n");
  }

  @Test
  void nothingMissingNeitherSkipsNorFails() {
    assertThatCode(() -> KernelSupport.requireNothingMissing(List.of(), true)).doesNotThrowAnyException();
    assertThatCode(() -> KernelSupport.requireNothingMissing(List.of(), false)).doesNotThrowAnyException();
  }

  @Test
  void cniCheckNamesTheAbsentPlugins() {
    List<String> missing = KernelSupport.missing(KernelSupport.CNI);
    if (KernelSupport.cniDirectory().resolve("bridge").toFile().canExecute()
        && KernelSupport.cniDirectory().resolve("ptp").toFile().canExecute()
        && KernelSupport.cniDirectory().resolve("host-local").toFile().canExecute()
        && KernelSupport.cniDirectory().resolve("loopback").toFile().canExecute()) {
      assertThat(missing).isEmpty();
    } else {
      assertThat(missing).singleElement().asString().startsWith("CNI plugins ");
    }
  }
}
