package dev.netpolc.model.lint;

import dev.netpolc.model.cilium.CiliumIcmpField;
import dev.netpolc.model.cilium.CiliumIcmpRule;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.cilium.CiliumPortRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The L4 part of a Cilium section rule as a list of atoms (SEMANTICS-CILIUM.md, "Ports"), for
 * containment and overlap between an allow and a deny: a rule without {@code toPorts} or
 * {@code icmps} matches every protocol, ICMP included; {@code ANY} or no protocol means TCP, UDP
 * and SCTP; port 0 every port; {@code endPort} an inclusive range; a port name is kept as a name
 * (it resolves per destination pod, so only a name or a full range contains it).
 */
final class CiliumL4 {
  private static final int MAX_PORT = 65535;

  private CiliumL4() {}

  /** One thing an L4 part matches. */
  sealed interface Atom permits Everything, Range, Named, Icmp {}

  /** Every protocol and port, ICMP included: a rule without L4 part. */
  record Everything() implements Atom {}

  /**
   * Ports {@code from}-{@code to} of one protocol.
   *
   * @param protocol TCP, UDP or SCTP
   * @param from     the first port
   * @param to       the last port
   */
  record Range(String protocol, int from, int to) implements Atom {}

  /**
   * A port name of one protocol.
   *
   * @param protocol TCP, UDP or SCTP
   * @param name     the name
   */
  record Named(String protocol, String name) implements Atom {}

  /**
   * One ICMP or ICMPv6 type.
   *
   * @param v6   ICMPv6
   * @param type the type number
   */
  record Icmp(boolean v6, int type) implements Atom {}

  /** The atoms of {@code r}'s L4 part; entries that validation refuses add none. */
  static List<Atom> atoms(CiliumPeerRule r) {
    if (!r.hasL4()) {
      return List.of(new Everything());
    }
    List<Atom> out = new ArrayList<>();
    for (CiliumPortRule pr : r.toPorts()) {
      if (pr.ports().isEmpty()) {
        CiliumPort.ANY_PROTOCOLS.forEach(proto -> out.add(new Range(proto, 0, MAX_PORT)));
      }
      for (CiliumPort p : pr.ports()) {
        for (String proto : p.protocols()) {
          if (p.named()) {
            out.add(new Named(proto, p.port()));
            continue;
          }
          int n = p.number();
          if (n == 0) {
            out.add(new Range(proto, 0, MAX_PORT));
          } else if (n > 0) {
            int end = p.endPort().isPresent() && p.endPort().getAsInt() >= n ? p.endPort().getAsInt() : n;
            out.add(new Range(proto, n, Math.min(end, MAX_PORT)));
          }
        }
      }
    }
    for (CiliumIcmpRule icmp : r.icmps()) {
      for (CiliumIcmpField f : icmp.fields()) {
        f.typeNumber().ifPresent(t -> out.add(new Icmp(f.ipv6(), t)));
      }
    }
    return out;
  }

  /** True when {@code outer}'s L4 part matches everything {@code atom} stands for. */
  static boolean covers(CiliumPeerRule outer, Atom atom) {
    if (!outer.hasL4()) {
      return true;
    }
    for (Atom o : atoms(outer)) {
      if (contains(o, atom)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(Atom outer, Atom inner) {
    if (inner instanceof Range r) {
      return outer instanceof Range o && o.protocol().equals(r.protocol()) && o.from() <= r.from() && r.to() <= o.to();
    }
    if (inner instanceof Named n && outer instanceof Range o) {
      return o.protocol().equals(n.protocol()) && o.from() == 0 && o.to() == MAX_PORT;
    }
    return outer.equals(inner); // Everything, a name, an ICMP type: only itself
  }

  /** True when the L4 parts of {@code a} and {@code b} surely share a port or ICMP type. */
  static boolean overlap(CiliumPeerRule a, CiliumPeerRule b) {
    if (!a.hasL4() || !b.hasL4()) {
      return true;
    }
    for (Atom x : atoms(a)) {
      for (Atom y : atoms(b)) {
        if (contains(x, y) || contains(y, x)
            || x instanceof Range rx && y instanceof Range ry && rx.protocol().equals(ry.protocol())
                && rx.from() <= ry.to() && ry.from() <= rx.to()) {
          return true;
        }
      }
    }
    return false;
  }
}
