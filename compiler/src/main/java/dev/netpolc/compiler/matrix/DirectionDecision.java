package dev.netpolc.compiler.matrix;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.reference.CalicoRuleMatch;
import dev.netpolc.compiler.reference.CalicoTierStep;
import dev.netpolc.compiler.reference.DirectionVerdict;
import dev.netpolc.compiler.reference.PolicyRef;
import dev.netpolc.compiler.reference.RuleMatch;
import dev.netpolc.compiler.reference.TierStep;
import dev.netpolc.model.PolicyType;
import dev.netpolc.model.npa.PolicyTier;
import dev.netpolc.model.npa.RuleAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The gist of one direction's {@link DirectionVerdict}, small and comparable so that a report can
 * intern it: the tier that decided, the rule, the isolating policies of a NetworkPolicy denial and
 * the Pass rules passed on the way. Positions and misses are left out: they are what
 * {@code netpolc explain} is for.
 *
 * <p>On input with Calico objects (SEMANTICS-CALICO.md) a direction decided by a Calico tier has
 * tier {@link DecidingTier#CALICO} and names the tier in {@code calicoTier}: the rule that allowed
 * or denied, or no rule for the tier's default Deny. When no tier applies, or every tier passed,
 * Calico's profile allowed: tier {@link DecidingTier#DEFAULT}. Log rules are left out (they do
 * not decide).
 *
 * @param direction  egress (at the source) or ingress (at the destination)
 * @param applies    false when that side is not a pod policy applies to (then allowed, by default)
 * @param tier       the tier whose decision is final
 * @param allowed    the direction lets the connection through
 * @param rule       the deciding rule: an Admin or Baseline Accept/Deny, or the NetworkPolicy rule
 *                   that allowed; empty for a NetworkPolicy denial and for the default
 * @param isolatedBy for a NetworkPolicy denial, the isolating policies ({@code np:ns/name}), in
 *                   input order; empty otherwise
 * @param passes     the Pass rules that handed the decision down, Admin before Baseline, or
 *                   Calico's tiers in order
 * @param calicoTier the Calico tier that decided, for {@link DecidingTier#CALICO}; empty otherwise
 */
public record DirectionDecision(PolicyType direction, boolean applies, DecidingTier tier, boolean allowed,
    Optional<Rule> rule, List<String> isolatedBy, List<Rule> passes, Optional<String> calicoTier) {

  public DirectionDecision {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(rule, "rule");
    isolatedBy = ImmutableList.copyOf(isolatedBy);
    passes = ImmutableList.copyOf(passes);
    Objects.requireNonNull(calicoTier, "calicoTier");
    if (tier == DecidingTier.NONE) {
      throw new IllegalArgumentException("a direction is decided by a tier or by default");
    }
    if (calicoTier.isPresent() != (tier == DecidingTier.CALICO)) {
      throw new IllegalArgumentException("a Calico tier is named exactly when a Calico tier decided");
    }
  }

  /** A decision of the Admin, NetworkPolicy or Baseline tier, or the default (no Calico tier). */
  public DirectionDecision(PolicyType direction, boolean applies, DecidingTier tier, boolean allowed,
      Optional<Rule> rule, List<String> isolatedBy, List<Rule> passes) {
    this(direction, applies, tier, allowed, rule, isolatedBy, passes, Optional.empty());
  }

  /**
   * A rule named in a decision.
   *
   * @param tier       Admin, NetworkPolicy, Baseline or Calico
   * @param policy     {@code cnp:NAME}, {@code anp:NAME}, {@code banp:NAME} or {@code np:ns/name};
   *                   for a Calico rule the policy as the Calico explanation names it
   *                   ({@code GlobalNetworkPolicy/NAME}, {@code NetworkPolicy/NS/NAME}, …)
   * @param index      the rule's index in the policy's {@code ingress} or {@code egress}
   * @param name       the rule's {@code name}, when it has one (cluster policies only)
   * @param action     {@code Accept}, {@code Deny} or {@code Pass}; {@code Allow} for a NetworkPolicy
   *                   rule; Calico's {@code Allow}, {@code Deny} or {@code Pass} for a Calico rule
   * @param calicoTier the Calico tier of a Calico rule; empty otherwise
   */
  public record Rule(DecidingTier tier, String policy, int index, Optional<String> name, String action,
      Optional<String> calicoTier) {
    public Rule {
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(calicoTier, "calicoTier");
      if (index < 0) {
        throw new IllegalArgumentException("rule index < 0: " + index);
      }
      if (calicoTier.isPresent() != (tier == DecidingTier.CALICO)) {
        throw new IllegalArgumentException("a Calico rule names its Calico tier, no other rule does");
      }
    }

    /** A rule of the Admin, NetworkPolicy or Baseline tier. */
    public Rule(DecidingTier tier, String policy, int index, Optional<String> name, String action) {
      this(tier, policy, index, name, action, Optional.empty());
    }
  }

  /**
   * The gist of {@code v}.
   */
  public static DirectionDecision of(DirectionVerdict v) {
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CALICO) {
      return ofCalico(v);
    }
    DecidingTier tier = switch (v.decidedBy()) {
      case ADMIN -> DecidingTier.ADMIN;
      case NETWORK_POLICY -> DecidingTier.NETWORK_POLICY;
      // Cilium has one layer of policy: report it as the NetworkPolicy tier when it had a say.
      case CILIUM -> v.ciliumMatch().isPresent() || v.isolated() ? DecidingTier.NETWORK_POLICY : DecidingTier.DEFAULT;
      case BASELINE -> DecidingTier.BASELINE;
      case DEFAULT, CALICO -> DecidingTier.DEFAULT; // CALICO handled above
    };
    Optional<Rule> rule = switch (v.decidedBy()) {
      case ADMIN, BASELINE -> v.decidingStep().flatMap(DirectionDecision::tierRule);
      case NETWORK_POLICY -> v.match().map(DirectionDecision::networkPolicyRule);
      case CILIUM -> v.ciliumMatch().map(m -> new Rule(DecidingTier.NETWORK_POLICY, m.policy().key(), m.ruleIndex(),
          Optional.empty(), m.deny() ? "Deny" : "Allow"));
      case DEFAULT, CALICO -> Optional.empty();
    };
    List<String> isolatedBy = new ArrayList<>();
    if (v.decidedBy() == DirectionVerdict.DecidedBy.NETWORK_POLICY && !v.allowed()) {
      for (PolicyRef p : v.selecting()) {
        isolatedBy.add(networkPolicyKey(p));
      }
    }
    if (v.decidedBy() == DirectionVerdict.DecidedBy.CILIUM && !v.allowed() && v.ciliumMatch().isEmpty()) {
      for (PolicyRef p : v.selecting()) {
        isolatedBy.add(p.key());
      }
    }
    List<Rule> passes = new ArrayList<>();
    for (Optional<TierStep> step : List.of(v.admin(), v.baseline())) {
      step.filter(s -> s.match().filter(m -> m.action() == RuleAction.PASS).isPresent())
          .flatMap(DirectionDecision::tierRule).ifPresent(passes::add);
    }
    return new DirectionDecision(v.direction(), v.applies(), tier, v.allowed(), rule, isolatedBy, passes);
  }

  /**
   * A direction through Calico's tiers: the last tier that took part decided, unless it passed
   * (then, as with no tier at all, the profile allowed). Each Pass rule on the way is named.
   */
  private static DirectionDecision ofCalico(DirectionVerdict v) {
    List<Rule> passes = new ArrayList<>();
    for (CalicoTierStep step : v.calicoTiers()) {
      if (step.outcome() == CalicoTierStep.Outcome.PASS) {
        step.match().map(DirectionDecision::calicoRule).ifPresent(passes::add);
      }
    }
    Optional<CalicoTierStep> last = v.decidingCalicoTier().filter(t -> !t.outcome().passes());
    if (last.isEmpty()) {
      return new DirectionDecision(v.direction(), v.applies(), DecidingTier.DEFAULT, v.allowed(), Optional.empty(),
          List.of(), passes, Optional.empty());
    }
    // A tier's default Deny has no rule: the tier alone is named.
    return new DirectionDecision(v.direction(), v.applies(), DecidingTier.CALICO, v.allowed(),
        last.get().match().map(DirectionDecision::calicoRule), List.of(), passes, Optional.of(last.get().tier()));
  }

  private static Rule calicoRule(CalicoRuleMatch m) {
    return new Rule(DecidingTier.CALICO, m.policy().key(), m.ruleIndex(), Optional.empty(), m.action(),
        Optional.of(m.tier()));
  }

  private static Optional<Rule> tierRule(TierStep step) {
    DecidingTier tier = step.tier() == PolicyTier.ADMIN ? DecidingTier.ADMIN : DecidingTier.BASELINE;
    return step.match().map(m -> new Rule(tier, m.policy().key(), m.ruleIndex(), m.ruleName(), m.action().apiName()));
  }

  private static Rule networkPolicyRule(RuleMatch m) {
    return new Rule(DecidingTier.NETWORK_POLICY, networkPolicyKey(m.policy()), m.ruleIndex(), Optional.empty(),
        "Allow");
  }

  /** {@code np:ns/name}: NetworkPolicy keys carry no kind prefix in the model, cluster policies do. */
  private static String networkPolicyKey(PolicyRef p) {
    return "np:" + p.key();
  }
}
