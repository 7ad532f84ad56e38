package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Large streams are parsed in parallel chunks; nothing about the result may show it. */
class ChunkedReadTest {
  private static final int POLICIES = 12_000;

  private static String stream;

  private static synchronized String bigStream() {
    if (stream == null) {
      stream = build();
    }
    return stream;
  }

  private static String build() {
    StringBuilder sb = new StringBuilder("# a large stream\n");
    for (int i = 0; i < POLICIES; i++) {
      NetworkPolicy p = NetworkPolicy.of("ns-" + (i % 7), "np-" + i, LabelSelector.ofLabels(Map.of("app", "a" + i)),
          List.of("Ingress"), List.of(new PolicyRule(List.of(), List.of(PolicyPort.of(Protocol.TCP,
              PortValue.of(1 + i % 65535), null)))), List.of());
      sb.append("---\n");
      if (i % 1000 == 0) {
        sb.append("# netpolc: disable=NP212\n");
      }
      sb.append(PolicyWriter.toYaml(p));
    }
    return sb.toString();
  }

  /** 1-based lines on which a line equal to {@code content} stands. */
  private static List<Integer> linesOf(String text, String content) {
    List<Integer> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals(content)) {
        out.add(i + 1);
      }
    }
    return out;
  }

  @Test
  void splitsOnlyAtDocumentMarkersWithTheRightLineOffsets() {
    String text = bigStream();
    List<DocumentChunks.Chunk> chunks = DocumentChunks.split(text, 256 << 10);
    assertThat(text.length()).isGreaterThan(DocumentChunks.MIN_SPLIT_CHARS);
    assertThat(chunks).hasSizeGreaterThan(4);
    int expectedStart = 0;
    for (DocumentChunks.Chunk c : chunks) {
      assertThat(c.start()).isEqualTo(expectedStart);
      expectedStart = c.end();
      if (c.start() > 0) {
        assertThat(text.startsWith("---\n", c.start())).isTrue();
      }
      long linesBefore = text.substring(0, c.start()).chars().filter(ch -> ch == '\n').count();
      assertThat(c.lineOffset()).isEqualTo((int) linesBefore);
    }
    assertThat(expectedStart).isEqualTo(text.length());
  }

  @Test
  void chunkedReadKeepsOrderPositionsAndSuppressions() {
    String text = bigStream();
    ReadResult r = new PolicyReader().readString("big.yaml", text);
    assertThat(r.errors()).isEmpty();
    List<NetworkPolicy> policies = r.cluster().policies();
    assertThat(policies).hasSize(POLICIES);
    List<Integer> starts = linesOf(text, "apiVersion: networking.k8s.io/v1");
    List<Integer> ports = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("      port: ")) {
        ports.add(i + 1);
      }
    }
    for (int i = 0; i < POLICIES; i++) {
      NetworkPolicy p = policies.get(i);
      assertThat(p.name()).isEqualTo("np-" + i);
      assertThat(p.position().line()).isEqualTo(starts.get(i));
      assertThat(p.source().find("spec.ingress[0].ports[0].port").line()).isEqualTo(ports.get(i));
      assertThat(p.suppressedRules()).isEqualTo(i % 1000 == 0 ? java.util.Set.of("NP212") : java.util.Set.of());
    }
  }

  @Test
  void anErrorInALateChunkHasItsExactLineAndDropsTheWholeFile() {
    String text = bigStream();
    int cut = text.lastIndexOf("  podSelector:\n");
    long line = text.substring(0, cut).chars().filter(ch -> ch == '\n').count() + 1;
    String broken = text.substring(0, cut) + "  podSelector: [}\n" + text.substring(cut + "  podSelector:\n".length());
    ReadResult r = new PolicyReader().readString("big.yaml", broken);
    assertThat(r.cluster().policies()).isEmpty();
    Diagnostic d = r.errors().get(0);
    assertThat(d.ruleId()).isEqualTo("NP001");
    assertThat(d.position().line()).isEqualTo((int) line);
    assertThat(d.position().column()).isEqualTo(17);

    String duplicated = text.substring(0, cut) + "  podSelector: {}\n  podSelector: {}\n  x:\n"
        + text.substring(cut + "  podSelector:\n".length());
    Diagnostic dup = new PolicyReader().readString("big.yaml", duplicated).errors().get(0);
    assertThat(dup.ruleId()).isEqualTo("NP004");
    assertThat(dup.position().line()).isEqualTo((int) line + 1);
  }

  @Test
  void parallelAndSequentialReadsGiveTheSameClusterAndErrors() {
    String text = bigStream();
    assertSameRead(text);
    // Errors spread over several chunks, of the kinds the scanner and Jackson each report: the
    // same errors in the same order, the first in input order first, and no object at all.
    StringBuilder broken = new StringBuilder();
    int cut = 0;
    String[] replacements = {"  podSelector: [}\n", "  podSelector: 7\n", "  podSelector: {}\n  podSelector: {}\n",
        "  podSelector:\n    bogus: 1\n"};
    for (int k = 0; k < replacements.length; k++) {
      int at = text.indexOf("  podSelector:\n", (int) ((long) text.length() * (2 * k + 1) / 9));
      broken.append(text, cut, at).append(replacements[k]);
      cut = at + "  podSelector:\n".length();
    }
    broken.append(text.substring(cut));
    ReadResult r = assertSameRead(broken.toString());
    assertThat(r.errors()).isNotEmpty();
    assertThat(r.cluster().policies()).isEmpty();
  }

  /**
   * A directory's files are decoded and parsed together: the errors (limits, encoding, syntax)
   * and objects come out in file order, exactly as when the files are read one by one.
   */
  @Test
  void filesReadTogetherGiveWhatReadingThemInTurnGives(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    String big = bigStream();
    String small = PolicyWriter.toYaml(NetworkPolicy.of("other", "late", LabelSelector.ofLabels(Map.of("a", "b")),
        List.of("Ingress"), List.of(), List.of()));
    byte[] badUtf8 = {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xff, '\n'};
    java.nio.file.Files.writeString(dir.resolve("a-big.yaml"), big);
    java.nio.file.Files.writeString(dir.resolve("b-broken.yaml"), small.replace("podSelector:", "podSelector: [}"));
    java.nio.file.Files.writeString(dir.resolve("c-too-large.yaml"), big + "# padding\n".repeat(100));
    java.nio.file.Files.write(dir.resolve("d-bad-utf8.yaml"), badUtf8);
    java.nio.file.Files.writeString(dir.resolve("e-good.yaml"), small);
    java.nio.file.Files.writeString(dir.resolve("f-over-total.yaml"), big);
    java.nio.file.Files.writeString(dir.resolve("g-never-read.yaml"), small.replace("late", "never"));
    long total = big.length() + small.length() + 16 + badUtf8.length + small.length();
    ReaderLimits d = ReaderLimits.DEFAULTS;
    ReaderLimits limits = new ReaderLimits(big.length() + 100, total, d.maxDepth(), d.maxScalarChars(),
        d.maxAliases(), d.maxDocuments(), d.maxObjects());
    ReadResult parallel = new PolicyReader(limits, true, true).read(List.of(dir));
    ReadResult sequential = new PolicyReader(limits, true, false).read(List.of(dir));
    assertThat(parallel.errors()).isEqualTo(sequential.errors());
    assertThat(parallel.errors()).extracting(e -> java.nio.file.Path.of(e.position().file()).getFileName().toString())
        .containsExactly("b-broken.yaml", "c-too-large.yaml", "d-bad-utf8.yaml", "f-over-total.yaml");
    assertThat(withoutSources(parallel)).isEqualTo(withoutSources(sequential));
    assertThat(sources(parallel)).isEqualTo(sources(sequential));
    assertThat(parallel.cluster().policies()).hasSize(POLICIES + 1);
    assertThat(parallel.objectCount()).isEqualTo(sequential.objectCount());
  }

  private static ReadResult assertSameRead(String text) {
    ReadResult parallel = new PolicyReader(ReaderLimits.DEFAULTS, true, true).readString("big.yaml", text);
    ReadResult sequential = new PolicyReader(ReaderLimits.DEFAULTS, true, false).readString("big.yaml", text);
    assertThat(parallel.errors()).isEqualTo(sequential.errors());
    assertThat(withoutSources(parallel)).isEqualTo(withoutSources(sequential));
    assertThat(sources(parallel)).isEqualTo(sources(sequential));
    assertThat(parallel.skippedKinds()).isEqualTo(sequential.skippedKinds());
    assertThat(parallel.objectCount()).isEqualTo(sequential.objectCount());
    return parallel;
  }

  private static List<NetworkPolicy> withoutSources(ReadResult r) {
    List<NetworkPolicy> out = new ArrayList<>();
    for (NetworkPolicy p : r.cluster().policies()) {
      out.add(new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(), p.ingress(), p.egress(),
          SourceMap.EMPTY, p.suppressedRules()));
    }
    return out;
  }

  private static List<Object> sources(ReadResult r) {
    List<Object> out = new ArrayList<>();
    for (NetworkPolicy p : r.cluster().policies()) {
      out.add(List.of(p.source().all(), p.source().objectPosition()));
    }
    return out;
  }
}
