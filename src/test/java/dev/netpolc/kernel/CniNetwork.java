package dev.netpolc.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's pod network, set up by the real CNI plugins ({@code bridge} or {@code ptp}, with
 * {@code host-local} IPAM) run inside the node's namespace, so the bridge and the host ends of
 * the veths land there and never on the machine.
 *
 * <p>Exact addresses: each pod gets its own network configuration whose host-local ranges hold
 * exactly one address each ({@code rangeStart == rangeEnd}), one range set per family. That works
 * with every host-local version, needs no runtime capabilities, and fails loudly if the address is
 * taken. The IPAM state goes to a per-run {@code dataDir}, not {@code /var/lib/cni}.
 */
final class CniNetwork {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Topology.Mode mode;
  private final Path pluginDir;
  private final Path dataDir;
  private final NodeSpec node;

  /** A network for {@code node}'s pods. */
  CniNetwork(Topology.Mode mode, Path pluginDir, Path dataDir, NodeSpec node) {
    this.mode = mode;
    this.pluginDir = pluginDir;
    this.dataDir = dataDir;
    this.node = node;
  }

  /** The network configuration (CNI spec 1.0.0) that gives {@code pod} its two addresses. */
  String config(PodSpec pod) {
    ObjectNode conf = JSON.createObjectNode();
    conf.put("cniVersion", "1.0.0");
    conf.put("name", "netpolc-" + node.name());
    if (mode == Topology.Mode.BRIDGE) {
      conf.put("type", "bridge");
      conf.put("bridge", "cni0");
      conf.put("isGateway", true);
      conf.put("hairpinMode", false);
    } else {
      conf.put("type", "ptp");
    }
    conf.put("ipMasq", false);
    ObjectNode ipam = conf.putObject("ipam");
    ipam.put("type", "host-local");
    ipam.put("dataDir", dataDir.toString());
    ArrayNode ranges = ipam.putArray("ranges");
    for (Family f : Family.values()) {
      ObjectNode range = ranges.addArray().addObject();
      range.put("subnet", node.podCidr(f).toString());
      range.put("rangeStart", pod.address(f).toString());
      range.put("rangeEnd", pod.address(f).toString());
      range.put("gateway", node.gateway(f).toString());
    }
    ArrayNode routes = ipam.putArray("routes");
    routes.addObject().put("dst", "0.0.0.0/0");
    routes.addObject().put("dst", "::/0");
    return conf.toString();
  }

  /** Runs CNI ADD for {@code pod} and checks that it got exactly the addresses asked for. */
  void add(PodSpec pod) {
    CommandResult r = run("ADD", pod);
    if (!r.ok()) {
      throw new KernelHarnessException("CNI ADD for pod " + pod.key() + " failed: " + r.describe());
    }
    List<String> got = new ArrayList<>();
    try {
      JsonNode result = JSON.readTree(r.stdout());
      for (JsonNode ip : result.path("ips")) {
        got.add(ip.path("address").asText());
      }
    } catch (IOException e) {
      throw new KernelHarnessException("CNI ADD for pod " + pod.key() + " printed no JSON result: " + r.stdout(), e);
    }
    List<String> want = List.of(pod.ipv4() + "/" + node.podCidrV4().prefix(), pod.ipv6() + "/" + node.podCidrV6().prefix());
    if (!got.equals(want)) {
      throw new KernelHarnessException("CNI ADD for pod " + pod.key() + " assigned " + got + ", expected " + want);
    }
  }

  /** Runs CNI DEL for {@code pod}; the caller decides what a failure means during cleanup. */
  CommandResult delete(PodSpec pod) {
    return run("DEL", pod);
  }

  private CommandResult run(String command, PodSpec pod) {
    String plugin = mode == Topology.Mode.BRIDGE ? "bridge" : "ptp";
    List<String> argv = List.of("ip", "netns", "exec", node.namespace(), "env",
        "CNI_COMMAND=" + command,
        "CNI_NETNS=/var/run/netns/" + pod.namespace(),
        "CNI_IFNAME=eth0",
        "CNI_CONTAINERID=" + pod.namespace(),
        "CNI_PATH=" + pluginDir,
        pluginDir.resolve(plugin).toString());
    return Commands.run(TIMEOUT, config(pod), argv);
  }
}
