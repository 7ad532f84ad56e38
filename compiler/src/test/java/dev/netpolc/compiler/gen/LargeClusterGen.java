package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.IpBlock;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Peer;
import dev.netpolc.model.Pod;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Large clusters shaped like real ones, from a seed: deployments of 20 replicas (one app label
 * each) spread over namespaces of about 100 pods and nodes of about 100 pods; policies that
 * select one app (sometimes a tier or a whole namespace) and allow a few apps of their namespace,
 * a team's front ends, DNS in {@code ns0}, or the outside world minus the pod range, on numeric
 * and named ports. For size reports and scale tests; {@link ClusterGen} covers the API.
 */
public final class LargeClusterGen {
  private LargeClusterGen() {}

  /** A cluster of {@code pods} pods (all running) and {@code policies} policies. */
  public static Cluster generate(long seed, int pods, int policies) {
    Random r = new Random(seed);
    int namespaces = Math.max(1, pods / 100);
    int deployments = Math.max(1, pods / 20);
    int nodes = Math.max(1, pods / 100);
    List<Namespace> nss = new ArrayList<>();
    for (int i = 0; i < namespaces; i++) {
      nss.add(Namespace.of("ns" + i, Map.of("team", "t" + (i % 10), "env", i % 3 == 0 ? "prod" : "dev")));
    }
    List<Node> nodeList = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      nodeList.add(new Node("node" + i, Map.of(), List.of(IpAddress.v4(0xC0000200L + i)), List.of(),
          SourcePosition.UNKNOWN));
    }
    String[] tiers = {"fe", "be", "db"};
    int[] deploymentNs = new int[deployments];
    List<Pod> podList = new ArrayList<>();
    for (int d = 0; d < deployments; d++) {
      deploymentNs[d] = r.nextInt(namespaces);
    }
    for (int i = 0; i < pods; i++) {
      int d = i % deployments;
      List<ContainerPort> ports = List.of(new ContainerPort("http", d % 2 == 0 ? 8080 : 80, Protocol.TCP),
          new ContainerPort("metrics", 9090, Protocol.TCP));
      podList.add(new Pod("ns" + deploymentNs[d], "d" + d + "-" + i,
          Map.of("app", "d" + d, "tier", tiers[d % 3]),
          List.of(IpAddress.v4(0xC6120000L + i), IpAddress.v6(0xFD00L << 48, i)), "node" + (i % nodes), false,
          "Running", ports, List.of(), SourcePosition.UNKNOWN));
    }
    List<NetworkPolicy> pols = new ArrayList<>();
    for (int p = 0; p < policies; p++) {
      int d = r.nextInt(deployments);
      String ns = "ns" + deploymentNs[d];
      int kind = r.nextInt(20);
      LabelSelector subject = kind == 0 ? LabelSelector.EVERYTHING
          : kind == 1 ? LabelSelector.ofLabels(Map.of("tier", tiers[r.nextInt(3)]))
          : LabelSelector.ofLabels(Map.of("app", "d" + d));
      List<PolicyRule> ingress = new ArrayList<>();
      int n = 1 + r.nextInt(3);
      for (int k = 0; k < n; k++) {
        ingress.add(new PolicyRule(List.of(ingressPeer(r, deployments, deploymentNs, deploymentNs[d])),
            List.of(port(r))));
      }
      List<PolicyRule> egress = new ArrayList<>();
      List<String> types = new ArrayList<>(List.of("Ingress"));
      if (r.nextInt(2) == 0) {
        types.add("Egress");
        egress.add(new PolicyRule(List.of(new Peer(Optional.of(LabelSelector.ofLabels(Map.of("app", "d0"))),
            Optional.of(LabelSelector.ofLabels(Map.of(Namespace.NAME_LABEL, "ns" + deploymentNs[0]))),
            Optional.empty())), List.of(new PolicyPort(Optional.of("UDP"), Optional.of(PortValue.of(53)),
            Optional.empty()))));
        egress.add(new PolicyRule(List.of(Peer.pods(LabelSelector.ofLabels(Map.of("app",
            "d" + sameNamespaceDeployment(r, deployments, deploymentNs, deploymentNs[d]))))), List.of(port(r))));
        if (r.nextInt(3) == 0) {
          egress.add(new PolicyRule(List.of(Peer.ipBlock(new IpBlock("0.0.0.0/0", List.of("198.18.0.0/15",
              "10.0.0.0/8")))), List.of(PolicyPort.of(Protocol.TCP, PortValue.of(443), null))));
        }
      }
      pols.add(NetworkPolicy.of(ns, "np" + p, subject, types, ingress, egress));
    }
    return new Cluster(nss, podList, nodeList, pols);
  }

  private static Peer ingressPeer(Random r, int deployments, int[] deploymentNs, int ns) {
    switch (r.nextInt(6)) {
      case 0:
        return new Peer(Optional.of(LabelSelector.ofLabels(Map.of("tier", "fe"))),
            Optional.of(LabelSelector.ofLabels(Map.of("team", "t" + r.nextInt(10)))), Optional.empty());
      case 1: {
        // The except inside its own cidr (the API server rejects one outside, NP101).
        int b = r.nextInt(4);
        return Peer.ipBlock(new IpBlock("10." + b + ".0.0/16", List.of("10." + b + ".1.0/24")));
      }
      case 2:
        return Peer.namespaces(new LabelSelector(Map.of(), List.of(LabelSelectorRequirement.of("env",
            LabelSelectorRequirement.Operator.In, "prod"))));
      default:
        return Peer.pods(LabelSelector.ofLabels(Map.of("app", "d" + sameNamespaceDeployment(r, deployments,
            deploymentNs, ns))));
    }
  }

  private static int sameNamespaceDeployment(Random r, int deployments, int[] deploymentNs, int ns) {
    for (int tries = 0; tries < 50; tries++) {
      int d = r.nextInt(deployments);
      if (deploymentNs[d] == ns) {
        return d;
      }
    }
    return r.nextInt(deployments);
  }

  private static PolicyPort port(Random r) {
    switch (r.nextInt(4)) {
      case 0:
        return PolicyPort.of(Protocol.TCP, PortValue.named("http"), null);
      case 1:
        return PolicyPort.of(Protocol.TCP, PortValue.of(8000), 8100);
      default:
        return PolicyPort.of(Protocol.TCP, PortValue.of(r.nextBoolean() ? 80 : 8080), null);
    }
  }
}
