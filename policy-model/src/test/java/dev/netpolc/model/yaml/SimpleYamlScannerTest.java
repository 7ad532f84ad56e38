package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumResources;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;

/**
 * The fast scanner builds exactly the trees Jackson's path builds (types, texts, lines, columns,
 * end lines, key order), or gives up; and reading any file, good or bad, gives the same result
 * (objects, errors with ids, messages and positions) with and without it.
 */
class SimpleYamlScannerTest {
  private static final YAMLFactory YAML = YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

  /** Scalars in every style, including ones the scanner must type exactly or give up on. */
  private static final String[] SCALARS = {"x", "hello world", "Pod", "80", "0", "-1", "-0", "080", "1.5", "10.0.0.1",
      "10.0.0.0/8", "1.2.3", "1.2.3.4/x", "fd00::1", "yes", "No", "oN", "ON", "true", "TRUE", "tRue", "null", "~",
      "NULL", "nULL", "\"dq\"", "'sq'", "'it''s'", "\"a\\\"b\"", "\"a\\\\b\"", "\"a\\nb\"", "a: b", "x # comment",
      "12345678901", "2147483647", "2147483648", "-2147483648", "-x", "&a x", "*a", "!!str x", "!x y", "'multi",
      ".5", "0x1F", "0o7", "1_000", "a#b", "Infinity", "@x", "%x", "\"\"", "''", "a   ", "y", "n", "{}", "[]",
      "[a, b]", "{a: 1}", "{ }", "it's", "a,b", "?x", ":x", "=x", "<<", "- x", "\"unterminated", "a:b", "x:",
      "7cz7lrhn", "1g", "0x1g", "12h", "1e5", "1E5x", "-1k", "+1", ".5s", "2001-12-14t21:59:43.10-05:00",
      "2001-12-14", "3/4", "0b101", "0o17z", "1_0y", "1:20", "1:2m", "9.9.9.9/zz", "8bcn5269", "9x557nt5", "0x", "0b2",
      "1e", "1e+", "-.inf", ".NaN", "+.5", "0o8", "1_000.5e3", "12:30:45", "2001-12-14 21:59:43.10 -5", "1.5.e3", "64842z67", "849t44t6", "2001-1x"};
  private static final String[] KEYS = {"a", "b", "kind", "spec", "app.kubernetes.io/name", "80", "true", "~", "null",
      "\"q k\"", "'s k'", "x-y", "a_b", "<<", "-k", "a b", "\"a\\\"\"", "''"};

  @Test
  void buildsTheSameTreesAsJacksonOrGivesUp() {
    int[] understood = {0};
    qt().withExamples(1500).forAll(streams(false)).checkAssert(text -> {
      if (compare(text)) {
        understood[0]++;
      }
    });
    assertThat(understood[0]).as("streams the scanner understood").isGreaterThan(150);
  }

  @Test
  void understandsEveryStreamOfTheSubset() {
    qt().withExamples(500).forAll(streams(true)).checkAssert(text ->
        assertThat(compare(text)).as("understood:%n%s", text).isTrue());
  }

