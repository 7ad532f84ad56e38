package dev.netpolc.compiler.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.gen.LargeClusterGen;
import dev.netpolc.compiler.ir.RuleGraphEvaluator;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A generated cluster of 5,000 pods and 500 policies: the optimised graph agrees with the
 * reference on a fixed-seed sample of connections, and the passes shrink it. {@link #main}
 * prints the before/after sizes (CompileStats) for reports; nothing here is timed.
 */
class LargeClusterTest {
  private static final Cluster CLUSTER = LargeClusterGen.generate(42, 5_000, 500);

  @Test
  void theOptimisedGraphAgreesWithTheReferenceOnASample() {
    CompileResult r = new Compiler().compile(CLUSTER, CompileOptions.DEFAULTS);
    ReferenceEvaluator ref = new ReferenceEvaluator(CLUSTER);
    RuleGraphEvaluator ir = new RuleGraphEvaluator(r.graph());
    for (Connection c : sample(new Random(7), 1_500)) {
      assertThat(ir.allows(c)).as("%s", c).isEqualTo(ref.allows(c));
    }
    assertThat(r.stats().after().rules()).isLessThan(r.stats().before().rules());
    assertThat(r.stats().after().groups()).isLessThan(r.stats().before().groups());
    assertThat(r.stats().after().addressElements()).isLessThan(r.stats().before().addressElements());
  }

  private static List<Connection> sample(Random random, int n) {
    List<IpAddress> v4 = new ArrayList<>();
    for (Pod p : CLUSTER.pods()) {
      p.ips().stream().filter(ip -> !ip.v6()).forEach(v4::add);
    }
    v4.add(IpAddress.parse("8.8.8.8"));
    List<Connection> out = new ArrayList<>();
    List<Integer> ports = List.of(80, 53, 443, 8080, 9090, 81, 82);
    for (int i = 0; i < n; i++) {
      IpAddress s = v4.get(random.nextInt(v4.size()));
      IpAddress d = v4.get(random.nextInt(v4.size()));
      out.add(Connection.of(s, d, Protocol.values()[random.nextInt(3)], ports.get(random.nextInt(ports.size()))));
    }
    return out;
  }

  /** Prints the CompileStats of the large cluster. */
  public static void main(String[] args) {
    CompileResult r = new Compiler().compile(CLUSTER, CompileOptions.DEFAULTS);
    System.out.println("5,000 pods, 500 policies");
    System.out.println("before: " + r.stats().before());
    System.out.println("after:  " + r.stats().after());
    System.out.print(r.stats());
  }
}
