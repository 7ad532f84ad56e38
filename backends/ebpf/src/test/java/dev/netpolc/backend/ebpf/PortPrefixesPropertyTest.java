package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link PortPrefixes}: for random step functions over the ports (target and fall-through, a few
 * values), longest-prefix match over the blocks, falling through where none covers, gives the
 * target on every breakpoint and its neighbours; it never needs more blocks than covering each
 * run that differs from the fall-through on its own; and a few hand-checked tables.
 */
class PortPrefixesPropertyTest {

  /** A step function with breakpoints at random ports and values 0..values-1. */
  private static Gen<PortSteps<Integer>> steps(int values) {
    return lists().of(integers().between(1, 65535).zip(integers().between(0, values - 1), (p, v) -> new int[] {p, v}))
        .ofSizeBetween(0, 8).zip(integers().between(0, values - 1), (cuts, first) -> {
          TreeSet<Integer> seen = new TreeSet<>();
          PortSteps.Builder<Integer> b = PortSteps.<Integer>builder().add(0, first);
          cuts.stream().sorted((x, y) -> Integer.compare(x[0], y[0])).filter(c -> seen.add(c[0]))
              .forEach(c -> b.add(c[0], c[1]));
          return b.build();
        });
  }

  @Test
  void longestMatchGivesTheTargetWithNoMoreBlocksThanRunByRun() {
    qt().withExamples(3000).forAll(steps(3), steps(3)).checkAssert((target, fallthrough) -> {
      List<Map.Entry<PortBlocks.Block, Integer>> blocks = PortPrefixes.minimal(target, fallthrough);
      PortSteps<Integer> resolved = PortPrefixes.resolve(blocks).orElse(null);
      TreeSet<Integer> ports = new TreeSet<>(List.of(0, 1, 65534, 65535));
      for (int p = 0; p <= 65535; p += 4099) {
        ports.add(p);
      }
      for (PortSteps<Integer> s : List.of(target, fallthrough)) {
        for (int start : s.starts()) {
          for (int q = Math.max(0, start - 1); q <= Math.min(65535, start + 1); q++) {
            ports.add(q);
          }
        }
      }
      for (int port : ports) {
        Integer got = resolved.at(port) != null ? resolved.at(port) : fallthrough.at(port);
        assertThat(got).as("port %d of %s over %s: %s", port, target, fallthrough, blocks).isEqualTo(target.at(port));
      }
      assertThat(blocks.size()).as("%s over %s", target, fallthrough).isLessThanOrEqualTo(runByRun(target,
          fallthrough));
    });
  }

  /** Blocks when each maximal run of ports whose target differs from the fall-through is covered alone. */
  private static int runByRun(PortSteps<Integer> target, PortSteps<Integer> fallthrough) {
    TreeSet<Integer> cuts = new TreeSet<>(target.starts());
    cuts.addAll(fallthrough.starts());
    List<Integer> starts = List.copyOf(cuts);
    int n = 0;
    int runStart = -1;
    Integer runValue = null;
    for (int i = 0; i <= starts.size(); i++) {
      int at = i < starts.size() ? starts.get(i) : 65536;
      Integer want = i < starts.size() && !target.at(at).equals(fallthrough.at(at)) ? target.at(at) : null;
      if (runValue != null && !runValue.equals(want)) {
        n += PortBlocks.cover(runStart, at - 1).size();
        runValue = null;
      }
      if (want != null && runValue == null) {
        runStart = at;
        runValue = want;
      }
    }
    return n;
  }

  @Test
  void handCheckedTables() {
    // Every TCP port allowed under a deny default: the whole range, and port 0 back to deny.
    PortSteps<String> allPorts = PortSteps.<String>builder().add(0, "deny").add(1, "allow").build();
    assertThat(PortPrefixes.minimal(allPorts, PortSteps.constant("deny")))
        .containsExactly(Map.entry(new PortBlocks.Block(0, 0), "allow"), Map.entry(new PortBlocks.Block(0, 16), "deny"));
    // Equal to the fall-through: nothing at all.
    assertThat(PortPrefixes.minimal(PortSteps.constant("x"), PortSteps.constant("x"))).isEmpty();
    // 8000-8010 in a sea of the fall-through: its cover, 8000/13, 8008/15, 8010/16.
    PortSteps<String> range = PortSteps.<String>builder().add(0, "f").add(8000, "a").add(8011, "f").build();
    assertThat(PortPrefixes.minimal(range, PortSteps.constant("f"))).extracting(Map.Entry::getKey)
        .containsExactly(new PortBlocks.Block(8000, 13), new PortBlocks.Block(8008, 15), new PortBlocks.Block(8010, 16));
    // Only where the fall-through differs: the fall-through already says "a" on 8000-8007.
    PortSteps<String> below = PortSteps.<String>builder().add(0, "f").add(8000, "a").add(8008, "f").build();
    assertThat(PortPrefixes.minimal(range, below)).extracting(Map.Entry::getKey)
        .containsExactly(new PortBlocks.Block(8008, 15), new PortBlocks.Block(8010, 16));
  }
}
