package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Pod;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The active pods a diff compares (one per key, the first in input order, sorted by key) with
 * their indices, and how to describe a set of pods of one namespace in words.
 */
final class PodCatalog {
  private final ImmutableList<Pod> pods;
  private final ImmutableMap<String, BitSet> byNamespace;

  PodCatalog(Cluster inventory) {
    TreeMap<String, Pod> byKey = new TreeMap<>();
    for (Pod p : inventory.pods()) {
      if (p.isActive()) {
        byKey.putIfAbsent(p.key(), p);
      }
    }
    this.pods = ImmutableList.copyOf(byKey.values());
    Map<String, BitSet> ns = new TreeMap<>();
    for (int i = 0; i < pods.size(); i++) {
      ns.computeIfAbsent(pods.get(i).namespace(), k -> new BitSet()).set(i);
    }
    this.byNamespace = ImmutableMap.copyOf(ns);
  }

  ImmutableList<Pod> pods() {
    return pods;
  }

  BitSet namespace(String ns) {
    return byNamespace.getOrDefault(ns, new BitSet());
  }

  List<String> keys(BitSet set) {
    List<String> out = new ArrayList<>(set.cardinality());
    set.stream().forEach(i -> out.add(pods.get(i).key()));
    return out;
  }

  /**
   * {@code all pods}; else the smallest label set (one label, else all common labels) that selects
   * exactly {@code set} among the pods of {@code ns}; else the pod names.
   */
  String describe(String ns, BitSet set) {
    BitSet all = namespace(ns);
    if (set.equals(all)) {
      return "all pods";
    }
    Map<String, String> common = null;
    for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
      Map<String, String> labels = pods.get(i).labels();
      if (common == null) {
        common = new TreeMap<>(labels);
      } else {
        common.entrySet().removeIf(e -> !e.getValue().equals(labels.get(e.getKey())));
      }
    }
    if (common != null && !common.isEmpty() && set.cardinality() > 1) {
      for (Map.Entry<String, String> e : common.entrySet()) {
        if (selected(all, Map.of(e.getKey(), e.getValue())).equals(set)) {
          return e.getKey() + "=" + e.getValue();
        }
      }
      if (selected(all, common).equals(set)) {
        StringBuilder sb = new StringBuilder();
        common.forEach((k, v) -> sb.append(sb.length() > 0 ? "," : "").append(k).append('=').append(v));
        return sb.toString();
      }
    }
    TreeSet<String> names = new TreeSet<>();
    set.stream().forEach(i -> names.add(pods.get(i).name()));
    return String.join(", ", names);
  }

  private BitSet selected(BitSet among, Map<String, String> labels) {
    BitSet out = new BitSet();
    for (int i = among.nextSetBit(0); i >= 0; i = among.nextSetBit(i + 1)) {
      Map<String, String> have = pods.get(i).labels();
      boolean ok = true;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (!e.getValue().equals(have.get(e.getKey()))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.set(i);
      }
    }
    return out;
  }

  /** Index of each pod key. */
  Map<String, Integer> indexByKey() {
    Map<String, Integer> out = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      out.put(pods.get(i).key(), i);
    }
    return out;
  }
}
