package dev.netpolc.e2e.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.ebpf.EbpfMaps;
import dev.netpolc.backend.ebpf.EndpointValue;
import dev.netpolc.backend.ebpf.IdentityValue;
import dev.netpolc.backend.ebpf.MapEntry;
import dev.netpolc.backend.ebpf.MapsBatch;
import dev.netpolc.backend.ebpf.MapsDiff;
import dev.netpolc.backend.ebpf.MapsFormatException;
import dev.netpolc.backend.ebpf.PolicyKey;
import dev.netpolc.compiler.matrix.MatrixComputer;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.kernel.CommandResult;
import dev.netpolc.kernel.Family;
import dev.netpolc.kernel.KernelSupport;
import dev.netpolc.kernel.Topology;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc-ebpf update} is atomic for new connections: while an update that renumbers
 * every identity and group (policy set A → policy set B, B's maps renumbered on top of that, and
 * a 10,000-address ipBlock so that the batch takes a while to apply) runs, two client pods open
 * short TCP connections to two servers over both families without pause. Every connection must
 * be decided as A decides it or as B does, never by a mix of the two generations' maps: in
 * particular the connections A and B decide alike keep their verdict throughout, and for the
 * others no connection decided by B ever precedes one decided by A.
 *
 * <p>A mix is what a non-atomic update produces: applying the same batch in place (identities
 * first, policy entries last) makes a peer look up its new identity in the old policy entries,
 * which denies c/a → s/a for the length of the batch (run by hand once; see the branch report).
 */
@Tag("kernel")
class EbpfAtomicUpdateKernelTest {

  private static final String NODE = ReapplyPolicies.NODE;
  /** The padding peers: every other address of 198.19.0.0/16 from .0.0 on, so no two merge into one prefix. */
  private static final int PADDING = 10_000;
  private static final List<String> CLIENTS = List.of("c/a", "c/b");
  private static final List<String> SERVERS = List.of("s/a", "s/b");
  /** Connections per client pod and target run side by side. */
  private static final int PARALLEL = 1;
  /** Connections each prober must have made before the update, and after it. */
  private static final int PROBES_EACH_SIDE = 3;

