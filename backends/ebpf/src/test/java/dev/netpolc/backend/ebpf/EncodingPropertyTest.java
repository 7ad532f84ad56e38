package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Every key and value decodes back to itself (decode(encode(x)) == x) with the layout's sizes,
 * and a few hand-checked byte images pin the byte order: LPM prefix lengths and values
 * little-endian, LPM key data (group, peer, port) big-endian, addresses in network order.
 */
class EncodingPropertyTest {
  private static final int EXAMPLES = 2000;

  private static Gen<IpAddress> addresses() {
    return booleans().all().zip(longs().all(), longs().all(),
        (v6, hi, lo) -> v6 ? IpAddress.v6(hi, lo) : IpAddress.v4(lo & 0xFFFF_FFFFL));
  }

  private static Gen<Cidr> cidrs() {
    return addresses().zip(integers().between(0, 128), (a, len) -> {
      int p = Math.min(len, a.bits());
      return new Cidr(a.mask(p), p);
    });
  }

  private static Gen<PolicyKey> policyKeys() {
    return integers().all().zip(integers().all(), booleans().all(), integers().between(0, 255),
        (g, peer, in, proto) -> new int[] {g, peer, in ? 0 : 1, proto})
        .zip(integers().between(0, 65535), integers().between(0, 16), (a, port, bits) -> {
          Direction d = a[2] == 0 ? Direction.INGRESS : Direction.EGRESS;
          if (a[3] == 0) {
            return new PolicyKey(PolicyKey.BASE_PREFIX, a[0], a[1], d, 0, 0);
          }
          int masked = port & ~(0xFFFF >>> bits) & 0xFFFF;
          return new PolicyKey(PolicyKey.BASE_PREFIX + bits, a[0], a[1], d, a[3], masked);
        });
  }

  @Test
  void identityEntriesRoundTrip() {
    qt().withExamples(EXAMPLES).forAll(cidrs(), integers().between(0, Integer.MAX_VALUE)).checkAssert((c, id) -> {
      IdentityKey k = new IdentityKey(c);
      byte[] kb = k.encode();
      assertThat(kb).hasSize(k.map().keySize());
      assertThat(k.map().decodeKey(kb)).isEqualTo(k);
      IdentityValue v = new IdentityValue(id);
      assertThat(k.map().decodeValue(v.encode())).isEqualTo(v);
    });
  }

  @Test
  void endpointAndHostPodEntriesRoundTrip() {
    qt().withExamples(EXAMPLES).forAll(addresses(), addresses(), integers().between(-1, 1000), integers().between(0, 7))
        .checkAssert((a, b, group, flags) -> {
          EndpointKey k = new EndpointKey(a);
          assertThat(k.encode()).hasSize(EbpfMap.ENDPOINTS.keySize());
          assertThat(EbpfMap.ENDPOINTS.decodeKey(k.encode())).isEqualTo(k);
          EndpointValue v = group == -1 ? EndpointValue.host() : new EndpointValue(group, flags);
          assertThat(EbpfMap.ENDPOINTS.decodeValue(v.encode())).isEqualTo(v);
          IpAddress pod = a.v6() == b.v6() ? b : a;
          HostPodKey h = new HostPodKey(a, pod);
          assertThat(EbpfMap.HOST_PODS.decodeKey(h.encode())).isEqualTo(h);
          assertThat(EbpfMap.HOST_PODS.decodeValue(HostPodValue.PRESENT.encode())).isEqualTo(HostPodValue.PRESENT);
        });
  }

  @Test
  void policyEntriesRoundTrip() {
    qt().withExamples(EXAMPLES).forAll(policyKeys(), integers().between(0, 3 * 256 - 1), integers().all(), integers().all())
        .checkAssert((k, av, prio, rule) -> {
          assertThat(k.encode()).hasSize(EbpfMap.POLICY.keySize());
          assertThat(EbpfMap.POLICY.decodeKey(k.encode())).isEqualTo(k);
          PolicyValue v = new PolicyValue(Action.values()[av % 3], av / 3, prio, rule);
          assertThat(v.encode()).hasSize(EbpfMap.POLICY.valueSize());
          assertThat(EbpfMap.POLICY.decodeValue(v.encode())).isEqualTo(v);
        });
  }

  @Test
  void byteImages() {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(new IdentityKey(Cidr.of("10.0.0.0/8")).encode())).isEqualTo("080000000a000000");
    assertThat(hex.formatHex(new IdentityKey(Cidr.of("fd00::/8")).encode()))
        .isEqualTo("08000000fd000000000000000000000000000000");
    assertThat(hex.formatHex(new IdentityValue(258).encode())).isEqualTo("02010000");
    assertThat(hex.formatHex(new EndpointKey(IpAddress.parse("10.1.2.3")).encode()))
        .isEqualTo("040000000a010203000000000000000000000000");
    assertThat(hex.formatHex(new EndpointValue(3, EndpointValue.INGRESS_ISOLATED | EndpointValue.HOST).encode()))
        .isEqualTo("0300000005000000");
    // prefixlen 94 = TCP ports 8000-8003; group 1 and peer 258 big-endian.
    assertThat(hex.formatHex(new PolicyKey(94, 1, 258, Direction.EGRESS, 6, 8000).encode()))
        .isEqualTo("5e000000000000010000010201061f40");
    assertThat(hex.formatHex(new PolicyValue(Action.ALLOW, PolicyValue.NETWORK_POLICY_TIER, 7, 513).encode()))
        .isEqualTo("010100000700000001020000");
  }

  @Test
  void malformedBytesAreRejectedWithAReason() {
    HexFormat hex = HexFormat.of();
    assertThatThrownBy(() -> EbpfMap.IDENT4.decodeKey(hex.parseHex("210000000a000000")))
        .hasMessageContaining("prefix length 33 exceeds 32");
    assertThatThrownBy(() -> EbpfMap.IDENT4.decodeKey(hex.parseHex("080000000a000001")))
        .hasMessageContaining("beyond the prefix length");
    assertThatThrownBy(() -> EbpfMap.ENDPOINTS.decodeKey(hex.parseHex("050000000a010203000000000000000000000000")))
        .hasMessageContaining("family must be 4 or 6");
    assertThatThrownBy(() -> EbpfMap.ENDPOINTS.decodeKey(hex.parseHex("040000000a010203000000000000000000000001")))
        .hasMessageContaining("must be zero");
    assertThatThrownBy(() -> EbpfMap.POLICY.decodeKey(hex.parseHex("5e000000000000010000010201061f41")))
        .hasMessageContaining("bits set past prefix length 94");
    assertThatThrownBy(() -> EbpfMap.POLICY.decodeKey(hex.parseHex("4f000000000000010000010201061f40")))
        .hasMessageContaining("80..96");
    assertThatThrownBy(() -> EbpfMap.POLICY.decodeValue(hex.parseHex("040100000000000000000000")))
        .hasMessageContaining("action must be");
    assertThatThrownBy(() -> EbpfMap.ENDPOINTS.decodeValue(hex.parseHex("0100000008000000")))
        .hasMessageContaining("unknown endpoint flags");
    assertThatThrownBy(() -> EbpfMap.IDENT4.decodeValue(hex.parseHex("000000")))
        .hasMessageContaining("4 bytes, got 3");
  }
}
