package dev.netpolc.model.lint;

import dev.netpolc.model.SourceMap;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.Optional;

/**
 * NP260: a Calico policy (enforced or staged) whose {@code spec.tier} names a tier that no Tier
 * object of the input defines and that is none of the built-in {@code default},
 * {@code kube-admin} and {@code kube-baseline}. Calico's API server refuses to create such a
 * policy until the Tier exists, so in manifests it is an ordering bug (the Tier is applied
 * later, or lives elsewhere) or a typo. When a known tier is within a small edit distance
 * (adjacent transpositions count as one edit), the finding suggests it and points at its
 * definition.
 */
public final class PolicyInUndefinedTier extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP260";

  /** The rule. */
  public PolicyInUndefinedTier() {
    super(ID, Severity.WARNING, "a Calico policy in a tier that no Tier object or built-in tier defines", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    CalicoResources calico = context.cluster().calico();
    List<CalicoTier> known = calico.tiersInOrder();
    for (CalicoPolicy p : calico.policies()) {
      if (calico.tier(p.tier()).isPresent()) {
        continue;
      }
      Optional<CalicoTier> closest = closest(p.tier(), known);
      String message = "tier " + CalicoRuleWalk.quoted(p.tier()) + " is defined by no Tier object in the input "
          + "and is no built-in tier; Calico refuses to create the policy until that Tier exists";
      List<Diagnostic.Related> related = List.of();
      if (closest.isPresent()) {
        CalicoTier t = closest.get();
        message += "; did you mean \"" + t.name() + "\"?";
        if (t.source() != SourceMap.EMPTY) {
          related = List.of(new Diagnostic.Related(t.source().find("metadata.name"), "Tier " + t.name()));
        }
      }
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), "spec.tier", message, related));
    }
  }

  /** The known tier nearest to {@code name} within the allowed distance; the first by tier order on ties. */
  static Optional<CalicoTier> closest(String name, List<CalicoTier> known) {
    int limit = Math.min(2, Math.max(1, name.length() / 3));
    CalicoTier best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (CalicoTier t : known) {
      if (Math.abs(name.length() - t.name().length()) > limit) {
        continue; // also keeps the table small for a long name
      }
      int d = distance(name, t.name());
      if (d <= limit && d < bestDistance) {
        best = t;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Edit distance with insertions, deletions, substitutions and adjacent transpositions (optimal string alignment). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
