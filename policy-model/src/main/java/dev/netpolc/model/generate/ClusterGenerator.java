package dev.netpolc.model.generate;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.yaml.PolicyWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates synthetic clusters (inventory and policies, as {@link dev.netpolc.model.yaml.PolicyReader}
 * would read them) from a {@link GeneratorSpec}, and writes them as YAML. Deterministic: one spec
 * gives one cluster and one byte sequence, on any JVM (every choice comes from one
 * {@link Random} seeded by the spec).
 */
public final class ClusterGenerator {
  /** The node {@link GeneratorSpec#focusNodePods()} pods run on; compile for it with {@code --node node-0}. */
  public static final String FOCUS_NODE = "node-0";
  /** The inventory file {@link #writeFiles} writes: namespaces, nodes and pods. */
  public static final String INVENTORY_FILE = "inventory.yaml";
  /** The policy file {@link #writeFiles} writes. */
  public static final String POLICIES_FILE = "policies.yaml";

  private static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};

  private ClusterGenerator() {}

  /** The cluster {@code spec} describes. */
  public static Cluster generate(GeneratorSpec spec) {
    Random random = new Random(spec.seed());
    AddressPlan addresses = new AddressPlan(spec.seed(), spec.dualStack());
    if (spec.shape() == ClusterShape.REALISTIC) {
      return new RealisticShape(spec, random, addresses).generate();
    }
    return new AntreaShapes(spec, random, addresses).generate();
  }

  /** {@code node-0} … {@code node-<n-1>}, spread over three zones, each with its addresses. */
  static List<Node> nodes(GeneratorSpec spec, AddressPlan addresses) {
    List<Node> out = new ArrayList<>(spec.nodes());
    for (int i = 0; i < spec.nodes(); i++) {
      String name = "node-" + i;
      out.add(new Node(name, Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", ZONES[i % 3]),
          addresses.node(i), List.of(), SourcePosition.UNKNOWN));
    }
    return out;
  }

  /** Writes the whole cluster as one YAML stream (namespaces, nodes, pods, then policies), one object at a time. */
  public static void writeYaml(Cluster cluster, Writer out) throws IOException {
    writeInventory(cluster, out);
    writePolicies(cluster, out);
  }

  /** Writes the namespaces, nodes and pods, one document each. */
  public static void writeInventory(Cluster cluster, Writer out) throws IOException {
    for (Namespace n : cluster.namespaces()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(n));
    }
    for (Node n : cluster.nodes()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(n));
    }
    for (Pod p : cluster.pods()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(p));
    }
  }

  /** Writes the policies, one document each: NetworkPolicies, then the cluster-scoped ones. */
  public static void writePolicies(Cluster cluster, Writer out) throws IOException {
    for (NetworkPolicy p : cluster.policies()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(p));
    }
    for (var p : cluster.clusterNetworkPolicies()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(p));
    }
    for (var p : cluster.adminNetworkPolicies()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(p));
    }
    for (var p : cluster.baselineAdminNetworkPolicies()) {
      out.write("---\n");
      out.write(PolicyWriter.toYaml(p));
    }
  }

  /**
   * Writes {@link #INVENTORY_FILE} and {@link #POLICIES_FILE} into {@code dir} (created when
   * missing; files of those names are replaced) and returns their paths. Each file is written
   * under a temporary name first, so a failure leaves no half-written file behind.
   */
  public static List<Path> writeFiles(Cluster cluster, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path inventory = dir.resolve(INVENTORY_FILE);
    Path policies = dir.resolve(POLICIES_FILE);
    Path inventoryTmp = Files.createTempFile(dir, "." + INVENTORY_FILE + ".", ".tmp");
    Path policiesTmp = Files.createTempFile(dir, "." + POLICIES_FILE + ".", ".tmp");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(inventoryTmp, StandardCharsets.UTF_8)) {
        writeInventory(cluster, w);
      }
      try (BufferedWriter w = Files.newBufferedWriter(policiesTmp, StandardCharsets.UTF_8)) {
        writePolicies(cluster, w);
      }
      Files.move(inventoryTmp, inventory, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(policiesTmp, policies, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(inventoryTmp);
      Files.deleteIfExists(policiesTmp);
    }
    return List.of(inventory, policies);
  }
}
