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

  /**
   * Partitions the address space by {@code sets}: one sweep over the sorted range boundaries,
   * keeping the sets that cover the current segment as a sorted int array. Cost:
   * O(boundaries × (log boundaries + overlapping sets)).
   */
  public static Atoms partition(Collection<AddressSet> sets) {
    Map<List<AddressRange>, AddressSet> byContent = new LinkedHashMap<>();
    for (AddressSet s : sets) {
      byContent.putIfAbsent(s.ranges(), s);
    }
    List<AddressSet> distinct = new ArrayList<>(byContent.values());
    IpAddress v4 = IpAddress.v4(0);
    IpAddress v6 = IpAddress.v6(0, 0);
    // Boundaries: a set's range starts (set id >= 0) or ends just before (encoded ~id).
    List<Boundary> events = new ArrayList<>();
    events.add(new Boundary(v4, NO_SET));
    events.add(new Boundary(v6, NO_SET));
    for (int i = 0; i < distinct.size(); i++) {
      for (AddressRange r : distinct.get(i).ranges()) {
        events.add(new Boundary(r.first(), i));
        final int id = i;
        r.last().next().ifPresent(n -> events.add(new Boundary(n, ~id)));
      }
    }
    events.sort(null);
    int[] active = new int[Math.max(4, distinct.size())];
    int activeCount = 0;
    Map<Signature, Integer> atomBySignature = new HashMap<>();
    List<List<AddressRange>> atomRanges = new ArrayList<>();
    List<AddressRange> segs = new ArrayList<>();
    int[] segAtom = new int[events.size()];
    int e = 0;
    while (e < events.size()) {
      IpAddress start = events.get(e).at;
      int next = e;
      if (start.equals(v6)) {
        activeCount = 0; // ranges never span families; v6 sets re-enter through their own events
      }
      for (; next < events.size() && events.get(next).at.equals(start); next++) {
        int set = events.get(next).set;
        if (set == NO_SET) {
          continue;
        }
        if (set >= 0) {
          int pos = -java.util.Arrays.binarySearch(active, 0, activeCount, set) - 1;
          if (pos >= 0) {
            System.arraycopy(active, pos, active, pos + 1, activeCount - pos);
            active[pos] = set;
            activeCount++;
          }
        } else if (!start.equals(v6)) {
          int pos = java.util.Arrays.binarySearch(active, 0, activeCount, ~set);
          if (pos >= 0) {
            System.arraycopy(active, pos + 1, active, pos, activeCount - pos - 1);
            activeCount--;
          }
        }
      }
      IpAddress end;
      if (next < events.size() && events.get(next).at.v6() == start.v6()) {
        end = events.get(next).at.previous().orElseThrow();
      } else {
        end = start.v6() ? IpAddress.v6(-1L, -1L) : IpAddress.v4(0xFFFF_FFFFL);
      }
      Signature signature = new Signature(java.util.Arrays.copyOf(active, activeCount));
      Integer atom = atomBySignature.get(signature);
      if (atom == null) {
        atom = atomRanges.size();
        atomBySignature.put(signature, atom);
        atomRanges.add(new ArrayList<>());
      }
      AddressRange seg = new AddressRange(start, end);
      atomRanges.get(atom).add(seg);
      segAtom[segs.size()] = atom;
      segs.add(seg);
      e = next;
    }
    List<AddressSet> atoms = new ArrayList<>();
    for (List<AddressRange> rs : atomRanges) {
      atoms.add(AddressSet.ofRanges(rs));
    }
    return new Atoms(atoms, segs, java.util.Arrays.copyOf(segAtom, segs.size()));
  }

  private static final int NO_SET = Integer.MIN_VALUE;

  /** A boundary point and the set starting there ({@code set >= 0}) or ending before it ({@code ~set}). */
  private record Boundary(IpAddress at, int set) implements Comparable<Boundary> {
    @Override
    public int compareTo(Boundary o) {
      return at.compareTo(o.at);
    }
  }

  /** The sorted ids of the sets covering a segment. */
  private record Signature(int[] sets) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Signature && java.util.Arrays.equals(((Signature) o).sets, sets);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(sets);
    }

    @Override
    public String toString() {
      return java.util.Arrays.toString(sets);
    }
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
