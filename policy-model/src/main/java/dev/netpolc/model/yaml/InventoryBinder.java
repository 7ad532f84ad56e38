package dev.netpolc.model.yaml;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Namespace, Pod and Node objects onto the model. Only the fields network policy needs are
 * read; everything else (managedFields, container images, …) is ignored. Values the model cannot
 * hold (an IP that is no address, an unknown container protocol) are NP009.
 */
final class InventoryBinder {
  private final Fields f;

  private InventoryBinder(Fields f) {
    this.f = f;
  }

  /** Binds a v1 Namespace. */
  static Namespace namespace(YNode.YMap obj, Fields f) {
    InventoryBinder b = new InventoryBinder(f);
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    return new Namespace(b.name(obj, metadata), f.stringMap(metadata, "labels", "metadata.labels"), f.position(obj));
  }

  /** Binds a v1 Node. */
  static Node node(YNode.YMap obj, Fields f) {
    InventoryBinder b = new InventoryBinder(f);
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = b.name(obj, metadata);
    Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");
    YNode.YMap status = f.map(obj, "status", "status");
    List<IpAddress> addresses = new ArrayList<>();
    YNode.YList addrs = f.list(status, "addresses", "status.addresses");
    if (addrs != null) {
      for (int i = 0; i < addrs.items().size(); i++) {
        String p = "status.addresses[" + i + "]";
        YNode.YMap a = f.asMap(addrs.items().get(i), p);
        String type = f.string(a, "type", p + ".type");
        String address = f.string(a, "address", p + ".address");
        if (("InternalIP".equals(type) || "ExternalIP".equals(type)) && address != null) {
          addresses.add(b.ip(a.get("address"), address, p + ".address"));
        }
      }
    }
    YNode.YMap spec = f.map(obj, "spec", "spec");
    List<Cidr> podCidrs = new ArrayList<>();
    YNode.YList cidrs = f.list(spec, "podCIDRs", "spec.podCIDRs");
    if (cidrs != null) {
      for (int i = 0; i < cidrs.items().size(); i++) {
        String p = "spec.podCIDRs[" + i + "]";
        YNode item = cidrs.items().get(i);
        podCidrs.add(b.cidr(item, f.asString(item, p), p));
      }
    } else {
      String single = f.string(spec, "podCIDR", "spec.podCIDR");
      if (single != null) {
        podCidrs.add(b.cidr(spec.get("podCIDR"), single, "spec.podCIDR"));
      }
    }
    return new Node(name, labels, addresses, podCidrs, f.position(obj));
  }

  /** Binds a v1 Pod. */
  static Pod pod(YNode.YMap obj, Fields f) {
    InventoryBinder b = new InventoryBinder(f);
    YNode.YMap metadata = f.map(obj, "metadata", "metadata");
    String name = b.name(obj, metadata);
    String namespace = f.string(metadata, "namespace", "metadata.namespace");
    Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");
    YNode.YMap spec = f.map(obj, "spec", "spec");
    String nodeName = f.string(spec, "nodeName", "spec.nodeName");
    boolean hostNetwork = f.bool(spec, "hostNetwork", "spec.hostNetwork");
    List<ContainerPort> ports = b.containerPorts(spec, "containers");
    List<ContainerPort> initPorts = b.containerPorts(spec, "initContainers");
    YNode.YMap status = f.map(obj, "status", "status");
    String phase = f.string(status, "phase", "status.phase");
    List<IpAddress> ips = new ArrayList<>();
    YNode.YList podIps = f.list(status, "podIPs", "status.podIPs");
    if (podIps != null) {
      for (int i = 0; i < podIps.items().size(); i++) {
        YNode item = podIps.items().get(i);
        YNode ipNode = item instanceof YNode.YMap ? ((YNode.YMap) item).get("ip") : null;
        String quick = ipNode == null ? null : stringOrNull(ipNode);
        Optional<IpAddress> parsed = quick == null ? Optional.empty() : IpAddress.tryParse(quick);
        if (parsed.isPresent()) {
          ips.add(parsed.get()); // an ordinary entry: no field path needed
          continue;
        }
        String p = "status.podIPs[" + i + "]";
        YNode.YMap entry = f.asMap(podIps.items().get(i), p);
        String ip = f.string(entry, "ip", p + ".ip");
        if (ip != null) {
          ips.add(b.ip(entry.get("ip"), ip, p + ".ip"));
        }
      }
    } else {
      String ip = f.string(status, "podIP", "status.podIP");
      if (ip != null) {
        ips.add(b.ip(status.get("podIP"), ip, "status.podIP"));
      }
    }
    // serviceAccount is the deprecated alias the API server still fills from serviceAccountName.
    String serviceAccount = f.string(spec, "serviceAccountName", "spec.serviceAccountName");
    if (serviceAccount == null || serviceAccount.isEmpty()) {
      serviceAccount = f.string(spec, "serviceAccount", "spec.serviceAccount");
    }
    return new Pod(namespace == null ? "default" : namespace, name, labels, ips, nodeName, hostNetwork, phase, ports,
        initPorts, f.position(obj), serviceAccount == null || serviceAccount.isEmpty()
            ? Pod.DEFAULT_SERVICE_ACCOUNT : serviceAccount);
  }

