package dev.netpolc.compiler.conformance;

import com.google.common.collect.ImmutableList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the conformance corpus ({@code src/test/resources/conformance/} of the repository root)
 * from any module's working directory, so every module's tests can run the same cases.
 */
public final class ConformanceCorpus {
  private static final Path RELATIVE = Path.of("src", "test", "resources", "conformance");

  private ConformanceCorpus() {}

  /** The corpus directory: the first ancestor of the working directory that holds it. */
  public static Path directory() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve(RELATIVE).resolve("cases"))) {
        return d.resolve(RELATIVE);
      }
    }
    throw new IllegalStateException("conformance corpus not found above " + dir);
  }

  /**
   * Every case: the shared examples, then the project's own (subfolders included, such as
   * {@code cases/tiers/} and {@code cases/tiers-upstream/}), each sorted by path. Cases that
   * {@code require} a feature are included; runners skip those they cannot decide
   * ({@link ConformanceCase#unsupportedBy}).
   */
  public static List<ConformanceCase> all() {
    Path dir = directory();
    return ImmutableList.<ConformanceCase>builder()
        .addAll(ConformanceCase.loadAll(dir.resolve("shared")))
        .addAll(ConformanceCase.loadAll(dir.resolve("cases")))
        .build();
  }
}
