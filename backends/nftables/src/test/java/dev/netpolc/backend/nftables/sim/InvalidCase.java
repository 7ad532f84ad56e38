package dev.netpolc.backend.nftables.sim;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of {@code sim/invalid}: its first line {@code # expect: LINE:COL fragment} says where
 * the parser must report the error and what the reason must contain; an optional
 * {@code # nft-accepts: why} line documents a case where the real nft accepts the file.
 */
record InvalidCase(String name, String text, int line, int column, String fragment, Optional<String> nftAccepts) {

  private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");
  private static final Pattern ACCEPTS = Pattern.compile("# nft-accepts: (.+)");

  static InvalidCase load(String name) {
    String text = Corpus.text("invalid", name);
    String[] lines = text.split("\n", -1);
    Matcher m = EXPECT.matcher(lines[0]);
    if (!m.matches()) {
      throw new IllegalArgumentException(name + ": first line must be '# expect: LINE:COL fragment'");
    }
    Matcher a = ACCEPTS.matcher(lines[1]);
    return new InvalidCase(name, text, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3),
        a.matches() ? Optional.of(a.group(1)) : Optional.empty());
  }

  @Override
  public String toString() {
    return name;
  }
}
