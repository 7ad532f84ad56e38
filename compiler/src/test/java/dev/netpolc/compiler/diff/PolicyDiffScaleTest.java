package dev.netpolc.compiler.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.BruteForce.Probe;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A whole-cluster diff of 10,000 generated pods (1,000 policies; 100 removed, 100 from another
 * seed added, 100 replaced): the result is right on a fixed-seed sample of pod pairs and ports,
 * half of them drawn from the reported changes. Not timed; {@link #main} prints the wall time.
 */
class PolicyDiffScaleTest {
  private static final Cluster OLD = LargeClusterGen.generate(42, 10_000, 1_000);
  private static final List<NetworkPolicy> NEW = mutated();

  private static List<NetworkPolicy> mutated() {
    List<NetworkPolicy> donor = LargeClusterGen.generate(7, 10_000, 1_000).policies();
    List<NetworkPolicy> out = new ArrayList<>(OLD.policies());
    Random r = new Random(3);
    for (int i = 0; i < 100; i++) {
      out.remove(r.nextInt(out.size()));
    }
    for (int i = 0; i < 200; i++) {
      // Renamed: the donor's names are the old policies' names (a duplicate is rejected, NP107).
      NetworkPolicy p = PolicyDiffPropertiesTest.renamed(donor.get(r.nextInt(donor.size())), "-donor" + i);
      if (i < 100) {
        out.add(p);
      } else {
        out.set(r.nextInt(out.size()), p);
      }
    }
    return out;
  }

  @Test
  void aTenThousandPodDiffIsRightOnASample() {
    DiffResult r = PolicyDiff.compute(OLD, OLD.policies(), NEW, SemanticsOptions.DEFAULTS);
    assertThat(r.pods()).hasSize(10_000);
    assertThat(r.newlyAllowed()).isNotEmpty();
    assertThat(r.newlyDenied()).isNotEmpty();
    ReferenceEvaluator before = new ReferenceEvaluator(OLD);
    ReferenceEvaluator after = new ReferenceEvaluator(OLD.withPolicies(NEW));
    Random random = new Random(11);
    List<Pod> pods = r.pods();
    java.util.Map<String, Pod> byKey = new java.util.HashMap<>();
    pods.forEach(p -> byKey.put(p.key(), p));
    List<Probe> ports = List.of(Probe.of(Protocol.TCP, 80), Probe.of(Protocol.TCP, 443), Probe.of(Protocol.TCP, 8080),
        Probe.of(Protocol.UDP, 53), Probe.of(Protocol.TCP, 53), Probe.of(Protocol.TCP, 9090), new Probe(1, 0));
    int changed = 0;
    for (int i = 0; i < 1_500; i++) {
      Pod s;
      Pod d;
      Probe probe;
      if (i % 2 == 0) {
        s = pods.get(random.nextInt(pods.size()));
        d = pods.get(random.nextInt(pods.size()));
        probe = ports.get(random.nextInt(ports.size()));
      } else {
        // From a reported block: the claim itself is checked.
        List<ChangeBlock> blocks = random.nextBoolean() ? r.newlyAllowed() : r.newlyDenied();
        ChangeBlock b = blocks.get(random.nextInt(blocks.size()));
        s = byKey.get(b.sources().get(random.nextInt(b.sources().size())));
        d = byKey.get(b.destinations().get(random.nextInt(b.destinations().size())));
        probe = probeIn(b.ports(), random);
      }
      boolean was = BruteForce.allows(before, s, d, probe);
      boolean is = BruteForce.allows(after, s, d, probe);
      Optional<Change> expected = was == is ? Optional.empty()
          : Optional.of(is ? Change.NEWLY_ALLOWED : Change.NEWLY_DENIED);
      changed += expected.isPresent() ? 1 : 0;
      assertThat(BruteForce.reported(r, s.key(), d.key(), probe)).as("%s -> %s on %s", s.key(), d.key(), probe)
          .isEqualTo(expected);
    }
    assertThat(changed).isGreaterThan(500);
  }

  private static Probe probeIn(PortSpace ports, Random random) {
    if (ports.ranges().isEmpty()) {
      return new Probe(1, 0);
    }
    List<Protocol> protos = new ArrayList<>(ports.ranges().keySet());
    Protocol p = protos.get(random.nextInt(protos.size()));
    var ranges = ports.ranges().get(p);
    var range = ranges.get(random.nextInt(ranges.size()));
    return Probe.of(p, range.from() + random.nextInt(range.to() - range.from() + 1));
  }

  /** Prints the wall time of the diff and its sizes. */
  public static void main(String[] args) {
    for (int run = 0; run < 3; run++) {
      long t0 = System.nanoTime();
      DiffResult r = PolicyDiff.compute(OLD, OLD.policies(), NEW, SemanticsOptions.DEFAULTS);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("diff of %d pods: %d ms, %s, %d allowed blocks (%d pairs), %d denied blocks (%d pairs)%n",
          r.pods().size(), ms, r.stats(), r.newlyAllowed().size(), r.pairCount(Change.NEWLY_ALLOWED),
          r.newlyDenied().size(), r.pairCount(Change.NEWLY_DENIED));
    }
  }
}
