package dev.netpolc.backend.nftables.sim;

import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** A fixed grid of packets over the addresses and ports the test rulesets use. */
final class PacketSamples {
  private PacketSamples() {}

  private static final List<String> V4 = List.of("198.18.0.1", "198.18.0.2", "198.18.0.3", "198.18.0.4",
      "198.18.0.7", "198.18.0.10", "198.18.0.11", "198.18.0.20", "198.18.1.5", "10.0.0.1", "10.1.2.3",
      "10.2.0.1", "172.16.0.1", "100.64.0.1", "192.168.1.1", "8.8.8.8");
  private static final List<String> V6 = List.of("fd00::1", "fd00::2", "fd00::4", "fd00::10", "fe80::5",
      "::ffff:198.18.0.1", "2001:db8::1");
  private static final int[] PORTS = {22, 53, 80, 81, 85, 443, 1000, 1500, 5353, 8080, 8500};

  /** Every sample packet, in a fixed order. */
  static List<Packet> all() {
    List<Packet> out = new ArrayList<>();
    for (List<String> family : List.of(V4, V6)) {
      boolean v6 = family == V6;
      for (String s : family) {
        for (String d : family) {
          IpAddress src = IpAddress.parse(s);
          IpAddress dst = IpAddress.parse(d);
          for (int proto : new int[] {6, 17}) {
            for (int port : PORTS) {
              out.add(Packet.newConnection(src, dst, proto, port));
            }
          }
          out.add(Packet.newConnection(src, dst, 132, 9));
          out.add(Packet.newConnection(src, dst, v6 ? 58 : 1, 0));
        }
      }
    }
    return out;
  }
}