  /** A: both servers accept TCP 80 from c/a (and from the padding block). */
  private static final String POLICIES_A = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: from-a, namespace: s}
      spec:
        podSelector: {}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: c}}
            podSelector: {matchLabels: {pod: a}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /** B: s/a still accepts c/a only, s/b now c/b only: c/a → s/b and c/b → s/b change, the rest not. */
  private static final String POLICIES_B = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: a-from-a, namespace: s}
      spec:
        podSelector: {matchLabels: {pod: a}}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: c}}
            podSelector: {matchLabels: {pod: a}}
          ports:
          - {port: 80, protocol: TCP}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: b-from-b, namespace: s}
      spec:
        podSelector: {matchLabels: {pod: b}}
        ingress:
        - from:
          - namespaceSelector: {matchLabels: {ns: c}}
            podSelector: {matchLabels: {pod: b}}
          ports:
          - {port: 80, protocol: TCP}
      """;

  /**
   * Per forked child: connect to one target every 50 ms or so (a timeout counts as refused) until
   * the stop file exists, appending "label start end ok|no" per connection (epoch seconds) to the
   * output file (one write per line, so lines of several children do not mix).
   */
  private static final String PROBER = """
      use strict; use warnings; use IO::Socket::IP; use IO::Handle; use Time::HiRes qw(time);
      my ($out, $stop, $parallel, @targets) = @ARGV; my @kids;
      open(my $fh, '>>', $out) or die "$out: $!"; $fh->autoflush(1);
      for my $t (@targets) {
        my ($label, $addr) = split /=/, $t, 2;
        for my $n (1 .. $parallel) {
          my $pid = fork(); die "fork: $!" unless defined $pid;
          if ($pid) { push @kids, $pid; next; }
          my $deadline = time() + 50;
          until (-e $stop || time() > $deadline) {
            my $t0 = time();
            my $s = IO::Socket::IP->new(PeerHost => $addr, PeerPort => 80, Proto => 'tcp', Timeout => 0.5);
            my $t1 = time();
            printf $fh "%s#%d %.6f %.6f %s\\n", $label, $n, $t0, $t1, $s ? 'ok' : 'no';
            close $s if $s;
            Time::HiRes::sleep(0.05); # leave the CPU to the update
          }
          exit 0;
        }
      }
      waitpid($_, 0) for @kids;
      """;

  @BeforeAll
  static void kernel() {
    List<String> tools = new ArrayList<>(List.of(KernelSupport.ROOT, "ip", KernelSupport.NETNS,
        KernelSupport.BR_NETFILTER, KernelSupport.CNI, "socat", "perl"));
    tools.addAll(List.of(EbpfDatapath.TOOLS));
    KernelSupport.assumeAvailable(tools.toArray(String[]::new));
  }

  @AfterAll
  static void unmount() {
    EbpfDatapath.closeShared();
  }

  @Test
  void newConnectionsDuringARenumberingUpdateFollowTheOldOrTheNewPolicyNeverAMix() throws Exception {
    Cluster a = cluster(POLICIES_A);
    Cluster b = cluster(POLICIES_B);
    KernelLayout layout = KernelLayout.of(a);
    assertThat(KernelLayout.of(b)).isEqualTo(layout);
    EbpfNodeArtifacts artifactsA = EbpfNodeArtifacts.compile(a, layout, BackendOptions.DEFAULTS);
    Artifact artifactB = EbpfNodeArtifacts.compile(b, layout, BackendOptions.DEFAULTS).artifacts().get(NODE);
    EbpfMaps mapsA = maps(artifactsA.artifacts().get(NODE));
    EbpfMaps mapsB = renumbered(maps(artifactB));
    var diff = MapsDiff.between(mapsA, mapsB);
    assertThat(MapsDiff.apply(mapsA, diff)).isEqualTo(mapsB);
    // The renumbering touches every identity entry (the padding's included) and the policy entries.
    assertThat(diff.size()).as("commands in the A -> B batch").isGreaterThan(PADDING);

    Map<String, Boolean> underA = verdicts(a);
    Map<String, Boolean> underB = verdicts(b);
    assertThat(underA).as("A and B differ on some connections and agree on others").isNotEqualTo(underB)
        .containsValues(true, false);
    assertThat(underA.keySet().stream().filter(k -> underA.get(k).equals(underB.get(k))).toList())
        .as("connections A and B decide alike").isNotEmpty();

    EbpfDatapath d = EbpfDatapath.shared();
    Path work = Files.createTempDirectory("np-atomic-");
    Path stop = work.resolve("stop");
    Path batch = work.resolve("delta.batch");
    Files.writeString(batch, MapsBatch.write("netpolc eBPF map diff: A -> B renumbered", "/sys/fs/bpf/netpolc", diff));
    try (Topology t = layout.build(Topology.Mode.BRIDGE)) {
      t.startServers(List.of(dev.netpolc.kernel.PortSpec.tcp(80)), false);
      try {
        artifactsA.load(t);
        List<CompletableFuture<CommandResult>> probers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String client : CLIENTS) {
          Path out = work.resolve(client.replace('/', '-') + ".txt");
          outputs.add(out);
          List<String> argv = new ArrayList<>(List.of("perl", "-e", PROBER, out.toString(), stop.toString(),
              Integer.toString(PARALLEL)));
          for (String server : SERVERS) {
            for (Family f : Family.values()) {
              argv.add(client + ">" + server + "@" + f + "=" + t.address(server, f));
            }
          }
          probers.add(CompletableFuture.supplyAsync(() -> t.exec(Duration.ofSeconds(60), "", client,
              argv.toArray(String[]::new))));
        }
        // Every prober under way (a loaded machine starts them slowly), then the update, then every
        // prober past it; the deadlines only bound a broken run.
        awaitProbes(outputs, Double.NEGATIVE_INFINITY);
        double updateStart = System.currentTimeMillis() / 1000.0;
        CommandResult update = d.run(t, NODE, "update", "--batch", batch.toString(), "--pin-dir",
            d.pinDir(t, NODE).toString());
        double updateEnd = System.currentTimeMillis() / 1000.0;
        assertThat(update.ok()).as("update: " + update.describe()).isTrue();
        awaitProbes(outputs, updateEnd);
        Files.writeString(stop, "");
        for (CompletableFuture<CommandResult> p : probers) {
          CommandResult r = p.get();
          assertThat(r.ok()).as("prober: " + r.describe()).isTrue();
        }
        check(read(outputs), underA, underB, updateStart, updateEnd);
      } finally {
        d.run(t, NODE, "detach", "--pin-dir", d.pinDir(t, NODE).toString());
      }
      assertThat(d.leftovers()).as("pins after detach").isEmpty();
    } finally {
      EbpfNodeArtifacts.delete(work);
    }
  }

  /** One connection attempt: by which prober, when (epoch seconds), and whether it connected. */
  private record Connection(String prober, double start, double end, boolean ok) {
    /** "c/a>s/b@V4", the connection without the prober's number. */
    String connection() {
      return prober.substring(0, prober.indexOf('#'));
    }
  }

  /** Waits (up to 30 s) until every prober has finished {@value #PROBES_EACH_SIDE} connections started after {@code after}. */
  private static void awaitProbes(List<Path> outputs, double after) throws IOException, InterruptedException {
    int probers = CLIENTS.size() * SERVERS.size() * Family.values().length * PARALLEL;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, Long> counts = Map.of();
    while (System.nanoTime() < deadline) {
      counts = read(outputs).stream().filter(c -> c.start() > after)
          .collect(java.util.stream.Collectors.groupingBy(Connection::prober, java.util.stream.Collectors.counting()));
      if (counts.size() == probers && counts.values().stream().allMatch(n -> n >= PROBES_EACH_SIDE)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("probers too slow: connections started after " + after + " per prober: " + counts);
  }

  /** The connections the probers have written so far (complete lines only). */
  private static List<Connection> read(List<Path> outputs) throws IOException {
    List<Connection> out = new ArrayList<>();
    for (Path p : outputs) {
      if (!Files.exists(p)) {
        continue;
      }
      String text = Files.readString(p);
      for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.strip().split(" ");
        assertThat(f).as("prober line '" + line + "'").hasSize(4);
        out.add(new Connection(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3].equals("ok")));
      }
    }
    return out;
  }

  /**
   * Every connection decided by A or by B; before the update only A, after it only B; per prober
   * (one connection after the other) never B then A; across probers no B-decided connection
   * ended before an A-decided one (where A and B differ) started. And enough probes on each side
   * of the update that the check means something.
   */
  private static void check(List<Connection> seen, Map<String, Boolean> underA, Map<String, Boolean> underB,
      double updateStart, double updateEnd) {
    Map<String, List<Connection>> byProber = new TreeMap<>();
    seen.forEach(c -> byProber.computeIfAbsent(c.prober(), k -> new ArrayList<>()).add(c));
    assertThat(byProber).as("probers").hasSize(CLIENTS.size() * SERVERS.size() * Family.values().length * PARALLEL);
    List<String> problems = new ArrayList<>();
    double firstBEnd = Double.POSITIVE_INFINITY; // where A and B differ: the earliest end of a connection B decided
    double lastAStart = Double.NEGATIVE_INFINITY; // and the latest start of one A decided
    for (Map.Entry<String, List<Connection>> e : byProber.entrySet()) {
      List<Connection> cs = e.getValue();
      String conn = cs.get(0).connection();
      String pair = conn.substring(0, conn.indexOf('@'));
      boolean va = underA.get(pair);
      boolean vb = underB.get(pair);
      assertThat(cs.stream().filter(c -> c.end() < updateStart).count()).as(e.getKey() + " before the update")
          .isGreaterThanOrEqualTo(PROBES_EACH_SIDE - 1);
      assertThat(cs.stream().filter(c -> c.start() > updateEnd).count()).as(e.getKey() + " after the update")
          .isGreaterThanOrEqualTo(PROBES_EACH_SIDE);
      boolean sawB = false;
      for (Connection c : cs) {
        if (c.ok() != va && c.ok() != vb) {
          problems.add(String.format("%s at %.3f (update %.3f..%.3f): %s, but A and B both say %s", e.getKey(),
              c.start(), updateStart, updateEnd, c.ok() ? "connected" : "refused", va ? "allow" : "deny"));
        }
        if (va == vb) {
          continue;
        }
        boolean byB = c.ok() == vb;
        if (c.end() < updateStart && byB) {
          problems.add(e.getKey() + " decided by B before the update started, at " + c.start());
        }
        if (c.start() > updateEnd && !byB) {
          problems.add(e.getKey() + " decided by A after the update ended, at " + c.start());
        }
        if (sawB && !byB) {
          problems.add(e.getKey() + " decided by A at " + c.start() + " after an earlier connection decided by B");
        }
        sawB |= byB;
        if (byB) {
          firstBEnd = Math.min(firstBEnd, c.end());
        } else {
          lastAStart = Math.max(lastAStart, c.start());
        }
      }
    }
    if (firstBEnd < lastAStart) {
      problems.add(String.format("a connection decided by B ended at %.6f, before one decided by A started at %.6f",
          firstBEnd, lastAStart));
    }
    assertThat(problems).as("connections during the update (%d in all)", seen.size()).isEmpty();
  }

  /** "c/a>s/b" → whether {@code cluster} allows TCP 80 from c/a to s/b, for every client and server. */
  private static Map<String, Boolean> verdicts(Cluster cluster) {
    ReachabilityMatrix m = MatrixComputer.compute(cluster, new ReferenceEvaluator(cluster), PortSpec.of(80),
        Protocol.TCP);
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (String client : CLIENTS) {
      for (String server : SERVERS) {
        out.put(client + ">" + server, m.reaches(client, server));
      }
    }
    return out;
  }

  private static EbpfMaps maps(Artifact artifact) throws MapsFormatException {
    return MapsBatch.read(MapsBatch.FILE, artifact.files().get(MapsBatch.FILE));
  }

  /**
   * The same decisions under other numbers: within each peer class the identities in reverse
   * order, and the groups in reverse order, so that (almost) every identity and group changes.
   * Keeps this test's renumbering independent of how the emitter allocates numbers.
   */
  static EbpfMaps renumbered(EbpfMaps m) {
    TreeSet<Integer> identities = new TreeSet<>(Integer::compareUnsigned);
    m.ident4().forEach(e -> identities.add(e.value().identity()));
    m.ident6().forEach(e -> identities.add(e.value().identity()));
    Map<Integer, Integer> identity = reversedPerClass(identities);
    TreeSet<Integer> groups = new TreeSet<>(Integer::compareUnsigned);
    m.endpoints().stream().filter(e -> e.value().isEndpoint()).forEach(e -> groups.add(e.value().group()));
    m.policy().forEach(e -> groups.add(e.key().group()));
    Map<Integer, Integer> group = reversed(new ArrayList<>(groups));
    UnaryOperator<Integer> id = i -> identity.getOrDefault(i, i); // class keys and "any peer" stay
    return new EbpfMaps(
        m.ident4().stream().map(e -> new MapEntry<>(e.key(), new IdentityValue(id.apply(e.value().identity())))).toList(),
        m.ident6().stream().map(e -> new MapEntry<>(e.key(), new IdentityValue(id.apply(e.value().identity())))).toList(),
        m.endpoints().stream().map(e -> e.value().isEndpoint()
            ? new MapEntry<>(e.key(), new EndpointValue(group.get(e.value().group()), e.value().flags())) : e).toList(),
        m.policy().stream().map(e -> {
          PolicyKey k = e.key();
          return new MapEntry<>(new PolicyKey(k.prefixLength(), group.get(k.group()), id.apply(k.peer()), k.direction(),
              k.ownNode(), k.protocol(), k.port()), e.value());
        }).toList(),
        m.hostPods());
  }

  private static Map<Integer, Integer> reversedPerClass(TreeSet<Integer> identities) {
    Map<Integer, List<Integer>> byClass = new TreeMap<>();
    identities.forEach(i -> byClass.computeIfAbsent(i >>> 24, c -> new ArrayList<>()).add(i));
    Map<Integer, Integer> out = new HashMap<>();
    byClass.values().forEach(ids -> out.putAll(reversed(ids)));
    return out;
  }

  private static Map<Integer, Integer> reversed(List<Integer> sorted) {
    Map<Integer, Integer> out = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      out.put(sorted.get(i), sorted.get(sorted.size() - 1 - i));
    }
    return out;
  }

  /**
   * Namespaces c and s with pods a and b each (dual-stack, on {@link #NODE}), {@code policies}, and
   * a policy letting the padding block into s (in A and B alike: its identity entries are what
   * makes the batch long).
   */
  static Cluster cluster(String policies) {
    StringBuilder yaml = ReapplyPolicies.inventory("c", "s");
    yaml.append("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: padding, namespace: s}
        spec:
          podSelector: {}
          ingress:
          - from:
        """);
    for (int i = 0; i < PADDING; i++) {
      yaml.append("    - ipBlock: {cidr: 198.19.").append(i / 128).append('.').append(2 * (i % 128)).append("/32}\n");
    }
    yaml.append("    ports:\n    - {port: 8080, protocol: TCP}\n---\n").append(policies);
    ReadResult r = new PolicyReader().readString("atomic.yaml", yaml.toString());
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }
}
