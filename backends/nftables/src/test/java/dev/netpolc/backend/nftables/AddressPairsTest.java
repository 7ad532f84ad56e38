package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link AddressPairs} and {@link DispatchMap} keep most entries as packed numbers: their printed
 * elements must be what sorting the entries as objects gives (IPv4 above 128.0.0.0 included,
 * where a signed comparison would go wrong), with prefixes and IPv6 mixed in.
 */
class AddressPairsTest {

  /** A few addresses on both sides of the sign bit, so that pairs repeat and share sources. */
  private static final long[] V4 = {0x0A000001L, 0x0A000002L, 0x7FFFFFFFL, 0x80000000L, 0xC0A80001L, 0xFFFFFFFFL, 0L};

  private static Gen<Cidr> cidrs() {
    return integers().between(0, V4.length * 3 + 2).map(i -> {
      if (i >= V4.length * 3) {
        return Cidr.host(IpAddress.v6(0x20010db8_00000000L, i));
      }
      IpAddress a = IpAddress.v4(V4[i % V4.length]);
      int prefix = i < V4.length ? 32 : i < 2 * V4.length ? 24 : 8;
      return new Cidr(a.mask(prefix), prefix);
    });
  }

  @Test
  void pairsPrintSortedAndDistinctAsObjectsWould() {
    qt().withExamples(500).forAll(lists().of(cidrs()).ofSizeBetween(0, 60), lists().of(cidrs()).ofSizeBetween(0, 60))
        .checkAssert((srcs, dsts) -> {
          AddressPairs pairs = new AddressPairs();
          Comparator<Cidr[]> order = Comparator.<Cidr[], Cidr>comparing(p -> p[0]).thenComparing(p -> p[1]);
          TreeSet<Cidr[]> expected = new TreeSet<>(order);
          for (int i = 0; i < Math.min(srcs.size(), dsts.size()); i++) {
            Cidr s = srcs.get(i);
            Cidr d = dsts.get(i);
            if (s.v6() != d.v6()) {
              continue;
            }
            if (i % 2 == 0 && RulesetWriter.isHost(s) && RulesetWriter.isHost(d)) {
              pairs.add(s.address(), d.address());
            } else {
              pairs.add(s, d);
            }
            expected.add(new Cidr[] {s, d});
          }
          List<String> want = new ArrayList<>();
          for (Cidr[] p : expected) {
            want.add(RulesetWriter.cidr(p[0]) + " . " + RulesetWriter.cidr(p[1]));
          }
          assertThat(pairs.isEmpty()).isEqualTo(want.isEmpty());
          assertThat(printed(pairs.sorted())).containsExactlyElementsOf(want);
        });
  }

  @Test
  void dispatchEntriesPrintSortedWithTheLastPutWinning() {
    qt().withExamples(500).forAll(lists().of(cidrs()).ofSizeBetween(0, 80)).checkAssert(addresses -> {
      DispatchMap map = new DispatchMap();
      TreeMap<IpAddress, String> expected = new TreeMap<>();
      for (int i = 0; i < addresses.size(); i++) {
        IpAddress ip = addresses.get(i).address();
        String chain = "g_" + i + "_in";
        map.put(ip, chain);
        expected.put(ip, chain);
      }
      List<String> want = new ArrayList<>();
      expected.forEach((ip, chain) -> want.add(ip + " : jump " + chain));
      assertThat(map.isEmpty()).isEqualTo(want.isEmpty());
      assertThat(printed(map.sorted())).containsExactlyElementsOf(want);
    });
  }

  private static List<String> printed(RulesetWriter.Elements elements) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      StringBuilder sb = new StringBuilder();
      elements.append(sb, i);
      out.add(sb.toString());
    }
    return out;
  }
}
