package dev.netpolc.model.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.ValidationOptions;
import dev.netpolc.model.validation.Validator;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Generated clusters are valid, read back from their YAML unchanged, and depend on the seed only. */
class ClusterGeneratorTest {

  /** Small specs of every shape, with consistent counts. */
  private static Gen<GeneratorSpec> smallSpecs() {
    Gen<Long> seeds = SourceDSL.longs().all();
    Gen<Integer> small = SourceDSL.integers().between(1, 6);
    Gen<ClusterShape> shapes = SourceDSL.arbitrary().enumValues(ClusterShape.class);
    return shapes.zip(seeds, small, small.zip(small, (a, b) -> a * 8 + b), (shape, seed, n, m) -> {
      int nodes = 1 + m % 4;
      switch (shape) {
        case ANTREA_SMALL_NAMESPACES:
          return new GeneratorSpec(shape, seed, n, 4 * n, 3 * n, nodes, 0, false);
        case ANTREA_ONE_NAMESPACE:
          return new GeneratorSpec(shape, seed, 1, m, m / 2 + n, nodes, 0, false);
        case ANTREA_CLUSTER_SCOPED:
          return new GeneratorSpec(shape, seed, 1 + n % 2, 100 * (1 + n % 2), 10 * (1 + n % 2), nodes, 0, false);
        default:
          int pods = m * 3 - 3;
          return new GeneratorSpec(shape, seed, n, pods, m, nodes + 1, Math.min(pods, n), m % 2 == 0);
      }
    });
  }

  @Test
  void anySmallClusterIsValidAndReadsBackEqual() {
    qt().withExamples(150).forAll(smallSpecs()).checkAssert(spec -> {
      Cluster c = ClusterGenerator.generate(spec);
      String yaml = yaml(c);
      ReadResult r = new PolicyReader().readString("gen.yaml", yaml);
      assertThat(r.errors()).as(spec.toString()).isEmpty();
      assertThat(unpositioned(r.cluster())).as(spec.toString()).isEqualTo(c);
      List<Diagnostic> errors = new Validator(ValidationOptions.DEFAULT).validate(r.cluster()).stream()
          .filter(d -> d.severity() == Severity.ERROR).collect(Collectors.toList());
      assertThat(errors).as(yaml).isEmpty();
    });
  }

