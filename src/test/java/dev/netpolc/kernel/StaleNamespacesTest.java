package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class StaleNamespacesTest {

  @Test
  void readsTheOwnerPidOfHarnessNamesOnly() {
    assertThat(StaleNamespaces.ownerPid("np-4242-3-n0")).hasValue(4242);
    assertThat(StaleNamespaces.ownerPid("np-4242-3-p0-x_a")).hasValue(4242);
    assertThat(StaleNamespaces.ownerPid("np-sim-4242")).isEmpty();
    assertThat(StaleNamespaces.ownerPid("np-4242-n0")).isEmpty();
    assertThat(StaleNamespaces.ownerPid("cni-1234-5-x")).isEmpty();
  }

  @Test
  void ownLiveProcessIsNotStaleButADeadOneIs() throws IOException, InterruptedException {
    long self = ProcessHandle.current().pid();
    assertThat(StaleNamespaces.isStale("np-" + self + "-1-n0")).isFalse();
    long dead;
    do {
      Process p = new ProcessBuilder("true").start();
      p.waitFor();
      dead = p.pid();
    } while (ProcessHandle.of(dead).isPresent());
    assertThat(StaleNamespaces.isStale("np-" + dead + "-1-n0")).isTrue();
    assertThat(StaleNamespaces.isStale("np-sim-1")).isFalse();
  }
}
