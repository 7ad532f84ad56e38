package dev.netpolc.backend.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.UngatedCompiler;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.validation.InputRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names the validator would reject, built in code, cannot inject anything into the four files:
 * with quoted strings blanked, every file is line for line what a benign cluster of the same
 * shape gives (names are hashes, never input text); every comment and log prefix holds only
 * safe characters within the kernel's limits; apply.sh holds no input text at all; and the
 * files still decide like the reference. {@code Compiler.compile}'s acceptance gate refuses such
 * names first; the graph is built past it to check the emitter's own escaping.
 */
class HostileNamesTest {
  private static final String INJECT = "x\" -j ACCEPT\nCOMMIT\n*filter\n\"";

  /** The same cluster shape, with every name passed through {@code name}. */
  private static Cluster cluster(UnaryOperator<String> name) {
    String evil = name.apply("evil");
    String node = name.apply("node");
    List<Namespace> namespaces = List.of(Namespace.of(evil, Map.of("team", name.apply("t"))),
        Namespace.of("ok", Map.of()));
    List<Pod> pods = new ArrayList<>();
    pods.add(new Pod(evil, name.apply("pod-a"), Map.of("app", name.apply("web")), List.of(IpAddress.parse("198.18.0.1"),
        IpAddress.parse("fd00::1")), node, false, "Running",
        List.of(new ContainerPort("http", 8080, Protocol.TCP)), List.of(), SourcePosition.UNKNOWN));
    pods.add(new Pod(evil, name.apply("pod-b"), Map.of("app", "db"), List.of(IpAddress.parse("198.18.0.2")), node,
        false, "Running", List.of(), List.of(), SourcePosition.UNKNOWN));
    pods.add(new Pod("ok", "client", Map.of(), List.of(IpAddress.parse("198.18.0.3")), "other", false, "Running",
        List.of(), List.of(), SourcePosition.UNKNOWN));
    List<Node> nodes = List.of(new Node(node, Map.of(), List.of(IpAddress.parse("192.0.2.1")), List.of(),
        SourcePosition.UNKNOWN));
    PolicyRule in = new PolicyRule(List.of(Peer.namespaces(LabelSelector.EVERYTHING)),
        List.of(new PolicyPort(Optional.of("TCP"), Optional.of(PortValue.named("http")), Optional.empty())));
    PolicyRule out = new PolicyRule(List.of(Peer.ipBlock(new IpBlock("198.18.0.0/24", List.of("198.18.0.3/32")))),
        List.of());
    List<NetworkPolicy> policies = List.of(
        NetworkPolicy.of(evil, name.apply("np"), LabelSelector.EVERYTHING, List.of("Ingress", "Egress"), List.of(in),
            List.of(out)),
        NetworkPolicy.of(evil, name.apply("deny-all"), new LabelSelector(Map.of("app", "db"), List.of()),
            List.of("Ingress"), List.of(), List.of()));
    return new Cluster(namespaces, pods, nodes, policies);
  }

  private static final List<String> HOSTILE = List.of(INJECT, "a\n-A FORWARD -j ACCEPT\n#", "back\\slash\\\"",
      "$(reboot) `id` ; rm -rf /", "--comment \"x\" -j DROP", "\u00e9t\u00e9 \ud83d\udd25 \u0000\u202e",
      "x".repeat(300) + "\";");
  static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void hostileNamesCannotInject(int which) throws Exception {
    String payload = HOSTILE.get(which);
    Cluster hostile = cluster(n -> n + payload);
    Cluster benign = cluster(n -> n + "-plain");
    BackendOptions options = BackendOptions.DEFAULTS.withLogDrops(true).withLogPrefix(payload);
    for (Optional<String> node : List.of(Optional.<String>empty(), Optional.of("node"))) {
      CompileOptions co = node.map(n -> CompileOptions.DEFAULTS.withNode(n + payload)).orElse(CompileOptions.DEFAULTS);
      CompileOptions cb = node.map(n -> CompileOptions.DEFAULTS.withNode(n + "-plain")).orElse(CompileOptions.DEFAULTS);
      assertThatThrownBy(() -> Fixtures.compile(hostile, co)).isInstanceOf(InputRejectedException.class);
      RuleGraph graph = UngatedCompiler.compile(hostile, co);
      Artifact a = Fixtures.emit(graph, options);
      Artifact b = Fixtures.emit(Fixtures.compile(benign, cb), options);
      assertThat(a.files().keySet()).isEqualTo(b.files().keySet());
      for (String file : a.files().keySet()) {
        String text = a.files().get(file);
        List<String> lines = text.lines().toList();
        List<String> benignLines = b.files().get(file).lines().toList();
        assertThat(lines).as(file).hasSameSizeAs(benignLines);
        // Only hashes and quoted text differ (names are hashes, so objects may sort differently).
        assertThat(shapes(lines)).as(file).isEqualTo(shapes(benignLines));
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (!file.equals("apply.sh")) {
            assertThat(line).doesNotContain("\\").doesNotContain("$").doesNotContain("`").doesNotContain("\u0000");
          }
          assertThat(line.chars().filter(c -> c == '"').count() % 2).as(line).isZero();
          Matcher m = QUOTED.matcher(line);
          while (m.find() && !file.equals("apply.sh")) {
            String s = m.group(1);
            assertThat(s.length()).isLessThanOrEqualTo(IptText.MAX_COMMENT);
            assertThat(s.codePoints().allMatch(IptText::isSafe)).as(s).isTrue();
            if (line.substring(0, m.start()).endsWith("--log-prefix ")) {
              assertThat(s.length()).isLessThanOrEqualTo(IptText.MAX_LOG_PREFIX);
            }
          }
        }
      }
      // apply.sh names no input at all, except its sanitised scope comment.
      assertThat(a.files().get("apply.sh").lines().filter(l -> !l.startsWith("# netpolc iptables apply script")))
          .noneMatch(l -> l.contains("evil") || l.contains("pod-") || l.contains("node-plain"));
      VerifyReport r = Verifier.verify(hostile, SemanticsOptions.DEFAULTS, node.map(n -> n + payload),
          new IptablesBackend().simulator(a, SimulationContext.of(graph)), 1);
      assertThat(r.first()).isEmpty();
    }
  }

  static List<String> shapes(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("#")).map(HostileNamesTest::shape).sorted().toList();
  }

  /** A line with quoted strings blanked and hex hashes replaced, for comparing structure. */
  private static String shape(String line) {
    return QUOTED.matcher(line).replaceAll("\"\"").replaceAll("[0-9A-F]{12,15}", "H");
  }
}
