package dev.netpolc.model.npa;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One ingress or egress rule of a v1alpha1 AdminNetworkPolicy or BaselineAdminNetworkPolicy, as
 * written.
 *
 * @param name   {@code name} (at most 100 characters)
 * @param action {@code action} as written ({@code Allow}, {@code Deny}, and for ANP {@code Pass};
 *               "" when absent)
 * @param peers  {@code from} / {@code to}, OR-ed
 * @param ports  {@code ports}, OR-ed; absent means every protocol and port
 */
public record AnpRule(Optional<String> name, String action, List<ClusterPolicyPeer> peers,
    Optional<List<AnpPort>> ports) {

  public AnpRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    peers = ImmutableList.copyOf(peers);
    ports = ports.map(ImmutableList::copyOf);
  }
}