  @Test
  void anySmallClusterHasTheCountsAndUniqueAddressesItAskedFor() {
    qt().withExamples(300).forAll(smallSpecs()).checkAssert(spec -> {
      Cluster c = ClusterGenerator.generate(spec);
      assertThat(c.pods()).hasSize(spec.pods());
      assertThat(c.policies()).hasSize(spec.policies());
      assertThat(c.nodes()).hasSize(spec.nodes());
      assertThat(c.namespaces()).hasSize(spec.namespaces());
      assertUniqueAddressesInPodRanges(c, spec.dualStack());
      assertThat(c.policies().stream().map(NetworkPolicy::key).distinct().count()).isEqualTo(spec.policies());
      assertThat(c.pods().stream().map(Pod::key).distinct().count()).isEqualTo(spec.pods());
      if (spec.focusNodePods() > 0) {
        assertThat(c.pods().stream().filter(p -> ClusterGenerator.FOCUS_NODE.equals(p.nodeName())).count())
            .isEqualTo(spec.focusNodePods());
      }
    });
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() {
    GeneratorSpec spec = Preset.NODE_AGENT.spec(42, 0.01);
    String first = yaml(ClusterGenerator.generate(spec));
    assertThat(yaml(ClusterGenerator.generate(spec))).isEqualTo(first);
    assertThat(yaml(ClusterGenerator.generate(spec.withSeed(43)))).isNotEqualTo(first);
    for (Preset p : Preset.values()) {
      GeneratorSpec s = p.spec(7, 0.002);
      assertThat(yaml(ClusterGenerator.generate(s))).as(p.cliName()).isEqualTo(yaml(ClusterGenerator.generate(s)));
    }
  }

  @Test
  void filesHoldTheInventoryAndThePolicies(@TempDir Path dir) throws IOException {
    Cluster c = ClusterGenerator.generate(Preset.ANTREA_CLUSTER_SCOPED.spec(1, 0.002));
    List<Path> files = ClusterGenerator.writeFiles(c, dir);
    assertThat(files).containsExactly(dir.resolve(ClusterGenerator.INVENTORY_FILE),
        dir.resolve(ClusterGenerator.POLICIES_FILE));
    ReadResult r = new PolicyReader().read(files);
    assertThat(r.errors()).isEmpty();
    assertThat(unpositioned(r.cluster())).isEqualTo(c);
    assertThat(Files.readString(files.get(0)) + Files.readString(files.get(1))).isEqualTo(yaml(c));
  }

  @Test
  void specsWithCountsTheShapeCannotHaveAreRefused() {
    assertThatThrownBy(() -> new GeneratorSpec(ClusterShape.ANTREA_SMALL_NAMESPACES, 1, 2, 7, 6, 1, 0, false))
        .hasMessageContaining("pods = 4 x namespaces");
    assertThatThrownBy(() -> new GeneratorSpec(ClusterShape.ANTREA_ONE_NAMESPACE, 1, 2, 7, 6, 1, 0, false))
        .hasMessageContaining("exactly 1 namespace");
    assertThatThrownBy(() -> GeneratorSpec.realistic(1, 0, 1, 1, 1)).hasMessageContaining("namespaces");
    assertThatThrownBy(() -> new GeneratorSpec(ClusterShape.REALISTIC, 1, 1, 5, 1, 1, 3, false))
        .hasMessageContaining("another node");
    assertThatThrownBy(() -> Preset.ANTREA_LARGE.spec(1, 1.5)).hasMessageContaining("scale");
  }

  static String yaml(Cluster c) {
    StringWriter w = new StringWriter();
    try {
      ClusterGenerator.writeYaml(c, w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static void assertUniqueAddressesInPodRanges(Cluster c, boolean dualStack) {
    Cidr v4 = Cidr.of(AddressPlan.POD_V4_RANGE);
    Cidr v6 = Cidr.of(AddressPlan.POD_V6_RANGE);
    Set<IpAddress> seen = new HashSet<>();
    for (Pod p : c.pods()) {
      assertThat(p.ips()).hasSize(dualStack ? 2 : 1);
      assertThat(v4.contains(p.ips().get(0))).as(p.ips().toString()).isTrue();
      if (dualStack) {
        assertThat(v6.contains(p.ips().get(1))).as(p.ips().toString()).isTrue();
      }
      for (IpAddress ip : p.ips()) {
        assertThat(seen.add(ip)).as("duplicate " + ip).isTrue();
      }
    }
    Cidr nodes = Cidr.of(AddressPlan.NODE_V4_RANGE);
    for (Node n : c.nodes()) {
      assertThat(nodes.contains(n.addresses().get(0))).isTrue();
    }
  }

  /** The cluster with every source position dropped, as the generator built it. */
  static Cluster unpositioned(Cluster c) {
    return new Cluster(
        c.namespaces().stream().map(n -> new Namespace(n.name(), n.labels(), SourcePosition.UNKNOWN))
            .collect(Collectors.toList()),
        c.pods().stream().map(p -> new Pod(p.namespace(), p.name(), p.labels(), p.ips(), p.nodeName(), p.hostNetwork(),
            p.phase(), p.ports(), p.initPorts(), SourcePosition.UNKNOWN)).collect(Collectors.toList()),
        c.nodes().stream().map(n -> new Node(n.name(), n.labels(), n.addresses(), n.podCidrs(), SourcePosition.UNKNOWN))
            .collect(Collectors.toList()),
        c.policies().stream().map(p -> new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(),
            p.ingress(), p.egress(), SourceMap.EMPTY, p.suppressedRules())).collect(Collectors.toList()));
  }
}
