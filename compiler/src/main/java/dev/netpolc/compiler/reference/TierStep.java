package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.npa.PolicyTier;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cluster-policy tier's part in a direction's decision.
 *
 * @param tier       Admin or Baseline
 * @param considered the policies of that tier selecting the pod with rules in this direction,
 *                   in evaluation order
 * @param match      the first rule that matched (Accept, Deny or Pass), if any
 */
public record TierStep(PolicyTier tier, List<PolicyRef> considered, Optional<TierRuleMatch> match) {
  public TierStep {
    Objects.requireNonNull(tier, "tier");
    considered = ImmutableList.copyOf(considered);
    Objects.requireNonNull(match, "match");
  }
}
