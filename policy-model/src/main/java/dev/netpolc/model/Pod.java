package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pod as network policy sees it.
 *
 * @param namespace     its namespace
 * @param name          its name
 * @param labels        its labels (sorted)
 * @param ips           {@code status.podIPs}, or {@code status.podIP} when podIPs is absent
 * @param nodeName      {@code spec.nodeName}, or null when unscheduled
 * @param hostNetwork   {@code spec.hostNetwork}
 * @param phase         {@code status.phase}, or null when not written
 * @param ports         ports of {@code spec.containers[]}
 * @param initPorts     ports of {@code spec.initContainers[]}
 * @param position      where the object was read
 * @param serviceAccountName {@code spec.serviceAccountName} ({@code default} when absent, as the
 *                      API server's admission sets it); Calico selectors see it as
 *                      {@code projectcalico.org/serviceaccount}
 */
public record Pod(String namespace, String name, Map<String, String> labels, List<IpAddress> ips,
    String nodeName, boolean hostNetwork, String phase, List<ContainerPort> ports,
    List<ContainerPort> initPorts, SourcePosition position, String serviceAccountName) {

  /** The ServiceAccount of a pod that names none. */
  public static final String DEFAULT_SERVICE_ACCOUNT = "default";

  public Pod {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = ImmutableSortedMap.copyOf(labels);
    ips = ImmutableList.copyOf(ips);
    ports = ImmutableList.copyOf(ports);
    initPorts = ImmutableList.copyOf(initPorts);
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(serviceAccountName, "serviceAccountName");
  }

  /** A pod with the {@code default} ServiceAccount. */
  public Pod(String namespace, String name, Map<String, String> labels, List<IpAddress> ips, String nodeName,
      boolean hostNetwork, String phase, List<ContainerPort> ports, List<ContainerPort> initPorts,
      SourcePosition position) {
    this(namespace, name, labels, ips, nodeName, hostNetwork, phase, ports, initPorts, position,
        DEFAULT_SERVICE_ACCOUNT);
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }

  /**
   * True when the pod takes part in policy at all: it has an IP and has not terminated
   * (phase Succeeded or Failed), per SEMANTICS.md.
   */
  public boolean isActive() {
    return !ips.isEmpty() && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  /** Every declared port, containers first, then init containers. */
  public List<ContainerPort> allPorts() {
    return ImmutableList.<ContainerPort>builder().addAll(ports).addAll(initPorts).build();
  }

  /** The number of the first container port with this name and protocol. */
  public Optional<Integer> namedPort(String portName, Protocol protocol) {
    for (ContainerPort p : allPorts()) {
      if (portName.equals(p.name()) && p.protocol() == protocol) {
        return Optional.of(p.containerPort());
      }
    }
    return Optional.empty();
  }
}
