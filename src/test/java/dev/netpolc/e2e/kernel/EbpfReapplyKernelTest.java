package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PersistentTcp;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A live policy change on the eBPF datapath: the maps of policy set A are attached, a TCP flow
 * opens, then the backend's map diff (A → B, {@code Backend.delta}) is applied to the pinned
 * maps with {@code netpolc-ebpf update} while the programs stay attached. The established flow
 * (still allowed by B, but whose replies B would refuse as new connections) survives through
 * the conntrack map, new connections follow B, and applying the diff B → B changes no map; a
 * full maps.batch of A as the update then brings back exactly A's entries. Both generations of
 * the maps agree after every update. And {@code attach --replace --reuse-programs} (how the
 * conformance runs load case after case): with the same object it keeps the programs, holds
 * exactly the new maps' entries in both generations and empties the conntrack map; with another
 * object it loads that one.
 */
@Tag("kernel")
class EbpfReapplyKernelTest {

  private static final String NODE = ReapplyPolicies.NODE;
  private static final List<String> POLICY_MAPS = List.of("np_endpoints", "np_ident4", "np_ident6", "np_policy");

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "nft"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void mapDiffKeepsAllowedFlowsAndNewConnectionsFollowTheNewPolicies(Topology.Mode mode) throws BackendException {
    Cluster a = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_A);
    Cluster b = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_B);
    KernelLayout layout = KernelLayout.of(a);
    assertThat(KernelLayout.of(b)).isEqualTo(layout);
    EbpfNodeArtifacts mapsA = EbpfNodeArtifacts.compile(a, layout, BackendOptions.DEFAULTS);
    Artifact artifactA = mapsA.artifacts().get(NODE);
    Delta aToB = EbpfNodeArtifacts.backend().delta(artifactA, EbpfNodeArtifacts.graph(b, layout, NODE),
        BackendOptions.DEFAULTS);
    Artifact artifactB = EbpfNodeArtifacts.compile(b, layout, BackendOptions.DEFAULTS).artifacts().get(NODE);
    Delta bToB = EbpfNodeArtifacts.backend().delta(artifactB, EbpfNodeArtifacts.graph(b, layout, NODE),
        BackendOptions.DEFAULTS);
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = layout.build(mode)) {
      t.startServers(List.of(dev.netpolc.kernel.PortSpec.tcp(80), dev.netpolc.kernel.PortSpec.udp(80)), false);
      try {
        mapsA.load(t);
        assertThat(ReapplyPolicies.observed(t, a, layout)).as("A attached").isEmpty();
        PersistentTcp kept = t.openPersistentTcp("y/a", "x/a", 80);
        assertThat(kept.stillAlive()).as("y/a -> x/a under A: " + kept.stderr()).isTrue();

        String dumpA = dump(t, d, POLICY_MAPS);
        EbpfNodeArtifacts.update(t, NODE, aToB);
        assertThat(kept.stillAlive()).as("established y/a -> x/a, still allowed by B: " + kept.stderr()).isTrue();
        assertThat(ReapplyPolicies.observed(t, b, layout)).as("new connections follow B").isEmpty();

        String before = dump(t, d, POLICY_MAPS);
        assertThat(before).as("B's entries, not A's").isNotEqualTo(dumpA);
        EbpfNodeArtifacts.update(t, NODE, bToB);
        assertThat(dump(t, d, POLICY_MAPS)).as("the diff B -> B changes nothing").isEqualTo(before);
        assertThat(kept.stillAlive()).as("y/a -> x/a after the empty diff").isTrue();

        // A full maps.batch as the update: the entries become exactly A's (B's extra keys deleted), in both generations.
        java.nio.file.Path full = EbpfNodeArtifacts.write(artifactA.files());
        try {
          d.run(t, NODE, "update", "--batch", full.resolve(EbpfNodeArtifacts.BATCH).toString(), "--pin-dir",
              d.pinDir(t, NODE).toString()).orThrow();
        } finally {
          EbpfNodeArtifacts.delete(full);
        }
        assertThat(dump(t, d, POLICY_MAPS)).as("a full maps.batch of A after B").isEqualTo(dumpA);
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
      }
      assertThat(d.leftovers()).as("pins after detach").isEmpty();
    }
  }

  @Test
  void reusingTheProgramsReloadsOnlyTheMapsAndForgetsConntrack() throws Exception {
    Cluster a = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_A);
    Cluster b = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_B);
    KernelLayout layout = KernelLayout.of(a);
    EbpfNodeArtifacts mapsA = EbpfNodeArtifacts.compile(a, layout, BackendOptions.DEFAULTS);
    EbpfNodeArtifacts mapsB = EbpfNodeArtifacts.compile(b, layout, BackendOptions.DEFAULTS);
    EbpfDatapath d = EbpfDatapath.shared();
    java.nio.file.Path other = java.nio.file.Files.createTempFile("netpolc-other-", ".bpf.o");
    try (Topology t = layout.build(Topology.Mode.PTP)) {
      t.startServers(List.of(dev.netpolc.kernel.PortSpec.tcp(80), dev.netpolc.kernel.PortSpec.udp(80)), false);
      EbpfDatapath.compile(other, "-DNP_CONNTRACK_MAX=4096").orThrow();
      try {
        mapsA.load(t);
        String programs = programIds(t, d);
        assertThat(ReapplyPolicies.observed(t, a, layout)).as("A attached").isEmpty();
        assertThat(conntrackDump(t, d)).as("the probes' flows are tracked").contains("\"key\":[");
        // An entry no packet makes (a late packet of a probe could make a real one again after the reload).
        List<String> plant = new ArrayList<>(List.of("bpftool", "map", "update", "pinned",
            d.pinDir(t, NODE).resolve("np_conntrack").toString(), "key", "hex"));
        plant.addAll(java.util.Collections.nCopies(40, "01"));
        plant.addAll(List.of("value", "hex", "01", "00", "00", "00", "00", "00", "00", "00"));
        dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, null, plant).orThrow();
        String planted = "\"key\":[" + String.join(",", java.util.Collections.nCopies(40, "\"0x01\"")) + "]";
        assertThat(conntrackDump(t, d)).contains(planted);
        String dumpA = dump(t, d, POLICY_MAPS);

        mapsB.load(t);
        assertThat(programIds(t, d)).as("same object: the programs stay").isEqualTo(programs);
        assertThat(conntrackDump(t, d)).as("conntrack after the reload").doesNotContain(planted);
        String dumpB = dump(t, d, POLICY_MAPS);
        assertThat(dumpB).as("B's entries, not A's").isNotEqualTo(dumpA);
        assertThat(ReapplyPolicies.observed(t, b, layout)).as("B in force").isEmpty();

        mapsA.load(t);
        assertThat(dump(t, d, POLICY_MAPS)).as("A again: B's extra entries gone").isEqualTo(dumpA);
        assertThat(ReapplyPolicies.observed(t, a, layout)).as("A in force again").isEmpty();

        mapsB.load(t, other);
        assertThat(programIds(t, d)).as("another object: its programs").isNotEqualTo(programs);
        assertThat(dump(t, d, POLICY_MAPS)).isEqualTo(dumpB);
        assertThat(ReapplyPolicies.observed(t, b, layout)).as("B in force, other object").isEmpty();
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
        java.nio.file.Files.deleteIfExists(other);
      }
      assertThat(d.leftovers()).as("pins after detach").isEmpty();
    }
  }

  /** The ids of the two pinned programs of the node. */
  private static String programIds(Topology t, EbpfDatapath d) {
    StringBuilder sb = new StringBuilder();
    for (String prog : List.of("netpolc_from_pod", "netpolc_to_pod")) {
      String shown = dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, "bpftool", "prog", "show", "pinned",
          d.pinDir(t, NODE).resolve("prog").resolve(prog).toString()).orThrow().stdout();
      sb.append(shown, 0, shown.indexOf(':')).append(' ');
    }
    return sb.toString();
  }

  /** The node's conntrack map as {@code bpftool -j map dump} prints it. */
  private static String conntrackDump(Topology t, EbpfDatapath d) {
    return dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, "bpftool", "-j", "map", "dump", "pinned",
        d.pinDir(t, NODE).resolve("np_conntrack").toString()).orThrow().stdout();
  }

  /**
   * The pinned maps' entries as bpftool dumps them, sorted; the two generations of each map must
   * hold the same (an update brings the inactive one up to date after the flip).
   */
  private static String dump(Topology t, EbpfDatapath d, List<String> maps) {
    StringBuilder sb = new StringBuilder();
    for (String m : maps) {
      String gen0 = dumpOne(t, d, m + "_0");
      assertThat(dumpOne(t, d, m + "_1")).as("generation 1 of " + m + " equals generation 0").isEqualTo(gen0);
      sb.append("-- ").append(m).append('\n').append(gen0).append('\n');
    }
    return sb.toString();
  }

  private static String dumpOne(Topology t, EbpfDatapath d, String pin) {
    List<String> lines = new ArrayList<>(List.of(dev.netpolc.kernel.Commands.run(Topology.COMMAND_TIMEOUT, "bpftool",
        "map", "dump", "pinned", d.pinDir(t, NODE).resolve(pin).toString()).orThrow().stdout().split("\n")));
    lines.sort(null);
    return String.join("\n", lines);
  }

  /** Differences between the kernel's matrices (TCP 80, UDP 80) and the reference's for {@code cluster}. */
}
