package dev.netpolc.backend.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.Verifier;
import dev.netpolc.backend.VerifyReport;
import dev.netpolc.backend.nftables.sim.Chain;
import dev.netpolc.backend.nftables.sim.LogStatement;
import dev.netpolc.backend.nftables.sim.NftParser;
import dev.netpolc.backend.nftables.sim.NftSet;
import dev.netpolc.backend.nftables.sim.Rule;
import dev.netpolc.backend.nftables.sim.Ruleset;
import dev.netpolc.backend.nftables.sim.Statement;
import dev.netpolc.backend.nftables.sim.Table;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names the validator would reject, built in code, cannot inject anything into the ruleset: the
 * text parses into exactly the structure a benign cluster of the same shape gives, every
 * comment and log prefix holds only safe characters within nft's limits, and the ruleset still
 * decides like the reference. {@code Compiler.compile}'s acceptance gate refuses such names
 * first; the graph is built past it to check the emitter's own escaping.
 */
class HostileNamesTest {
  private static final String INJECT = "x\"; flush ruleset; \"";

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

  private static final List<String> HOSTILE = List.of(INJECT, "a\nflush ruleset\n#", "back\\slash\\\"",
      "}\n}\ntable ip x {", "$var @set ;drop", "\u00e9t\u00e9 \ud83d\udd25 \u0000\u202e", "x".repeat(300) + "\";");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void hostileNamesCannotInject(int which) throws Exception {
    String payload = HOSTILE.get(which);
    Cluster hostile = cluster(n -> n + payload);
    Cluster benign = cluster(n -> n + "-plain");
    BackendOptions options = BackendOptions.DEFAULTS.withCounters(true).withLogDrops(true).withLogPrefix(payload);
    for (Optional<String> node : List.of(Optional.<String>empty(), Optional.of("node"))) {
      CompileOptions co = node.map(n -> CompileOptions.DEFAULTS.withNode(n + payload)).orElse(CompileOptions.DEFAULTS);
      CompileOptions cb = node.map(n -> CompileOptions.DEFAULTS.withNode(n + "-plain")).orElse(CompileOptions.DEFAULTS);
      assertThatThrownBy(() -> Fixtures.compile(hostile, co)).isInstanceOf(InputRejectedException.class);
      RuleGraph graph = UngatedCompiler.compile(hostile, co);
      Artifact a = Fixtures.emit(graph, options);
      String text = a.primary();
      Ruleset parsed = NftParser.parse(text, "hostile.nft");
      Ruleset expected = NftParser.parse(Fixtures.emit(Fixtures.compile(benign, cb), options).primary(), "benign.nft");

      assertThat(parsed.tables()).hasSize(1);
      Table t = parsed.tables().get(0);
      assertThat(t.name()).isEqualTo("netpolc");
      assertThat(shape(t)).isEqualTo(shape(expected.tables().get(0)));
      assertThat(RulesetStats.of(parsed)).isEqualTo(RulesetStats.of(expected));
      for (String s : texts(t)) {
        assertThat(s.length()).isLessThanOrEqualTo(NftText.MAX_COMMENT);
        assertThat(s.codePoints().allMatch(NftText::isSafe)).as(s).isTrue();
      }
      for (String line : text.split("\n")) {
        assertThat(line.strip()).doesNotStartWith("flush").doesNotStartWith("drop;");
        assertThat(line).doesNotContain("\\").doesNotContain("$").doesNotContain("\u0000");
        assertThat(line.chars().filter(c -> c == '"').count() % 2).as(line).isZero();
      }
      VerifyReport r = Verifier.verify(hostile, SemanticsOptions.DEFAULTS,
          node.map(n -> n + payload), new NftablesBackend().simulator(a, SimulationContext.of(graph)), 1);
      assertThat(r.first()).as(text).isEmpty();
    }
  }

  /** Chains with their kind and the statement kinds of each rule; sets with kind and size. */
  static List<String> shape(Table t) {
    List<String> out = new ArrayList<>();
    for (Chain c : t.chains()) {
      StringBuilder sb = new StringBuilder(c.isBase() ? c.name() : "regular").append(':');
      for (Rule r : c.rules()) {
        sb.append(" [");
        for (Statement s : r.statements()) {
          sb.append(s.getClass().getSimpleName()).append(' ');
        }
        sb.append(']');
      }
      out.add(sb.toString());
    }
    for (NftSet s : t.sets()) {
      out.add((s.map() ? "map " : "set ") + s.keyTypes() + " " + s.elements().size());
    }
    out.sort(null);
    return out;
  }

  /** Every comment and log prefix in the table. */
  static List<String> texts(Table t) {
    List<String> out = new ArrayList<>();
    t.comment().ifPresent(out::add);
    for (Chain c : t.chains()) {
      c.comment().ifPresent(out::add);
      for (Rule r : c.rules()) {
        r.comment().ifPresent(out::add);
        for (Statement s : r.statements()) {
          if (s instanceof LogStatement) {
            ((LogStatement) s).prefix().ifPresent(out::add);
          }
        }
      }
    }
    for (NftSet s : t.sets()) {
      s.comment().ifPresent(out::add);
    }
    return out;
  }
}
