package dev.netpolc.compiler.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.conformance.ConformanceCase.CasePod;
import dev.netpolc.compiler.conformance.ConformanceCase.Check;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus as data, without deciding anything: every file loads, every probe of every step
 * lists every pod, steps and checks are consistent, tiered cases say they need tiers and record
 * where they come from. It runs even where no runner can decide a case yet (tiered cases before
 * the evaluators support tiers), and it tests the loader's step and requirement handling.
 */
class ConformanceCorpusTest {

  private static final Pattern TIERED_KIND =
      Pattern.compile("(?m)^apiVersion:\\s*[\"']?policy\\.networking\\.k8s\\.io/");
  private static final Pattern DOMAIN_NAMES = Pattern.compile("(?m)^\\s*-?\\s*domainNames:");
  private static final Pattern CALICO_KIND =
      Pattern.compile("(?m)^apiVersion:\\s*[\"']?(crd\\.)?projectcalico\\.org/");
  private static final Pattern CILIUM_KIND = Pattern.compile("(?m)^apiVersion:\\s*[\"']?cilium\\.io/");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  @TempDir
  Path tmp;

  // ---------------------------------------------------------------- the corpus

  @Test
  void everyCaseFileLoadsUnderItsOwnName() throws IOException {
    Path dir = ConformanceCorpus.directory();
    List<Path> files = new ArrayList<>();
    for (String top : List.of("shared", "cases")) {
      try (Stream<Path> s = Files.walk(dir.resolve(top))) {
        s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
      }
    }
    List<ConformanceCase> cases = ConformanceCorpus.all();
    assertThat(cases).hasSameSizeAs(files);
    for (Path f : files) {
      ConformanceCase c = ConformanceCase.load(f);
      assertThat(f.getFileName().toString()).as(f.toString()).isEqualTo(c.name() + ".json");
    }
    assertThat(cases).extracting(ConformanceCase::name).doesNotHaveDuplicates();
    assertThat(folder("tiers-upstream")).isNotEmpty();
    assertThat(folder("tiers")).isNotEmpty();
    assertThat(folder("calico")).isNotEmpty();
  }

