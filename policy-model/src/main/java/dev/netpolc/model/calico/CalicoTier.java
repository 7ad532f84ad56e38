package dev.netpolc.model.calico;

import dev.netpolc.model.SourceMap;
import java.util.Comparator;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A Calico {@code Tier}: an ordered group of policies with the action taken when none of its
 * policies' rules match an endpoint its policies apply to.
 *
 * @param name          {@code metadata.name}
 * @param order         {@code spec.order}, or empty (after every ordered tier)
 * @param defaultAction {@code spec.defaultAction} as written ({@code Deny} when absent)
 * @param source        positions of every field
 */
public record CalicoTier(String name, OptionalDouble order, String defaultAction, SourceMap source) {
  /** Tiers by order ascending (absent last), then name. */
  public static final Comparator<CalicoTier> ORDER = Comparator
      .comparingDouble((CalicoTier t) -> t.order.isPresent() ? t.order.getAsDouble() : Double.POSITIVE_INFINITY)
      .thenComparing(t -> t.order.isEmpty())
      .thenComparing(CalicoTier::name);

  /** The built-in {@code default} tier: order 1,000,000, default action Deny. */
  public static final CalicoTier DEFAULT = new CalicoTier("default", OptionalDouble.of(1_000_000), "Deny",
      SourceMap.EMPTY);
  /** The built-in {@code kube-admin} tier (AdminNetworkPolicy): order 1,000, default action Pass. */
  public static final CalicoTier KUBE_ADMIN = new CalicoTier("kube-admin", OptionalDouble.of(1_000), "Pass",
      SourceMap.EMPTY);
  /** The built-in {@code kube-baseline} tier: order 10,000,000, default action Pass. */
  public static final CalicoTier KUBE_BASELINE = new CalicoTier("kube-baseline", OptionalDouble.of(10_000_000),
      "Pass", SourceMap.EMPTY);

  public CalicoTier {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(defaultAction, "defaultAction");
    Objects.requireNonNull(source, "source");
  }

  /** True when the tier's default action is Pass (go on with the next tier); false for Deny. */
  public boolean passByDefault() {
    return defaultAction.equals("Pass");
  }
}