  @Test
  void understandsWhatTheWriterWrites() {
    qt().withExamples(200).forAll(ValidPolicyGen.policies(), ValidPolicyGen.pods(), ValidPolicyGen.namespaces(),
        ValidPolicyGen.nodes()).checkAssert((pol, pod, ns, node) -> {
          String text = PolicyWriter.toYaml(new Cluster(List.of(ns), List.of(pod), List.of(node), List.of(pol)));
          if (text.chars().allMatch(c -> c == '\n' || (c >= ' ' && c <= '~'))) {
            assertThat(compare(text)).as("understood:%n%s", text).isTrue();
          } else {
            compare(text);
          }
        });
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"0...0", "1..2.3.4", ".1.2.3", "1.2.3.", "1.2.3.4/",
      "1.2.3", "10.0.0.0/8", "1.2.3.4.5"})
  void writerAndScannerAgreeOnDottedDigits(String value) {
    // Found by understandsWhatTheWriterWrites at a random seed: the writer left "0...0" plain,
    // which the scanner (rightly) does not classify, so the stream fell back to Jackson.
    String text = PolicyWriter.toYaml(dev.netpolc.model.Namespace.of("n", java.util.Map.of("v", value)));
    assertThat(compare(text)).as("understood:%n%s", text).isTrue();
    ReadResult r = new PolicyReader().readString("ns.yaml", text);
    assertThat(r.errors()).isEmpty();
    assertThat(r.cluster().namespaces().get(0).labels()).containsEntry("v", value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusFiles")
  void readsEveryCorpusFileAsJacksonDoes(Path file) throws IOException {
    ReadResult fast = new PolicyReader(ReaderLimits.DEFAULTS, true).read(List.of(file));
    ReadResult jackson = new PolicyReader(ReaderLimits.DEFAULTS, false).read(List.of(file));
    assertSameResult(fast, jackson);
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    if (!file.toString().endsWith(".json")) {
      compare(text);
    }
  }

  @Test
  void readsUnderTightLimitsAsJacksonDoes() {
    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits tight = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), 3, 4, d.maxAliases(), 2, d.maxObjects());
    qt().withExamples(500).forAll(streams(true)).checkAssert(text -> {
      ReadResult fast = new PolicyReader(tight, true).readString("t.yaml", text);
      ReadResult jackson = new PolicyReader(tight, false).readString("t.yaml", text);
      assertSameResult(fast, jackson);
    });
  }

  @Test
  void readsObjectsOfSkippedKindsAsJacksonDoes() {
    // The reader scans a ConfigMap's or Secret's body without building it: the same items,
    // errors and positions as Jackson's path whatever the body holds, broken or not, and whatever
    // the limits (depth, scalar length, documents) say.
    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits tight = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), 4, 6, d.maxAliases(), 3, d.maxObjects());
    String[] heads = {"kind: ConfigMap\napiVersion: v1\n", "apiVersion: v1\nkind: Secret\n", "kind: Deployment\n",
        "kind: ConfigMap  # c\napiVersion: apps/v1\nkind: Secret\n", "apiVersion: v1\nkind: PodList\n",
        "apiVersion: v1\nkind: Pod\n", "kind: 'ConfigMap'\napiVersion: v1\n", "apiVersion: v1\nkind: Namespace\n"};
    int[] skipped = {0};
    qt().withExamples(800).forAll(streams(false), streams(true), longs().all()).checkAssert((odd, clean, seed) -> {
      Random r = new Random(seed);
      String body = r.nextBoolean() ? odd : clean;
      StringBuilder text = new StringBuilder();
      for (String doc : body.split("(?m)^---\n", -1)) {
        if (text.length() > 0) {
          text.append("---\n");
        }
        text.append(r.nextInt(4) == 0 ? "" : heads[r.nextInt(heads.length)]).append(doc);
      }
      for (ReaderLimits limits : List.of(d, tight)) {
        ReadResult fast = new PolicyReader(limits, true).readString("k.yaml", text.toString());
        ReadResult jackson = new PolicyReader(limits, false).readString("k.yaml", text.toString());
        assertSameResult(fast, jackson);
        skipped[0] += fast.skippedKinds().values().stream().mapToInt(Integer::intValue).sum();
      }
    });
    assertThat(skipped[0]).as("skipped objects in clean files").isGreaterThan(30);
  }

  @Test
  void buildsOnlyTheTopLevelScalarsOfASkippedKind() {
    byte[] text = ("apiVersion: v1\ndata:\n  blob: |\n    line\n  key: some long value\nkind: ConfigMap\n---\n"
        + "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: some-long-name\n").getBytes(StandardCharsets.US_ASCII);
    List<YNode> seen = new ArrayList<>();
    assertThat(SimpleYamlScanner.scan(text, 0, text.length, 0, ReaderLimits.DEFAULTS, new SimpleYamlScanner.Sink() {
      @Override
      public boolean document(YNode document) {
        return seen.add(document);
      }

      @Override
      public void oversized(int line, int column, String path) {
        throw new AssertionError(path);
      }

      @Override
      public boolean hollowsSkippedKinds() {
        return true;
      }
    })).isTrue();
    YNode.YMap configMap = (YNode.YMap) seen.get(0);
    assertThat(((YNode.YScalar) configMap.get("kind")).text()).isEqualTo("ConfigMap");
    assertThat(configMap.endLine()).isEqualTo(6);
    YNode.YMap data = (YNode.YMap) configMap.get("data");
    assertThat(((YNode.YScalar) data.get("blob")).text()).isEmpty();
    assertThat(((YNode.YScalar) data.get("key")).text()).isEmpty();
    YNode.YMap metadata = (YNode.YMap) ((YNode.YMap) seen.get(1)).get("metadata");
    assertThat(((YNode.YScalar) metadata.get("name")).text()).isEqualTo("some-long-name");
  }

  @Test
  void refusesLongOneLineScalarsInPlaceAsJacksonDoes() {
    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits ten = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), 64, 10, d.maxAliases(), 10,
        d.maxObjects());
    String ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n";
    List<String> bodies = List.of(
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: abcdefghijk\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: abcdefghij\n",          // at the limit: read
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: 'ab''cdefghij'\n",     // 10 once unquoted
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: 'ab''cdefghijk'\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: \"ab\\\"cdefghij\"\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: \"ab\\\"cdefghijk\"  # c\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  abcdefghijk: x\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  \"abcdefghijk\": x\n",
        "kind: ConfigMap\napiVersion: v1\nitems:\n- a: 1\n  b:\n  - ok\n  - hijklmnopqr\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  n: 123456789012345\n",       // a number: Jackson's call
        "kind: ConfigMap\napiVersion: v1\ndata:\n  n: 12345678901a3\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  n: 1234567890z23\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  n: xxxxxxxxxxxxxx\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  n: .infxxxxxxxxxxx\n",
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: |\n    abcdefghij\n",     // 11 with its newline
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: |-\n    abcdefghij\n",    // 10: read
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: >-\n    abcde\n    fghij\n", // folded: 11
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: >-\n    abcd\n    fghij\n",  // folded: 10
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: |+\n    abcdefghi\n\n\n",  // kept breaks: 11
        "kind: ConfigMap\napiVersion: v1\ndata:\n  blob: |2-\n     abcd\n\n    efgh\n",
        "kind: ConfigMap\napiVersion: v1\nitems:\n- |\n  abcdefghijk\n- x\n");
    for (String body : bodies) {
      String text = ns + body + "---\n" + ns.replace("name: a", "name: b");
      ReadResult fast = new PolicyReader(ten, true).readString("s.yaml", text);
      ReadResult jackson = new PolicyReader(ten, false).readString("s.yaml", text);
      assertSameResult(fast, jackson);
    }
    ReadResult r = new PolicyReader(ten, true).readString("s.yaml", ns + bodies.get(8));
    assertThat(r.errors()).singleElement().satisfies(e -> {
      assertThat(e.ruleId()).isEqualTo("NP002");
      assertThat(e.position().line()).isEqualTo(12);
      assertThat(e.position().column()).isEqualTo(5);
      assertThat(e.path()).isEqualTo("items[0].b[1]");
    });
  }

  @Test
  void scannerRefusesALongPlainScalarWithoutGivingUp() {
    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits eight = new ReaderLimits(d.maxFileBytes(), d.maxTotalBytes(), 64, 8, d.maxAliases(), 10,
        d.maxObjects());
    byte[] text = "a: 1\nb:\n  c: xxxxxxxxxxxx\nd: 2\n".getBytes(StandardCharsets.US_ASCII);
    List<String> seen = new ArrayList<>();
    boolean handled = SimpleYamlScanner.scan(text, 0, text.length, 0, eight, new SimpleYamlScanner.Sink() {
      @Override
      public boolean document(YNode document) {
        seen.add("document");
        return true;
      }

      @Override
      public void oversized(int line, int column, String path) {
        seen.add(line + ":" + column + " " + path);
      }
    });
    assertThat(handled).isTrue();
    assertThat(seen).containsExactly("3:6 b.c");
  }

  /** Equal objects (field positions included), errors and skipped kinds. */
  static void assertSameResult(ReadResult fast, ReadResult jackson) {
    assertThat(fast.errors()).isEqualTo(jackson.errors());
    assertThat(withoutSources(fast.cluster())).isEqualTo(withoutSources(jackson.cluster()));
    assertThat(sources(fast.cluster())).isEqualTo(sources(jackson.cluster()));
    assertThat(fast.skippedKinds()).isEqualTo(jackson.skippedKinds());
    assertThat(fast.objectCount()).isEqualTo(jackson.objectCount());
  }

  /** The cluster with no source positions in any policy (NetworkPolicy, cluster-scoped, Calico or Cilium), tier or set. */
  static Cluster withoutSources(Cluster c) {
    return c.withPolicies(c.policies().stream().map(SimpleYamlScannerTest::withoutSource).collect(Collectors.toList()))
        .withTieredPolicies(
            c.clusterNetworkPolicies().stream().map(ValidPolicyGen::withoutSource).collect(Collectors.toList()),
            c.adminNetworkPolicies().stream().map(ValidPolicyGen::withoutSource).collect(Collectors.toList()),
            c.baselineAdminNetworkPolicies().stream().map(ValidPolicyGen::withoutSource).collect(Collectors.toList()))
        .withCalico(withoutSources(c.calico()))
        .withCilium(new CiliumResources(c.cilium().policies().stream()
            .map(p -> new CiliumPolicy(p.kind(), p.namespace(), p.name(), p.labels(), p.spec(), p.specs(), p.specsGiven(),
                SourceMap.EMPTY, p.suppressedRules())).toList()));
  }

  private static NetworkPolicy withoutSource(NetworkPolicy p) {
    return new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress(),
        SourceMap.EMPTY, p.suppressedRules());
  }

  // SourceMap has identity equality: the Calico objects are compared without it, their positions by sources().
  private static CalicoResources withoutSources(CalicoResources k) {
    return new CalicoResources(
        k.policies().stream().map(p -> new CalicoPolicy(p.kind(), p.namespace(), p.name(), p.tier(), p.order(),
            p.selector(), p.namespaceSelector(), p.serviceAccountSelector(), p.types(), p.ingress(), p.egress(),
            p.doNotTrack(), p.preDNAT(), p.applyOnForward(), SourceMap.EMPTY, p.suppressedRules())).toList(),
        k.tiers().stream().map(t -> new CalicoTier(t.name(), t.order(), t.defaultAction(), SourceMap.EMPTY)).toList(),
        k.networkSets().stream().map(n -> new CalicoNetworkSet(n.namespace(), n.name(), n.labels(), n.nets(),
            n.global(), SourceMap.EMPTY)).toList(),
        k.serviceAccounts(), k.services(), k.endpointSlices(),
        k.stagedKubernetesPolicies().stream().map(SimpleYamlScannerTest::withoutSource).toList());
  }

  /** The positions of every field of every policy (NetworkPolicy, cluster-scoped, Calico or Cilium), tier and set. */
  static List<Object> sources(Cluster c) {
    List<SourceMap> maps = new ArrayList<>();
    c.policies().forEach(p -> maps.add(p.source()));
    c.clusterNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.adminNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.baselineAdminNetworkPolicies().forEach(p -> maps.add(p.source()));
    c.calico().policies().forEach(p -> maps.add(p.source()));
    c.calico().tiers().forEach(t -> maps.add(t.source()));
    c.calico().networkSets().forEach(n -> maps.add(n.source()));
    c.calico().stagedKubernetesPolicies().forEach(p -> maps.add(p.source()));
    c.cilium().policies().forEach(p -> maps.add(p.source()));
    return maps.stream().map(m -> List.of(m.all(), m.objectPosition())).collect(Collectors.toList());
  }

  static Stream<Path> corpusFiles() throws IOException, URISyntaxException {
    List<Path> out = new ArrayList<>();
    for (String dir : List.of("/input-corpus", "/validation-corpus", "/lint-fixtures")) {
      Path root = Path.of(SimpleYamlScannerTest.class.getResource(dir).toURI());
      try (Stream<Path> files = Files.walk(root)) {
        out.addAll(files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".expect")).sorted()
            .collect(Collectors.toList()));
      }
    }
    return out.stream();
  }

  /** Asserts the scanner gave up or built Jackson's trees; true when it did not give up. */
  private static boolean compare(String text) {
    List<YNode> fast = SimpleYamlScanner.scan(text, 0, text.length(), 0, ReaderLimits.DEFAULTS);
    if (fast == null) {
      return false;
    }
    List<YNode> jackson;
    try {
      jackson = jackson(text);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("the scanner accepted what Jackson rejects (" + e + "):\n" + text, e);
    }
    assertThat(fast.toString()).as("trees of:%n%s", text).isEqualTo(jackson.toString());
    return true;
  }

  private static List<YNode> jackson(String text) throws IOException {
    List<YNode> out = new ArrayList<>();
    try (JsonParser p = YAML.createParser(text)) {
      TreeBuilder trees = new TreeBuilder(p, new LineIndex(text), 0, "t.yaml", ReaderLimits.DEFAULTS);
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        out.add(trees.document(t));
      }
    }
    return out;
  }

  /** YAML streams from a seed: only the scanner's subset when {@code subset}, anything nearby otherwise. */
  private static Gen<String> streams(boolean subset) {
    return longs().all().map(seed -> new StreamWriter(new Random(seed), subset).stream());
  }

  private static final class StreamWriter {
    private final Random r;
    private final boolean subset;
    private final StringBuilder sb = new StringBuilder();

    StreamWriter(Random r, boolean subset) {
      this.r = r;
      this.subset = subset;
    }

    String stream() {
      if (r.nextInt(4) == 0) {
        sb.append("# leading comment\n");
      }
      int documents = 1 + r.nextInt(3);
      for (int d = 0; d < documents; d++) {
        if (d > 0 || r.nextBoolean()) {
          sb.append("---\n");
        }
        if (r.nextInt(8) == 0) {
          sb.append(r.nextBoolean() ? "# only a comment\n" : "");
          continue;
        }
        if (r.nextInt(6) == 0) {
          sequence(0, 0, 0);
        } else {
          mapping(0, 0, 0);
        }
        if (r.nextInt(5) == 0) {
          sb.append(r.nextBoolean() ? "\n" : "   # trailing\n");
        }
      }
      if (r.nextInt(6) == 0) {
        sb.append("---\n");
      }
      String s = sb.toString();
      if (!subset && r.nextInt(5) == 0 && !s.isEmpty()) {
        int at = r.nextInt(s.length());
        String[] junk = {" ", "", "\t", ":", "-", "#", "\"", "  ", "\n"};
        s = s.substring(0, at) + junk[r.nextInt(junk.length)] + s.substring(Math.min(s.length(), at + r.nextInt(2)));
      }
      return s;
    }

    /** A block mapping whose first key goes at the current position (already indented to {@code firstIndent}). */
    private void mapping(int indent, int depth, int firstIndent) {
      int n = 1 + r.nextInt(4);
      List<String> used = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(" ".repeat(indent));
        }
        String key = key(used);
        sb.append(key).append(':');
        value(indent, depth);
        if (r.nextInt(10) == 0) {
          sb.append(r.nextBoolean() ? "\n" : " ".repeat(r.nextInt(indent + 1)) + "# between\n");
        }
      }
    }

    private String key(List<String> used) {
      String key;
      do {
        key = subset ? pick("a", "b", "kind", "spec", "app.kubernetes.io/name", "80", "true", "\"q k\"", "'s k'", "x-y")
            : KEYS[r.nextInt(KEYS.length)];
      } while (used.contains(key) && (subset || r.nextInt(8) != 0));
      used.add(key);
      return key;
    }

    private void value(int indent, int depth) {
      int kind = depth >= 4 ? 0 : r.nextInt(7);
      switch (kind) {
        case 6:
          if (r.nextBoolean()) {
            block(indent);
          } else {
            sb.append(' ');
            flow(depth);
            sb.append(comment()).append('\n');
          }
          break;
        case 0:
        case 1:
          sb.append(' ').append(scalar()).append(comment()).append('\n');
          break;
        case 2: {
          sb.append(comment()).append('\n');
          int inner = indent + 1 + r.nextInt(4);
          sb.append(" ".repeat(inner));
          mapping(inner, depth + 1, inner);
          break;
        }
        case 3: {
          sb.append(comment()).append('\n');
          int inner = r.nextBoolean() ? indent : indent + 1 + r.nextInt(3);
          sequence(inner, depth + 1, inner);
          break;
        }
        case 4:
          sb.append(' ').append(r.nextBoolean() ? "{}" : "[]").append(comment()).append('\n');
          break;
        default:
          sb.append(r.nextBoolean() ? "" : "   ").append(comment()).append('\n');
          break;
      }
    }

    private void sequence(int indent, int depth, int unused) {
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        sb.append(" ".repeat(indent)).append('-').append(" ".repeat(1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0)));
        int itemIndent = indent + sbLineLength() - indent;
        if (depth < 4 && r.nextBoolean()) {
          mapping(itemIndent, depth + 1, itemIndent);
        } else if (r.nextInt(4) == 0) {
          sb.setLength(sb.length() - 1);
          block(indent);
        } else {
          sb.append(scalar()).append(comment()).append('\n');
        }
      }
    }

    /**
     * A literal or folded block scalar (header, then lines) as the value of a collection indented
     * {@code parent}: explicit and detected indentation, chomping, blank lines with and without
     * spaces, more-indented lines, trailing spaces and {@code #} in content; outside the subset
     * also blocks with nothing in them, over-spaced leading blank lines and less-indented lines.
     */
    private void block(int parent) {
      int increment = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
      String chomp = pick("", "", "-", "+");
      sb.append(' ').append(r.nextBoolean() ? '|' : '>');
      sb.append(r.nextBoolean() ? chomp + (increment > 0 ? increment : "") : (increment > 0 ? increment : "") + chomp);
      sb.append(r.nextInt(5) == 0 ? "  # header" : "").append('\n');
      int indent = increment > 0 ? parent + increment : parent + 1 + r.nextInt(3);
      int lines = (subset ? 1 : 0) + r.nextInt(5);
      for (int i = 0; i < lines; i++) {
        int shape = i == 0 && subset ? 0 : r.nextInt(subset ? 5 : 7);
        switch (shape) {
          case 0:
          case 1:
            sb.append(" ".repeat(indent)).append(pick("x", "a b", "80", "# not a comment", "k: v", "- i", "y  "));
            break;
          case 2:
            sb.append(" ".repeat(indent + 1 + r.nextInt(2))).append(pick("more", "  deeper", "z"));
            break;
          case 3:
            sb.append(" ".repeat(r.nextInt(indent + 1)));
            break;
          case 4:
            sb.append(" ".repeat(indent + 1 + r.nextInt(2)));
            break;
          case 5:
            sb.append(" ".repeat(Math.max(0, indent - 1))).append("less");
            break;
          default:
            sb.append(" ".repeat(indent + 3));
            break;
        }
        sb.append('\n');
      }
      if (r.nextInt(6) == 0) {
        sb.append(" ".repeat(r.nextInt(parent + 1))).append("# after\n");
      }
    }

    /**
     * A one-line flow mapping or sequence, nested, with quoted and plain scalars and any spacing;
     * outside the subset also empty values, trailing commas, single-pair mappings in sequences,
     * plain scalars with colons or comment signs, and collections left open.
     */
    private void flow(int depth) {
      boolean map = r.nextBoolean();
      sb.append(map ? '{' : '[').append(r.nextInt(4) == 0 ? " " : "");
      int n = r.nextInt(4);
      List<String> used = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(pick(", ", ",", " , ", ",  "));
        }
        if (map) {
          String key = key(used);
          sb.append(key).append(subset || r.nextInt(8) > 0 ? ": " : ":");
        }
        if (depth < 4 && r.nextInt(4) == 0) {
          flow(depth + 1);
        } else if (subset) {
          sb.append(pick("x", "hello world", "80", "-1", "10.0.0.0/8", "yes", "null", "~", "\"dq\"", "'sq'", "'it''s'",
              "\"a, b\"", "'{x}'", "Ingress", "Egress", "7cz7lrhn"));
        } else {
          sb.append(pick(SCALARS[r.nextInt(SCALARS.length)], "", "a: b", "fd00::1", "x#y", "a ? b", "k: {}"));
        }
      }
      if (!subset && r.nextInt(8) == 0) {
        sb.append(pick(",", "", " ", ", x"));
      }
      sb.append(r.nextInt(4) == 0 ? " " : "").append(map ? '}' : ']');
    }

    /** Characters on the line being written so far. */
    private int sbLineLength() {
      int nl = sb.lastIndexOf("\n");
      return sb.length() - nl - 1;
    }

    private String comment() {
      return r.nextInt(6) == 0 ? " # note" : "";
    }

    private String scalar() {
      if (subset) {
        return pick("x", "hello world", "80", "0", "-1", "10.0.0.1", "10.0.0.0/8", "fd00::1", "yes", "No", "true",
            "null", "~", "\"dq\"", "'sq'", "'it''s'", "\"a\\\"b\"", "it's", "x # comment", "2147483648", "\"\"", "a,b",
            "7cz7lrhn", "4p9tcdgj", "12h", "8bcn5269", "9x557nt5");
      }
      return SCALARS[r.nextInt(SCALARS.length)];
    }

    private String pick(String... options) {
      return options[r.nextInt(options.length)];
    }
  }
}
