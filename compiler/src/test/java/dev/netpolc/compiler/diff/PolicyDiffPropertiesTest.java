package dev.netpolc.compiler.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.BruteForce.Probe;
import dev.netpolc.compiler.gen.ClusterGen;
import dev.netpolc.compiler.gen.TieredClusterGen;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The diff against brute force: over generated clusters and a policy set mutated into another
 * (a policy added, removed or replaced), every pod pair on a set of probes (fixed ports, the
 * edges of every reported range, ICMP) is reported exactly when the reference evaluator's
 * decision changed, and the right way.
 */
class PolicyDiffPropertiesTest {
  private static final List<Probe> FIXED = List.of(Probe.of(Protocol.TCP, 80), Probe.of(Protocol.TCP, 53),
      Probe.of(Protocol.TCP, 8080), Probe.of(Protocol.TCP, 443), Probe.of(Protocol.TCP, 9090),
      Probe.of(Protocol.TCP, 1), Probe.of(Protocol.TCP, 65535), Probe.of(Protocol.UDP, 53),
      Probe.of(Protocol.UDP, 80), Probe.of(Protocol.SCTP, 81), new Probe(1, 0), new Probe(58, 0));

  @Test
  void theDiffIsExactOnEveryPairAndProbe() {
    qt().withExamples(300).withShrinkCycles(200)
        .forAll(ClusterGen.clusters(), ClusterGen.clusters(), integers().between(0, 2), integers().between(0, 99))
        .checkAssert((c, donor, how, pick) -> check(c, mutate(c.policies(), donor.policies(), how, pick),
            SemanticsOptions.DEFAULTS));
  }

