package dev.netpolc.model;

/**
 * The API's IntOrString for {@code ports[].port}: a number, or a container-port name. A quoted
 * {@code "80"} is a name (and an invalid one), exactly as the API server reads it.
 *
 * @param number the number, or null for a name
 * @param name   the name, or null for a number
 */
public record PortValue(Integer number, String name) {
  public PortValue {
    if ((number == null) == (name == null)) {
      throw new IllegalArgumentException("exactly one of number and name");
    }
  }

  /** A numeric port. */
  public static PortValue of(int number) {
    return new PortValue(number, null);
  }

  /** A named port. */
  public static PortValue named(String name) {
    return new PortValue(null, name);
  }

  /** True for a named port. */
  public boolean isNamed() {
    return name != null;
  }

  @Override
  public String toString() {
    return isNamed() ? name : number.toString();
  }
}
