package dev.netpolc.compiler.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.matrix.PortSpec;
import dev.netpolc.compiler.matrix.Probe;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One conformance case (format: /work/shared/conformance/README.md): a small cluster, policies
 * as YAML text, and the expected reachability per probe. Shared by the end-to-end tests, the
 * backends' simulators and the kernel tests.
 *
 * <p>Beyond the shared format a case may carry {@code description} (its intent), and per pod
 * {@code nodeName}, {@code hostNetwork} and {@code phase}. A pod without {@code ips} gets
 * deterministic addresses from its index {@code i} in the case's pod list: {@code 198.18.0.0 +
 * 10 + i} and {@code fd00:: + 10 + i} (dual-stack; probes then use IPv4). {@code "ips": []} means
 * a pod without addresses.
 *
 * @param name        case name
 * @param description what the case checks
 * @param namespaces  declared namespaces
 * @param pods        pods, with addresses assigned
 * @param policies    YAML documents or streams of policy objects, in order
 * @param probes      the expected matrices, one per probe
 */
public record ConformanceCase(String name, String description, List<CaseNamespace> namespaces, List<CasePod> pods,
    List<String> policies, List<ReachabilityMatrix> probes) {

  /**
   * A declared namespace.
   *
   * @param name   its name
   * @param labels its labels (the metadata.name label is implicit)
   */
  public record CaseNamespace(String name, SortedMap<String, String> labels) {
    public CaseNamespace {
      labels = ImmutableSortedMap.copyOf(labels);
    }
  }

  /**
   * A pod.
   *
   * @param namespace   its namespace
   * @param name        its name
   * @param labels      its labels
   * @param ports       its container ports
   * @param ips         its addresses (assigned when the case gives none)
   * @param nodeName    its node, or empty
   * @param hostNetwork true for a hostNetwork pod
   * @param phase       its phase, or empty
   */
  public record CasePod(String namespace, String name, SortedMap<String, String> labels, List<ContainerPort> ports,
      List<IpAddress> ips, Optional<String> nodeName, boolean hostNetwork, Optional<String> phase) {
    public CasePod {
      labels = ImmutableSortedMap.copyOf(labels);
      ports = ImmutableList.copyOf(ports);
      ips = ImmutableList.copyOf(ips);
    }

    /** {@code namespace/name}. */
    public String key() {
      return namespace + "/" + name;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long V4_BASE = IpAddress.parse("198.18.0.0").lo();
  private static final IpAddress V6_BASE = IpAddress.parse("fd00::");

  public ConformanceCase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    namespaces = ImmutableList.copyOf(namespaces);
    pods = ImmutableList.copyOf(pods);
    policies = ImmutableList.copyOf(policies);
    probes = ImmutableList.copyOf(probes);
  }

  /** Reads one case file; throws {@link IllegalArgumentException} naming the file when malformed. */
  public static ConformanceCase load(Path file) {
    try {
      return parse(JSON.readTree(Files.readString(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read conformance case " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed conformance case " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every {@code *.json} case directly in {@code dir}, sorted by file name. */
  public static List<ConformanceCase> loadAll(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted()
          .map(ConformanceCase::load).collect(ImmutableList.toImmutableList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static ConformanceCase parse(JsonNode root) {
    String name = required(root, "name").asText();
    String description = root.path("description").asText("");
    List<CaseNamespace> namespaces = new ArrayList<>();
    for (JsonNode n : root.path("namespaces")) {
      namespaces.add(new CaseNamespace(required(n, "name").asText(), stringMap(n.path("labels"))));
    }
    List<CasePod> pods = new ArrayList<>();
    int index = 0;
    for (JsonNode p : root.path("pods")) {
      pods.add(parsePod(p, index++));
    }
    List<String> policies = new ArrayList<>();
    for (JsonNode text : root.path("policies")) {
      policies.add(text.asText());
    }
    List<ReachabilityMatrix> probes = new ArrayList<>();
    for (JsonNode pr : root.path("probes")) {
      JsonNode port = required(pr, "port");
      PortSpec spec = port.isInt() ? PortSpec.of(port.asInt()) : PortSpec.named(port.asText());
      String protoText = pr.path("protocol").asText("TCP");
      Protocol proto = Protocol.parse(protoText)
          .orElseThrow(() -> new IllegalArgumentException("unknown protocol " + protoText));
      SortedMap<String, List<String>> allowed = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : required(pr, "allowed").properties()) {
        List<String> to = new ArrayList<>();
        e.getValue().forEach(v -> to.add(v.asText()));
        allowed.put(e.getKey(), to);
      }
      probes.add(new ReachabilityMatrix(spec, proto, allowed));
    }
    return new ConformanceCase(name, description, namespaces, pods, policies, probes);
  }

  private static CasePod parsePod(JsonNode p, int index) {
    List<ContainerPort> ports = new ArrayList<>();
    for (JsonNode cp : p.path("ports")) {
      String protoText = cp.path("protocol").asText("TCP");
      Protocol proto = Protocol.parse(protoText)
          .orElseThrow(() -> new IllegalArgumentException("unknown protocol " + protoText));
      ports.add(new ContainerPort(cp.hasNonNull("name") ? cp.get("name").asText() : null,
          required(cp, "containerPort").asInt(), proto));
    }
    List<IpAddress> ips = new ArrayList<>();
    if (p.has("ips")) {
      p.get("ips").forEach(ip -> ips.add(IpAddress.parse(ip.asText())));
    } else {
      ips.add(IpAddress.v4(V4_BASE + 10 + index));
      ips.add(V6_BASE.plus(10 + index).orElseThrow());
    }
    return new CasePod(required(p, "namespace").asText(), required(p, "name").asText(), stringMap(p.path("labels")),
        ports, ips, optionalText(p, "nodeName"), p.path("hostNetwork").asBoolean(false), optionalText(p, "phase"));
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return v;
  }

  private static Optional<String> optionalText(JsonNode n, String field) {
    return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
  }

  private static SortedMap<String, String> stringMap(JsonNode n) {
    SortedMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Each probe as a (port, protocol) pair, in case order. */
  public List<Probe> probeSpecs() {
    return probes.stream().map(m -> new Probe(m.port(), m.protocol())).collect(ImmutableList.toImmutableList());
  }

  /**
   * The case as Kubernetes input for {@code netpolc matrix}: Namespace objects, Pod objects with
   * their addresses in {@code status.podIPs}, then the policies, as one YAML stream.
   */
  public String toKubernetesYaml() {
    StringBuilder sb = new StringBuilder();
    for (CaseNamespace ns : namespaces) {
      sb.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(q(ns.name())).append('\n');
      appendLabels(sb, ns.labels());
      sb.append("---\n");
    }
    for (CasePod p : pods) {
      sb.append("apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: ").append(q(p.namespace()))
          .append("\n  name: ").append(q(p.name())).append('\n');
      appendLabels(sb, p.labels());
      sb.append("spec:\n");
      p.nodeName().ifPresent(n -> sb.append("  nodeName: ").append(q(n)).append('\n'));
      if (p.hostNetwork()) {
        sb.append("  hostNetwork: true\n");
      }
      sb.append("  containers:\n  - name: main\n    image: registry.k8s.io/pause:3.10\n");
      if (!p.ports().isEmpty()) {
        sb.append("    ports:\n");
        for (ContainerPort cp : p.ports()) {
          sb.append("    - containerPort: ").append(cp.containerPort()).append('\n');
          if (cp.name() != null) {
            sb.append("      name: ").append(q(cp.name())).append('\n');
          }
          sb.append("      protocol: ").append(cp.protocol().name()).append('\n');
        }
      }
      if (p.phase().isPresent() || !p.ips().isEmpty()) {
        sb.append("status:\n");
        p.phase().ifPresent(ph -> sb.append("  phase: ").append(q(ph)).append('\n'));
        if (!p.ips().isEmpty()) {
          sb.append("  podIP: ").append(q(p.ips().get(0).toString())).append("\n  podIPs:\n");
          for (IpAddress ip : p.ips()) {
            sb.append("  - ip: ").append(q(ip.toString())).append('\n');
          }
        }
      }
      sb.append("---\n");
    }
    for (String policy : policies) {
      sb.append(policy);
      if (!policy.endsWith("\n")) {
        sb.append('\n');
      }
      sb.append("---\n");
    }
    return sb.toString();
  }

  /** The case read through {@link PolicyReader}; throws {@link IllegalStateException} listing reader errors. */
  public Cluster toCluster() {
    ReadResult r = new PolicyReader().readString(name + ".yaml", toKubernetesYaml());
    if (!r.ok()) {
      throw new IllegalStateException("case " + name + " does not read: " + r.errors());
    }
    return r.cluster();
  }

  private static void appendLabels(StringBuilder sb, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return;
    }
    sb.append("  labels:\n");
    labels.forEach((k, v) -> sb.append("    ").append(q(k)).append(": ").append(q(v)).append('\n'));
  }

  /** A double-quoted YAML scalar (JSON string syntax is valid YAML), so "true" or "80" stay strings. */
  private static String q(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
