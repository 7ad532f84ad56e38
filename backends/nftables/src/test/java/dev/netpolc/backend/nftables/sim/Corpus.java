package dev.netpolc.backend.nftables.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The test rulesets under {@code src/test/resources/sim/valid} and {@code .../invalid}. */
final class Corpus {
  private Corpus() {}

  /** The text of {@code sim/<dir>/<name>}. */
  static String text(String dir, String name) {
    try (InputStream in = Corpus.class.getResourceAsStream("/sim/" + dir + "/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource sim/" + dir + "/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a valid corpus file. */
  static Ruleset valid(String name) {
    return NftParser.parse(text("valid", name), name);
  }

  /** The file names in {@code sim/<dir>}, sorted. */
  static List<String> names(String dir) {
    URL url = Corpus.class.getResource("/sim/" + dir);
    try (Stream<Path> files = Files.list(Paths.get(url.toURI()))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".nft")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory of {@code sim/<dir>} on disk (for handing files to the real nft). */
  static Path dir(String dir) {
    try {
      return Paths.get(Corpus.class.getResource("/sim/" + dir).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
