package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.iptables.sim.IptArtifactReader;
import dev.netpolc.backend.iptables.sim.IpsetLoader;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel allows 256 ipsets per network namespace. A generated cluster that needs more than
 * 256 sets is emitted within the budget ({@code maxIpsets}, default 200): the smaller sets become
 * mark bits filled from identity sets (and, when the mask runs out of bits, inline rules); the
 * header, {@code statistics()} and {@code warnings()} say how many; decisions do not change
 * (simulated against the reference on sampled probes); and the real ipset and iptables load it
 * into a network namespace without ever holding more than 256 sets.
 */
class IpsetBudgetTest {
  private static Cluster cluster;
  private static RuleGraph graph;

  @BeforeAll
  static void compile() {
    cluster = LargeClusterGen.generate(11, 1500, 400);
    graph = Fixtures.compile(cluster, CompileOptions.DEFAULTS);
  }

  @Test
  void overTheLimitEncodesSetsAsMarkBitsAndSaysSo() throws BackendException {
    Artifact a = Fixtures.emit(graph, BackendOptions.DEFAULTS);
    SortedMap<String, Long> stats = new IptablesBackend().statistics(a);
    System.out.println("ipset budget, generated 1500 pods / 400 policies: " + stats);
    long needed = stats.get("setsNeeded");
    assertThat(needed).isGreaterThan(256L);
    assertThat(stats.get("ipsets")).isLessThanOrEqualTo(200L);
    assertThat(stats.get("setsIdentity")).isPositive();
    assertThat(stats.get("ipsets") + stats.get("setsIdentity") + stats.get("setsInlined"))
        .as("every set is an ipset, identity bits or inline").isGreaterThanOrEqualTo(needed);
    String ipset = a.files().get("ipset.restore");
    assertThat(ipset).contains("# Over the ipset budget (option maxIpsets): " + stats.get("setsIdentity")
        + " smaller sets are encoded as mark bits").contains(" skbinfo");
    assertThat(a.files().get("iptables.rules")).contains("*mangle", "--map-mark", "-m mark --mark ");
    assertThat(new IptablesBackend().warnings(a)).singleElement().asString()
        .contains(needed + " address sets needed, over maxIpsets=200", "encoded as mark bits");
    assertThat(IptablesBackend.read(a).peakSets()).isLessThanOrEqualTo(201);

    // A narrow mask runs out of bits: the rest is inlined, and still decides the same.
    Artifact narrow = Fixtures.emit(graph, BackendOptions.DEFAULTS.with("markMask", "0xff"));
    SortedMap<String, Long> narrowStats = new IptablesBackend().statistics(narrow);
    assertThat(narrowStats.get("setsIdentity")).isBetween(1L, 16L);
    assertThat(narrowStats.get("setsInlined")).isPositive();

    Artifact unlimited = Fixtures.emit(graph, BackendOptions.DEFAULTS.with("maxIpsets", "255"));
    assertThat(IptablesBackend.read(unlimited).peakSets()).isLessThanOrEqualTo(IpsetLoader.MAX_SETS);
    Artifact none = Fixtures.emit(graph, BackendOptions.DEFAULTS.with("maxIpsets", "0"));
    assertThat(IptablesBackend.read(none).sets()).isEmpty();

    ReferenceEvaluator ref = new ReferenceEvaluator(cluster, SemanticsOptions.DEFAULTS);
    List<Connection> sample = sample(cluster, 4000);
    for (Artifact x : List.of(a, narrow, unlimited, none)) {
      VerifyReport r = Verifier.verify(ref, Optional.empty(),
          new IptablesBackend().simulator(x, SimulationContext.of(graph)), sample, 1);
      assertThat(r.first()).isEmpty();
    }
  }

  /** Seeded random pod-to-pod probes (the full probe set of 1,500 pods is too large here). */
  static List<Connection> sample(Cluster c, int n) {
    List<IpAddress> ips = new ArrayList<>();
    List<Integer> ports = new ArrayList<>(List.of(1, 53, 80, 443));
    for (Pod p : c.pods()) {
      ips.addAll(p.ips());
      p.allPorts().forEach(cp -> ports.add(cp.containerPort()));
    }
    Random r = new Random(5);
    List<Connection> out = new ArrayList<>();
    while (out.size() < n) {
      IpAddress s = ips.get(r.nextInt(ips.size()));
      IpAddress d = ips.get(r.nextInt(ips.size()));
      if (s.v6() == d.v6()) {
        Protocol proto = Protocol.values()[r.nextInt(Protocol.values().length)];
        out.add(Connection.of(s, d, proto, ports.get(r.nextInt(ports.size()))));
      }
    }
    return out;
  }

  @Test
  void budgetIsValidated() {
    for (String bad : List.of("256", "-1", "many")) {
      assertThatThrownBy(() -> new IptablesBackend().emit(graph, BackendOptions.DEFAULTS.with("maxIpsets", bad)))
          .isInstanceOf(BackendException.class).hasMessageContaining("maxIpsets");
    }
    for (String bad : List.of("0", "0x1ffffffff", "0xffffffff", "0x4000", "bits")) {
      assertThatThrownBy(() -> new IptablesBackend().emit(graph, BackendOptions.DEFAULTS.with("markMask", bad)))
          .isInstanceOf(BackendException.class).hasMessageContaining("markMask");
    }
  }

  @Test
  void realIpsetLoadsItWithinTheKernelLimit() {
    Artifact a = Fixtures.emit(graph, BackendOptions.DEFAULTS);
    IptArtifactReader read;
    try {
      read = IptablesBackend.read(a);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    try (RealIptables real = RealIptables.require()) {
      RealIptables.Result r = real.apply(a);
      assertThat(r.ok()).as(r.stderr()).isTrue();
      long sets = real.sh("ipset list -n").stdout().lines().count();
      assertThat(sets).isEqualTo(read.sets().size()).isLessThanOrEqualTo(200);
      assertThat(real.sh("iptables -t mangle -S FORWARD").stdout()).contains("-j NETPOLC-FORWARD");
      // Applying again swaps every set through the temporary one: still within the limit.
      assertThat(real.apply(a).ok()).isTrue();
    }
  }
}
