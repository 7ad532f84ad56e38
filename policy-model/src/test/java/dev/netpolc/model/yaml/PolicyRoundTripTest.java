package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/** Whatever PolicyWriter writes, PolicyReader reads back to an equal model. */
class PolicyRoundTripTest {

  @Test
  void anyValidPolicyRoundTrips() {
    qt().withExamples(1000).withShrinkCycles(200).forAll(ValidPolicyGen.policies()).checkAssert(p -> {
      String yaml = PolicyWriter.toYaml(p);
      ReadResult r = new PolicyReader().readString("gen.yaml", yaml);
      assertThat(r.errors()).as(yaml).isEmpty();
      assertThat(r.cluster().policies()).as(yaml).hasSize(1);
      assertThat(ValidPolicyGen.withoutSource(r.cluster().policies().get(0))).as(yaml).isEqualTo(p);
      assertThat(PolicyWriter.toYaml(r.cluster().policies().get(0))).isEqualTo(yaml);
    });
  }

  @Test
  void anyClusterRoundTripsAsOneStream() {
    qt().withExamples(120).forAll(
        SourceDSL.lists().of(ValidPolicyGen.namespaces()).ofSizeBetween(0, 3),
        SourceDSL.lists().of(ValidPolicyGen.pods()).ofSizeBetween(0, 4),
        SourceDSL.lists().of(ValidPolicyGen.nodes()).ofSizeBetween(0, 3),
        SourceDSL.lists().of(ValidPolicyGen.policies()).ofSizeBetween(0, 3))
        .checkAssert((namespaces, pods, nodes, policies) -> {
          Cluster c = new Cluster(namespaces, pods, nodes, policies);
          String yaml = PolicyWriter.toYaml(c);
          ReadResult r = new PolicyReader().readString("cluster.yaml", yaml);
          assertThat(r.errors()).as(yaml).isEmpty();
          assertThat(r.objectCount()).isEqualTo(namespaces.size() + pods.size() + nodes.size() + policies.size());
          assertThat(r.cluster().namespaces().stream().map(PolicyRoundTripTest::unpositioned)
              .collect(Collectors.toList())).isEqualTo(namespaces);
          assertThat(r.cluster().pods().stream().map(PolicyRoundTripTest::unpositioned)
              .collect(Collectors.toList())).isEqualTo(pods);
          assertThat(r.cluster().nodes().stream().map(PolicyRoundTripTest::unpositioned)
              .collect(Collectors.toList())).isEqualTo(nodes);
          assertThat(r.cluster().policies().stream().map(ValidPolicyGen::withoutSource)
              .collect(Collectors.toList())).isEqualTo(policies);
        });
  }

  @Test
  void anyLabelTextRoundTripsExactly() {
    // Keys and values beyond what Kubernetes allows must still survive quoting unchanged.
    qt().withExamples(2000).forAll(SourceDSL.strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 12),
        SourceDSL.strings().ascii().ofLengthBetween(1, 8))
        .assuming((value, key) -> value.chars().noneMatch(c -> Character.isSurrogate((char) c)))
        .checkAssert((value, key) -> {
          Namespace ns = Namespace.of("n", java.util.Map.of(key, value));
          ReadResult r = new PolicyReader().readString("ns.yaml", PolicyWriter.toYaml(ns));
          assertThat(r.errors()).as(PolicyWriter.toYaml(ns)).isEmpty();
          assertThat(r.cluster().namespaces().get(0).labels()).isEqualTo(ns.labels());
        });
  }

  @Test
  void aQuotedMergeKeyIsAnOrdinaryLabel() {
    // Found by anyLabelTextRoundTripsExactly: the writer quotes "<<", and only a plain << merges.
    Namespace ns = Namespace.of("n", java.util.Map.of("<<", "!!!"));
    ReadResult r = new PolicyReader().readString("ns.yaml", PolicyWriter.toYaml(ns));
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().namespaces().get(0).labels()).isEqualTo(ns.labels());
  }

  @Test
  void writingIsDeterministic() {
    qt().withExamples(200).forAll(ValidPolicyGen.policies()).checkAssert(p ->
        assertThat(PolicyWriter.toYaml(p)).isEqualTo(PolicyWriter.toYaml(ValidPolicyGen.withoutSource(p))));
  }

  private static Namespace unpositioned(Namespace n) {
    return new Namespace(n.name(), n.labels(), SourcePosition.UNKNOWN);
  }

  private static Pod unpositioned(Pod p) {
    return new Pod(p.namespace(), p.name(), p.labels(), p.ips(), p.nodeName(), p.hostNetwork(), p.phase(), p.ports(),
        p.initPorts(), SourcePosition.UNKNOWN);
  }

  private static Node unpositioned(Node n) {
    return new Node(n.name(), n.labels(), n.addresses(), n.podCidrs(), SourcePosition.UNKNOWN);
  }
}
