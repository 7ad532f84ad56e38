package dev.netpolc.model.validation;

import static dev.netpolc.model.validation.TestPolicies.block;
import static dev.netpolc.model.validation.TestPolicies.from;
import static dev.netpolc.model.validation.TestPolicies.ingress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule of what stops a command or a compile, and the verdicts it gives. */
class AcceptanceGateTest {
  private static final SourcePosition AT = new SourcePosition("p.yaml", 3, 4);

  private static Diagnostic finding(String id, Severity severity) {
    return Diagnostic.of(id, severity, AT, "spec", "spec: something");
  }

  private static List<String> ids(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.severity().label() + "[" + d.ruleId() + "]").toList();
  }

  /** Rules of a direction missing from policyTypes: the API server accepts them (NP106). */
  private static NetworkPolicy ignoredEgress() {
    return NetworkPolicy.of("ns", "ignored", LabelSelector.EVERYTHING, List.of("Ingress"), List.of(),
        List.of(new PolicyRule(List.of(), List.of())));
  }

  @Test
  void errorsBlockWarningsDoNotAndTheApiServersAcceptedIdsGoOn() {
    assertThat(AcceptanceGate.blocks(finding("NP101", Severity.ERROR))).isTrue();
    assertThat(AcceptanceGate.blocks(finding("NP107", Severity.ERROR))).isTrue();
    assertThat(AcceptanceGate.blocks(finding("NP106", Severity.ERROR))).isFalse();
    assertThat(AcceptanceGate.blocks(finding("NP214", Severity.WARNING))).isFalse();
    assertThat(AcceptanceGate.blocks(finding("NP101", Severity.WARNING))).isFalse();
    assertThat(AcceptanceGate.blocks(finding("NP101", Severity.INFO))).isFalse();
  }

  @Test
  void anErrorIdTheGateHasNeverHeardOfBlocks() {
    // Ids added later (ClusterNetworkPolicy's validation) block without a change to the gate.
    assertThat(AcceptanceGate.blocks(finding("NP199", Severity.ERROR))).isTrue();
    assertThat(AcceptanceGate.blocks(finding("NP999", Severity.ERROR))).isTrue();
    assertThat(AcceptanceGate.ACCEPTED_BY_API_SERVER).containsExactly(IgnoredDirectionCheck.ID);
  }

  @Test
  void judgeSortsFindingsAndShowsAcceptedErrorsAsWarnings() {
    AcceptanceGate.Verdict v = AcceptanceGate.judge(List.of(finding("NP106", Severity.ERROR),
        finding("NP101", Severity.ERROR), finding("NP214", Severity.WARNING), finding("NP301", Severity.INFO)));
    assertThat(v.accepted()).isFalse();
    assertThat(ids(v.blocking())).containsExactly("error[NP101]");
    assertThat(ids(v.warnings())).containsExactly("warning[NP106]", "warning[NP214]");
    assertThat(AcceptanceGate.judge(List.of()).accepted()).isTrue();
  }

  @Test
  void aPolicyWithIgnoredRulesIsAcceptedWithAWarning() {
    Cluster c = new Cluster(List.of(), List.of(), List.of(), List.of(ignoredEgress()));
    AcceptanceGate.Verdict v = AcceptanceGate.DEFAULT.check(c);
    assertThat(v.accepted()).isTrue();
    assertThat(ids(v.warnings())).containsExactly("warning[NP106]");
    assertThat(v.warnings().get(0).path()).isEqualTo("spec.egress");
    assertThat(AcceptanceGate.DEFAULT.require(c)).isSameAs(c);
  }

  @Test
  void irregularCidrsWarnAndBlockOnlyUnderStrictCidrValidation() {
    Cluster c = new Cluster(List.of(), List.of(), List.of(), List.of(ingress(from(block("10.0.0.1/8")))));
    AcceptanceGate.Verdict lenient = AcceptanceGate.DEFAULT.check(c);
    assertThat(lenient.accepted()).isTrue();
    assertThat(ids(lenient.warnings())).containsExactly("warning[NP214]");
    AcceptanceGate.Verdict strict = new AcceptanceGate(new ValidationOptions(true)).check(c);
    assertThat(ids(strict.blocking())).containsExactly("error[NP101]");
    assertThat(strict.warnings()).isEmpty();
  }

  @Test
  void aClusterCheckedAgainIsNotValidatedAgainButAnEqualCopyIs() {
    NetworkPolicy p = ingress(from(block("10.0.0.0/8")));
    Cluster c = new Cluster(List.of(), List.of(), List.of(), List.of(p, p));
    AcceptanceGate gate = new AcceptanceGate(ValidationOptions.DEFAULT);
    AcceptanceGate.Verdict first = gate.check(c);
    assertThat(gate.check(c)).isSameAs(first);
    Cluster copy = new Cluster(List.of(), List.of(), List.of(), List.of(p, p));
    AcceptanceGate.Verdict again = gate.check(copy);
    assertThat(again).isNotSameAs(first).isEqualTo(first);
    Cluster clean = new Cluster(List.of(), List.of(), List.of(), List.of(p));
    assertThat(gate.check(clean).accepted()).isTrue();
    assertThat(gate.check(c)).isEqualTo(first);
  }

  @Test
  void duplicatesBlockTheWholeClusterButNotOneObjectAlone() {
    NetworkPolicy p = ingress(from(block("10.0.0.0/8")));
    Cluster c = new Cluster(List.of(), List.of(), List.of(), List.of(p, p));
    assertThat(ids(AcceptanceGate.DEFAULT.check(c).blocking())).containsExactly("error[NP107]");
    assertThat(AcceptanceGate.DEFAULT.check(p).accepted()).isTrue();
  }

  @Test
  void singleObjectsAreJudgedByTheSameRule() {
    assertThat(ids(AcceptanceGate.DEFAULT.check(ingress(from(block("10.0.0.0/33")))).blocking()))
        .containsExactly("error[NP101]");
    assertThat(ids(AcceptanceGate.DEFAULT.check(ignoredEgress()).warnings())).containsExactly("warning[NP106]");
    Pod badLabels = new Pod("ns", "p", Map.of("bad key!", "v"), List.of(IpAddress.parse("198.18.0.1")), "n1", false,
        "Running", List.of(), List.of(), AT);
    assertThat(ids(AcceptanceGate.DEFAULT.check(badLabels).blocking())).containsExactly("error[NP105]");
    assertThat(ids(AcceptanceGate.DEFAULT.check(Namespace.of("Not_A_Name", Map.of())).blocking()))
        .containsExactly("error[NP109]");
  }

  @Test
  void rejectionNamesTheFirstFindingWithItsPositionAndCountsTheRest() {
    AcceptanceGate.Verdict v = AcceptanceGate.judge(List.of(finding("NP101", Severity.ERROR),
        finding("NP103", Severity.ERROR)));
    assertThatThrownBy(v::orThrow).isInstanceOf(InputRejectedException.class)
        .hasMessage("input rejected: p.yaml:3:4: error[NP101]: spec: something (and 1 more)")
        .satisfies(e -> assertThat(ids(((InputRejectedException) e).findings()))
            .containsExactly("error[NP101]", "error[NP103]"));
    assertThatCode(AcceptanceGate.Verdict.CLEAN::orThrow).doesNotThrowAnyException();
  }

  @Test
  void plusKeepsEachFindingOnceInOrder() {
    AcceptanceGate.Verdict a = AcceptanceGate.judge(List.of(finding("NP101", Severity.ERROR),
        finding("NP106", Severity.ERROR)));
    AcceptanceGate.Verdict b = AcceptanceGate.judge(List.of(finding("NP106", Severity.ERROR),
        finding("NP103", Severity.ERROR), finding("NP101", Severity.ERROR)));
    AcceptanceGate.Verdict both = a.plus(b);
    assertThat(ids(both.blocking())).containsExactly("error[NP101]", "error[NP103]");
    assertThat(ids(both.warnings())).containsExactly("warning[NP106]");
  }
}
