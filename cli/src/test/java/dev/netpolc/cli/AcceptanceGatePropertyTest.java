package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.cli.CompileCommandTest.Run;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.ClusterYaml;
import dev.netpolc.compiler.gen.Draw;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.yaml.PolicyWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Issue 21, the class of the bug: for generated clusters (ClusterGen's, which already mix in
 * rules of a direction missing from policyTypes, plus more of those, irregular CIDRs that strict
 * CIDR validation would reject and lenient validation warns about, and sometimes one finding
 * the API server rejects), {@code matrix} succeeds if and only if {@code compile} succeeds for
 * each backend, and {@code explain} and {@code diff} likewise; both show the same warnings; and
 * when they succeed the compiled artifact decides like matrix: {@code verify} of the files
 * {@code compile} wrote agrees with the reference, and {@code matrix --via} each backend prints
 * what {@code --via reference} prints.
 */
class AcceptanceGatePropertyTest {
  private static final int EXAMPLES = 40;
  private static final List<String> BACKENDS = List.of("nftables", "iptables", "ebpf");

  /** Findings the API server accepts: lenient validation warns (NP106, NP214), nothing blocks. */
  enum Accepted { IGNORED_INGRESS, IGNORED_EGRESS, HOST_BITS, LEADING_ZERO, IPV4_MAPPED, EXCEPT_HOST_BITS }

  /** Findings the API server rejects: every command refuses the input. */
  enum Rejected {
    INVALID_CIDR, EMPTY_PEER, END_PORT_BELOW_PORT, IN_WITHOUT_VALUES, DUPLICATE_POLICY, INVALID_PORT_NAME,
    UNKNOWN_PROTOCOL, UNKNOWN_POLICY_TYPE, INVALID_POLICY_NAME, INVALID_POD_LABEL
  }

  /**
   * One example: the cluster, what was mixed into it, and the probe.
   *
   * @param cluster  the input
   * @param accepted the accepted findings mixed in (ClusterGen's own NP106 cases come on top)
   * @param rejected the rejected finding mixed in, if any
   * @param port     the matrix port: a number or a container-port name
   * @param protocol TCP, UDP or SCTP
   */
  record Case(Cluster cluster, List<Accepted> accepted, Optional<Rejected> rejected, String port, String protocol) {
    String describe() {
      return "mixed in: " + accepted + ", rejected: " + rejected + "; probe " + port + "/" + protocol
          + ClusterYaml.describe(cluster);
    }
  }

  @TempDir
  static Path tmp;

  private static final AtomicInteger EXAMPLE = new AtomicInteger();
  /** What the examples covered: accepted, rejected, accepted with NP106 and with NP214 warnings. */
  private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

  @Test
  void everyCommandAcceptsWhatMatrixAcceptsAndTheArtifactDecidesLikeMatrix() {
    qt().withExamples(EXAMPLES).forAll(cases()).checkAssert(AcceptanceGatePropertyTest::check);
    // The property says something only if both sides of "if and only if" and both warnings occurred.
    assertThat(SEEN.keySet()).as("%s", SEEN).contains("accepted", "rejected", "accepted NP106", "accepted NP214");
  }

