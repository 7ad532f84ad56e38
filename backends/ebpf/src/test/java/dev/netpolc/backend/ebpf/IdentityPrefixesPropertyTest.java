package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.compiler.ir.AddressRange;
import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The minimal identity prefixes resolve, by longest-prefix match, every address to the atom the
 * partition puts it in (checked at every range edge and its neighbours, where mistakes show),
 * and never need more entries than one per CIDR of each atom.
 */
class IdentityPrefixesPropertyTest {

  /** Small random CIDR sets in 10.0.0.0/24 and fd00::/120, so atoms nest and touch. */
  private static Gen<AddressSet> sets() {
    Gen<Cidr> cidr = integers().between(0, 255).zip(integers().between(24, 32), integers().between(0, 1),
        (host, len, v6) -> v6 == 0 ? new Cidr(IpAddress.v4(0x0A000000L + host).mask(len), len)
            : new Cidr(IpAddress.v6(0xFD00L << 48, host).mask(len + 96), len + 96));
    return lists().of(cidr).ofSizeBetween(0, 4).map(AddressSet::ofCidrs);
  }

  @Test
  void longestPrefixMatchGivesTheAtom() {
    qt().withExamples(500).forAll(lists().of(sets()).ofSizeBetween(1, 5)).checkAssert(sets -> {
      Atoms atoms = Atoms.partition(sets);
      List<Map.Entry<Cidr, Integer>> v4 = new ArrayList<>();
      List<Map.Entry<Cidr, Integer>> v6 = new ArrayList<>();
      for (Map.Entry<Cidr, Integer> e : atoms.lpmEntries()) {
        (e.getKey().v6() ? v6 : v4).add(e);
      }
      LpmTable<Integer> lpm4 = new LpmTable<>();
      LpmTable<Integer> lpm6 = new LpmTable<>();
      int entries = 0;
      for (List<Map.Entry<Cidr, Integer>> family : List.of(v4, v6)) {
        List<Map.Entry<Cidr, Integer>> min = IdentityPrefixes.minimal(family);
        assertThat(min.size()).isLessThanOrEqualTo(family.size());
        entries += min.size();
        for (Map.Entry<Cidr, Integer> e : min) {
          (e.getKey().v6() ? lpm6 : lpm4).put(e.getKey().prefix(), e.getKey().address().toBytes(), e.getValue());
        }
      }
      assertThat(entries).isPositive();
      List<IpAddress> probes = new ArrayList<>(List.of(IpAddress.v4(0), IpAddress.v6(0, 0),
          IpAddress.v4(0xFFFF_FFFFL), IpAddress.v6(-1, -1)));
      for (AddressSet s : sets) {
        for (AddressRange r : s.ranges()) {
          probes.add(r.first());
          probes.add(r.last());
          r.first().previous().ifPresent(probes::add);
          r.last().next().ifPresent(probes::add);
        }
      }
      for (IpAddress ip : probes) {
        Integer got = (ip.v6() ? lpm6 : lpm4).lookup(ip.bits(), ip.toBytes()).orElse(null);
        assertThat(got).as("identity of %s", ip).isEqualTo(atoms.idOf(ip));
      }
    });
  }
}
