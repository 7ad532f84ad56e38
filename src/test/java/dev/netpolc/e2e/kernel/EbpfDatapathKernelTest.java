package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.ebpf.EbpfMap;
import dev.netpolc.backend.ebpf.MapLimits;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Commands;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reference datapath object and its ops script on their own: the kernel verifier accepts
 * the object (default and overridden map sizes), and {@code netpolc-ebpf} attach / detach
 * leaves nothing behind (no filter, no qdisc it added, no pin), keeps what it did not add (a
 * clsact qdisc and filter that were there before), refuses a pin directory in use, replaces an
 * attach in place ({@code --replace}, also dropping an interface), and undoes everything when
 * the batch is rejected.
 */
@Tag("kernel")
class EbpfDatapathKernelTest {

  private static final String NODE = ReapplyPolicies.NODE;

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

  @Test
  void verifierAcceptsTheObjectWithDefaultAndOverriddenMapSizes() throws Exception {
    EbpfDatapath d = EbpfDatapath.shared();
    Path small = Files.createTempFile("netpolc-small-", ".bpf.o");
    try {
      EbpfDatapath.compile(small, "-DNP_POLICY_MAX=128", "-DNP_CONNTRACK_MAX=256", "-DNP_IPV6_EXT_MAX=8").orThrow();
      for (Path object : List.of(d.object(), small)) {
        Path pins = d.bpffs().resolve("verify");
        try {
          Files.createDirectories(pins); // bpftool pins maps only into an existing directory
          CommandResult load = Commands.run(Topology.COMMAND_TIMEOUT, "bpftool", "prog", "loadall", object.toString(),
              pins.resolve("prog").toString(), "type", "tc", "pinmaps", pins.toString());
          assertThat(load.ok()).as("verifier on %s: %s", object, load.describe()).isTrue();
          for (String prog : List.of("netpolc_from_pod", "netpolc_to_pod")) {
            assertThat(bpftool("prog", "show", "pinned", pins.resolve("prog").resolve(prog).toString()))
                .contains("sched_cls");
          }
          if (object.equals(d.object())) {
            // The object's defaults are the emitter's: every map the Java side describes, exactly.
            // Two generations of each (atomic updates).
            for (EbpfMap m : EbpfMap.values()) {
              for (String copy : List.of(m.mapName() + "_0", m.mapName() + "_1")) {
                String shown = bpftool("map", "show", "pinned", pins.resolve(copy).toString());
                assertThat(shown).as(copy).contains(m.type() + "  name " + copy)
                    .contains(String.format("flags 0x%x", m.flags()))
                    .contains("key " + m.keySize() + "B  value " + m.valueSize() + "B  max_entries "
                        + MapLimits.DEFAULTS.of(m));
              }
            }
            assertThat(bpftool("map", "show", "pinned", pins.resolve("np_gen").toString()))
                .contains("array_of_maps  name np_gen").contains("max_entries 1");
          }
          String maxEntries = object.equals(small) ? "128" : Integer.toString(EbpfMap.POLICY.defaultMaxEntries());
          assertThat(bpftool("map", "show", "pinned", pins.resolve("np_policy_0").toString()))
              .contains("lpm_trie").contains("max_entries " + maxEntries).contains("flags 0x1");
          assertThat(bpftool("map", "show", "pinned", pins.resolve("np_conntrack").toString()))
              .contains("lru_hash").contains("key 40B  value 8B");
          assertThat(bpftool("map", "show", "pinned", pins.resolve("np_endpoints_0").toString()))
              .contains("hash").contains("key 20B  value 8B");
          assertThat(bpftool("map", "show", "pinned", pins.resolve("np_hostpods_0").toString()))
              .contains("hash").contains("key 36B  value 4B");
          assertThat(bpftool("map", "show", "pinned", pins.resolve("np_ident6_0").toString()))
              .contains("lpm_trie").contains("key 20B  value 4B");
        } finally {
          Commands.run(Topology.COMMAND_TIMEOUT, "rm", "-rf", "--", pins.toString()).orThrow();
        }
      }
    } finally {
      Files.deleteIfExists(small);
    }
    assertThat(d.leftovers()).isEmpty();
  }

