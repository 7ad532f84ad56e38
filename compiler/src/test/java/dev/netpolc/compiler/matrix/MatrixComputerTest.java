package dev.netpolc.compiler.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatrixComputerTest {

  static Pod pod(String ns, String name, String phase, List<ContainerPort> ports, String... ips) {
    List<IpAddress> addrs = new ArrayList<>();
    for (String ip : ips) {
      addrs.add(IpAddress.parse(ip));
    }
    return new Pod(ns, name, Map.of(), addrs, "n1", false, phase, ports, List.of(), SourcePosition.UNKNOWN);
  }

  static final List<ContainerPort> WEB = List.of(new ContainerPort("web", 8080, Protocol.TCP),
      new ContainerPort("dns", 53, Protocol.UDP));

  static Cluster cluster() {
    return new Cluster(List.of(), List.of(
        pod("x", "v4", "Running", WEB, "10.0.0.1"),
        pod("x", "dual", "Running", List.of(new ContainerPort("web", 9090, Protocol.TCP)), "fd00::2", "10.0.0.2"),
        pod("y", "v6", "Running", List.of(), "fd00::3"),
        pod("y", "done", "Succeeded", WEB, "10.0.0.4"),
        pod("y", "noip", "Pending", WEB)), List.of(), List.of());
  }

  @Test
  void keysAreTheActivePodsAndEveryPodReachesItself() {
    ReachabilityMatrix m = MatrixComputer.compute(cluster(), c -> false, PortSpec.of(80), Protocol.TCP);
    assertThat(m.pods()).containsExactly("x/dual", "x/v4", "y/v6");
    assertThat(m.allowed()).containsEntry("x/v4", List.of("x/v4")).containsEntry("y/v6", List.of("y/v6"));
  }

  @Test
  void eachPairUsesTheFirstCommonFamilyIpv4First() {
    List<Connection> asked = new ArrayList<>();
    ConnectionDecider recorder = c -> {
      asked.add(c);
      return true;
    };
    ReachabilityMatrix m = MatrixComputer.compute(cluster(), recorder, PortSpec.of(80), Protocol.TCP);
    assertThat(asked).extracting(Connection::toString).containsExactlyInAnyOrder(
        "10.0.0.2 -> 10.0.0.1 TCP/80", "fd00::2 -> fd00::3 TCP/80",
        "10.0.0.1 -> 10.0.0.2 TCP/80", "fd00::3 -> fd00::2 TCP/80");
    // v4-only and v6-only pods share no family.
    assertThat(m.reaches("x/v4", "y/v6")).isFalse();
    assertThat(m.reaches("x/v4", "x/dual")).isTrue();
  }

  @Test
  void aNamedPortResolvesOnEachDestination() {
    List<Connection> asked = new ArrayList<>();
    ConnectionDecider recorder = c -> {
      asked.add(c);
      return true;
    };
    ReachabilityMatrix m = MatrixComputer.compute(cluster(), recorder, PortSpec.named("web"), Protocol.TCP);
    assertThat(asked).extracting(Connection::toString).containsExactlyInAnyOrder(
        "10.0.0.2 -> 10.0.0.1 TCP/8080", "10.0.0.1 -> 10.0.0.2 TCP/9090", "fd00::3 -> fd00::2 TCP/9090");
    assertThat(m.reaches("x/dual", "y/v6")).isFalse();
    assertThat(m.reaches("y/v6", "y/v6")).isTrue();
    // The name resolves with the probe's protocol.
    ReachabilityMatrix udp = MatrixComputer.compute(cluster(), c -> true, PortSpec.named("web"), Protocol.UDP);
    assertThat(udp.allowedPairs()).isEqualTo(3);
  }

  @Test
  void declaredProbesAreDistinctAndSorted() {
    assertThat(MatrixComputer.declaredProbes(cluster(), p -> true)).extracting(Probe::toString)
        .containsExactly("53/UDP", "8080/TCP", "9090/TCP");
    assertThat(MatrixComputer.declaredProbes(cluster(), p -> p.namespace().equals("y"))).isEmpty();
  }

  @Test
  void portSpecsParse() {
    assertThat(PortSpec.parse("80")).isEqualTo(PortSpec.of(80));
    assertThat(PortSpec.parse("http")).isEqualTo(PortSpec.named("http"));
    assertThatThrownBy(() -> PortSpec.parse("70000")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortSpec.parse("0")).isInstanceOf(IllegalArgumentException.class);
  }
}
