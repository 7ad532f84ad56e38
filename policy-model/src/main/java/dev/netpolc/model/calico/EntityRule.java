package dev.netpolc.model.calico;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule's {@code source} or {@code destination}: every part that is present must match
 * (SEMANTICS-CALICO.md, "Rules"). An absent selector is empty, which is not the same as
 * {@code all()} for {@code namespaceSelector}: absent means the policy's own namespace (in a
 * namespaced policy), {@code all()} every namespace.
 *
 * @param nets              {@code nets}: CIDRs, any of which matches (empty: no address test)
 * @param notNets           {@code notNets}: CIDRs, none of which may match
 * @param selector          {@code selector}
 * @param notSelector       {@code notSelector}
 * @param namespaceSelector {@code namespaceSelector} ({@code global()}: non-namespaced objects)
 * @param serviceAccounts   {@code serviceAccounts}
 * @param services          {@code services}
 * @param ports             {@code ports}
 * @param notPorts          {@code notPorts}
 */
public record EntityRule(List<String> nets, List<String> notNets, Optional<CalicoSelector> selector,
    Optional<CalicoSelector> notSelector, Optional<CalicoSelector> namespaceSelector,
    Optional<ServiceAccountMatch> serviceAccounts, Optional<ServiceMatch> services, List<CalicoPort> ports,
    List<CalicoPort> notPorts) {

  /** The empty entity rule: matches everything. */
  public static final EntityRule ANY = new EntityRule(List.of(), List.of(), Optional.empty(), Optional.empty(),
      Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of());

  public EntityRule {
    nets = ImmutableList.copyOf(nets);
    notNets = ImmutableList.copyOf(notNets);
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(notSelector, "notSelector");
    Objects.requireNonNull(namespaceSelector, "namespaceSelector");
    Objects.requireNonNull(serviceAccounts, "serviceAccounts");
    Objects.requireNonNull(services, "services");
    ports = ImmutableList.copyOf(ports);
    notPorts = ImmutableList.copyOf(notPorts);
  }

  /** True when the entity rule names endpoints or sets by label ({@code selector}, {@code notSelector}, namespace or service accounts). */
  public boolean selectsByLabel() {
    return selector.isPresent() || notSelector.isPresent() || namespaceSelector.isPresent()
        || serviceAccounts.isPresent();
  }

  /** {@code nets} as CIDRs (entries that are no CIDR, which validation refuses, left out). */
  public List<Cidr> netCidrs() {
    return cidrs(nets);
  }

  /** {@code notNets} as CIDRs (entries that are no CIDR left out). */
  public List<Cidr> notNetCidrs() {
    return cidrs(notNets);
  }

  static List<Cidr> cidrs(List<String> texts) {
    ImmutableList.Builder<Cidr> out = ImmutableList.builder();
    for (String t : texts) {
      Cidr.parse(t).map(Cidr.Parsed::cidr)
          .or(() -> dev.netpolc.model.IpAddress.tryParse(t).map(Cidr::host))
          .ifPresent(out::add);
    }
    return out.build();
  }

  /** True when nothing is given: the entity rule matches every address and port. */
  public boolean isEmpty() {
    return equals(ANY);
  }
}
