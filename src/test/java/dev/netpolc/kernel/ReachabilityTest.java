package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReachabilityTest {

  private static final Probe AB = Probe.of("x/a", "x/b", PortSpec.tcp(80), Family.V4);
  private static final Probe BA = Probe.of("x/b", "x/a", PortSpec.tcp(80), Family.V4);
  private static final Probe AB6 = Probe.of("x/a", "x/b", PortSpec.udp(53), Family.V6);

  private static Reachability observed() {
    Map<Probe, Boolean> m = new LinkedHashMap<>();
    m.put(AB, true);
    m.put(BA, false);
    m.put(AB6, true);
    return new Reachability(m);
  }

  @Test
  void splitsReachableAndBlockedInProbeOrder() {
    assertThat(observed().reachableProbes()).containsExactly(AB, AB6);
    assertThat(observed().blockedProbes()).containsExactly(BA);
    assertThat(observed().reachable(BA)).isFalse();
  }

  @Test
  void mismatchesNameEveryDisagreementAndEveryMissingProbe() {
    Probe missing = Probe.of("x/b", "x/b", PortSpec.tcp(80), Family.V4);
    Map<Probe, Boolean> expected = new LinkedHashMap<>();
    expected.put(AB, true);
    expected.put(BA, true);
    expected.put(AB6, false);
    expected.put(missing, true);
    assertThat(observed().mismatches(expected)).containsExactly(
        "x/b -> x/a TCP/80 IPv4: expected allowed, observed blocked",
        "x/a -> x/b UDP/53 IPv6: expected blocked, observed allowed",
        "x/b -> x/b TCP/80 IPv4: not probed");
    assertThat(observed().mismatches(Map.of(AB, true))).isEmpty();
  }

  @Test
  void rendersOneTablePerPortAndFamily() {
    assertThat(observed().render()).isEqualTo(String.join("\n", List.of(
        "TCP/80 IPv4 x/b x/a",
        "x/a         .",
        "x/b             X",
        "UDP/53 IPv6 x/b",
        "x/a         .",
        "")));
  }
}
