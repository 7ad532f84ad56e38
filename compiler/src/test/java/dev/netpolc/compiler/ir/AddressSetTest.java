package dev.netpolc.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * AddressSet against brute force over a small window (198.18.0.0–198.18.0.63 plus ::/0 edges):
 * membership of the set operations, minimality and exactness of CIDR covers.
 */
class AddressSetTest {
  private static final long BASE = 0xC6120000L; // 198.18.0.0

  /** Sets of up to 4 blocks inside 198.18.0.0/26. */
  private static Gen<AddressSet> sets() {
    Gen<Cidr> cidr = integers().between(0, 63).zip(integers().between(26, 32),
        (off, prefix) -> new Cidr(IpAddress.v4(BASE + off).mask(prefix), prefix));
    return lists().of(cidr).ofSizeBetween(0, 4).map(AddressSet::ofCidrs);
  }

  private static boolean agrees(AddressSet result, AddressSet a, AddressSet b, BiPredicate<Boolean, Boolean> op) {
    for (long i = -1; i <= 64; i++) {
      IpAddress ip = IpAddress.v4(BASE + i);
      if (result.contains(ip) != op.test(a.contains(ip), b.contains(ip))) {
        return false;
      }
    }
    return true;
  }

  /** Addresses near the edges where runs meet: both families, a carry into IPv6's high half, repeats. */
  private static Gen<List<IpAddress>> addresses() {
    List<IpAddress> pool = List.of(IpAddress.v4(BASE), IpAddress.v4(BASE + 1), IpAddress.v4(BASE + 2),
        IpAddress.v4(BASE + 4), IpAddress.v4(0xFFFF_FFFFL), IpAddress.v4(0), IpAddress.v6(0, 0xFFFF_FFFFL),
        IpAddress.v6(1, -1L), IpAddress.v6(2, 0), IpAddress.v6(2, 1), IpAddress.v6(-1L, -1L),
        IpAddress.v6(-1L, -2L), IpAddress.v6(0x8000_0000_0000_0000L, 5), IpAddress.v6(7, 0x8000_0000_0000_0000L),
        IpAddress.v6(7, 0x7FFF_FFFF_FFFF_FFFFL));
    return lists().of(integers().between(0, pool.size() - 1).map(pool::get)).ofSizeBetween(0, 40);
  }

  @Test
  void ofAddressesIsOneHostCidrPerDistinctAddress() {
    qt().withExamples(500).forAll(addresses()).checkAssert(ips -> {
      AddressSet fast = AddressSet.ofAddresses(ips);
      AddressSet slow = AddressSet.ofCidrs(ips.stream().map(Cidr::host).toList());
      assertThat(fast).isEqualTo(slow);
      assertThat(fast.elements()).isEqualTo(slow.elements());
      assertThat(fast.ranges()).isEqualTo(slow.ranges());
      assertThat(fast.cidrs()).isEqualTo(slow.cidrs());
    });
  }

  @Test
  void theAddressArraysSortPairsAsAddressesOrder() {
    qt().withExamples(300).forAll(lists().of(addresses()).ofSizeBetween(1, 6)).checkAssert(lists -> {
      List<IpAddress> all = lists.stream().flatMap(List::stream).filter(IpAddress::v6).toList();
      long[] hi = new long[all.size()];
      long[] lo = new long[all.size()];
      for (int i = 0; i < all.size(); i++) {
        hi[i] = all.get(i).hi();
        lo[i] = all.get(i).lo();
      }
      AddressArrays.sort(hi, lo, all.size());
      List<IpAddress> sorted = new java.util.ArrayList<>(all);
      sorted.sort(null);
      for (int i = 0; i < sorted.size(); i++) {
        assertThat(IpAddress.v6(hi[i], lo[i])).isEqualTo(sorted.get(i));
        assertThat(AddressArrays.search(hi, lo, all.size(), hi[i], lo[i])).isNotNegative();
      }
      assertThat(AddressArrays.search(hi, lo, all.size(), 3, 3)).isEqualTo(-1);
    });
  }

