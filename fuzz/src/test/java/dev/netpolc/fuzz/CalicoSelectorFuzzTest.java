package dev.netpolc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.selector.SelectorSyntaxException;

/**
 * Calico's selector expression language: any string parses, or fails with a
 * {@link SelectorSyntaxException} whose column (in code points) lies in the string and whose
 * message holds no control character; what parses prints to Calico's canonical form, which parses
 * to an equal selector and prints the same again.
 */
class CalicoSelectorFuzzTest {
  @FuzzTest
  void parsePrintParse(byte[] data) {
    String text = Contract.text(data);
    CalicoSelector first;
    try {
      first = CalicoSelector.parse(text);
    } catch (SelectorSyntaxException e) {
      int codePoints = text.codePointCount(0, text.length());
      if (e.column() < 1 || e.column() > codePoints + 1) {
        throw new AssertionError("column " + e.column() + " outside the " + codePoints + " code points", e);
      }
      Contract.noControlCharacters(e.getMessage());
      return;
    }
    String printed = first.toString();
    CalicoSelector second;
    try {
      second = CalicoSelector.parse(printed);
    } catch (SelectorSyntaxException e) {
      throw new AssertionError("'" + printed + "' (printed from '" + text + "') does not parse: " + e.getMessage(), e);
    }
    if (!second.equals(first) || !second.toString().equals(printed)) {
      throw new AssertionError("'" + text + "' -> " + first + " -> '" + printed + "' -> " + second);
    }
  }
}
