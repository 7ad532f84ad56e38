package dev.netpolc.model.lint;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.validation.DuplicateObjectCheck;
import dev.netpolc.model.validation.InventoryCheck;
import dev.netpolc.model.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What rules read: the cluster, the configuration, the API validation findings (computed once
 * and shared by the NP1xx rules) and the selection over the inventory.
 */
public final class LintContext {
  /**
   * An API validation finding and the policy it is about, if any.
   *
   * @param policy  the policy, empty for an inventory object
   * @param finding the finding
   */
  public record Owned(Optional<NetworkPolicy> policy, Diagnostic finding) {}

  private final Cluster cluster;
  private final LintConfig config;
  private final Selection selection;
  private List<Owned> validation;

  /** The context of one lint run. */
  public LintContext(Cluster cluster, LintConfig config) {
    this.cluster = cluster;
    this.config = config;
    this.selection = new Selection(cluster);
  }

  /** The cluster being linted. */
  public Cluster cluster() {
    return cluster;
  }

  /** The configuration. */
  public LintConfig config() {
    return config;
  }

  /** Selectors resolved against the inventory. */
  public Selection selection() {
    return selection;
  }

  /** Every API validation finding, computed on first use. */
  public synchronized List<Owned> validation() {
    if (validation == null) {
      List<Owned> out = new ArrayList<>();
      Validator validator = new Validator(config.validation());
      List<NetworkPolicy> policies = cluster.policies();
      for (NetworkPolicy p : policies) {
        validator.validate(p).forEach(d -> out.add(new Owned(Optional.of(p), d)));
      }
      for (Map.Entry<Integer, Diagnostic> e : DuplicateObjectCheck.policyDuplicates(policies).entrySet()) {
        out.add(new Owned(Optional.of(policies.get(e.getKey())), e.getValue()));
      }
      DuplicateObjectCheck.inventoryDuplicates(cluster).forEach(d -> out.add(new Owned(Optional.empty(), d)));
      cluster.namespaces().forEach(ns -> InventoryCheck.check(ns).forEach(d -> out.add(new Owned(Optional.empty(), d))));
      cluster.pods().forEach(pod -> InventoryCheck.check(pod).forEach(d -> out.add(new Owned(Optional.empty(), d))));
      validation = List.copyOf(out);
    }
    return validation;
  }
}
