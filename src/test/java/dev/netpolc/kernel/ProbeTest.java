package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeTest {

  @Test
  void sctpIsRejectedWithTheReason() {
    assertThatThrownBy(() -> new Probe("x/a", "x/b", Protocol.SCTP, 80, Family.V4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONFIG_IP_SCTP");
    assertThatThrownBy(() -> new PortSpec(Protocol.SCTP, 80)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ipLiteralMustMatchTheFamilyAndPortsMustBeInRange() {
    assertThat(new Probe("x/a", "198.18.0.10", Protocol.TCP, 80, Family.V4).to()).isEqualTo("198.18.0.10");
    assertThatThrownBy(() -> new Probe("x/a", "198.18.0.10", Protocol.TCP, 80, Family.V6))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Probe("x/a", "x/b", Protocol.TCP, 0, Family.V4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortSpec.udp(65536)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matrixOrdersByFamilyThenPortThenSourceThenDestination() {
    List<Probe> m = Probe.matrix(List.of("x/a", "x/b"), List.of("x/a", "node0"),
        List.of(PortSpec.tcp(80), PortSpec.udp(53)), List.of(Family.V4, Family.V6));
    assertThat(m).hasSize(16);
    assertThat(m.get(0)).hasToString("x/a -> x/a TCP/80 IPv4");
    assertThat(m.get(1)).hasToString("x/a -> node0 TCP/80 IPv4");
    assertThat(m.get(2)).hasToString("x/b -> x/a TCP/80 IPv4");
    assertThat(m.get(4)).hasToString("x/a -> x/a UDP/53 IPv4");
    assertThat(m.get(8)).hasToString("x/a -> x/a TCP/80 IPv6");
  }
}
