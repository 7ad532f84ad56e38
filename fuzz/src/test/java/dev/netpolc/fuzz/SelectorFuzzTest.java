package dev.netpolc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.selector.SelectorParser;
import dev.netpolc.model.selector.SelectorSyntaxException;

/**
 * The kubectl label-selector grammar ({@code --dns-selector}, the lint config's
 * {@code dns.podSelector}): any string parses, or fails with a {@link SelectorSyntaxException}
 * whose column lies in the string; and what parses prints (in its kubectl form) to a string that
 * parses to an equal selector.
 */
class SelectorFuzzTest {
  @FuzzTest
  void parsePrintParse(byte[] data) {
    String text = Contract.text(data);
    LabelSelector first;
    try {
      first = SelectorParser.parse(text);
    } catch (SelectorSyntaxException e) {
      if (e.column() < 1 || e.column() > text.length() + 1) {
        throw new AssertionError("column " + e.column() + " outside the " + text.length() + " characters", e);
      }
      Contract.noControlCharacters(e.getMessage());
      return;
    }
    // toString names the empty selector "<all>", a display form; its kubectl text is "".
    String printed = first.isEmpty() ? "" : first.toString();
    LabelSelector second;
    try {
      second = SelectorParser.parse(printed);
    } catch (SelectorSyntaxException e) {
      throw new AssertionError("'" + printed + "' (printed from '" + text + "') does not parse: " + e.getMessage(), e);
    }
    if (!second.equals(first)) {
      throw new AssertionError("'" + text + "' -> " + first + " -> '" + printed + "' -> " + second);
    }
  }
}
