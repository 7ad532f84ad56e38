package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.gen.ChangeGen;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.incremental.ClusterChange;
import dev.netpolc.compiler.incremental.CompilerSession;
import dev.netpolc.compiler.incremental.GraphUpdate;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real ipset and iptables-restore in a scratch network namespace: the full artifact, then
 * a sequence of session deltas (pod events and policy changes, per node and cluster-wide, within
 * the ipset budget and over it) applied with {@code delta-apply.sh}; after every step the
 * namespace's {@code ipset save} and {@code iptables-save}/{@code ip6tables-save} (normalised:
 * no counters, hash sizes or seeds, chains and set entries in name order) equal those of the
 * step's full artifact loaded fresh into an empty namespace.
 */
@Tag("kernel")
class RealIptablesDeltaTest {
  private static final int STEPS = 6;
  private static final int EXAMPLES = 5;

  @Test
  void deltasLeaveWhatAFreshFullLoadLeaves() {
    Cluster demo = Fixtures.demo();
    Cluster large = LargeClusterGen.generate(4, 60, 16);
    int[] kinds = new int[4];
    try (RealIptables real = RealIptables.require()) {
      run(real, demo, CompileOptions.DEFAULTS.withNode("node-a"), BackendOptions.DEFAULTS, 11, kinds);
      runScripted(real, Fixtures.read("delta"), kinds);
      run(real, large, CompileOptions.DEFAULTS, BackendOptions.DEFAULTS.with("maxIpsets", "6"), 13, kinds);
      // Generated clusters per node: their pod events are mostly incremental (the fast path).
      qt().withExamples(EXAMPLES).forAll(ClusterGen.clusters(), longs().all(), integers().between(0, 2))
          .checkAssert((c, seed, budget) -> {
            CompileOptions o = c.nodes().isEmpty() ? CompileOptions.DEFAULTS
                : CompileOptions.DEFAULTS.withNode(c.nodes().get(0).name());
            run(real, c, o, BackendOptions.DEFAULTS.with("maxIpsets", budget == 0 ? "2" : "200"), seed, kinds);
          });
    }
    assertThat(kinds[0]).as("fast-path deltas (fast, diff, full, empty: %s)", List.of(kinds[0], kinds[1],
        kinds[2], kinds[3])).isPositive();
    assertThat(kinds[1]).as("diff deltas").isPositive();
  }

  private static void run(RealIptables real, Cluster c, CompileOptions o, BackendOptions opts, long seed,
      int[] kinds) {
    IptablesBackend ipt = new IptablesBackend();
    CompilerSession s = new Compiler().session(c, o);
    real.reset();
    Artifact installed = emit(ipt, s, opts);
    ok(real.apply(installed), "full load");
    Random r = new Random(seed);
    for (int step = 0; step < STEPS; step++) {
      ClusterChange change = step == 3 && !s.cluster().policies().isEmpty() ? policyRemoved(s.cluster())
          : ChangeGen.next(s.cluster(), r, step);
      installed = step(real, ipt, s, installed, change, opts, kinds);
    }
  }