  @Test
  void everyProbeOfEveryStepListsEveryPodAndEachPodReachesItself() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      SortedSet<String> pods = activePods(c);
      for (ConformanceCase step : c.steps()) {
        assertThat(step.probes()).as("%s has probes", step.name()).isNotEmpty();
        Set<String> seen = new HashSet<>();
        for (ReachabilityMatrix m : step.probes()) {
          assertThat(seen.add(m.port() + "/" + m.protocol())).as("%s probes %s/%s twice", step.name(), m.port(),
              m.protocol()).isTrue();
          assertThat(m.allowed().keySet()).as("%s %s/%s keys", step.name(), m.port(), m.protocol()).isEqualTo(pods);
          m.allowed().forEach((from, to) -> {
            assertThat(to).as("%s %s", step.name(), from).contains(from);
            assertThat(pods).as("%s %s reaches only pods of the case", step.name(), from).containsAll(to);
          });
        }
      }
    }
  }

  @Test
  void stepsFollowTheirCaseAndChecksAgreeWithTheMatrices() {
    int checks = 0;
    for (ConformanceCase c : ConformanceCorpus.all()) {
      List<ConformanceCase> steps = c.steps();
      assertThat(steps).hasSize(1 + c.laterSteps().size());
      assertThat(steps.get(0).name()).isEqualTo(c.name());
      for (int i = 1; i < steps.size(); i++) {
        ConformanceCase s = steps.get(i);
        assertThat(s.name()).isEqualTo(c.name() + "#" + i);
        assertThat(c.laterSteps().get(i - 1).description()).as(s.name()).isNotBlank();
        assertThat(s.pods()).isEqualTo(c.pods());
        assertThat(s.nodes()).isEqualTo(c.nodes());
        assertThat(s.requires()).isEqualTo(c.requires());
        assertThat(s.laterSteps()).isEmpty();
      }
      for (ConformanceCase s : steps) {
        for (Check k : s.checks()) {
          ReachabilityMatrix m = s.probes().stream()
              .filter(p -> p.port().equals(PortSpec.of(k.port())) && p.protocol() == k.protocol()).findFirst()
              .orElseThrow(() -> new AssertionError(s.name() + ": no probe for check " + k));
          assertThat(m.allowed()).as("%s: check %s", s.name(), k).containsKey(k.from());
          assertThat(m.allowed().get(k.from()).contains(k.to())).as("%s: %s", s.name(), k).isEqualTo(k.allowed());
          checks++;
        }
      }
    }
    assertThat(checks).as("the upstream suite's probes are kept as checks").isGreaterThan(0);
  }

  @Test
  void casesWithTieredPoliciesRequireTiersAndOnlyThey() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      boolean tiered = false;
      boolean domainNames = false;
      for (ConformanceCase s : c.steps()) {
        for (String policy : s.policies()) {
          tiered |= TIERED_KIND.matcher(policy).find();
          domainNames |= DOMAIN_NAMES.matcher(policy).find();
        }
      }
      assertThat(c.requires().contains("tiers")).as("%s requires tiers iff it has a tiered policy", c.name())
          .isEqualTo(tiered);
      assertThat(c.requires().contains("domainNames")).as("%s requires domainNames iff a policy uses them", c.name())
          .isEqualTo(domainNames);
    }
  }

  @Test
  void tieredCasesRecordTheirSource() {
    Set<String> upstreamTests = new HashSet<>();
    for (ConformanceCase c : folder("tiers-upstream")) {
      Map<String, String> s = c.source();
      assertThat(s).as(c.name()).containsKeys("repository", "commit", "file", "test", "manifest");
      assertThat(s.get("repository")).isEqualTo("kubernetes-sigs/network-policy-api");
      assertThat(s.get("commit")).as(c.name()).matches(COMMIT);
      assertThat(s.get("file")).as(c.name()).startsWith("conformance/tests/").endsWith(".go");
      assertThat(s.get("manifest")).as(c.name()).startsWith("conformance/base/").endsWith(".yaml");
      assertThat(upstreamTests.add(s.get("test"))).as("%s: one case per upstream test", c.name()).isTrue();
      List<ConformanceCase> steps = c.steps();
      for (int i = 0; i < steps.size(); i++) {
        // Step 0 is the manifest as applied; a test may edit before its first probe.
        if (i > 0) {
          assertThat(steps.get(i).checks()).as("%s: the upstream probes of this step", steps.get(i).name())
              .isNotEmpty();
        }
        steps.get(i).checks().forEach(k -> assertThat(k.subtest()).as("%s: %s", c.name(), k).isNotBlank());
      }
      assertThat(steps.stream().mapToInt(s2 -> s2.checks().size()).sum()).as(c.name()).isPositive();
    }
    assertThat(upstreamTests).as("every upstream test of the suite").hasSizeGreaterThanOrEqualTo(24);
    for (ConformanceCase c : folder("tiers")) {
      assertThat(c.source()).as(c.name()).containsKeys("document", "section");
      assertThat(c.source().get("document")).as(c.name()).isIn("SEMANTICS-TIERS.md", "SEMANTICS.md");
    }
    for (ConformanceCase c : folders("tiers", "tiers-upstream")) {
      assertThat(c.description()).as(c.name()).isNotBlank();
      assertThat(c.requires()).as(c.name()).contains("tiers");
    }
  }

  @Test
  void casesWithCalicoObjectsRequireCalicoAndRecordTheirSource() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      boolean calico = false;
      for (ConformanceCase s : c.steps()) {
        for (String policy : s.policies()) {
          calico |= CALICO_KIND.matcher(policy).find();
        }
      }
      assertThat(c.requires().contains("calico")).as("%s requires calico iff it has a Calico object", c.name())
          .isEqualTo(calico);
    }
    List<ConformanceCase> calicoCases = folder("calico");
    assertThat(calicoCases).hasSizeGreaterThanOrEqualTo(15);
    for (ConformanceCase c : calicoCases) {
      assertThat(c.requires()).as(c.name()).contains("calico");
      assertThat(c.description()).as(c.name()).isNotBlank();
      assertThat(c.checks()).as("%s: hand-written expectations", c.name()).isNotEmpty();
      // A Calico documentation page, or SEMANTICS-CALICO.md where the expectation is netpolc's own choice.
      assertThat(c.source()).as(c.name()).containsKey("section");
      if (c.source().containsKey("url")) {
        assertThat(c.source().get("url")).as(c.name()).startsWith("https://docs.tigera.io/");
      } else {
        assertThat(c.source().get("document")).as(c.name()).isEqualTo("SEMANTICS-CALICO.md");
      }
    }
  }

  @Test
  void casesWithCiliumPoliciesRequireCiliumAndRecordTheirSource() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      boolean cilium = false;
      for (ConformanceCase s : c.steps()) {
        for (String policy : s.policies()) {
          cilium |= CILIUM_KIND.matcher(policy).find();
        }
      }
      assertThat(c.requires().contains("cilium")).as("%s requires cilium iff it has a Cilium policy", c.name())
          .isEqualTo(cilium);
    }
    List<ConformanceCase> ciliumCases = folder("cilium");
    assertThat(ciliumCases).hasSizeGreaterThanOrEqualTo(12);
    for (ConformanceCase c : ciliumCases) {
      assertThat(c.requires()).as(c.name()).contains("cilium");
      assertThat(c.description()).as(c.name()).isNotBlank();
      assertThat(c.checks()).as("%s: hand-written expectations", c.name()).isNotEmpty();
      // A Cilium documentation page, a scenario of Cilium's connectivity test suite, or
      // SEMANTICS-CILIUM.md where the expectation is netpolc's own choice.
      assertThat(c.source()).as(c.name()).containsKey("section");
      if (c.source().containsKey("url")) {
        assertThat(c.source().get("url")).as(c.name()).startsWith("https://docs.cilium.io/");
      } else if (c.source().containsKey("repository")) {
        assertThat(c.source().get("repository")).as(c.name()).isEqualTo("cilium/cilium");
        assertThat(c.source().get("file")).as(c.name()).startsWith("cilium-cli/connectivity/");
        assertThat(c.source()).as(c.name()).containsKey("test");
      } else {
        assertThat(c.source().get("document")).as(c.name()).isEqualTo("SEMANTICS-CILIUM.md");
      }
    }
  }

  @Test
  void hostNetworkPodsSitOnTheirDeclaredNodesAddresses() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      if (c.nodes().isEmpty()) {
        continue;
      }
      for (CasePod p : c.pods()) {
        if (!p.hostNetwork()) {
          continue;
        }
        ConformanceCase.CaseNode node = c.nodes().stream().filter(n -> n.name().equals(p.nodeName().orElse("")))
            .findFirst().orElseThrow(() -> new AssertionError(c.name() + ": " + p.key() + " is on no declared node"));
        assertThat(node.addresses()).as("%s: %s is its node's address", c.name(), p.key()).containsAll(p.ips());
      }
    }
  }

  @Test
  void everyStepReadsWithoutErrors() {
    for (ConformanceCase c : ConformanceCorpus.all()) {
      for (ConformanceCase s : c.steps()) {
        ReadResult r = new PolicyReader().readString(s.name() + ".yaml", s.toKubernetesYaml());
        assertThat(r.errors()).as(s.name()).isEmpty();
        assertThat(r.cluster().nodes()).as(s.name()).hasSameSizeAs(c.nodes());
      }
    }
  }

  // ---------------------------------------------------------------- the loader

  @Test
  void stepsReplacePoliciesAndKeepTheLastNamespacesGiven() throws IOException {
    ConformanceCase c = ConformanceCase.load(write("""
        {"name": "c", "description": "d", "requires": ["tiers"],
         "source": {"document": "SEMANTICS-TIERS.md", "section": "x"},
         "namespaces": [{"name": "x", "labels": {"ns": "x"}}],
         "nodes": [{"name": "n1", "labels": {"zone": "a"}, "addresses": ["198.18.1.1"]}],
         "pods": [{"namespace": "x", "name": "a", "nodeName": "n1"}],
         "policies": ["p0"],
         "checks": [{"from": "x/a", "to": "x/a", "port": 80, "protocol": "TCP", "allowed": true, "subtest": "s"}],
         "probes": [{"port": 80, "protocol": "TCP", "allowed": {"x/a": ["x/a"]}}],
         "steps": [
          {"description": "relabel", "namespaces": [{"name": "x", "labels": {"ns": "other"}}], "policies": ["p1"],
           "probes": [{"port": 81, "protocol": "UDP", "allowed": {"x/a": ["x/a"]}}]},
          {"description": "no policies", "policies": [],
           "probes": [{"port": "serve", "allowed": {"x/a": ["x/a"]}}]}]}
        """));
    List<ConformanceCase> steps = c.steps();
    assertThat(steps).extracting(ConformanceCase::name).containsExactly("c", "c#1", "c#2");
    assertThat(steps).extracting(ConformanceCase::policies).containsExactly(List.of("p0"), List.of("p1"), List.of());
    assertThat(steps.get(0).namespaces().get(0).labels()).containsEntry("ns", "x");
    assertThat(steps.get(1).namespaces().get(0).labels()).containsEntry("ns", "other");
    assertThat(steps.get(2).namespaces().get(0).labels()).as("inherited from step 1").containsEntry("ns", "other");
    assertThat(steps.get(1).probes().get(0).protocol()).isEqualTo(Protocol.UDP);
    assertThat(steps.get(2).probes().get(0).port()).isEqualTo(PortSpec.named("serve"));
    assertThat(steps.get(0).checks()).containsExactly(new Check("x/a", "x/a", 80, Protocol.TCP, true, "s"));
    assertThat(steps.get(1).checks()).isEmpty();
    assertThat(steps.get(2).description()).isEqualTo("d [step 2: no policies]");
    assertThat(steps).allSatisfy(s -> assertThat(s.requires()).containsExactly("tiers"));
    assertThat(c.source()).containsEntry("section", "x");
    assertThat(c.nodes().get(0).addresses()).containsExactly(IpAddress.parse("198.18.1.1"));
    assertThat(c.toKubernetesYaml()).contains("kind: Node\nmetadata:\n  name: \"n1\"\n  labels:\n    \"zone\": \"a\"\n"
        + "status:\n  addresses:\n  - type: InternalIP\n    address: \"198.18.1.1\"\n");
  }

  @Test
  void aCaseWithoutTheNewFieldsReadsAsBefore() throws IOException {
    ConformanceCase c = ConformanceCase.load(write("""
        {"name": "plain", "namespaces": [], "pods": [{"namespace": "x", "name": "a"}], "policies": [],
         "probes": [{"port": 80, "allowed": {"x/a": ["x/a"]}}]}
        """));
    assertThat(c.steps()).containsExactly(c);
    assertThat(c.requires()).isEmpty();
    assertThat(c.unsupportedBy(Set.of())).isEmpty();
    assertThat(c.toKubernetesYaml()).doesNotContain("kind: Node");
  }

  @Test
  void requirementsDecideWhoSkipsACase() throws IOException {
    ConformanceCase c = ConformanceCase.load(write("""
        {"name": "t", "requires": ["tiers", "domainNames"], "pods": [], "probes": []}
        """));
    assertThat(c.unsupportedBy(Set.of())).hasValue("case t requires [tiers, domainNames], which this runner does not"
        + " support yet");
    assertThat(c.unsupportedBy(Set.of("tiers"))).hasValue("case t requires [domainNames], which this runner does not"
        + " support yet");
    assertThat(c.unsupportedBy(Set.of("tiers", "domainNames"))).isEmpty();
  }

  @Test
  void malformedStepsAndRequirementsAreRejected() throws IOException {
    assertThatThrownBy(() -> ConformanceCase.load(write("""
        {"name": "u", "requires": ["tier"], "pods": [], "probes": []}
        """))).hasMessageContaining("unknown required feature 'tier'");
    assertThatThrownBy(() -> ConformanceCase.load(write("""
        {"name": "s", "pods": [], "probes": [], "steps": [{"description": "x", "probes": []}]}
        """))).hasMessageContaining("steps[0]: missing field 'policies'");
    assertThatThrownBy(() -> ConformanceCase.load(write("""
        {"name": "k", "pods": [], "probes": [],
         "checks": [{"from": "x/a", "to": "x/b", "port": 80, "allowed": "yes"}]}
        """))).hasMessageContaining("check 'allowed' must be true or false");
  }

  // ---------------------------------------------------------------- helpers

  private Path write(String json) throws IOException {
    Path f = tmp.resolve("case-" + System.nanoTime() + ".json");
    Files.writeString(f, json);
    return f;
  }

  private static List<ConformanceCase> folder(String name) {
    return ConformanceCase.loadAll(ConformanceCorpus.directory().resolve("cases").resolve(name));
  }

  private static List<ConformanceCase> folders(String... names) {
    List<ConformanceCase> out = new ArrayList<>();
    for (String n : names) {
      out.addAll(folder(n));
    }
    return out;
  }

  /** The pods a matrix has as keys: those with an address that have not terminated. */
  private static SortedSet<String> activePods(ConformanceCase c) {
    SortedSet<String> out = new TreeSet<>();
    for (CasePod p : c.pods()) {
      boolean terminated = p.phase().filter(ph -> ph.equals("Succeeded") || ph.equals("Failed")).isPresent();
      if (!p.ips().isEmpty() && !terminated) {
        out.add(p.key());
      }
    }
    return out;
  }
}
