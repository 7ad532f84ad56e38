package dev.netpolc.backend.iptables;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IptInterpreter;
import dev.netpolc.backend.iptables.sim.IptablesSimulator;
import dev.netpolc.backend.iptables.sim.Verdict;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Node;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * For generated clusters and semantics options, the emitted ipset and iptables files, loaded
 * back and simulated, decide every probe (every pair of inventory addresses, outside addresses
 * around every ipBlock edge, TCP/UDP/SCTP on every mentioned port, ICMP) as the reference does:
 * cluster-wide, and per node against the reference restricted to that node's checks; with a
 * small ipset budget (0, 1, 3 or 5, or 200 = enough), so the fallbacks run on every generated
 * cluster: identity sets and mark bits (with the default mask and with a narrow 3-bit one, so
 * bits run out and sets are inlined too), inline rules at budget 0. Packets also arrive with
 * every mark bit set: decisions must not change, and bits outside {@code markMask} must survive.
 */
class IptablesEquivalencePropertyTest {

  private static final int EXAMPLES = 150;
  private static final String NARROW_MASK = "0x10030";

  @Test
  void simulatedScriptsDecideLikeTheReference() {
    qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), booleans().all(), booleans().all(),
        integers().between(0, 5))
        .checkAssert((c, nodeLocal, ipBlockPods, choice) -> {
          SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal)
              .withIpBlockMatchesPodIps(ipBlockPods);
          ReferenceEvaluator ref = new ReferenceEvaluator(c, sem);
          List<Connection> probes = ConnectionProbes.of(c);
          int[] budgets = {0, 1, 3, 5, 3, 200};
          BackendOptions options = BackendOptions.DEFAULTS.withLogDrops(true)
              .with("maxIpsets", Integer.toString(budgets[choice]));
          if (choice == 4) {
            options = options.with("markMask", NARROW_MASK);
          }
          check(c, sem, Optional.empty(), ref, probes, options);
          for (Node n : c.nodes()) {
            check(c, sem, Optional.of(n.name()), ref, probes, options);
          }
        });
  }

  private static void check(Cluster c, SemanticsOptions sem, Optional<String> node, ReferenceEvaluator ref,
      List<Connection> probes, BackendOptions options) {
    RuleGraph graph = Fixtures.compile(c, options(sem, node));
    Artifact a = Fixtures.emit(graph, options);
    VerifyReport r;
    try {
      r = Verifier.verify(ref, node, new IptablesBackend().simulator(a, SimulationContext.of(graph)), probes, 1);
    } catch (BackendException e) {
      throw new AssertionError("emitted files do not load: " + e.getMessage() + "\n" + a.files(), e);
    }
    if (!r.agrees()) {
      throw new AssertionError((node.map(n -> "node " + n).orElse("cluster-wide")) + ", " + sem + ": "
          + r.disagreements() + " disagreements, first:\n" + r.first().get(0).toText() + "files:\n"
          + String.join("\n", a.files().values()));
    }
    checkMarks(a, graph, probes, options);
  }

  /**
   * With packets arriving as mark 0 and as all ones: the same decisions, no bit of ours left
   * on an accepted packet that arrived clear, no bit outside the mask ever changed.
   */
  private static void checkMarks(Artifact a, RuleGraph graph, List<Connection> probes, BackendOptions options) {
    int mask = (int) (long) Long.decode(options.extra("markMask").orElse("0xffff3fff"));
    IptArtifactReader r;
    try {
      r = IptablesBackend.read(a);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    IptablesSimulator clear = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(graph).nodeAddresses(), 0);
    IptablesSimulator ones = new IptablesSimulator(r.v4(), r.v6(), SimulationContext.of(graph).nodeAddresses(), -1);
    for (Connection c : probes) {
      IptInterpreter.Result x = clear.run(c, clear.firstPacket(c));
      IptInterpreter.Result y = ones.run(c, ones.firstPacket(c));
      if (x.verdict() != y.verdict() || (x.verdict() == Verdict.ACCEPT && x.packet().mark() != 0)
          || (y.packet().mark() | mask) != -1) {
        throw new AssertionError("mark handling differs for " + c + ": " + x + " / " + y + "\n"
            + String.join("\n", a.files().values()));
      }
    }
  }

  static CompileOptions options(SemanticsOptions sem, Optional<String> node) {
    CompileOptions o = CompileOptions.DEFAULTS.withSemantics(sem);
    return node.map(o::withNode).orElse(o);
  }
}
