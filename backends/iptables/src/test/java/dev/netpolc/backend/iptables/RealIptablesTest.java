package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The emitted files against the real tools in a throwaway network namespace: sampled generated
 * clusters load with {@code ipset restore} and pass {@code iptables-restore --test} and
 * {@code ip6tables-restore --test}; the demo applied twice with apply.sh keeps a foreign rule,
 * hooks once, and what {@code ipset save} / {@code iptables-save} list back still verifies.
 */
class RealIptablesTest {
  private static final int SAMPLES = 20;

  @Test
  void sampledScriptsPassTheRealTools() {
    List<Artifact> artifacts = new ArrayList<>();
    qt().withExamples(SAMPLES).forAll(ClusterGen.clusters(), booleans().all()).checkAssert((c, nodeLocal) -> {
      SemanticsOptions sem = SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(nodeLocal);
      Optional<String> node = c.nodes().isEmpty() || artifacts.size() % 2 == 0 ? Optional.empty()
          : Optional.of(c.nodes().get(artifacts.size() % c.nodes().size()).name());
      CompileOptions o = CompileOptions.DEFAULTS.withSemantics(sem);
      RuleGraph g = Fixtures.compile(c, node.map(o::withNode).orElse(o));
      // Every other sample with a tiny budget, so inline fallback rules meet the real parser too.
      BackendOptions bo = BackendOptions.DEFAULTS.withLogDrops(true)
          .with("maxIpsets", artifacts.size() % 2 == 0 ? "200" : "1");
      artifacts.add(Fixtures.emit(g, bo));
    });
    // QuickTheories may draw the same small cluster twice; most draws are distinct.
    assertThat(artifacts).hasSizeGreaterThan(SAMPLES / 2);
    try (RealIptables real = RealIptables.require()) {
      for (Artifact a : artifacts) {
        real.reset();
        RealIptables.Result r = real.loadSetsAndTestRules(a);
        assertThat(r.ok()).as("rejected:%n%s%n%s", r.stderr(), String.join("\n", a.files().values())).isTrue();
      }
    }
  }

  @Test
  void demoAppliesTwiceAndListsBackAsVerified() throws Exception {
    Cluster demo = Fixtures.demo();
    RuleGraph g = Fixtures.compile(demo, CompileOptions.DEFAULTS.withNode("node-a")
        .withSemantics(SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false)));
    Artifact a = Fixtures.emit(g, BackendOptions.DEFAULTS);
    try (RealIptables real = RealIptables.require()) {
      assertThat(real.sh("iptables -A FORWARD -s 203.0.113.9 -j ACCEPT && iptables -N FOREIGN").ok()).isTrue();
      for (int i = 0; i < 2; i++) {
        RealIptables.Result r = real.apply(a);
        assertThat(r.ok()).as(r.stderr()).isTrue();
      }
      String forward = real.sh("iptables -S FORWARD").stdout();
      assertThat(forward.lines().filter(l -> l.equals("-A FORWARD -j NETPOLC-FORWARD"))).hasSize(1);
      assertThat(forward).contains("-A FORWARD -s 203.0.113.9/32 -j ACCEPT");
      assertThat(real.sh("iptables -S INPUT").stdout().lines().filter(l -> l.contains("NETPOLC-INPUT"))).hasSize(1);
      assertThat(real.sh("iptables -S FOREIGN").ok()).isTrue();

      TreeMap<String, String> listed = new TreeMap<>();
      listed.put("ipset.save", real.sh("ipset save").stdout());
      listed.put("iptables.save", real.sh("iptables-save -t filter").stdout());
      listed.put("ip6tables.save", real.sh("ip6tables-save -t filter").stdout());
      Artifact back = new Artifact("iptables", listed);
      IptArtifactReader read = IptablesBackend.read(back);
      assertThat(read.sets().keySet()).allMatch(n -> n.startsWith("NETPOLC-"));
      VerifyReport report = Verifier.verify(demo, SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
          Optional.of("node-a"), new IptablesBackend().simulator(back, SimulationContext.of(g)), 3);
      assertThat(report.first()).as("%s", listed).isEmpty();
    }
  }
}
