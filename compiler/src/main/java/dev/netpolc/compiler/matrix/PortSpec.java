package dev.netpolc.compiler.matrix;

import java.util.Objects;

/**
 * The port a reachability probe targets: a number, or a container-port name resolved on each
 * destination pod (a destination without that name is unreachable, except from itself).
 *
 * @param number the port number (1..65535), or 0 for a named port
 * @param name   the port name, or null for a numbered port
 */
public record PortSpec(int number, String name) implements Comparable<PortSpec> {
  public PortSpec {
    if ((name == null) == (number == 0)) {
      throw new IllegalArgumentException("a port spec is either a number or a name");
    }
    if (name == null && (number < 1 || number > 65535)) {
      throw new IllegalArgumentException("port out of range: " + number);
    }
    if (name != null && name.isEmpty()) {
      throw new IllegalArgumentException("empty port name");
    }
  }

  /** A numbered port. */
  public static PortSpec of(int number) {
    return new PortSpec(number, null);
  }

  /** A named port. */
  public static PortSpec named(String name) {
    return new PortSpec(0, Objects.requireNonNull(name, "name"));
  }

  /** Reads a command-line value: all digits is a number, anything else a name. */
  public static PortSpec parse(String text) {
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (text.length() > 5) {
        throw new IllegalArgumentException("port out of range: " + text);
      }
      return of(Integer.parseInt(text));
    }
    return named(text);
  }

  /** True for a named port. */
  public boolean isNamed() {
    return name != null;
  }

  /** Numbers first (ascending), then names (alphabetically). */
  @Override
  public int compareTo(PortSpec o) {
    if (isNamed() != o.isNamed()) {
      return isNamed() ? 1 : -1;
    }
    return isNamed() ? name.compareTo(o.name) : Integer.compare(number, o.number);
  }

  @Override
  public String toString() {
    return isNamed() ? name : Integer.toString(number);
  }
}
