package dev.netpolc.compiler.diff;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What changed between two policy sets over one inventory: the connections between pods that
 * become allowed and those that become denied, as readable {@link ChangeBlock}s. Exact: every
 * (source pod, destination pod, protocol, port) in a block changed that way, and every change
 * is in exactly one block of its kind. Pod pairs follow {@code netpolc matrix}: the first family
 * both pods have (IPv4 first), each pod's first address of it; pods with no common family never
 * connect.
 */
public final class DiffResult {
  private final PodCatalog catalog;
  private final ImmutableList<ChangeBlock> newlyAllowed;
  private final ImmutableList<ChangeBlock> newlyDenied;
  private final DiffStats stats;

  DiffResult(PodCatalog catalog, List<ChangeBlock> newlyAllowed, List<ChangeBlock> newlyDenied, DiffStats stats) {
    this.catalog = catalog;
    this.newlyAllowed = ImmutableList.copyOf(newlyAllowed);
    this.newlyDenied = ImmutableList.copyOf(newlyDenied);
    this.stats = stats;
  }

  /** Connections the new policies allow and the old ones deny. */
  public ImmutableList<ChangeBlock> newlyAllowed() {
    return newlyAllowed;
  }

  /** Connections the old policies allow and the new ones deny. */
  public ImmutableList<ChangeBlock> newlyDenied() {
    return newlyDenied;
  }

  /** The blocks of one kind. */
  public ImmutableList<ChangeBlock> blocks(Change change) {
    return change == Change.NEWLY_ALLOWED ? newlyAllowed : newlyDenied;
  }

  /** True when nothing changed. */
  public boolean isEmpty() {
    return newlyAllowed.isEmpty() && newlyDenied.isEmpty();
  }

  /** Sizes of the computation. */
  public DiffStats stats() {
    return stats;
  }

  /**
   * The changes for one probe: {@code port} of {@code protocol}, a number or a container-port
   * name resolved on each destination pod (as {@code netpolc matrix --port} does; a destination
   * without the name is unreachable before and after, so never changes).
   */
  public DiffResult at(Protocol protocol, PortSpec port) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(port, "port");
    BlockBuilder b = new BlockBuilder(catalog);
    Map<String, Integer> index = catalog.indexByKey();
    for (Change change : Change.values()) {
      for (ChangeBlock block : blocks(change)) {
        BitSet sources = bits(block.sources(), index);
        if (!port.isNamed()) {
          if (block.ports().contains(protocol.number(), port.number())) {
            b.add(change, block.sourceNamespace(), sources, block.destinationNamespace(),
                bits(block.destinations(), index), PortSpace.single(protocol, port.number()));
          }
          continue;
        }
        // A named port: split the destinations by what the name resolves to on each.
        Map<Integer, BitSet> byNumber = new TreeMap<>();
        for (String d : block.destinations()) {
          int i = index.get(d);
          Optional<Integer> n = catalog.pods().get(i).namedPort(port.name(), protocol);
          if (n.isPresent() && block.ports().contains(protocol.number(), n.get())) {
            byNumber.computeIfAbsent(n.get(), k -> new BitSet()).set(i);
          }
        }
        byNumber.forEach((n, dests) -> b.add(change, block.sourceNamespace(), sources, block.destinationNamespace(),
            dests, PortSpace.single(protocol, n)));
      }
    }
    return new DiffResult(catalog, b.build(Change.NEWLY_ALLOWED), b.build(Change.NEWLY_DENIED), stats);
  }

  /**
   * Every changed (source, destination) pod-key pair of one kind, sorted, without duplicates.
   * Meant for a result restricted with {@link #at}: over several ports a pair may change on
   * some and not others.
   */
  public List<List<String>> pairs(Change change) {
    java.util.TreeSet<List<String>> out = new java.util.TreeSet<>((a, b) -> {
      int c = a.get(0).compareTo(b.get(0));
      return c != 0 ? c : a.get(1).compareTo(b.get(1));
    });
    for (ChangeBlock block : blocks(change)) {
      for (String s : block.sources()) {
        for (String d : block.destinations()) {
          if (!s.equals(d)) {
            out.add(List.of(s, d));
          }
        }
      }
    }
    return ImmutableList.copyOf(out);
  }

  /** The pods compared (active, one per key), sorted by key. */
  public List<Pod> pods() {
    return catalog.pods();
  }

  private static BitSet bits(List<String> keys, Map<String, Integer> index) {
    BitSet out = new BitSet();
    for (String k : keys) {
      out.set(index.get(k));
    }
    return out;
  }

  /** Sum of {@link ChangeBlock#pairCount()} over the blocks of one kind. */
  public long pairCount(Change change) {
    long n = 0;
    for (ChangeBlock b : blocks(change)) {
      n += b.pairCount();
    }
    return n;
  }
}