  /** Applies one change's delta for real; the state must equal a fresh full load; the new installed artifact. */
  private static Artifact step(RealIptables real, IptablesBackend ipt, CompilerSession s, Artifact installed,
      ClusterChange change, BackendOptions opts, int[] kinds) {
    GraphUpdate u = s.apply(List.of(change));
    Delta d;
    try {
      d = ipt.update(installed, u, opts);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
    kinds[IncrementalDeltaPropertyTest.kind(d)]++;
    Path dir = real.write(new Artifact(IptablesBackend.NAME, d.files()));
    String script = d.files().containsKey(DeltaWriter.APPLY_FILE) ? DeltaWriter.APPLY_FILE
        : IptablesBackend.APPLY_FILE;
    String where = change.toString() + ", delta:\n" + String.join("\n", d.files().values());
    ok(real.sh("bash " + dir.resolve(script)), where);
    Map<String, List<String>> afterDelta = state(real);
    Artifact full = emit(ipt, s, opts);
    real.reset();
    ok(real.apply(full), "fresh full load");
    assertThat(afterDelta).as(where).isEqualTo(state(real));
    return full;
  }

  /**
   * A client pod on node-2 comes, moves and goes, then both others go (the peer set empties):
   * peer-set changes only for node-1, so the fast path, then the diff.
   */
  private static void runScripted(RealIptables real, Cluster small, int[] kinds) {
    Pod client = small.pods().stream().filter(p -> p.name().equals("client-0")).findFirst().orElseThrow();
    List<ClusterChange> changes = List.of(
        new ClusterChange.PodUpserted(copy(client, "client-new", "198.18.2.20", "fd00:2::20")),
        new ClusterChange.PodUpserted(copy(client, "client-new", "198.18.2.21", "fd00:2::21")),
        new ClusterChange.PodRemoved(client.namespace(), "client-new"),
        new ClusterChange.PodRemoved(client.namespace(), "client-1"),
        new ClusterChange.PodRemoved(client.namespace(), "client-0"));
    IptablesBackend ipt = new IptablesBackend();
    BackendOptions opts = BackendOptions.DEFAULTS;
    CompilerSession s = new Compiler().session(small, CompileOptions.DEFAULTS.withNode("node-1"));
    real.reset();
    Artifact installed = emit(ipt, s, opts);
    ok(real.apply(installed), "full load");
    for (ClusterChange change : changes) {
      installed = step(real, ipt, s, installed, change, opts, kinds);
    }
  }

  private static Pod copy(Pod p, String name, String v4, String v6) {
    return new Pod(p.namespace(), name, p.labels(), List.of(IpAddress.parse(v4), IpAddress.parse(v6)), p.nodeName(),
        p.hostNetwork(), p.phase(), List.of(), List.of(), p.position());
  }

  private static ClusterChange policyRemoved(Cluster c) {
    NetworkPolicy p = c.policies().get(c.policies().size() / 2);
    return new ClusterChange.PolicyRemoved(p.namespace(), p.name());
  }

  private static void ok(RealIptables.Result r, String what) {
    assertThat(r.ok()).as(what + ": " + r.stderr()).isTrue();
  }

  private static Artifact emit(IptablesBackend ipt, CompilerSession s, BackendOptions opts) {
    try {
      return ipt.emit(s.graph(), opts);
    } catch (BackendException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * The namespace's sets and tables, normalised: each set's create line without hash size, seed
   * or bucket size, with its members sorted; each chain with its rules in order, chains sorted;
   * built-in chains with policy ACCEPT only when they hold rules.
   */
  static Map<String, List<String>> state(RealIptables real) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String line : lines(real, "ipset save")) {
      String[] w = line.split(" ", 3);
      if (w[0].equals("create")) {
        out.computeIfAbsent("set " + w[1], k -> new ArrayList<>()).add(0, w[2]
            .replaceAll(" (hashsize|initval|bucketsize) \\S+", ""));
      } else if (w[0].equals("add")) {
        out.computeIfAbsent("set " + w[1], k -> new ArrayList<>()).add(w[2]);
      }
    }
    out.values().forEach(v -> v.subList(1, v.size()).sort(null));
    for (String tool : List.of("iptables-save", "ip6tables-save")) {
      String table = "";
      for (String line : lines(real, tool)) {
        if (line.startsWith("*")) {
          table = tool + " " + line;
        } else if (line.startsWith(":") && !line.matches(":[A-Z]+ ACCEPT .*")) {
          // A built-in chain with policy ACCEPT and no rule does nothing: whether its table was
          // ever instantiated in the namespace (a cleanup command that looked at ip6tables'
          // mangle table does) is not state. User chains and other policies count.
          out.putIfAbsent(table + " " + line.substring(1, line.indexOf(' ')), new ArrayList<>());
        } else if (line.startsWith("-A ")) {
          String chain = line.split(" ", 3)[1];
          out.computeIfAbsent(table + " " + chain, k -> new ArrayList<>()).add(line);
        }
      }
    }
    return out;
  }

  private static List<String> lines(RealIptables real, String cmd) {
    RealIptables.Result r = real.sh(cmd);
    assertThat(r.ok()).as(cmd + ": " + r.stderr()).isTrue();
    return r.stdout().lines().toList();
  }
}
