package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Description errors are caught before anything touches the kernel, so these run anywhere. */
class TopologyBuilderTest {

  @Test
  void needsANode() {
    assertThatThrownBy(() -> Topology.builder().build()).hasMessageContaining("at least one node");
  }

  @Test
  void rejectsBadNamesAndDuplicates() {
    assertThatThrownBy(() -> Topology.builder().node("Node_0")).hasMessageContaining("DNS label");
    assertThatThrownBy(() -> Topology.builder().node("n").node("n")).hasMessageContaining("declared twice");
    assertThatThrownBy(() -> Topology.builder().node("n").pod("a", "n")).hasMessageContaining("namespace/name");
    assertThatThrownBy(() -> Topology.builder().node("n").pod("x/a", "n").pod("x/a", "n"))
        .hasMessageContaining("declared twice");
  }

  @Test
  void podsMustBeOnDeclaredNodes() {
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node9").build())
        .hasMessageContaining("undeclared node node9");
  }

  @Test
  void podAddressesMustBeUsableHostsOfTheirNodesBlock() {
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node0", "198.18.1.10", "fd00::10").build())
        .hasMessageContaining("not a usable IPv4 address of node node0's block 198.18.0.0/24");
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node0", "198.18.0.1", "fd00::10").build())
        .hasMessageContaining("198.18.0.1 is not a usable");
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node0", "198.18.0.10", "fd00::1").build())
        .hasMessageContaining("fd00::1 is not a usable IPv6");
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node0", "198.18.0.10", null).build())
        .hasMessageContaining("both addresses or neither");
    assertThatThrownBy(() -> Topology.builder().node("node0").pod("x/a", "node0", "fd00::10", "fd00::11").build())
        .hasMessageContaining("not a usable IPv4");
  }

  @Test
  void addressesMustBeUnique() {
    assertThatThrownBy(() -> Topology.builder().node("node0")
        .pod("x/a", "node0", "198.18.0.10", "fd00::10")
        .pod("x/b", "node0", "198.18.0.10", "fd00::11").build())
        .hasMessageContaining("198.18.0.10 of pod x/b is already taken");
  }

  @Test
  void nodeBlocksStayInTheTestRangesAndApart() {
    assertThatThrownBy(() -> Topology.builder().node("node0", "10.0.0.0/24", "fd00::/64").build())
        .hasMessageContaining("must lie inside 198.18.0.0/15");
    assertThatThrownBy(() -> Topology.builder().node("node0", "198.18.0.0/24", "2001:db8::/64").build())
        .hasMessageContaining("must lie inside fd00::/8");
    assertThatThrownBy(() -> Topology.builder().node("node0", "198.18.0.0/16", "fd00::/64")
        .node("node1", "198.18.5.0/24", "fd00:0:0:1::/64").build())
        .hasMessageContaining("overlaps 198.18.0.0/16");
    assertThatThrownBy(() -> Topology.builder().node("node0", "198.19.255.0/25", "fd00::/64").build())
        .hasMessageContaining("overlaps 198.19.255.0/24");
    assertThatThrownBy(() -> Topology.builder().node("node0", "198.18.0.0/24", "fd00::/64")
        .node("node1", "198.18.0.0/25", "fd00::/64").build())
        .hasMessageContaining("overlaps 198.18.0.0/24");
  }

  @Test
  void sharedBlocksStillNeedUniquePodAddresses() {
    assertThatThrownBy(() -> Topology.builder().node("n1", "198.18.0.0/24", "fd00::/64")
        .node("n2", "198.18.0.0/24", "fd00::/64")
        .pod("x/a", "n1", "198.18.0.10", "fd00::10").pod("z/a", "n2", "198.18.0.10", "fd00::16").build())
        .hasMessageContaining("198.18.0.10 of pod z/a is already taken");
  }

  @Test
  void nodeAddressesStayOutOfPodBlocksAndTheFabric() {
    assertThatThrownBy(() -> Topology.builder().node("n1").nodeAddress("n1", "198.18.0.5", "fd00:1::2").build())
        .hasMessageContaining("198.18.0.5 lies in block 198.18.0.0/24");
    assertThatThrownBy(() -> Topology.builder().node("n1").nodeAddress("n1", "198.19.255.9", "fd00:1::2").build())
        .hasMessageContaining("lies in block 198.19.255.0/24");
    assertThatThrownBy(() -> Topology.builder().node("n1").nodeAddress("n1", "10.0.0.1", "fd00:1::2").build())
        .hasMessageContaining("not an IPv4 address inside 198.18.0.0/15");
    assertThatThrownBy(() -> Topology.builder().node("n1").nodeAddress("n2", "198.18.9.1", "fd00:1::2").build())
        .hasMessageContaining("undeclared node n2");
  }
}
