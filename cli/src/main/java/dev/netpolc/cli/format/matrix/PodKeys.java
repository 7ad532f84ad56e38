package dev.netpolc.cli.format.matrix;

import java.util.Comparator;

/** The {@code ns/name} keys of a reachability matrix, split and ordered for reports. */
public final class PodKeys {
  private PodKeys() {}

  /**
   * By namespace, then pod name. Plain string order is not enough: {@code a-b/x} sorts before
   * {@code a/x} although namespace {@code a} sorts before {@code a-b}, which would split groups.
   */
  public static final Comparator<String> ORDER =
      Comparator.comparing(PodKeys::namespaceOf).thenComparing(PodKeys::nameOf);

  /** The namespace of {@code ns/name}: everything before the first slash (names have none). */
  public static String namespaceOf(String podKey) {
    int slash = podKey.indexOf('/');
    return slash < 0 ? "" : podKey.substring(0, slash);
  }

  /** The pod name of {@code ns/name}: everything after the first slash. */
  public static String nameOf(String podKey) {
    return podKey.substring(podKey.indexOf('/') + 1);
  }
}
