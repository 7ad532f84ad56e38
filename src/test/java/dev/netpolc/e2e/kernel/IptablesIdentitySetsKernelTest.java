package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance corpus again, with the iptables backend held to {@code maxIpsets=4}, so every
 * case needing more sets takes the dense fallback: sets become packet-mark bits that the mangle
 * table fills from {@code hash:net skbinfo} identity sets ({@code -j SET --map-set ...
 * --map-mark}) and the filter rules test ({@code -m mark}). One pod network (PTP) keeps the
 * run short, and only the cases whose artifacts take the fallback run; the class fails unless
 * some case really used identity sets.
 */
@Tag("kernel")
class IptablesIdentitySetsKernelTest {
  private static final BackendOptions OPTIONS = BackendOptions.DEFAULTS.with("maxIpsets", "4");
  private static final AtomicInteger WITH_IDENTITY = new AtomicInteger();

  private static final ConformanceKernelRun RUN = new ConformanceKernelRun("iptables maxIpsets=4",
      List.of(Topology.Mode.PTP), (cluster, layout) -> {
        IptablesNodeArtifacts a = IptablesNodeArtifacts.compile(cluster, layout, OPTIONS);
        a.artifacts().values().stream().filter(x -> x.files().get("ipset.restore").contains(" skbinfo"))
            .forEach(x -> WITH_IDENTITY.incrementAndGet());
        return a;
      });

  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.CNI, "socat", "perl",
        "ss", "sysctl", "ipset", "iptables-restore", "ip6tables-restore", "iptables-save", "bash", "conntrack");
    RUN.start();
    started = true;
  }

  private static boolean started;

  @AfterAll
  static void closeTopology() {
    RUN.finish();
    if (started) {
      System.out.println("iptables maxIpsets=4: " + WITH_IDENTITY.get() + " node artifacts used identity sets");
      assertThat(WITH_IDENTITY.get()).as("node artifacts that used identity sets").isPositive();
    }
  }

  /** Only the cases whose artifacts take the fallback: the others are covered by the conformance run. */
  static Stream<Arguments> runs() {
    return RUN.runs((cluster, layout) -> usesIdentitySets(IptablesNodeArtifacts.compile(cluster, layout, OPTIONS)));
  }

  private static boolean usesIdentitySets(IptablesNodeArtifacts a) {
    return a.artifacts().values().stream().anyMatch(x -> x.files().get("ipset.restore").contains(" skbinfo"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("runs")
  void kernelEnforcesTheCaseThroughMarkBits(Topology.Mode mode, String name) {
    RUN.run(mode, name);
  }
}
