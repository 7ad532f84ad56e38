package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.diagnostics.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each limit refuses input just past it, with NP002 at the place it was crossed, and accepts input at it. */
class ReaderLimitsTest {
  private static final ReaderLimits D = ReaderLimits.DEFAULTS;
  private static final String NS = "apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n";

  private static ReaderLimits limits(long file, long total, int depth, int scalar, int aliases, int docs, int objects) {
    return new ReaderLimits(file, total, depth, scalar, aliases, docs, objects);
  }

  private static Diagnostic onlyError(ReadResult r) {
    assertThat(r.errors()).hasSize(1);
    assertThat(r.cluster().namespaces()).isEmpty();
    return r.errors().get(0);
  }

  @Test
  void fileSizeIsCheckedBeforeReading(@TempDir Path dir) throws Exception {
    String text = String.format(NS, "a");
    Path f = dir.resolve("a.yaml");
    Files.writeString(f, text);
    PolicyReader exact = new PolicyReader(limits(text.length(), D.maxTotalBytes(), 64, 100, 0, 10, 10));
    assertThat(exact.read(List.of(f)).ok()).isTrue();
    PolicyReader tight = new PolicyReader(limits(text.length() - 1, D.maxTotalBytes(), 64, 100, 0, 10, 10));
    Diagnostic d = onlyError(tight.read(List.of(f)));
    assertThat(d.ruleId()).isEqualTo("NP002");
    assertThat(d.message()).contains("larger than");
  }

  @Test
  void totalSizeStopsTheRead(@TempDir Path dir) throws Exception {
    for (String n : List.of("a", "b", "c")) {
      Files.writeString(dir.resolve(n + ".yaml"), String.format(NS, n));
    }
    long one = Files.size(dir.resolve("a.yaml"));
    ReadResult r = new PolicyReader(limits(D.maxFileBytes(), 2 * one, 64, 100, 0, 10, 10)).read(List.of(dir));
    assertThat(r.cluster().namespaces()).extracting(n -> n.name()).containsExactly("a", "b");
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP002");
      assertThat(d.position().file()).endsWith("c.yaml");
    });
  }

  @Test
  void depth() {
    PolicyReader r = new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 4, 100, 0, 10, 10));
    // The document mapping is depth 0; metadata 1, labels 2: fine. A flow list at depth 4 is too deep.
    assertThat(r.readString("ok.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a, x: [[1]]}\n").ok())
        .isTrue();
    Diagnostic d = onlyError(r.readString("deep.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {x: [[[1]]]}\n"));
    assertThat(d.ruleId()).isEqualTo("NP002");
    assertThat(d.position().line()).isEqualTo(3);
    assertThat(d.position().column()).isEqualTo(17);
    assertThat(d.path()).isEqualTo("metadata.x[0][0]");
  }

  @Test
  void scalarLength() {
    // Keys count too: "apiVersion" has 10 characters.
    PolicyReader r = new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 10, 0, 10, 10));
    assertThat(r.readString("ok.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: abcdefghij}\n").ok())
        .isTrue();
    Diagnostic d = onlyError(r.readString("long.yaml",
        "kind: Namespace\napiVersion: v1\nmetadata: {name: abcdefghijk}\n"));
    assertThat(d.ruleId()).isEqualTo("NP002");
    assertThat(d.position().line()).isEqualTo(3);
    assertThat(d.position().column()).isEqualTo(18);
  }

  @Test
  void aliasCountAndExpansion() {
    String yaml = "kind: Namespace\napiVersion: v1\nmetadata: {name: a, x: &x [1, 2, 3], y: [*x, *x]}\n";
    assertThat(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 2, 10, 10))
        .readString("ok.yaml", yaml).ok()).isTrue();
    Diagnostic count = onlyError(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 1, 10, 10))
        .readString("a.yaml", yaml));
    assertThat(count.ruleId()).isEqualTo("NP002");
    assertThat(count.position().column()).isEqualTo(46);
    assertThat(count.message()).contains("aliases");
  }

  @Test
  void documentsPerFile() {
    String two = String.format(NS, "a") + "---\n" + String.format(NS, "b");
    assertThat(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 0, 2, 10))
        .readString("ok.yaml", two).ok()).isTrue();
    Diagnostic d = onlyError(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 0, 1, 10))
        .readString("two.yaml", two));
    assertThat(d.ruleId()).isEqualTo("NP002");
    assertThat(d.position().line()).isEqualTo(5);
  }

  @Test
  void objectsPerReadCountListItems() {
    String list = "apiVersion: v1\nkind: NamespaceList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n";
    assertThat(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 0, 10, 2))
        .readString("ok.yaml", list).cluster().namespaces()).hasSize(2);
    Diagnostic d = onlyError(new PolicyReader(limits(D.maxFileBytes(), D.maxTotalBytes(), 64, 100, 0, 10, 1))
        .readString("list.yaml", list));
    assertThat(d.ruleId()).isEqualTo("NP002");
    assertThat(d.position().line()).isEqualTo(5);
    assertThat(d.path()).isEqualTo("items[1]");
  }

  @Test
  void defaultsAreSane() {
    assertThat(D.maxFileBytes()).isGreaterThanOrEqualTo(64L << 20);
    assertThat(D.maxAliasExpansion()).isLessThanOrEqualTo(10_000_000L);
    assertThat(D.maxDepth()).isBetween(32, ReaderLimits.DEPTH_CAP);
  }
}
