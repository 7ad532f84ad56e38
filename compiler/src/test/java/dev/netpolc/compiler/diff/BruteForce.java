package dev.netpolc.compiler.diff;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.List;
import java.util.Optional;

/** The diff's question answered pair by pair with the reference evaluator, for the tests. */
final class BruteForce {
  private BruteForce() {}

  /** A probe: protocol number and port ({@code type * 256 + code} for ICMP, 0 for other portless protocols). */
  record Probe(int protocol, int port) {
    static Probe of(Protocol p, int port) {
      return new Probe(p.number(), port);
    }
  }

  /** Whether {@code ref} lets pod s open a connection to pod d on {@code probe}, as netpolc matrix pairs them. */
  static boolean allows(ReferenceEvaluator ref, Pod s, Pod d, Probe probe) {
    if (s.key().equals(d.key())) {
      return true;
    }
    for (boolean v6 : new boolean[] {false, true}) {
      Optional<IpAddress> sa = s.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      Optional<IpAddress> da = d.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
      if (sa.isPresent() && da.isPresent()) {
        return ref.allows(new Connection(sa.get(), da.get(), probe.protocol(), probe.port()));
      }
    }
    return false;
  }

  /** The change the diff reports for (s, d) on {@code probe}, empty for none; fails if reported twice. */
  static Optional<Change> reported(DiffResult r, String s, String d, Probe probe) {
    Optional<Change> found = Optional.empty();
    for (Change change : Change.values()) {
      for (ChangeBlock b : r.blocks(change)) {
        if (!s.equals(d) && b.ports().contains(probe.protocol(), probe.port()) && b.sources().contains(s)
            && b.destinations().contains(d)) {
          if (found.isPresent()) {
            throw new AssertionError(s + " -> " + d + " " + probe + " reported twice");
          }
          found = Optional.of(change);
        }
      }
    }
    return found;
  }

  /** The ports at the edges of every reported range, to probe what the diff claims. */
  static void addEdges(DiffResult r, List<Probe> probes) {
    for (Change change : Change.values()) {
      for (ChangeBlock b : r.blocks(change)) {
        b.ports().ranges().forEach((p, rs) -> {
          for (PortRange range : rs) {
            for (int port : new int[] {range.from(), range.to(), Math.max(1, range.from() - 1),
                Math.min(65535, range.to() + 1)}) {
              Probe probe = Probe.of(p, port);
              if (!probes.contains(probe)) {
                probes.add(probe);
              }
            }
          }
        });
        // Protocols without ports told apart: the edges of each ICMP range, each listed protocol.
        b.ports().protocols().forEach((p, rs) -> {
          for (PortRange range : rs) {
            for (int value : new int[] {range.from(), range.to(), Math.max(0, range.from() - 1),
                Math.min(p == 1 || p == 58 ? 65535 : 0, range.to() + 1)}) {
              Probe probe = new Probe(p, value);
              if (!probes.contains(probe)) {
                probes.add(probe);
              }
            }
          }
          if (rs.isEmpty() && !probes.contains(new Probe(p, 0))) {
            probes.add(new Probe(p, 0));
          }
        });
      }
    }
  }
}
