package dev.netpolc.compiler.reference;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * Why a policy that selects a pod allowed nothing for a connection in one direction: one
 * {@link RuleMiss} per rule, or none when the policy has no rules in that direction.
 *
 * @param policy the policy
 * @param rules  why each of its rules in that direction failed
 */
public record PolicyMiss(PolicyRef policy, List<RuleMiss> rules) {
  public PolicyMiss {
    Objects.requireNonNull(policy, "policy");
    rules = ImmutableList.copyOf(rules);
  }
}
