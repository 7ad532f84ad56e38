package dev.netpolc.compiler.convert;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.PortSpace;
import dev.netpolc.compiler.reference.ReferenceEvaluator;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of the proof {@link dev.netpolc.compiler.diff.PolicyDiff} does not cover: a pod and
 * the node it runs on. The dialects differ there (NetworkPolicy exempts a pod's egress to its own
 * node from the NetworkPolicy tier, Calico applies the pod's egress policy to it; SEMANTICS.md,
 * SEMANTICS-CALICO.md), so a conversion between them can change these connections even where
 * every pod-to-pod connection is kept. Each pod is probed with each address of its own node, both
 * ways, on TCP ports 1, 53, 80, 443, 8080, 10250 and 65535, UDP 53, SCTP 1 and ICMP echo: a
 * sample, since these connections are decided by the pod's policies as a whole and not by port
 * ranges of their own.
 */
final class NodeLocalProof {
  private static final int[] TCP_PORTS = {1, 53, 80, 443, 8080, 10250, 65535};

  private NodeLocalProof() {}

  /** Every probe decided differently by {@code input} and by {@code converted} (same inventory). */
  static List<ChangeBlock> differences(Cluster input, Cluster converted, SemanticsOptions options) {
    ReferenceEvaluator before = new ReferenceEvaluator(input, options);
    ReferenceEvaluator after = new ReferenceEvaluator(converted, options);
    List<ChangeBlock> out = new ArrayList<>();
    for (Pod pod : input.pods()) {
      if (!pod.isActive() || pod.nodeName() == null) {
        continue;
      }
      Optional<Node> node = input.nodes().stream().filter(n -> n.name().equals(pod.nodeName())).findFirst();
      if (node.isEmpty()) {
        continue;
      }
      for (IpAddress p : pod.ips()) {
        for (IpAddress n : node.get().addresses()) {
          if (p.v6() != n.v6() || n.equals(p)) {
            continue;
          }
          for (boolean toNode : new boolean[] {true, false}) {
            IpAddress src = toNode ? p : n;
            IpAddress dst = toNode ? n : p;
            for (Probe probe : probes(src, dst)) {
              boolean was = before.allows(probe.connection());
              if (was != after.allows(probe.connection())) {
                out.add(block(pod, node.get(), toNode, was ? Change.NEWLY_DENIED : Change.NEWLY_ALLOWED,
                    probe.ports()));
              }
            }
          }
        }
      }
    }
    return out;
  }

  private record Probe(Connection connection, PortSpace ports) {}

  private static List<Probe> probes(IpAddress src, IpAddress dst) {
    List<Probe> out = new ArrayList<>();
    for (int port : TCP_PORTS) {
      out.add(new Probe(Connection.of(src, dst, Protocol.TCP, port), PortSpace.single(Protocol.TCP, port)));
    }
    out.add(new Probe(Connection.of(src, dst, Protocol.UDP, 53), PortSpace.single(Protocol.UDP, 53)));
    out.add(new Probe(Connection.of(src, dst, Protocol.SCTP, 1), PortSpace.single(Protocol.SCTP, 1)));
    out.add(new Probe(Connection.icmp(src, dst, src.v6() ? 128 : 8, 0), PortSpace.portlessOnly()));
    return out;
  }

  private static ChangeBlock block(Pod pod, Node node, boolean toNode, Change change, PortSpace ports) {
    String nodeText = "node " + node.name() + " (the pod's own)";
    return toNode
        ? new ChangeBlock(change, pod.namespace(), pod.name(), List.of(pod.key()), "", nodeText,
            List.of(node.name()), ports)
        : new ChangeBlock(change, "", nodeText, List.of(node.name()), pod.namespace(), pod.name(),
            List.of(pod.key()), ports);
  }
}
