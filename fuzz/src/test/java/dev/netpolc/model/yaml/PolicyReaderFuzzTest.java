package dev.netpolc.model.yaml;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.netpolc.fuzz.Contract;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The policy reader's contract on any bytes (docs/input-errors.md): a model, or input errors
 * with ids and positions inside the input, never another exception and never a partial result;
 * and the fast scanner agrees with Jackson on everything it accepts. In this package for the
 * reader's package-private switch between the two paths.
 */
class PolicyReaderFuzzTest {
  /** Small limits, so that inputs of a few kilobytes reach every limit check. */
  private static final ReaderLimits LIMITS = new ReaderLimits(1 << 20, 1 << 20, 24, 256, 20, 40, 200);
  private static final Pattern READER_ID = Pattern.compile("NP0\\d\\d");
  private static final String NAME = "fuzz.yaml";
  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  /** The default reader: the fast scanner first, Jackson for what it does not understand. */
  @FuzzTest
  void scannerPath(byte[] data) {
    checkContract(data, new PolicyReader(LIMITS, true, false).read(NAME, new ByteArrayInputStream(data)));
  }

  /** Jackson only, for YAML and (when the input starts with '{' or '[') for JSON. */
  @FuzzTest
  void jacksonPath(byte[] data) {
    boolean json = data.length > 0 && (data[0] == '{' || data[0] == '[');
    String name = json ? "fuzz.json" : NAME;
    checkContract(data, name, new PolicyReader(LIMITS, false, false).read(name, new ByteArrayInputStream(data)));
  }

  /**
   * Differential: whatever the scanner accepts, Jackson builds the same trees (types, texts,
   * lines, columns, key order); and both readers give the same result on every input.
   */
  @FuzzTest
  void scannerAgreesWithJackson(byte[] data) {
    ReadResult fast = new PolicyReader(LIMITS, true, false).read(NAME, new ByteArrayInputStream(data));
    ReadResult slow = new PolicyReader(LIMITS, false, false).read(NAME, new ByteArrayInputStream(data));
    assertSame(fast, slow);
    String text = Contract.text(data);
    byte[] ascii = SimpleYamlScanner.asciiBytes(text);
    if (ascii == null) {
      return;
    }
    List<YNode> scanned = new ArrayList<>();
    boolean[] refused = {false};
    boolean understood = SimpleYamlScanner.scan(ascii, 0, ascii.length, 0, LIMITS, new SimpleYamlScanner.Sink() {
      @Override
      public boolean document(YNode document) {
        return scanned.add(document);
      }

      @Override
      public void oversized(int line, int column, String path) {
        refused[0] = true;
      }
    });
    if (!understood || refused[0]) {
      return;
    }
    List<YNode> jackson = new ArrayList<>();
    try (JsonParser p = YAML.createParser(text)) {
      TreeBuilder trees = new TreeBuilder(p, new LineIndex(text), 0, NAME, LIMITS);
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        jackson.add(trees.document(t));
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("the scanner accepted what Jackson rejects: " + e, e);
    }
    if (!scanned.toString().equals(jackson.toString())) {
      throw new AssertionError("trees differ\nscanner: " + scanned + "\njackson: " + jackson);
    }
  }

  private static void checkContract(byte[] data, ReadResult r) {
    checkContract(data, NAME, r);
  }

  private static void checkContract(byte[] data, String name, ReadResult r) {
    String decoded = Contract.text(data);
    if (data.length >= 3 && (data[0] & 0xFF) == 0xEF && (data[1] & 0xFF) == 0xBB && (data[2] & 0xFF) == 0xBF) {
      decoded = decoded.substring(1); // the reader drops a UTF-8 byte-order mark; positions count without it
    }
    String text = decoded;
    if (!r.errors().isEmpty()) {
      Cluster c = r.cluster();
      if (c.namespaces().size() + c.pods().size() + c.nodes().size() + c.policies().size()
          + c.clusterNetworkPolicies().size() + c.adminNetworkPolicies().size()
          + c.baselineAdminNetworkPolicies().size() + r.objectCount() != 0 || !r.skippedKinds().isEmpty()) {
        throw new AssertionError("a partial result next to errors " + r.errors());
      }
      if (r.errors().size() > DocumentBinder.MAX_ERRORS_PER_FILE) {
        throw new AssertionError(r.errors().size() + " errors in one file");
      }
    }
    for (Diagnostic d : r.errors()) {
      if (!READER_ID.matcher(d.ruleId()).matches() || d.severity() != Severity.ERROR) {
        throw new AssertionError("not a reader error: " + d);
      }
      checkPosition(text, name, d.position(), d.toString());
      Contract.noControlCharacters(d.message());
      Contract.noControlCharacters(d.path());
    }
    for (SourceMap m : sources(r.cluster())) {
      checkPosition(text, name, m.objectPosition(), "object position");
      m.all().forEach((path, p) -> checkPosition(text, name, p, path));
    }
  }