  private String name(YNode.YMap obj, YNode.YMap metadata) {
    String name = f.string(metadata, "name", "metadata.name");
    if (name == null) {
      throw f.missing(metadata == null ? obj : metadata, "metadata.name");
    }
    return name;
  }

  private List<ContainerPort> containerPorts(YNode.YMap spec, String key) {
    String path = "spec." + key;
    YNode.YList containers = f.list(spec, key, path);
    if (containers == null) {
      return List.of();
    }
    List<ContainerPort> out = new ArrayList<>();
    for (int c = 0; c < containers.items().size(); c++) {
      YNode item = containers.items().get(c);
      YNode portsNode = item instanceof YNode.YMap ? ((YNode.YMap) item).get("ports") : null;
      if (item instanceof YNode.YMap && (portsNode == null || isNull(portsNode))) {
        continue; // no ports: nothing to read, no path to name
      }
      String cp = path + "[" + c + "]";
      YNode.YMap container = f.asMap(item, cp);
      YNode.YList ports = f.list(container, "ports", cp + ".ports");
      if (ports == null) {
        continue;
      }
      for (int i = 0; i < ports.items().size(); i++) {
        ContainerPort quick = quickPort(ports.items().get(i));
        if (quick != null) {
          out.add(quick);
          continue;
        }
        String p = cp + ".ports[" + i + "]";
        YNode.YMap port = f.asMap(ports.items().get(i), p);
        Integer number = f.integer(port, "containerPort", p + ".containerPort");
        if (number == null) {
          throw f.missing(port, p + ".containerPort");
        }
        String protocolText = f.string(port, "protocol", p + ".protocol");
        Protocol protocol = Protocol.TCP;
        if (protocolText != null) {
          Optional<Protocol> parsed = Protocol.parse(protocolText);
          if (parsed.isEmpty()) {
            throw f.error(ReaderRule.INVALID_INVENTORY_VALUE, port.get("protocol"), p + ".protocol",
                "unknown protocol '" + protocolText + "' (expected TCP, UDP or SCTP)");
          }
          protocol = parsed.get();
        }
        out.add(new ContainerPort(f.string(port, "name", p + ".name"), number, protocol));
      }
    }
    return out;
  }

  /**
   * The port {@code item} describes when it is an ordinary, valid entry, read without building
   * field paths (they only serve errors); null otherwise, and the caller reads it field by field.
   */
  private static ContainerPort quickPort(YNode item) {
    if (!(item instanceof YNode.YMap)) {
      return null;
    }
    YNode.YMap port = (YNode.YMap) item;
    YNode number = port.get("containerPort");
    if (!(number instanceof YNode.YScalar) || ((YNode.YScalar) number).type() != YNode.ScalarType.INT
        || !((YNode.YScalar) number).fitsInt()) {
      return null;
    }
    YNode protocolNode = port.get("protocol");
    Protocol protocol = Protocol.TCP;
    if (protocolNode != null && !isNull(protocolNode)) {
      String text = stringOrNull(protocolNode);
      Optional<Protocol> parsed = text == null ? Optional.empty() : Protocol.parse(text);
      if (parsed.isEmpty()) {
        return null;
      }
      protocol = parsed.get();
    }
    YNode nameNode = port.get("name");
    String name = null;
    if (nameNode != null && !isNull(nameNode)) {
      name = stringOrNull(nameNode);
      if (name == null) {
        return null;
      }
    }
    return new ContainerPort(name, ((YNode.YScalar) number).intValue(), protocol);
  }

  private static boolean isNull(YNode v) {
    return v instanceof YNode.YScalar && ((YNode.YScalar) v).isNull();
  }

  /** The text of a string scalar, or null for any other node. */
  private static String stringOrNull(YNode v) {
    return v instanceof YNode.YScalar && ((YNode.YScalar) v).type() == YNode.ScalarType.STRING
        ? ((YNode.YScalar) v).text() : null;
  }

  private IpAddress ip(YNode at, String text, String path) {
    return IpAddress.tryParse(text).orElseThrow(() ->
        f.error(ReaderRule.INVALID_INVENTORY_VALUE, at, path, "'" + text + "' is not an IP address"));
  }

  private Cidr cidr(YNode at, String text, String path) {
    return Cidr.parse(text).orElseThrow(() ->
        f.error(ReaderRule.INVALID_INVENTORY_VALUE, at, path, "'" + text + "' is not a CIDR")).cidr();
  }
}
