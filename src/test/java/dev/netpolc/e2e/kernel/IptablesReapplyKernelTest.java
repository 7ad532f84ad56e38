package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.PersistentTcp;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Re-applying the iptables backend's files on a live node with apply.sh: established flows that
 * the new policies still allow survive, new connections follow the new policies, foreign
 * iptables rules, chains and ipsets are left exactly as they were, the hook jump into
 * {@code NETPOLC-FORWARD} exists exactly once per family however often apply.sh runs, and
 * applying the same files twice changes nothing.
 */
@Tag("kernel")
class IptablesReapplyKernelTest {

  private static final String NODE = ReapplyPolicies.NODE;


  @BeforeAll
  static void kernel() {
    KernelSupport.assumeAvailable(KernelSupport.ROOT, "ip", KernelSupport.NETNS, KernelSupport.BR_NETFILTER,
        KernelSupport.CNI, "socat", "perl", "ss", "sysctl", "ipset", "iptables", "ip6tables", "iptables-save",
        "ip6tables-save", "iptables-restore", "ip6tables-restore", "bash");
  }

  @ParameterizedTest
  @EnumSource(Topology.Mode.class)
  void reapplyKeepsAllowedFlowsFollowsNewPoliciesAndTouchesNothingElse(Topology.Mode mode) {
    Cluster a = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_A);
    Cluster b = ReapplyPolicies.cluster(ReapplyPolicies.POLICIES_B);
    KernelLayout layout = KernelLayout.of(a);
    assertThat(KernelLayout.of(b)).isEqualTo(layout);
    IptablesNodeArtifacts filesA = IptablesNodeArtifacts.compile(a, layout, BackendOptions.DEFAULTS);
    IptablesNodeArtifacts filesB = IptablesNodeArtifacts.compile(b, layout, BackendOptions.DEFAULTS);
    try (Topology t = layout.build(mode)) {
      t.startServers(List.of(dev.netpolc.kernel.PortSpec.tcp(80), dev.netpolc.kernel.PortSpec.udp(80)), false);
      // Foreign state: a rule in FORWARD (a source that never sends), a chain of its own, an ipset.
      t.exec(NODE, "sh", "-c", "iptables -A FORWARD -s 198.18.0.250/32 -p tcp --dport 9 -j DROP"
          + " && iptables -N OTHER && iptables -A OTHER -j RETURN && ip6tables -A FORWARD -s fd00::250 -j DROP"
          + " && ipset create other-set hash:ip && ipset add other-set 198.18.0.251").orThrow();
      String foreignBefore = foreign(t);

      filesA.load(t);
      assertThat(ReapplyPolicies.observed(t, a, layout)).isEmpty();
      PersistentTcp keptYaToXa = t.openPersistentTcp("y/a", "x/a", 80);

      filesB.load(t);
      assertThat(keptYaToXa.stillAlive()).as("established y/a -> x/a, still allowed by B: " + keptYaToXa.stderr())
          .isTrue();
      assertThat(ReapplyPolicies.observed(t, b, layout)).as("new connections follow B").isEmpty();
      assertThat(foreign(t)).as("foreign rules, chains and sets").isEqualTo(foreignBefore);
      assertHookedOnce(t);

      String once = ours(t);
      filesB.load(t);
      assertThat(ours(t)).as("applying the same files twice").isEqualTo(once);
      assertHookedOnce(t);
      assertThat(keptYaToXa.stillAlive()).as("y/a -> x/a survives an identical re-apply").isTrue();
      assertThat(ReapplyPolicies.observed(t, b, layout)).isEmpty();
      assertThat(foreign(t)).isEqualTo(foreignBefore);
    }
  }

  private static void assertHookedOnce(Topology t) {
    for (String bin : List.of("iptables", "ip6tables")) {
      String forward = t.exec(NODE, bin, "-S", "FORWARD").orThrow().stdout();
      assertThat(forward.lines().filter(l -> l.equals("-A FORWARD -j NETPOLC-FORWARD"))).as(bin + ": " + forward)
          .hasSize(1);
    }
  }

  /** Differences between the kernel's matrices (TCP 80, UDP 80) and the reference's for {@code cluster}. */

  /** Everything but our chains, jumps and sets: both filter tables and every other ipset, counters removed. */
  private static String foreign(Topology t) {
    return save(t).lines().filter(l -> !l.contains("NETPOLC-")).reduce("", (x, y) -> x + y + "\n");
  }

  /** Our chains and sets only. */
  private static String ours(Topology t) {
    return save(t).lines().filter(l -> l.contains("NETPOLC-")).reduce("", (x, y) -> x + y + "\n");
  }

  private static String save(Topology t) {
    StringBuilder sb = new StringBuilder();
    for (String[] cmd : new String[][] {{"iptables-save", "-t", "filter"}, {"ip6tables-save", "-t", "filter"},
        {"ipset", "save"}}) {
      List<String> lines = new ArrayList<>(List.of(t.exec(NODE, cmd).orThrow().stdout().split("\n")));
      if (cmd[0].equals("ipset")) {
        lines.sort(null); // ipset lists a hash set's members in hash order, which a swap reshuffles
      }
      for (String line : lines) {
        if (!line.startsWith("#")) {
          // Counters and the hash seed ipset picks per set are not state we own or compare.
          sb.append(line.replaceAll("\\[\\d+:\\d+\\]", "[-]").replaceAll(" initval 0x[0-9a-f]+", ""))
              .append('\n');
        }
      }
    }
    return sb.toString();
  }
}
