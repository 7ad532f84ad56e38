package dev.netpolc.compiler.ir;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A partition of the whole address space (both families) into atoms ("identities"): the
 * coarsest partition such that every given set is a union of atoms. Two addresses share an
 * atom exactly when every set contains both or neither. Atom ids are dense, 0-based, ordered by
 * each atom's lowest address (so the atom holding {@code 0.0.0.0} is 0). The eBPF backend keys
 * its maps by atom id: an LPM trie maps address → {@link #idOf}, and a rule's peer set becomes
 * {@link #idsOf}.
 */
public final class Atoms {
  private final ImmutableList<AddressSet> atoms;
  private final ImmutableList<AddressRange> segments; // sorted, covering both families
  private final int[] segmentAtom;

  private Atoms(List<AddressSet> atoms, List<AddressRange> segments, int[] segmentAtom) {
    this.atoms = ImmutableList.copyOf(atoms);
    this.segments = ImmutableList.copyOf(segments);
    this.segmentAtom = segmentAtom;
  }

  /** Partitions the address space by {@code sets}. Cost: O(boundaries × overlapping sets). */
  public static Atoms partition(Collection<AddressSet> sets) {
    Map<List<AddressRange>, AddressSet> byContent = new LinkedHashMap<>();
    for (AddressSet s : sets) {
      byContent.putIfAbsent(s.ranges(), s);
    }
    List<AddressSet> distinct = new ArrayList<>(byContent.values());
    // Boundary point -> sets starting there / sets ending just before it.
    TreeMap<IpAddress, List<int[]>> events = new TreeMap<>();
    IpAddress v4 = IpAddress.v4(0);
    IpAddress v6 = IpAddress.v6(0, 0);
    events.put(v4, new ArrayList<>());
    events.put(v6, new ArrayList<>());
    for (int i = 0; i < distinct.size(); i++) {
      for (AddressRange r : distinct.get(i).ranges()) {
        events.computeIfAbsent(r.first(), k -> new ArrayList<>()).add(new int[] {i, 1});
        final int id = i;
        r.last().next().ifPresent(n -> events.computeIfAbsent(n, k -> new ArrayList<>()).add(new int[] {id, -1}));
      }
    }
    TreeSet<Integer> active = new TreeSet<>();
    Map<List<Integer>, Integer> atomBySignature = new HashMap<>();
    List<List<AddressRange>> atomRanges = new ArrayList<>();
    List<AddressRange> segs = new ArrayList<>();
    List<Integer> segAtom = new ArrayList<>();
    List<IpAddress> points = new ArrayList<>(events.keySet());
    for (int p = 0; p < points.size(); p++) {
      IpAddress start = points.get(p);
      for (int[] ev : events.get(start)) {
        if (ev[1] > 0) {
          active.add(ev[0]);
        } else {
          active.remove(ev[0]);
        }
      }
      if (start.equals(v6)) {
        active.clear(); // ranges never span families; v6 sets re-enter through their own events
        for (int[] ev : events.get(start)) {
          if (ev[1] > 0) {
            active.add(ev[0]);
          }
        }
      }
      IpAddress end;
      if (p + 1 < points.size() && points.get(p + 1).v6() == start.v6()) {
        end = points.get(p + 1).previous().orElseThrow();
      } else {
        end = start.v6() ? IpAddress.v6(-1L, -1L) : IpAddress.v4(0xFFFF_FFFFL);
      }
      List<Integer> signature = List.copyOf(active);
      Integer atom = atomBySignature.get(signature);
      if (atom == null) {
        atom = atomRanges.size();
        atomBySignature.put(signature, atom);
        atomRanges.add(new ArrayList<>());
      }
      AddressRange seg = new AddressRange(start, end);
      atomRanges.get(atom).add(seg);
      segs.add(seg);
      segAtom.add(atom);
    }
    List<AddressSet> atoms = new ArrayList<>();
    for (List<AddressRange> rs : atomRanges) {
      atoms.add(AddressSet.ofRanges(rs));
    }
    return new Atoms(atoms, segs, segAtom.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The atoms; an atom's id is its index. */
  public ImmutableList<AddressSet> atoms() {
    return atoms;
  }

  /** The number of atoms. */
  public int size() {
    return atoms.size();
  }

  /** The atom of {@code id}. */
  public AddressSet atom(int id) {
    return atoms.get(id);
  }

  /** The id of the atom holding {@code ip}. */
  public int idOf(IpAddress ip) {
    return segmentAtom[segmentIndex(ip)];
  }

  /**
   * The ids (ascending) of the atoms that intersect {@code set}; for a set of the partitioned
   * graph these atoms make up exactly the set.
   */
  public ImmutableList<Integer> idsOf(AddressSet set) {
    TreeSet<Integer> ids = new TreeSet<>();
    for (AddressRange r : set.ranges()) {
      for (int i = segmentIndex(r.first()); i < segments.size() && segments.get(i).first().compareTo(r.last()) <= 0;
          i++) {
        ids.add(segmentAtom[i]);
      }
    }
    return ImmutableList.copyOf(ids);
  }

  /** The CIDRs of each atom, for an LPM table: prefix → atom id, sorted by prefix. */
  public ImmutableList<Map.Entry<Cidr, Integer>> lpmEntries() {
    List<Map.Entry<Cidr, Integer>> out = new ArrayList<>();
    for (int id = 0; id < atoms.size(); id++) {
      for (Cidr c : atoms.get(id).cidrs()) {
        out.add(Map.entry(c, id));
      }
    }
    out.sort(Map.Entry.comparingByKey());
    return ImmutableList.copyOf(out);
  }

  private int segmentIndex(IpAddress ip) {
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).first().compareTo(ip) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Atoms && ((Atoms) o).atoms.equals(atoms);
  }

  @Override
  public int hashCode() {
    return atoms.hashCode();
  }

  @Override
  public String toString() {
    return atoms.size() + " atoms";
  }
}
