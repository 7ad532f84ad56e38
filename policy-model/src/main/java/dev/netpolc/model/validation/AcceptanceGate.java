package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one decision of which input netpolc acts on. {@code compile}, {@code verify},
 * {@code matrix}, {@code explain} and {@code diff}, and the library's {@code Compiler} and
 * {@code CompilerSession}, all ask this gate and nothing else; {@code netpolc lint} reports the
 * same findings with its own (configurable) severities and exit code.
 *
 * <p>The rule: a validation finding blocks when it is an {@link Severity#ERROR error}, unless
 * its rule id is in {@link #ACCEPTED_BY_API_SERVER}: findings the API server accepts and whose
 * meaning SEMANTICS.md defines, which go on as warnings. Warnings never block. So every error id
 * a validator reports, including ids added later (ClusterNetworkPolicy's), blocks unless it is
 * added to that list on purpose.
 *
 * <pre>{@code
 * AcceptanceGate.Verdict v = AcceptanceGate.DEFAULT.check(cluster);
 * v.warnings().forEach(System.err::println);   // accepted: NP106, NP214, ...
 * if (!v.accepted()) { ... v.blocking() ... }  // what the API server would reject
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class AcceptanceGate {
  /**
   * Rule ids whose errors do not block: the API server accepts such objects and SEMANTICS.md
   * gives them a meaning. NP106: rules of a direction missing from {@code policyTypes} are
   * ignored (lint reports them as errors because they are never what the author meant).
   */
  public static final Set<String> ACCEPTED_BY_API_SERVER = Set.of(IgnoredDirectionCheck.ID);

  /** The gate with the API server's default validation (lenient CIDRs: NP214 warns). */
  public static final AcceptanceGate DEFAULT = new AcceptanceGate(ValidationOptions.DEFAULT);

  private final ValidationOptions options;
  private final Validator validator;
  /**
   * The last cluster checked and its verdict. A {@link Cluster} is deeply immutable, so its
   * verdict never changes: the CLI checks a cluster before compiling it and the {@code Compiler}
   * checks it again (it cannot trust its caller), which on 100,000 pods costs a third of a second.
   * Held weakly so that the gate keeps no cluster alive.
   */
  private volatile LastVerdict last;

  private record LastVerdict(WeakReference<Cluster> cluster, Verdict verdict) {}

  /** A gate validating with {@code options} (e.g. strict CIDRs, under which NP214 becomes NP101). */
  public AcceptanceGate(ValidationOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.validator = new Validator(options);
  }

  /** The validation options this gate validates with. */
  public ValidationOptions options() {
    return options;
  }

  /** True when {@code finding} stops a command or a compile: the gate's whole rule. */
  public static boolean blocks(Diagnostic finding) {
    return finding.severity() == Severity.ERROR && !ACCEPTED_BY_API_SERVER.contains(finding.ruleId());
  }

  /** Sorts {@code findings} (as a validator reports them) into what blocks and what goes on. */
  public static Verdict judge(List<Diagnostic> findings) {
    ImmutableList.Builder<Diagnostic> blocking = ImmutableList.builder();
    ImmutableList.Builder<Diagnostic> warnings = ImmutableList.builder();
    for (Diagnostic d : findings) {
      if (blocks(d)) {
        blocking.add(d);
      } else if (d.severity() == Severity.ERROR) {
        warnings.add(d.withSeverity(Severity.WARNING));
      } else if (d.severity() == Severity.WARNING) {
        warnings.add(d);
      }
    }
    return new Verdict(blocking.build(), warnings.build());
  }

  /** The verdict on a whole cluster: every object, and duplicates across them. */
  public Verdict check(Cluster cluster) {
    LastVerdict memo = last;
    if (memo != null && memo.cluster().get() == cluster) {
      return memo.verdict();
    }
    Verdict verdict = judge(validator.validate(cluster));
    last = new LastVerdict(new WeakReference<>(cluster), verdict);
    return verdict;
  }

  /** The verdict on one policy alone (an upsert: no cross-object checks). */
  public Verdict check(NetworkPolicy policy) {
    return judge(validator.validate(policy));
  }

  /** The verdict on one pod alone (an upsert). */
  public Verdict check(Pod pod) {
    return judge(InventoryCheck.check(pod));
  }

  /** The verdict on one namespace alone (an upsert). */
  public Verdict check(Namespace namespace) {
    return judge(InventoryCheck.check(namespace));
  }

  /**
   * Returns {@code cluster} when the gate accepts it.
   *
   * @throws InputRejectedException naming every blocking finding otherwise
   */
  public Cluster require(Cluster cluster) {
    check(cluster).orThrow();
    return cluster;
  }

  /**
   * What the gate decided about some input.
   *
   * @param blocking the findings that stop it (errors), in report order; empty when accepted
   * @param warnings what goes on but deserves a word: warnings, and the accepted errors
   *                 ({@link #ACCEPTED_BY_API_SERVER}) shown as warnings, in report order
   */
  public record Verdict(List<Diagnostic> blocking, List<Diagnostic> warnings) {
    /** The verdict on input without findings. */
    public static final Verdict CLEAN = new Verdict(List.of(), List.of());

    public Verdict {
      blocking = ImmutableList.copyOf(blocking);
      warnings = ImmutableList.copyOf(warnings);
    }

    /** True when nothing blocks. */
    public boolean accepted() {
      return blocking.isEmpty();
    }

    /** Both verdicts' findings, each finding once (e.g. the two sides of a diff sharing files). */
    public Verdict plus(Verdict other) {
      return new Verdict(union(blocking, other.blocking), union(warnings, other.warnings));
    }

    /**
     * Does nothing when accepted.
     *
     * @throws InputRejectedException naming every blocking finding otherwise
     */
    public void orThrow() {
      if (!accepted()) {
        throw new InputRejectedException(blocking);
      }
    }

    private static List<Diagnostic> union(List<Diagnostic> a, List<Diagnostic> b) {
      Set<Diagnostic> all = new LinkedHashSet<>(a);
      all.addAll(b);
      return new ArrayList<>(all);
    }
  }
}
