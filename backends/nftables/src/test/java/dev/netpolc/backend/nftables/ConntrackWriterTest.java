package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConntrackWriterTest {

  @Test
  void hostsAreFilteredBySourceAndDestination() {
    String sh = ConntrackWriter.write("netpolc", List.of(Cidr.of("10.0.0.5/32")));
    assertThat(sh).startsWith("#!/bin/sh\n").contains(
        "conntrack -D -f ipv4 -s 10.0.0.5 >/dev/null 2>&1 || true\n",
        "conntrack -D -f ipv4 -d 10.0.0.5 >/dev/null 2>&1 || true\n");
  }

  @Test
  void blocksCarryTheirMask() {
    String sh = ConntrackWriter.write("netpolc", List.of(Cidr.of("10.0.4.0/22"), Cidr.of("fd00:1::/48")));
    assertThat(sh).contains("conntrack -D -f ipv4 -s 10.0.4.0 --mask-src 255.255.252.0 ",
        "conntrack -D -f ipv4 -d 10.0.4.0 --mask-dst 255.255.252.0 ",
        "conntrack -D -f ipv6 -s fd00:1:: --mask-src ffff:ffff:ffff:: ",
        "conntrack -D -f ipv6 -d fd00:1:: --mask-dst ffff:ffff:ffff:: ");
  }

  @Test
  void nothingCutIsNoScript() {
    assertThat(ConntrackWriter.write("netpolc", List.of())).isEmpty();
  }

  @Test
  void masksAtTheEdges() {
    assertThat(ConntrackWriter.mask(Cidr.of("0.0.0.0/0")).toString()).isEqualTo("0.0.0.0");
    assertThat(ConntrackWriter.mask(Cidr.of("::/0")).toString()).isEqualTo("::");
    assertThat(ConntrackWriter.mask(Cidr.of("fd00::/64")).toString()).isEqualTo("ffff:ffff:ffff:ffff::");
    assertThat(ConntrackWriter.mask(Cidr.of("fd00::/65")).toString()).isEqualTo("ffff:ffff:ffff:ffff:8000::");
  }
}
