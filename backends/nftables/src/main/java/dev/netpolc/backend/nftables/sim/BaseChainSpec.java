package dev.netpolc.backend.nftables.sim;

import java.util.Objects;

/**
 * What makes a chain a base chain: {@code type filter hook H priority P; policy V;}.
 *
 * @param type     the chain type (the subset supports {@code filter})
 * @param hook     the hook it is attached to
 * @param priority the numeric priority (named priorities resolved: filter = 0, raw = -300, ...)
 * @param policy   {@code ACCEPT} (the default) or {@code DROP}
 */
public record BaseChainSpec(String type, Hook hook, int priority, VerdictStatement.Kind policy) {
  public BaseChainSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(policy, "policy");
    if (policy != VerdictStatement.Kind.ACCEPT && policy != VerdictStatement.Kind.DROP) {
      throw new IllegalArgumentException("policy must be accept or drop");
    }
  }
}