  @Test
  void attachAndDetachLeaveNothingBehindAndKeepWhatWasThere() throws Exception {
    Cluster cluster = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_A);
    KernelLayout layout = KernelLayout.of(cluster);
    EbpfNodeArtifacts maps = EbpfNodeArtifacts.compile(cluster, layout, BackendOptions.DEFAULTS);
    EbpfDatapath d = EbpfDatapath.shared();
    try (Topology t = layout.build(Topology.Mode.PTP)) {
      Map<String, String> veths = d.hostVeths(t, NODE);
      assertThat(veths).hasSize(4);
      String foreign = veths.get("x/a");
      // Someone else's clsact and filter on one veth, which detach must leave as they are.
      t.exec(NODE, "sh", "-c", "tc qdisc add dev " + foreign + " clsact && tc filter add dev " + foreign
          + " ingress pref 100 u32 match u32 0xdeadbeef 0xffffffff at 0 flowid 1:1").orThrow();
      String before = tc(t, veths.values());
      Path pins = d.pinDir(t, NODE);
      Path dir = EbpfNodeArtifacts.write(maps.artifacts().get(NODE).files());
      try {
        List<String> attach = new ArrayList<>(List.of("attach", "--artifact", dir.toString(), "--object",
            d.object().toString(), "--pin-dir", pins.toString()));
        veths.values().forEach(v -> attach.addAll(List.of("--interface", v)));
        d.run(t, NODE, attach.toArray(String[]::new)).orThrow();
        String attached = tc(t, veths.values());
        assertThat(attached.split("netpolc_from_pod:", -1)).as(attached).hasSize(5);
        assertThat(attached.split("netpolc_to_pod:", -1)).as(attached).hasSize(5);
        assertThat(Files.exists(pins.resolve("np_gen"))).isTrue();

        CommandResult again = d.run(t, NODE, attach.toArray(String[]::new));
        assertThat(again.ok()).as("a second attach on the same pin directory").isFalse();
        assertThat(again.stderr()).contains("in use");
        assertThat(tc(t, veths.values())).as("the refused attach changed nothing").isEqualTo(attached);

        // A full reload onto three of the four veths: filters swapped in place, the fourth detached.
        List<String> replace = new ArrayList<>(List.of("attach", "--replace", "--artifact", dir.toString(), "--object",
            d.object().toString(), "--pin-dir", pins.toString()));
        veths.values().stream().skip(1).forEach(v -> replace.addAll(List.of("--interface", v)));
        d.run(t, NODE, replace.toArray(String[]::new)).orThrow();
        String replaced = tc(t, veths.values());
        assertThat(replaced.split("netpolc_from_pod:", -1)).as(replaced).hasSize(4);
        assertThat(replaced).as("programs swapped").isNotEqualTo(attached);
        assertThat(d.leftovers()).as("no staging directory left").allMatch(p -> p.startsWith(pins.getFileName() + "/")
            || p.equals(pins.getFileName().toString()));

        d.run(t, NODE, "detach", "--pin-dir", pins.toString()).orThrow();
        assertThat(tc(t, veths.values())).as("tc after detach").isEqualTo(before);
        assertThat(d.leftovers()).as("pins after detach").isEmpty();
        d.run(t, NODE, "detach", "--pin-dir", pins.toString()).orThrow();

        // A batch bpftool rejects (a key of the wrong size): attach fails and leaves nothing.
        Files.writeString(dir.resolve(EbpfNodeArtifacts.BATCH),
            "map update pinned /sys/fs/bpf/netpolc/np_policy key hex 00 value hex 00\n");
        CommandResult bad = d.run(t, NODE, attach.toArray(String[]::new));
        assertThat(bad.ok()).as("attach with a rejected batch").isFalse();
        assertThat(bad.stderr()).contains("bpftool batch rejected");
        assertThat(tc(t, veths.values())).as("tc after a failed attach").isEqualTo(before);
        assertThat(d.leftovers()).as("pins after a failed attach").isEmpty();
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", pins.toString());
        EbpfNodeArtifacts.delete(dir);
      }
    }
  }

  private static String bpftool(String... args) {
    List<String> argv = new ArrayList<>(List.of("bpftool"));
    argv.addAll(List.of(args));
    return Commands.run(Topology.COMMAND_TIMEOUT, null, argv).orThrow().stdout();
  }

  /** Qdiscs and both clsact filter lists of every veth. */
  private static String tc(Topology t, java.util.Collection<String> veths) {
    StringBuilder sh = new StringBuilder();
    for (String v : veths) {
      sh.append("echo '-- ").append(v).append("'; tc qdisc show dev ").append(v).append("; tc filter show dev ")
          .append(v).append(" ingress; tc filter show dev ").append(v).append(" egress;");
    }
    return t.exec(NODE, "sh", "-c", sh.toString()).orThrow().stdout();
  }
}
