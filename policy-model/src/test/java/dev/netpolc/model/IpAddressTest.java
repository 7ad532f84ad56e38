package dev.netpolc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpAddressTest {

  @Test
  void parsesAndPrintsIpv4() {
    assertThat(IpAddress.parse("198.18.0.10").toString()).isEqualTo("198.18.0.10");
    assertThat(IpAddress.parse("0.0.0.0").lo()).isZero();
    assertThat(IpAddress.parse("255.255.255.255").lo()).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void rejectsMalformedIpv4() {
    for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "", "1.2.3.-4"}) {
      assertThat(IpAddress.tryParse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void acceptsIpv4LeadingZerosAsDecimalAndFlagsThem() {
    assertThat(IpAddress.parse("010.0.0.1").toString()).isEqualTo("10.0.0.1");
    assertThat(IpAddress.hasLeadingZeros("010.0.0.1")).isTrue();
    assertThat(IpAddress.hasLeadingZeros("10.0.0.1")).isFalse();
    assertThat(IpAddress.hasLeadingZeros("::ffff:10.0.0.01")).isTrue();
  }

  @Test
  void keepsIpv4MappedAsIpv6() {
    IpAddress mapped = IpAddress.parse("::ffff:198.18.0.1");
    assertThat(mapped.v6()).isTrue();
    assertThat(mapped.isIpv4Mapped()).isTrue();
    assertThat(mapped.toString()).isEqualTo("::ffff:c612:1");
    assertThat(mapped).isNotEqualTo(IpAddress.parse("198.18.0.1"));
  }

  @Test
  void parsesIpv6Forms() {
    assertThat(IpAddress.parse("::").toString()).isEqualTo("::");
    assertThat(IpAddress.parse("::1").toString()).isEqualTo("::1");
    assertThat(IpAddress.parse("fd00::10").toString()).isEqualTo("fd00::10");
    assertThat(IpAddress.parse("FD00:0:0:0:0:0:0:10")).isEqualTo(IpAddress.parse("fd00::10"));
    assertThat(IpAddress.parse("1:0:0:2:0:0:0:3").toString()).isEqualTo("1:0:0:2::3");
    assertThat(IpAddress.parse("1:2:3:4:5:6:1.2.3.4").toString()).isEqualTo("1:2:3:4:5:6:102:304");
    for (String bad : new String[] {":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::", "1:2:3:4:5:6:7", "::1.2.3"}) {
      assertThat(IpAddress.tryParse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void stepsAcrossHalvesAndStopsAtTheEnds() {
    IpAddress a = IpAddress.v6(0, -1L);
    assertThat(a.next()).contains(IpAddress.v6(1, 0));
    assertThat(IpAddress.v6(1, 0).previous()).contains(a);
    assertThat(IpAddress.v6(-1L, -1L).next()).isEmpty();
    assertThat(IpAddress.v4(0xFFFF_FFFFL).next()).isEmpty();
    assertThat(IpAddress.v4(0).previous()).isEmpty();
    assertThat(IpAddress.v6(0, 0).previous()).isEmpty();
  }

  @Test
  void ordersIpv4BeforeIpv6AndUnsigned() {
    assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::"));
    assertThat(IpAddress.parse("fd00::1")).isGreaterThan(IpAddress.parse("::1"));
    assertThat(IpAddress.parse("200.0.0.0")).isGreaterThan(IpAddress.parse("100.0.0.0"));
  }

  @Test
  void ipv4TextRoundTripsAndAgreesWithInetAddress() {
    qt().forAll(longs().between(0, 0xFFFF_FFFFL)).checkAssert(v -> {
      IpAddress a = IpAddress.v4(v);
      assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
      assertThat(a.toBytes()).isEqualTo(inet(a.toString()));
    });
  }

  @Test
  void ipv6TextRoundTripsAndAgreesWithInetAddress() {
    // Bias towards zero runs so that '::' compression is exercised.
    qt().forAll(longs().all(), longs().all(), integers().between(0, 255)).checkAssert((hi, lo, zeroMask) -> {
      long h = hi;
      long l = lo;
      for (int g = 0; g < 8; g++) {
        if ((zeroMask & (1 << g)) != 0) {
          if (g < 4) {
            h &= ~(0xFFFFL << (48 - 16 * g));
          } else {
            l &= ~(0xFFFFL << (48 - 16 * (g - 4)));
          }
        }
      }
      IpAddress a = IpAddress.v6(h, l);
      assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
      if (!a.isIpv4Mapped()) {
        assertThat(a.toBytes()).isEqualTo(inet(a.toString()));
      }
    });
  }

  @Test
  void masksAndFills() {
    IpAddress a = IpAddress.parse("198.18.5.77");
    assertThat(a.mask(16).toString()).isEqualTo("198.18.0.0");
    assertThat(a.fill(16).toString()).isEqualTo("198.18.255.255");
    assertThat(a.mask(0).toString()).isEqualTo("0.0.0.0");
    assertThat(a.mask(32)).isEqualTo(a);
    IpAddress b = IpAddress.parse("fd00:1:2:3:4:5:6:7");
    assertThat(b.mask(80).toString()).isEqualTo("fd00:1:2:3:4::");
    assertThat(b.mask(72).toString()).isEqualTo("fd00:1:2:3::");
    assertThat(b.fill(120).toString()).isEqualTo("fd00:1:2:3:4:5:6:ff");
    assertThat(b.mask(128)).isEqualTo(b);
  }

  @Test
  void plusReportsOverflow() {
    assertThat(IpAddress.parse("255.255.255.250").plus(5)).contains(IpAddress.parse("255.255.255.255"));
    assertThat(IpAddress.parse("255.255.255.250").plus(6)).isEqualTo(Optional.empty());
  }

  private static byte[] inet(String text) {
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
