package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Direction;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The byte images of what tiers added to the layout: direction 2 (egress to the own node), the
 * endpoint flags INGRESS_DENIES, EGRESS_DENIES and OWN_NODE_EGRESS in the flags' second byte, and
 * the rule 0xffffffff of the defaults; every flag combination the layout allows round-trips, and
 * the ones it forbids are rejected with a reason.
 */
class TieredEncodingTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final int[] FLAGS = {EndpointValue.INGRESS_ISOLATED, EndpointValue.EGRESS_ISOLATED,
      EndpointValue.HOST, EndpointValue.INGRESS_DENIES, EndpointValue.EGRESS_DENIES, EndpointValue.OWN_NODE_EGRESS};

  @Test
  void byteImages() {
    // Group 1, any peer, direction 2, TCP port 10250.
    PolicyKey own = new PolicyKey(96, 1, PolicyKey.ANY_PEER, Direction.EGRESS, true, 6, 10250);
    assertThat(HEX.formatHex(own.encode())).isEqualTo("6000000000000001ffffffff0206280a");
    assertThat(EbpfMap.POLICY.decodeKey(own.encode())).isEqualTo(own);
    assertThat(own.fields()).containsEntry("direction", "egress-own-node");
    assertThat(HEX.formatHex(new EndpointValue(3, EndpointValue.EGRESS_DENIES | EndpointValue.OWN_NODE_EGRESS)
        .encode())).isEqualTo("0300000000060000");
    assertThat(HEX.formatHex(new EndpointValue(3, EndpointValue.INGRESS_DENIES | EndpointValue.EGRESS_ISOLATED)
        .encode())).isEqualTo("0300000002010000");
    assertThat(HEX.formatHex(PolicyValue.ISOLATION_DENY.encode())).isEqualTo("0201000000000000ffffffff");
    assertThat(HEX.formatHex(PolicyValue.DEFAULT_ALLOW.encode())).isEqualTo("0102000000000000ffffffff");
    assertThat(PolicyValue.DEFAULT_ALLOW.fields()).containsEntry("rule", "none");
    assertThat(EbpfMap.POLICY.decodeValue(PolicyValue.ISOLATION_DENY.encode())).isEqualTo(PolicyValue.ISOLATION_DENY);
    assertThat(new PolicyValue(Action.DENY, PolicyValue.ADMIN_TIER, 5, 7).fields()).containsEntry("rule", 7L);
    assertThat(new PolicyValue(Action.DENY, PolicyValue.ADMIN_TIER, 5, 7).fields()).containsEntry("tier", "ADMIN");
    assertThat(new PolicyValue(Action.PASS, 3, 0, 1).fields()).containsEntry("tier", "TIER_3");
  }

  @Test
  void everyAllowedFlagCombinationRoundTrips() {
    qt().withExamples(500).forAll(integers().between(0, 63), integers().between(0, 1000)).checkAssert((bits, group) -> {
      int flags = 0;
      for (int i = 0; i < FLAGS.length; i++) {
        flags |= (bits & (1 << i)) != 0 ? FLAGS[i] : 0;
      }
      boolean clash = (flags & EndpointValue.INGRESS_ISOLATED) != 0 && (flags & EndpointValue.INGRESS_DENIES) != 0
          || (flags & EndpointValue.EGRESS_ISOLATED) != 0 && (flags & EndpointValue.EGRESS_DENIES) != 0;
      byte[] image = {(byte) group.intValue(), (byte) (group >> 8), 0, 0, (byte) flags, (byte) (flags >> 8), 0, 0};
      if (clash) {
        assertThatThrownBy(() -> EbpfMap.ENDPOINTS.decodeValue(image)).hasMessageContaining("isolated or denies");
      } else {
        EndpointValue v = new EndpointValue(group, flags);
        assertThat(v.encode()).isEqualTo(image);
        assertThat(EbpfMap.ENDPOINTS.decodeValue(image)).isEqualTo(v);
        assertThat(v.denies(Direction.INGRESS)).isEqualTo((flags & EndpointValue.INGRESS_DENIES) != 0);
        assertThat(v.denies(Direction.EGRESS)).isEqualTo((flags & EndpointValue.EGRESS_DENIES) != 0);
        assertThat(v.ownNodeEgress()).isEqualTo((flags & EndpointValue.OWN_NODE_EGRESS) != 0);
      }
    });
  }

  @Test
  void malformedTierFieldsAreRejected() {
    assertThatThrownBy(() -> EbpfMap.POLICY.decodeKey(HEX.parseHex("6000000000000001ffffffff0306280a")))
        .hasMessageContaining("direction must be 0 (ingress), 1 (egress) or 2 (egress to the own node), got 3");
    assertThatThrownBy(() -> new PolicyKey(96, 1, 2, Direction.INGRESS, true, 6, 80))
        .hasMessageContaining("only egress keys");
    assertThatThrownBy(() -> EbpfMap.ENDPOINTS.decodeValue(HEX.parseHex("0100000000080000")))
        .hasMessageContaining("unknown endpoint flags 0x800");
    assertThatThrownBy(() -> new EndpointValue(EndpointValue.NO_GROUP, EndpointValue.HOST | EndpointValue.INGRESS_DENIES))
        .hasMessageContaining("HOST only");
  }
}
