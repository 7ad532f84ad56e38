package dev.netpolc.compiler.convert;

import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Whether a named port written with a protocol means the same as ClusterNetworkPolicy's
 * {@code destinationNamedPort}: Calico and Cilium resolve the name on the written protocol only, a
 * {@code destinationNamedPort} on whatever protocol the pod declares it with. The two agree on
 * every pod that declares the name with the written protocol only (or not at all).
 */
final class NamedPortProtocols {
  private NamedPortProtocols() {}

  /**
   * The first pod (by namespace, then name) of {@code pods} that declares a port named
   * {@code name} with a protocol other than {@code protocol}; empty when there is none.
   */
  static Optional<Pod> declaringOtherwise(Collection<Pod> pods, String name, Protocol protocol) {
    return pods.stream()
        .filter(p -> p.allPorts().stream().anyMatch(cp -> declares(cp, name) && cp.protocol() != protocol))
        .min(Comparator.comparing(Pod::namespace).thenComparing(Pod::name));
  }

  /** The first protocol other than {@code protocol} that {@code pod} declares port {@code name} with. */
  static Optional<Protocol> otherProtocol(Pod pod, String name, Protocol protocol) {
    return pod.allPorts().stream().filter(cp -> declares(cp, name) && cp.protocol() != protocol)
        .map(ContainerPort::protocol).findFirst();
  }

  private static boolean declares(ContainerPort cp, String name) {
    return name.equals(cp.name());
  }
}
