package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A Calico selector that does not parse is reported (NP012) at the offending character inside
 * its YAML scalar, whatever the scalar's style: plain (one line or folded over several),
 * single-quoted with {@code ''}, double-quoted with escapes and escaped line breaks, literal and
 * folded blocks, flow mappings, JSON, and text with characters outside ASCII and the BMP. Each
 * case has a {@code $} (never valid in a selector) as the first bad character, so the check is
 * that the reported line and column hold that {@code $} in the file.
 */
class CalicoSelectorPositionTest {
  private static final String HEAD = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\n";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "spec:\n  selector: k == 'a' && $c\n",
      "spec:\n  selector: 'k == \"a\" && l == ''b'' && $c'\n",
      "spec:\n  selector: \"k == \\\"a\\\" && l == '\\u00e9\\x41\\t' && $c\"\n",
      "spec:\n  selector: |\n    k == 'a' && $c\n",
      "spec:\n  selector: |2-\n      k == 'a' && $c\n",
      "spec:\n  selector: >-\n    k == 'a'\n    && l == 'b'\n    && $c\n",
      "spec:\n  selector: >\n    k == 'a'\n    && l == 'b' && $c\n",
      "spec:\n  selector: k == 'a'\n    && l == 'b'\n    && $c\n",
      "spec:\n  selector: 'k == ''a''\n    && $c'\n",
      "spec:\n  selector: \"k == 'a' \\\n    && $c\"\n",
      "spec:\n  selector: \"k == 'a'\n    && $c\"\n",
      "spec: {selector: \"k == 'a' && $c\", types: [Ingress]}\n",
      "spec:\n  selector: k == 'é' && l == 'ü' && $c\n",
      "spec:\n  selector: \"k == '\uD835\uDD18' && $c\"\n",
      "spec:\n  selector: !!str k == 'a' && $c\n",
      "spec:\n  ingress:\n  - action: Allow\n    source:\n      notSelector: \"k == 'a' &&\\t$c\"\n",
      "spec:\n  egress:\n  - action: Allow\n    destination: {serviceAccounts: {selector: 'x == ''y'' && $c'}}\n",
  })
  void errorPointsAtTheOffendingCharacter(String spec) {
    String yaml = HEAD + spec;
    for (boolean fast : new boolean[] {true, false}) {
      List<Diagnostic> errors = new PolicyReader(ReaderLimits.DEFAULTS, fast).readString("s.yaml", yaml).errors();
      assertThat(errors).as(yaml).singleElement().satisfies(d -> {
        assertThat(d.ruleId()).isEqualTo(ReaderRule.SELECTOR_SYNTAX.id());
        assertThat(charAt(yaml, d.position())).as(d + " in\n" + yaml).isEqualTo("$");
      });
    }
  }

  @Test
  void aLineBreakInTheValueIsPlacedAtTheEndOfItsLine() {
    // Calico's selector syntax has no line breaks: a literal block's first one is the error.
    String yaml = HEAD + "spec:\n  selector: |\n    k == 'a' &&\n      l == 'b'\n";
    for (boolean fast : new boolean[] {true, false}) {
      List<Diagnostic> errors = new PolicyReader(ReaderLimits.DEFAULTS, fast).readString("s.yaml", yaml).errors();
      assertThat(errors).singleElement().satisfies(d -> {
        assertThat(d.ruleId()).isEqualTo("NP012");
        assertThat(d.position()).isEqualTo(new SourcePosition("s.yaml", 6, 16));
      });
    }
  }

  @Test
  void jsonEscapesArePlacedToo() {
    String json = "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"GlobalNetworkPolicy\",\"metadata\":{\"name\":"
        + "\"p\"},\n\"spec\":{\"selector\":\"k == \\\"a\\\\b\\\" && \\u0041 == 'x' && $c\"}}";
    List<Diagnostic> errors = new PolicyReader().readString("s.json", json).errors();
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.ruleId()).isEqualTo("NP012");
      assertThat(charAt(json, d.position())).isEqualTo("$");
    });
  }

  @Test
  void messageNamesTheFieldAndWhatWasExpected() {
    String yaml = HEAD + "spec:\n  ingress:\n  - action: Allow\n    source:\n      selector: app == \n";
    List<Diagnostic> errors = new PolicyReader().readString("s.yaml", yaml).errors();
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("spec.ingress[0].source.selector");
      assertThat(d.message()).startsWith("spec.ingress[0].source.selector: invalid Calico selector: ");
      // The error is at the end of the text: just after its last character ("app ==", trailing blank trimmed).
      assertThat(d.position()).isEqualTo(new SourcePosition("s.yaml", 8, 23));
    });
  }

  @Test
  void anErrorInAListItemCarriesTheItemPath() {
    String yaml = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicyList\nitems:\n"
        + "- metadata: {name: a}\n  spec: {selector: ok == 'x'}\n- metadata: {name: b}\n  spec: {selector: 'a ==== b'}\n";
    List<Diagnostic> errors = new PolicyReader().readString("s.yaml", yaml).errors();
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.path()).isEqualTo("items[1].spec.selector");
      assertThat(d.position().line()).isEqualTo(7);
    });
  }

  /** The code point at a 1-based line and column (columns count code points). */
  private static String charAt(String text, SourcePosition p) {
    String line = text.split("\n", -1)[p.line() - 1];
    int i = line.offsetByCodePoints(0, p.column() - 1);
    return new String(Character.toChars(line.codePointAt(i)));
  }
}