  private static void checkPosition(String text, String name, SourcePosition p, String what) {
    if (!p.file().equals(name)) {
      throw new AssertionError(what + ": file " + p.file());
    }
    Contract.inBounds(text, p.line(), p.column(), what);
  }

  private static void assertSame(ReadResult fast, ReadResult slow) {
    if (!fast.errors().equals(slow.errors())) {
      throw new AssertionError("errors differ\nscanner: " + fast.errors() + "\njackson: " + slow.errors());
    }
    if (!withoutSources(fast.cluster()).equals(withoutSources(slow.cluster()))) {
      throw new AssertionError("objects differ\nscanner: " + fast.cluster() + "\njackson: " + slow.cluster());
    }
    List<Object> a = positions(fast.cluster());
    List<Object> b = positions(slow.cluster());
    if (!a.equals(b)) {
      throw new AssertionError("positions differ\nscanner: " + a + "\njackson: " + b);
    }
    if (!fast.skippedKinds().equals(slow.skippedKinds()) || fast.objectCount() != slow.objectCount()) {
      throw new AssertionError("counts differ: " + fast.skippedKinds() + " " + fast.objectCount() + " vs "
          + slow.skippedKinds() + " " + slow.objectCount());
    }
  }

  private static List<SourceMap> sources(Cluster c) {
    List<SourceMap> maps = new ArrayList<>();
    c.policies().forEach(p -> maps.add(p.source()));
    c.clusterNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.adminNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.baselineAdminNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.calico().policies().forEach(p -> maps.add(p.source()));
    c.calico().tiers().forEach(t -> maps.add(t.source()));
    c.calico().networkSets().forEach(s -> maps.add(s.source()));
    c.calico().stagedKubernetesPolicies().forEach(p -> maps.add(p.source()));
    return maps;
  }

  private static List<Object> positions(Cluster c) {
    List<Object> out = new ArrayList<>();
    for (SourceMap m : sources(c)) {
      out.add(List.of(m.all(), m.objectPosition()));
    }
    return out;
  }

  /** {@code c} with no source maps, which compare by identity. */
  private static Cluster withoutSources(Cluster c) {
    return c.withPolicies(c.policies().stream().map(p -> new NetworkPolicy(p.namespace(), p.name(), p.podSelector(),
        p.policyTypes(), p.ingress(), p.egress(), SourceMap.EMPTY, p.suppressedRules())).toList())
        .withTieredPolicies(
            c.clusterNetworkPolicies().stream().map(p -> new ClusterNetworkPolicy(p.name(), p.tier(), p.priority(),
                p.subject(), p.ingress(), p.egress(), p.kind(), SourceMap.EMPTY, p.suppressedRules())).toList(),
            c.adminNetworkPolicies().stream().map(p -> new AdminNetworkPolicy(p.name(), p.priority(), p.subject(),
                p.ingress(), p.egress(), SourceMap.EMPTY, p.suppressedRules())).toList(),
            c.baselineAdminNetworkPolicies().stream().map(p -> new BaselineAdminNetworkPolicy(p.name(), p.subject(),
                p.ingress(), p.egress(), SourceMap.EMPTY, p.suppressedRules())).toList())
        .withCalico(withoutSources(c.calico()));
  }

  private static CalicoResources withoutSources(CalicoResources r) {
    return new CalicoResources(
        r.policies().stream().map(p -> new CalicoPolicy(p.kind(), p.namespace(), p.name(), p.tier(), p.order(),
            p.selector(), p.namespaceSelector(), p.serviceAccountSelector(), p.types(), p.ingress(), p.egress(),
            p.doNotTrack(), p.preDNAT(), p.applyOnForward(), SourceMap.EMPTY, p.suppressedRules())).toList(),
        r.tiers().stream().map(t -> new CalicoTier(t.name(), t.order(), t.defaultAction(), SourceMap.EMPTY)).toList(),
        r.networkSets().stream().map(s -> new CalicoNetworkSet(s.namespace(), s.name(), s.labels(), s.nets(),
            s.global(), SourceMap.EMPTY)).toList(),
        r.serviceAccounts(), r.services(), r.endpointSlices(),
        r.stagedKubernetesPolicies().stream().map(p -> new NetworkPolicy(p.namespace(), p.name(), p.podSelector(),
            p.policyTypes(), p.ingress(), p.egress(), SourceMap.EMPTY, p.suppressedRules())).toList());
  }
}
