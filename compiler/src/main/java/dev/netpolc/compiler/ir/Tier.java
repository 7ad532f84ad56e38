package dev.netpolc.compiler.ir;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tier a direction of an endpoint group is evaluated through. Tiers are evaluated in
 * ascending {@link #rank()}; in each tier the rules are ordered by priority, then by position,
 * and the first matching rule decides: {@link Action#ALLOW} and {@link Action#DENY} end the
 * evaluation, {@link Action#PASS} (or no match) moves to the next tier; a matching
 * {@link Action#LOG} rule logs and evaluation goes on with the next rule. Only
 * {@link #NETWORK_POLICY} has an implicit end: when none of its rules matched and the group is
 * isolated in that direction, the connection is denied (Kubernetes' default deny), whether or
 * not the group has rules in that tier. Any other tier ends in whatever rules it has (a dialect
 * whose tier denies by default appends a catch-all Deny rule). After the last tier the
 * connection is allowed.
 *
 * <p>The three standard tiers are the only ones the Kubernetes builders produce; a dialect with
 * more tiers (Calico) makes them with {@link #ordered(int, String)} at other ranks. Equality is
 * by value (rank and name); the standard tiers are the only instances at their ranks, as
 * {@link #ordered} refuses those ranks.
 */
public final class Tier implements Comparable<Tier> {
  /** What a dialect tier's name may be: a DNS label with dots, so that it is safe in comments. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  /** The longest name {@link #ordered} takes. */
  public static final int MAX_NAME_LENGTH = 63;

  /** AdminNetworkPolicy / ClusterNetworkPolicy Admin tier: rank 1,000,000. */
  public static final Tier ADMIN = new Tier(1_000_000, "admin", "ADMIN");
  /** Kubernetes NetworkPolicy: additive allows, then default deny when isolated; rank 2,000,000. */
  public static final Tier NETWORK_POLICY = new Tier(2_000_000, "network-policy", "NETWORK_POLICY");
  /** BaselineAdminNetworkPolicy / ClusterNetworkPolicy Baseline tier: rank 3,000,000. */
  public static final Tier BASELINE = new Tier(3_000_000, "baseline", "BASELINE");

  private static final List<Tier> STANDARD = List.of(ADMIN, NETWORK_POLICY, BASELINE);

  private final int rank;
  private final String name;
  private final String label;

  private Tier(int rank, String name, String label) {
    this.rank = rank;
    this.name = name;
    this.label = label;
  }

  /**
   * A dialect tier at {@code rank} (any rank but the standard tiers'), named {@code name} for
   * explain and matrix output and for comments in emitted text.
   *
   * @throws IllegalArgumentException when {@code name} is not a lower-case DNS-label-like name
   *     ({@code [a-z0-9]([-a-z0-9.]*[a-z0-9])?}) of at most {@value #MAX_NAME_LENGTH} characters,
   *     or {@code rank} is a standard tier's
   */
  public static Tier ordered(int rank, String name) {
    Objects.requireNonNull(name, "name");
    if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tier name \"" + printable(name) + "\" must match "
          + NAME.pattern() + " and have at most " + MAX_NAME_LENGTH + " characters");
    }
    for (Tier s : STANDARD) {
      if (s.rank == rank) {
        throw new IllegalArgumentException("tier rank " + rank + " is the " + s.name + " tier's");
      }
    }
    return new Tier(rank, name, name + "@" + rank);
  }

  /** The standard tiers in rank order: {@link #ADMIN}, {@link #NETWORK_POLICY}, {@link #BASELINE}. */
  public static List<Tier> standard() {
    return STANDARD;
  }

  /** The evaluation order: lower first. */
  public int rank() {
    return rank;
  }

  /** The name: {@code admin}, {@code network-policy}, {@code baseline}, or a dialect tier's. */
  public String name() {
    return name;
  }

  /** True for {@link #ADMIN}, {@link #NETWORK_POLICY} and {@link #BASELINE}. */
  public boolean isStandard() {
    return label.indexOf('@') < 0;
  }

  /** By rank, then (for equal ranks, which only dialect tiers can share) by name. */
  @Override
  public int compareTo(Tier o) {
    int c = Integer.compare(rank, o.rank);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof Tier t && rank == t.rank && name.equals(t.name));
  }

  @Override
  public int hashCode() {
    return 31 * rank + name.hashCode();
  }

  /**
   * {@code ADMIN}, {@code NETWORK_POLICY} or {@code BASELINE} for the standard tiers (their
   * names as constants; dumps and the eBPF backend's stable rule numbers use this form), else
   * {@code name@rank}.
   */
  @Override
  public String toString() {
    return label;
  }

  /** The name for a message, control characters shown as {@code ?} and cut to 80 characters. */
  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder sb = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f || c == '"' ? '?' : c));
    return sb.toString();
  }
}
