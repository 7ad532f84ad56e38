package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the API server checks on the inventory objects that lint reads: namespace and pod names
 * (NP109), their labels (NP105), and named container ports (NP108), which named policy ports
 * resolve against. Inventory objects carry only their own position, so findings point there.
 */
public final class InventoryCheck {
  /** Up to this many ports, duplicate names are found without a map. */
  private static final int SMALL = 8;

  private InventoryCheck() {}

  /** Findings about one namespace. */
  public static List<Diagnostic> check(Namespace ns) {
    Findings out = new Findings(new SourceMap(Map.of(), ns.position()));
    if (ns.name().isEmpty()) {
      out.error(ObjectNameCheck.ID, "metadata.name", "name is required");
    }
    for (String msg : ns.name().isEmpty() ? List.<String>of() : ApiNames.dns1123Label(ns.name())) {
      out.error(ObjectNameCheck.ID, "metadata.name", "invalid namespace name \"" + ns.name() + "\": " + msg);
    }
    LabelSelectorCheck.checkLabels(ns.labels(), "metadata.labels", out);
    return out.list();
  }

  /** Findings about one pod. */
  public static List<Diagnostic> check(Pod pod) {
    Findings out = new Findings(new SourceMap(Map.of(), pod.position()));
    ObjectNameCheck.checkNames(pod.name(), pod.namespace(), out);
    LabelSelectorCheck.checkLabels(pod.labels(), "metadata.labels", out);
    checkPorts(pod.ports(), "spec.containers[*].ports", out);
    checkPorts(pod.initPorts(), "spec.initContainers[*].ports", out);
    return out.list();
  }

  private static void checkPorts(List<ContainerPort> ports, String path, Findings out) {
    // Pods have a few ports: a linear look-back finds a reused name without a map per pod.
    Map<String, Integer> names = ports.size() > SMALL ? new HashMap<>() : null;
    for (int i = 0; i < ports.size(); i++) {
      ContainerPort p = ports.get(i);
      for (String msg : ApiNames.portNumber(p.containerPort())) {
        out.error(PortCheck.ID, path, "invalid containerPort " + p.containerPort() + ": " + msg);
      }
      if (p.name() == null || p.name().isEmpty()) {
        continue;
      }
      for (String msg : ApiNames.portName(p.name())) {
        out.error(PortCheck.ID, path, "invalid port name \"" + p.name() + "\": " + msg);
      }
      if (names != null ? names.putIfAbsent(p.name(), p.containerPort()) != null : namedBefore(ports, i)) {
        out.error(PortCheck.ID, path, "port name \"" + p.name() + "\" is used twice");
      }
    }
  }

  /** True when a port before {@code ports[i]} has its name. */
  private static boolean namedBefore(List<ContainerPort> ports, int i) {
    String name = ports.get(i).name();
    for (int j = 0; j < i; j++) {
      if (name.equals(ports.get(j).name())) {
        return true;
      }
    }
    return false;
  }

  /** Every inventory finding, namespaces first, in input order. */
  static List<Diagnostic> checkAll(List<Namespace> namespaces, List<Pod> pods) {
    ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();
    namespaces.forEach(ns -> out.addAll(check(ns)));
    pods.forEach(p -> out.addAll(check(p)));
    return out.build();
  }
}
