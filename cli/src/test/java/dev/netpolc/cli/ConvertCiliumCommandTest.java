package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.cli.CompileCommandTest.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc convert} with Cilium on either side: golden output for examples/cilium converted
 * to clusternetworkpolicy, networkpolicy and calico (through clusternetworkpolicy), and
 * examples/tiers converted to cilium, each with its
 * report; Cilium to Cilium writes the same policies. Regenerate the goldens with
 * {@code -Dnetpolc.updateGolden=true}.
 */
class ConvertCiliumCommandTest {
  private static final Path GOLDEN = ConvertCommandTest.GOLDEN;
  private static final Path EXAMPLES = ConvertCommandTest.EXAMPLES;

  private static String portable(String text) {
    return text.replace(EXAMPLES.toAbsolutePath().normalize() + java.io.File.separator, "examples/");
  }

  private static void golden(String name, Run r) throws IOException {
    ExplainGoldenTest.check(GOLDEN.resolve(name + ".yaml"), r.out());
    ExplainGoldenTest.check(GOLDEN.resolve(name + ".report.txt"), portable(r.err()));
  }

  @Test
  void ciliumToClusterNetworkPolicyMatchesGolden() throws IOException {
    Run r = run("clusternetworkpolicy", "cilium");
    golden("cilium-clusternetworkpolicy", r);
    if (r.rc() == 0) {
      assertThat(r.err()).contains("proof: every connection between the 7 pods is decided as before");
    } else {
      assertThat(r.rc()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("nothing was written");
    }
  }

  @Test
  void ciliumToNetworkPolicyIsRefusedNamingTheRules() throws IOException {
    Run r = run("networkpolicy", "cilium");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    golden("cilium-networkpolicy", r);
    assertThat(portable(r.err())).contains("examples/cilium/platform/guard-rails.yaml:")
        .contains("NetworkPolicy has no deny rules");
  }

  @Test
  void ciliumToCalicoIsChainedAndProvedAgainstTheCiliumPolicies() throws IOException {
    Run r = run("calico", "cilium");
    golden("cilium-calico", r);
    assertThat(r.rc()).as(r.err()).isZero();
    // Written for Calico, each object named after the Cilium policy it comes from.
    assertThat(r.out()).contains("apiVersion: projectcalico.org/v3").contains("kind: GlobalNetworkPolicy")
        .doesNotContain("cilium.io/v2");
    assertThat(r.err()).contains("<- cilium.io CiliumNetworkPolicy/shop/backend")
        .contains("proof: every connection between the 7 pods is decided as before")
        .contains("warning: some objects list today's pods");
  }

  @Test
  void tiersToCiliumMatchesGolden() throws IOException {
    Run r = run("cilium", "tiers");
    golden("tiers-cilium", r);
  }

  @Test
  void ciliumToCiliumKeepsThePolicies() {
    Run r = run("cilium", "cilium");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("kind: CiliumClusterwideNetworkPolicy").contains("kind: CiliumNetworkPolicy")
        .contains("kind: NetworkPolicy");
    assertThat(r.err()).contains("proof: every connection between the 7 pods is decided as before");
  }

  private static Run run(String target, String example) {
    return ConvertCommandTest.run("convert", "--to", target, EXAMPLES.resolve(example).toString());
  }
}