  @Test
  void theDiffIsExactUnderOtherSemanticsOptions() {
    for (SemanticsOptions options : List.of(SemanticsOptions.DEFAULTS.withIpBlockMatchesPodIps(false),
        SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false),
        SemanticsOptions.DEFAULTS.withHostNetworkPodsArePolicyTargets(true))) {
      qt().withExamples(60).withShrinkCycles(100)
          .forAll(ClusterGen.clusters(), ClusterGen.clusters(), integers().between(0, 2), integers().between(0, 99))
          .checkAssert((c, donor, how, pick) -> check(c, mutate(c.policies(), donor.policies(), how, pick), options));
    }
  }

  @Test
  void identicalPolicySetsHaveNoDiff() {
    qt().withExamples(100).forAll(ClusterGen.clusters()).checkAssert(c ->
        assertThat(PolicyDiff.compute(c, c.policies(), c.policies(), SemanticsOptions.DEFAULTS).isEmpty()).isTrue());
  }

  @Test
  void swappingOldAndNewSwapsAllowedAndDenied() {
    qt().withExamples(100).forAll(ClusterGen.clusters(), ClusterGen.clusters()).checkAssert((c, donor) -> {
      DiffResult forward = PolicyDiff.compute(c, c.policies(), donor.policies(), SemanticsOptions.DEFAULTS);
      DiffResult back = PolicyDiff.compute(c, donor.policies(), c.policies(), SemanticsOptions.DEFAULTS);
      assertThat(back.at(Protocol.TCP, PortSpec.of(80)).pairs(Change.NEWLY_ALLOWED))
          .isEqualTo(forward.at(Protocol.TCP, PortSpec.of(80)).pairs(Change.NEWLY_DENIED));
    });
  }

  /**
   * Tiered policy sets: a cluster-scoped policy added, removed, replaced, or changed in priority
   * alone; the diff is exact against the reference on both sides.
   */
  @Test
  void theDiffIsExactWithTieredPolicies() {
    qt().withExamples(150).withShrinkCycles(100)
        .forAll(TieredClusterGen.clusters(), TieredClusterGen.clusters(), integers().between(0, 3),
            integers().between(0, 99))
        .checkAssert((c, donor, how, pick) -> {
          List<ClusterNetworkPolicy> cnps = new ArrayList<>(c.clusterNetworkPolicies());
          if (how == 3 && !cnps.isEmpty()) {
            ClusterNetworkPolicy p = cnps.get(pick % cnps.size());
            cnps.set(pick % cnps.size(), new ClusterNetworkPolicy(p.name(), p.tier(), (p.priority() + 7) % 1001,
                p.subject(), p.ingress(), p.egress(), p.kind(), p.source(), p.suppressedRules()));
          } else {
            if ((how == 1 || how == 2) && !cnps.isEmpty()) {
              cnps.remove(pick % cnps.size());
            }
            if ((how == 0 || how == 2) && !donor.clusterNetworkPolicies().isEmpty()) {
              ClusterNetworkPolicy d = donor.clusterNetworkPolicies().get(pick % donor.clusterNetworkPolicies().size());
              cnps.add(new ClusterNetworkPolicy(d.name() + "-donor", d.tier(), d.priority(), d.subject(), d.ingress(),
                  d.egress(), d.kind(), d.source(), d.suppressedRules()));
            }
          }
          Cluster after = c.withTieredPolicies(cnps, how == 1 ? List.of() : c.adminNetworkPolicies(),
              how == 2 ? donor.baselineAdminNetworkPolicies() : c.baselineAdminNetworkPolicies());
          check(c, after, SemanticsOptions.DEFAULTS);
        });
  }

  /**
   * 0: add a donor policy; 1: remove one; 2: replace one by a donor policy. The donor is renamed,
   * since a second policy of one namespace/name is input no command accepts (NP107).
   */
  static List<NetworkPolicy> mutate(List<NetworkPolicy> old, List<NetworkPolicy> donor, int how, int pick) {
    List<NetworkPolicy> out = new ArrayList<>(old);
    if ((how == 1 || how == 2) && !out.isEmpty()) {
      out.remove(pick % out.size());
    }
    if ((how == 0 || how == 2) && !donor.isEmpty()) {
      out.add(renamed(donor.get(pick % donor.size()), "-donor"));
    }
    return out;
  }

  /** {@code p} under its name plus {@code suffix}. */
  static NetworkPolicy renamed(NetworkPolicy p, String suffix) {
    return new NetworkPolicy(p.namespace(), p.name() + suffix, p.podSelector(), p.policyTypes(), p.ingress(),
        p.egress(), p.source(), p.suppressedRules());
  }

  private static void check(Cluster c, List<NetworkPolicy> newPolicies, SemanticsOptions options) {
    check(c, c.withPolicies(newPolicies), options);
  }

  private static void check(Cluster c, Cluster changed, SemanticsOptions options) {
    DiffResult r = PolicyDiff.compute(c, c, changed, options);
    ReferenceEvaluator before = new ReferenceEvaluator(c, options);
    ReferenceEvaluator after = new ReferenceEvaluator(changed, options);
    List<Probe> probes = new ArrayList<>(FIXED);
    BruteForce.addEdges(r, probes);
    for (Probe probe : probes) {
      for (Pod s : r.pods()) {
        for (Pod d : r.pods()) {
          boolean was = BruteForce.allows(before, s, d, probe);
          boolean is = BruteForce.allows(after, s, d, probe);
          Optional<Change> expected = was == is ? Optional.empty()
              : Optional.of(is ? Change.NEWLY_ALLOWED : Change.NEWLY_DENIED);
          assertThat(BruteForce.reported(r, s.key(), d.key(), probe)).as("%s -> %s on %s", s.key(), d.key(), probe)
              .isEqualTo(expected);
        }
      }
    }
    // The per-probe view lists exactly the same pairs.
    for (Probe probe : FIXED) {
      Optional<Protocol> p = Protocol.ofNumber(probe.protocol());
      if (p.isEmpty()) {
        continue;
      }
      DiffResult at = r.at(p.get(), PortSpec.of(probe.port()));
      for (Change change : Change.values()) {
        for (List<String> pair : at.pairs(change)) {
          assertThat(BruteForce.reported(r, pair.get(0), pair.get(1), probe)).contains(change);
        }
      }
    }
  }
}
