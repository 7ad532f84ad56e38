package dev.netpolc.compiler.passes;

import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.PortSet;
import dev.netpolc.compiler.ir.RuleGraph;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one set among all rules whose sets hold the same addresses (or ports) but are
 * represented differently: each is replaced by the smallest representation of its content
 * (ties broken by order), so a backend renders it once.
 */
public final class HashConsSets implements Pass {
  /** Creates the pass; {@link Passes} holds the shared instance. */
  public HashConsSets() {}

  @Override
  public String name() {
    return "hash-cons";
  }

  @Override
  public String description() {
    return "share one set among rules whose address or port sets have equal content";
  }

  @Override
  public RuleGraph apply(RuleGraph graph) {
    Map<List<AddressRange>, AddressSet> bestAddr = new HashMap<>();
    for (AddressSet s : graph.addressSets()) {
      bestAddr.merge(s.ranges(), s, HashConsSets::smaller);
    }
    Map<PortSet, PortSet> bestPorts = new HashMap<>();
    for (PortSet s : graph.portSets()) {
      bestPorts.merge(s.canonical(), s, HashConsSets::smaller);
    }
    if (bestAddr.size() == graph.addressSets().size() && bestPorts.size() == graph.portSets().size()) {
      return graph;
    }
    return graph.mapSets(a -> bestAddr.get(a.ranges()), p -> bestPorts.get(p.canonical()));
  }

  private static AddressSet smaller(AddressSet a, AddressSet b) {
    int c = Integer.compare(a.elementCount(), b.elementCount());
    return c < 0 || (c == 0 && a.compareTo(b) <= 0) ? a : b;
  }

  private static PortSet smaller(PortSet a, PortSet b) {
    int c = Integer.compare(a.elementCount(), b.elementCount());
    return c < 0 || (c == 0 && a.compareTo(b) <= 0) ? a : b;
  }
}
