package dev.netpolc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void normalisesHostBitsAndFlagsThem() {
    Cidr.Parsed p = Cidr.parse("10.0.0.1/24").orElseThrow();
    assertThat(p.cidr().toString()).isEqualTo("10.0.0.0/24");
    assertThat(p.hostBitsSet()).isTrue();
    assertThat(Cidr.parse("10.0.0.0/24").orElseThrow().hostBitsSet()).isFalse();
  }

  @Test
  void flagsLeadingZerosAndMappedAddresses() {
    assertThat(Cidr.parse("010.0.0.0/8").orElseThrow().leadingZeros()).isTrue();
    assertThat(Cidr.parse("::ffff:10.0.0.0/104").orElseThrow().ipv4Mapped()).isTrue();
  }

  @Test
  void rejectsMalformed() {
    for (String bad : new String[] {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "/8", "10.0.0.0/8/8", "fd00::/129",
        "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/0008", "x/8"}) {
      assertThat(Cidr.parse(bad)).as(bad).isEmpty();
    }
    assertThatThrownBy(() -> Cidr.of("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsByFamilyAndPrefix() {
    Cidr c = Cidr.of("198.18.0.0/15");
    assertThat(c.contains(IpAddress.parse("198.19.255.255"))).isTrue();
    assertThat(c.contains(IpAddress.parse("198.20.0.0"))).isFalse();
    assertThat(c.contains(IpAddress.parse("::ffff:198.18.0.1"))).isFalse();
    assertThat(c.contains(Cidr.of("198.18.4.0/24"))).isTrue();
    assertThat(Cidr.of("198.18.4.0/24").contains(c)).isFalse();
    assertThat(Cidr.of("0.0.0.0/0").contains(IpAddress.parse("1.2.3.4"))).isTrue();
    assertThat(Cidr.of("::/0").contains(IpAddress.parse("1.2.3.4"))).isFalse();
  }

  @Test
  void firstAndLastBoundTheBlock() {
    qt().forAll(longs().between(0, 0xFFFF_FFFFL), integers().between(0, 32)).checkAssert((v, len) -> {
      Cidr c = new Cidr(IpAddress.v4(v).mask(len), len);
      assertThat(c.contains(c.first())).isTrue();
      assertThat(c.contains(c.last())).isTrue();
      c.last().next().ifPresent(n -> assertThat(c.contains(n)).isFalse());
      c.first().previous().ifPresent(p -> assertThat(c.contains(p)).isFalse());
      assertThat(Cidr.of(c.toString())).isEqualTo(c);
    });
  }
}