  @Test
  void setOperationsMatchBruteForce() {
    qt().withExamples(500).forAll(sets(), sets()).checkAssert((a, b) -> {
      assertThat(agrees(a.union(b), a, b, (x, y) -> x || y)).isTrue();
      assertThat(agrees(a.intersection(b), a, b, (x, y) -> x && y)).isTrue();
      assertThat(agrees(a.difference(b), a, b, (x, y) -> x && !y)).isTrue();
      assertThat(a.containsAll(b)).isEqualTo(b.difference(a).isEmpty());
      assertThat(a.union(b).isMinimal()).isTrue();
    });
  }

  @Test
  void unionAllOfRepeatedSetsIsTheMinimalUnionOfTheDistinctOnes() {
    qt().withExamples(300).forAll(sets(), sets(), integers().between(1, 4)).checkAssert((a, b, copies) -> {
      List<AddressSet> same = java.util.Collections.nCopies(copies, a);
      assertThat(AddressSet.unionAll(same)).isEqualTo(a.canonical());
      List<AddressSet> mixed = new java.util.ArrayList<>(same);
      mixed.add(b);
      mixed.add(AddressSet.ofCidrs(a.elements()));
      assertThat(agrees(AddressSet.unionAll(mixed), a, b, (x, y) -> x || y)).isTrue();
      assertThat(AddressSet.unionAll(mixed).isMinimal()).isTrue();
      assertThat(a.union(a)).isEqualTo(a.canonical());
    });
  }

  @Test
  void theCanonicalCoverIsExactDisjointAndNoLongerThanTheRepresentation() {
    qt().withExamples(500).forAll(sets()).checkAssert(a -> {
      AddressSet c = a.canonical();
      assertThat(c.sameAddresses(a)).isTrue();
      assertThat(c.elementCount()).isLessThanOrEqualTo(a.elementCount());
      for (int i = 1; i < c.cidrs().size(); i++) {
        assertThat(c.cidrs().get(i - 1).last().compareTo(c.cidrs().get(i).first())).isNegative();
      }
      assertThat(c.canonical()).isSameAs(c);
    });
  }

  @Test
  void coversAreMinimal() {
    // 198.18.0.1–198.18.0.6 needs /32, /31, /31, /32: four blocks, no fewer.
    AddressSet s = AddressSet.ofRanges(List.of(new AddressRange(IpAddress.v4(BASE + 1), IpAddress.v4(BASE + 6))));
    assertThat(s.cidrs()).extracting(Cidr::toString)
        .containsExactly("198.18.0.1/32", "198.18.0.2/31", "198.18.0.4/31", "198.18.0.6/32");
    assertThat(AddressSet.ALL.cidrs()).extracting(Cidr::toString).containsExactly("0.0.0.0/0", "::/0");
  }

  @Test
  void familiesStayApartAndIpv4MappedIsIpv6() {
    AddressSet v4 = AddressSet.ofCidrs(List.of(Cidr.of("198.18.0.0/24")));
    assertThat(v4.contains(IpAddress.parse("198.18.0.1"))).isTrue();
    assertThat(v4.contains(IpAddress.parse("::ffff:198.18.0.1"))).isFalse();
    AddressSet all = AddressSet.ALL.difference(AddressSet.ofCidrs(List.of(Cidr.of("::/0"))));
    assertThat(all.cidrs()).extracting(Cidr::toString).containsExactly("0.0.0.0/0");
    AddressSet edges = AddressSet.ALL.difference(AddressSet.ofAddresses(List.of(IpAddress.parse("0.0.0.0"),
        IpAddress.parse("255.255.255.255"), IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))));
    assertThat(edges.contains(IpAddress.parse("0.0.0.1"))).isTrue();
    assertThat(edges.contains(IpAddress.parse("255.255.255.255"))).isFalse();
    assertThat(edges.contains(IpAddress.parse("::"))).isTrue();
    // IPv4: 31 blocks up from .1 and 31 down to .254; IPv6: 128 halving blocks from ::.
    assertThat(edges.cidrs()).hasSize(31 + 31 + 128);
  }
}