  private static void check(Case k) {
    Path dir = tmp.resolve("example-" + EXAMPLE.incrementAndGet());
    Path all = write(dir.resolve("all.yaml"), PolicyWriter.toYaml(k.cluster()));
    Cluster c = k.cluster();
    Cluster inventory = new Cluster(c.namespaces(), c.pods(), c.nodes(), List.of());
    int half = c.policies().size() / 2;
    Path inv = write(dir.resolve("inventory.yaml"), PolicyWriter.toYaml(inventory));
    Path before = write(dir.resolve("old.yaml"), "# the first half of the policies\n"
        + PolicyWriter.toYaml(Cluster.EMPTY.withPolicies(c.policies().subList(0, half))));
    Path after = write(dir.resolve("new.yaml"), "# every policy\n" + PolicyWriter.toYaml(Cluster.EMPTY.withPolicies(
        c.policies())));

    Run matrix = run("matrix", "--port", k.port(), "--protocol", k.protocol(), "--format", "json", all.toString());
    assertThat(matrix.rc()).as(matrix.err()).isIn(Main.EXIT_OK, Main.EXIT_USAGE);
    boolean accepted = matrix.rc() == Main.EXIT_OK;
    // The gate's decision is the API server's: what was mixed in says which one to expect.
    assertThat(accepted).as("matrix accepted it; stderr:%n%s", matrix.err()).isEqualTo(k.rejected().isEmpty());
    List<String> warnings = warnings(matrix);
    count(accepted ? "accepted" : "rejected");
    for (String id : List.of("NP106", "NP214")) {
      if (accepted && warnings.stream().anyMatch(w -> w.contains("warning[" + id + "]"))) {
        count("accepted " + id);
      }
    }
    if (!accepted) {
      assertThat(matrix.out()).isEmpty();
      assertThat(matrix.err()).contains("error[").contains("the input is invalid");
    }
    if (k.accepted().contains(Accepted.IGNORED_INGRESS) || k.accepted().contains(Accepted.IGNORED_EGRESS)) {
      assertThat(warnings).anyMatch(w -> w.contains("warning[NP106]"));
    }
    if (k.accepted().contains(Accepted.HOST_BITS) || k.accepted().contains(Accepted.IPV4_MAPPED)) {
      assertThat(warnings).anyMatch(w -> w.contains("warning[NP214]"));
    }

    for (String backend : BACKENDS) {
      Path out = dir.resolve("out-" + backend);
      Run compile = run("compile", "--backend", backend, "--output", out.toString(), all.toString());
      assertThat(compile.rc()).as("compile --backend %s (matrix exit %d); stderr:%n%s", backend, matrix.rc(),
          compile.err()).isEqualTo(matrix.rc());
      assertThat(warnings(compile)).as("compile --backend %s warnings", backend).isEqualTo(warnings);
      if (!accepted) {
        assertThat(out).doesNotExist();
        continue;
      }
      Run verify = run("verify", "--backend", backend, out.toString(), all.toString());
      assertThat(verify.rc()).as("verify --backend %s:%n%s%s", backend, verify.out(), verify.err())
          .isEqualTo(Main.EXIT_OK);
      Run via = run("matrix", "--via", backend, "--port", k.port(), "--protocol", k.protocol(), "--format", "json",
          all.toString());
      assertThat(via.rc()).as(via.err()).isEqualTo(Main.EXIT_OK);
      assertThat(via.out()).as("matrix --via %s", backend).isEqualTo(matrix.out());
    }

    Run explain = run("explain", "--from", source(c), "--to", destination(c), "--port", numeric(k.port()),
        "--protocol", k.protocol(), all.toString());
    assertThat(explain.rc()).as("explain; stderr:%n%s", explain.err()).isEqualTo(matrix.rc());
    assertThat(warnings(explain)).isEqualTo(warnings);

    Run diff = run("diff", "--cluster", inv.toString(), "--port", numeric(k.port()), "--protocol", k.protocol(),
        before.toString(), after.toString());
    assertThat(diff.rc()).as("diff; stderr:%n%s", diff.err()).isEqualTo(matrix.rc());
  }

  // ---- the generator ----

  private static Gen<Case> cases() {
    Gen<Cluster> clusters = ClusterGen.clusters();
    Gen<Case> g = in -> {
      Cluster base = clusters.generate(in);
      Draw d = Draw.of(in);
      List<Accepted> accepted = new ArrayList<>();
      int n = d.between(0, 3);
      for (int i = 0; i < n; i++) {
        accepted.add(d.pick(List.of(Accepted.values())));
      }
      Optional<Rejected> rejected = d.chance(30) ? Optional.of(d.pick(List.of(Rejected.values()))) : Optional.empty();
      String port = d.pick(List.of("80", "53", "8080", "http", "dns"));
      String protocol = d.pick(List.of("TCP", "UDP", "SCTP"));
      return new Case(mixIn(base, accepted, rejected), List.copyOf(accepted), rejected, port, protocol);
    };
    return g.describedAs(Case::describe);
  }

  private static Cluster mixIn(Cluster c, List<Accepted> accepted, Optional<Rejected> rejected) {
    List<NetworkPolicy> policies = new ArrayList<>(c.policies());
    List<Pod> pods = new ArrayList<>(c.pods());
    for (int i = 0; i < accepted.size(); i++) {
      policies.add(accepted(accepted.get(i), "warn" + i, i));
    }
    rejected.ifPresent(r -> {
      if (r == Rejected.DUPLICATE_POLICY) {
        policies.add(policies.isEmpty() ? ingress("dup", rule(Peer.pods(LabelSelector.EVERYTHING))) : policies.get(0));
        if (policies.size() == 1) {
          policies.add(policies.get(0));
        }
      } else if (r == Rejected.INVALID_POD_LABEL) {
        pods.add(new Pod("a", "badly-labelled", Map.of("app", "-not-a-value"), List.of(IpAddress.parse("198.18.0.200")),
            "n1", false, "Running", List.of(), List.of(), SourcePosition.UNKNOWN));
      } else {
        policies.add(rejected(r));
      }
    });
    return new Cluster(c.namespaces(), pods, c.nodes(), policies);
  }

