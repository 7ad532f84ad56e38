package dev.netpolc.compiler.reference;

import dev.netpolc.model.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What one address of a connection is, as the reference evaluator resolved it: a pod that
 * policy applies to, an address of a node (its own address or a hostNetwork pod's), or
 * anything else.
 *
 * @param address  the address
 * @param kind     what the address belongs to
 * @param podKey   {@code namespace/name} of the pod, for {@link Kind#POD}
 * @param nodeName the node, for {@link Kind#NODE}, or the node a {@link Kind#POD} runs on
 */
public record Endpoint(IpAddress address, Kind kind, Optional<String> podKey, Optional<String> nodeName) {

  /** What an address belongs to. */
  public enum Kind {
    /** An active pod that NetworkPolicy applies to. */
    POD,
    /** An address of a node: a node address, or the IP of a hostNetwork pod on it. */
    NODE,
    /** Any other address (outside the cluster, or unknown to the inventory). */
    EXTERNAL
  }

  public Endpoint {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(podKey, "podKey");
    Objects.requireNonNull(nodeName, "nodeName");
  }

  /** A short human description such as {@code 198.18.0.10 (pod x/a)}. */
  public String describe() {
    switch (kind) {
      case POD:
        return address + " (pod " + podKey.orElse("?") + ")";
      case NODE:
        return address + " (node " + nodeName.orElse("?") + ")";
      default:
        return address + " (external)";
    }
  }
}
