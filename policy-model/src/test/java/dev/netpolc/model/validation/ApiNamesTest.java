package dev.netpolc.model.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The hand-written checks that let valid names skip the regular expressions accept exactly what
 * the API machinery's patterns and length limits accept (here written out as those patterns).
 */
class ApiNamesTest {
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final String ALPHABET = "aaz09Z-._/-..//_A\n ~é";

  @Test
  void validNamesAreExactlyThoseThePatternsAccept() {
    qt().withExamples(3000).forAll(texts()).checkAssert(s -> {
      assertThat(ApiNames.labelValue(s).isEmpty()).as("labelValue(%s)", s).isEqualTo(labelValue(s));
      assertThat(ApiNames.dns1123Label(s).isEmpty()).as("dns1123Label(%s)", s).isEqualTo(dnsLabel(s));
      assertThat(ApiNames.dns1123Subdomain(s).isEmpty()).as("dns1123Subdomain(%s)", s).isEqualTo(subdomain(s));
      assertThat(ApiNames.qualifiedName(s).isEmpty()).as("qualifiedName(%s)", s).isEqualTo(qualifiedName(s));
      assertThat(ApiNames.portName(s).isEmpty()).as("portName(%s)", s).isEqualTo(portName(s));
    });
  }

  @Test
  void problemsAreStillWordedByThePatterns() {
    assertThat(ApiNames.labelValue("-a")).hasSize(1);
    assertThat(ApiNames.qualifiedName("a/b/c")).hasSize(1);
    assertThat(ApiNames.qualifiedName("Example.com/x")).containsExactly("prefix part a lowercase RFC 1123 subdomain "
        + "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
        + "alphanumeric character");
    assertThat(ApiNames.portName("--")).hasSize(3);
  }

  /** Text near the limits and the edges of the patterns: lengths up to 260, a small alphabet. */
  private static Gen<String> texts() {
    return longs().all().zip(integers().between(0, 5), (seed, shape) -> {
      Random r = new Random(seed);
      int length = shape == 0 ? 60 + r.nextInt(8) : shape == 1 ? 250 + r.nextInt(10) : r.nextInt(12);
      StringBuilder sb = new StringBuilder();
      String alphabet = shape == 2 ? "abc019-." : shape == 3 ? "abcXYZ019-_." : ALPHABET;
      for (int i = 0; i < length; i++) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      if (shape == 4 && sb.length() > 2) {
        sb.setCharAt(r.nextInt(sb.length()), '/');
      }
      return sb.toString();
    });
  }

  private static boolean labelValue(String s) {
    return s.length() <= 63 && LABEL_VALUE.matcher(s).matches();
  }

  private static boolean dnsLabel(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }

  private static boolean subdomain(String s) {
    return s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches();
  }

  private static boolean qualifiedName(String s) {
    String[] parts = s.split("/", -1);
    if (parts.length > 2) {
      return false;
    }
    String name = parts[parts.length - 1];
    if (parts.length == 2 && (parts[0].isEmpty() || !subdomain(parts[0]))) {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
  }

  private static boolean portName(String s) {
    return s.length() <= 15 && s.matches("[-a-z0-9]+") && Pattern.compile(".*[a-z].*").matcher(s).matches()
        && !s.contains("--") && !s.startsWith("-") && !s.endsWith("-");
  }
}