  private static NetworkPolicy accepted(Accepted kind, String name, int i) {
    String ns = List.of("a", "b", "c").get(i % 3);
    PolicyRule anyone = rule(Peer.pods(LabelSelector.EVERYTHING));
    return switch (kind) {
      case IGNORED_INGRESS -> NetworkPolicy.of(ns, name, LabelSelector.ofLabels(Map.of("app", "web")),
          List.of("Egress"), List.of(anyone), List.of(rule(block("198.18.0.0/28"))));
      case IGNORED_EGRESS -> NetworkPolicy.of(ns, name, LabelSelector.EVERYTHING, List.of("Ingress"),
          List.of(rule(Peer.namespaces(LabelSelector.EVERYTHING))), List.of(anyone));
      case HOST_BITS -> ingress(name, rule(block("198.18.0.5/29")));
      case LEADING_ZERO -> ingress(name, rule(block("198.018.0.0/30")));
      case IPV4_MAPPED -> ingress(name, rule(block("::ffff:198.18.0.0/124")));
      case EXCEPT_HOST_BITS -> ingress(name, rule(block("198.18.0.0/15", "198.18.0.1/30")));
    };
  }

  private static NetworkPolicy rejected(Rejected kind) {
    return switch (kind) {
      case INVALID_CIDR -> ingress("bad", rule(block("198.18.0.0/33")));
      case EMPTY_PEER -> ingress("bad", rule(new Peer(Optional.empty(), Optional.empty(), Optional.empty())));
      case END_PORT_BELOW_PORT -> ingress("bad", new PolicyRule(List.of(),
          List.of(new PolicyPort(Optional.of("TCP"), Optional.of(PortValue.of(90)), Optional.of(80)))));
      case IN_WITHOUT_VALUES -> ingress("bad", rule(Peer.pods(new LabelSelector(Map.of(),
          List.of(new LabelSelectorRequirement("app", "In", List.of()))))));
      case INVALID_PORT_NAME -> ingress("bad", new PolicyRule(List.of(),
          List.of(new PolicyPort(Optional.empty(), Optional.of(PortValue.named("no_underscores")), Optional.empty()))));
      case UNKNOWN_PROTOCOL -> ingress("bad", new PolicyRule(List.of(),
          List.of(new PolicyPort(Optional.of("ICMP"), Optional.of(PortValue.of(80)), Optional.empty()))));
      case UNKNOWN_POLICY_TYPE -> NetworkPolicy.of("a", "bad", LabelSelector.EVERYTHING, List.of("Sideways"),
          List.of(), List.of());
      case INVALID_POLICY_NAME -> ingress("Not_A_Name", rule(Peer.pods(LabelSelector.EVERYTHING)));
      case DUPLICATE_POLICY, INVALID_POD_LABEL -> throw new IllegalArgumentException(kind + " is not one policy");
    };
  }

  private static NetworkPolicy ingress(String name, PolicyRule rule) {
    return NetworkPolicy.of("b", name, LabelSelector.EVERYTHING, List.of("Ingress"), List.of(rule), List.of());
  }

  private static PolicyRule rule(Peer peer) {
    return new PolicyRule(List.of(peer), List.of());
  }

  private static Peer block(String cidr, String... except) {
    return Peer.ipBlock(new IpBlock(cidr, List.of(except)));
  }

  // ---- helpers ----

  private static void count(String what) {
    SEEN.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  /** An IPv4 source: a pod's address when one has one, else an outside address. */
  private static String source(Cluster c) {
    return v4(c).stream().findFirst().orElse("203.0.113.9");
  }

  private static String destination(Cluster c) {
    List<String> v4 = v4(c);
    return v4.isEmpty() ? "198.18.0.1" : v4.get(v4.size() - 1);
  }

  private static List<String> v4(Cluster c) {
    return c.pods().stream().flatMap(p -> p.ips().stream()).filter(ip -> !ip.v6()).map(IpAddress::toString)
        .collect(Collectors.toList());
  }

  /** Explain and diff take the matrix's port as a number (a name needs a destination pod). */
  private static String numeric(String port) {
    return port.chars().allMatch(Character::isDigit) ? port : "80";
  }

  /** The finding lines ({@code file:line:col: warning[ID]: ...}) a command printed. */
  private static List<String> warnings(Run r) {
    return r.err().lines().filter(l -> l.contains(": warning[NP")).toList();
  }

  private static Run run(String... args) {
    return CompileCommandTest.run(args);
  }

  private static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
