package dev.netpolc.compiler.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;

/** What the conversion tests check on a converted cluster, as {@link Converter}'s proof builds it. */
final class ConvertedDecisions {
  /** The semantics the conversion properties run under (FQDN peers match nothing). */
  static final SemanticsOptions OPTIONS = SemanticsOptions.DEFAULTS.withDomainNamesMatchNothing(true);

  private ConvertedDecisions() {}

  /** The converted YAML read back; it must read without an error. */
  static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString(Converter.CONVERTED, yaml);
    assertThat(r.errors()).isEmpty();
    return r.cluster();
  }

  /**
   * The policies of {@code converted} on the inventory of {@code source}: its namespaces, pods and
   * nodes, and the ServiceAccounts, Services and EndpointSlices its rules refer to (never written).
   */
  static Cluster onInventory(Cluster source, Cluster converted) {
    CalicoResources c = converted.calico();
    CalicoResources i = source.calico();
    CalicoResources calico = new CalicoResources(c.policies(), c.tiers(), c.networkSets(), i.serviceAccounts(),
        i.services(), i.endpointSlices(), c.stagedKubernetesPolicies(), c.stagedKubernetesActions());
    return new Cluster(source.namespaces(), source.pods(), source.nodes(), converted.policies(),
        converted.clusterNetworkPolicies(), converted.adminNetworkPolicies(), converted.baselineAdminNetworkPolicies(),
        calico, converted.cilium());
  }

  /**
   * Every probe of {@code source}'s inventory (pods, nodes, outside addresses) decided alike by the
   * source and by {@code converted}'s policies on that inventory; with {@code onlyLess}, the
   * converted may deny more, never allow more.
   */
  static void sameDecisions(Cluster source, Cluster converted, boolean onlyLess) {
    ReferenceEvaluator before = new ReferenceEvaluator(source, OPTIONS);
    ReferenceEvaluator after = new ReferenceEvaluator(onInventory(source, converted), OPTIONS);
    for (Connection probe : ConnectionProbes.of(source)) {
      boolean was = before.allows(probe);
      boolean now = after.allows(probe);
      if (onlyLess) {
        assertThat(!now || was).as("%s newly allowed", probe).isTrue();
      } else {
        assertThat(now).as("%s", probe).isEqualTo(was);
      }
    }
  }
}
