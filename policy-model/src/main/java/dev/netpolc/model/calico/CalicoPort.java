package dev.netpolc.model.calico;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of an entity rule's {@code ports} or {@code notPorts} as written: a number
 * ({@code 80}), a range {@code "a:b"} (both ends included) or a named port ({@code "http"}),
 * read as Calico reads it: all digits is a number, digits colon digits a range, anything else a
 * name.
 *
 * @param text the entry as written (a YAML number as its decimal text)
 */
public record CalicoPort(String text) {
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern RANGE = Pattern.compile("([0-9]+):([0-9]+)");

  public CalicoPort {
    Objects.requireNonNull(text, "text");
  }

  /** True when the entry is a named port. */
  public boolean named() {
    return !DIGITS.matcher(text).matches() && !RANGE.matcher(text).matches();
  }

  /** The lowest port, or -1 for a named port or a number too large to read. */
  public int min() {
    return bound(1);
  }

  /** The highest port (equal to {@link #min()} for a single number), or -1 as for {@link #min()}. */
  public int max() {
    return bound(2);
  }

  /** True when {@code port} is in the number or range (a named port never matches here). */
  public boolean contains(int port) {
    return !named() && min() <= port && port <= max();
  }

  private int bound(int group) {
    try {
      if (DIGITS.matcher(text).matches()) {
        return text.length() > 6 ? -1 : Integer.parseInt(text);
      }
      Matcher m = RANGE.matcher(text);
      if (m.matches()) {
        String s = m.group(group);
        return s.length() > 6 ? -1 : Integer.parseInt(s);
      }
    } catch (NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public String toString() {
    return text;
  }
}
