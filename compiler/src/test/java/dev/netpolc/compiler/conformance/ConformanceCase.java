package dev.netpolc.compiler.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <p>Optional fields, all backwards compatible (a case without them reads as before):
 * <ul>
 *   <li>{@code nodes}: Node objects ({@code name}, {@code labels}, {@code addresses}, written as
 *       InternalIP), for policies that select nodes. A hostNetwork pod on a node with the node's
 *       address makes the node a probe target.</li>
 *   <li>{@code source}: where the case comes from, as string fields (an upstream test: {@code
 *       repository}, {@code commit}, {@code file}, {@code test}, …; an own case: {@code
 *       document}, {@code section}).</li>
 *   <li>{@code requires}: features a runner must support to decide the case ({@link #FEATURES});
 *       runners skip a case that needs one they lack ({@link #unsupportedBy}).</li>
 *   <li>{@code checks}: single connections with their expected outcome ({@code from}, {@code to},
 *       {@code port}, {@code protocol}, {@code allowed}, {@code subtest}): the probes of an
 *       upstream test, each naming its subtest, or the hand-written expectations of an own case.
 *       Each must agree with the probe matrix of the same port and protocol.</li>
 *   <li>{@code steps}: later states of the same cluster, in order; each {@code {description,
 *       namespaces?, policies, checks?, probes}} replaces the previous state's policies (and its
 *       namespaces when given). The top-level policies and probes are step 0; {@link #steps()}
 *       gives every step as a case of its own.</li>
 * </ul>
 *
 * @param name        case name
 * @param description what the case checks
 * @param namespaces  declared namespaces
 * @param pods        pods, with addresses assigned
 * @param policies    YAML documents or streams of policy objects, in order
 * @param probes      the expected matrices, one per probe
 * @param nodes       declared nodes
 * @param source      where the case comes from (empty when not recorded)
 * @param requires    features a runner needs for this case
 * @param checks      single expected connections of step 0
 * @param laterSteps  the later steps (step 1 onwards), as written; {@link #steps()} gives every
 *                    step as a case
 */
public record ConformanceCase(String name, String description, List<CaseNamespace> namespaces, List<CasePod> pods,
    List<String> policies, List<ReachabilityMatrix> probes, List<CaseNode> nodes, SortedMap<String, String> source,
    List<String> requires, List<Check> checks, List<Step> laterSteps) {

  /**
   * The features a case may require: {@code tiers} (ClusterNetworkPolicy, AdminNetworkPolicy,
   * BaselineAdminNetworkPolicy: SEMANTICS-TIERS.md), {@code domainNames} (an egress
   * {@code domainNames} peer, which compiling refuses unless {@code domainNames=match-nothing})
   * and {@code calico} (Calico objects: the {@code calico} profile of SEMANTICS-CALICO.md).
   */
  public static final Set<String> FEATURES = ImmutableSet.of("tiers", "domainNames", "calico", "cilium");

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

  /**
   * A declared node.
   *
   * @param name      its name
   * @param labels    its labels
   * @param addresses its addresses (written as InternalIP)
   */
  public record CaseNode(String name, SortedMap<String, String> labels, List<IpAddress> addresses) {
    public CaseNode {
      Objects.requireNonNull(name, "name");
      labels = ImmutableSortedMap.copyOf(labels);
      addresses = ImmutableList.copyOf(addresses);
    }
  }

  /**
   * One connection with its expected outcome: an upstream test's probe or an own case's
   * hand-written expectation.
   *
   * @param from     the client pod, {@code namespace/name}
   * @param to       the server pod, {@code namespace/name}
   * @param port     the destination port
   * @param protocol the protocol
   * @param allowed  whether a new connection gets through
   * @param subtest  the upstream subtest that probes it ("" for an own case)
   */
  public record Check(String from, String to, int port, Protocol protocol, boolean allowed, String subtest) {
    public Check {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(subtest, "subtest");
    }
  }

  /**
   * A later state of the case's cluster.
   *
   * @param description what changed
   * @param namespaces  the namespaces from this step on, or empty to keep the previous step's
   * @param policies    the complete policy set of this step
   * @param checks      single expected connections in this state
   * @param probes      the expected matrices in this state
   */
  public record Step(String description, Optional<List<CaseNamespace>> namespaces, List<String> policies,
      List<Check> checks, List<ReachabilityMatrix> probes) {
    public Step {
      Objects.requireNonNull(description, "description");
      namespaces = namespaces.map(ImmutableList::copyOf);
      policies = ImmutableList.copyOf(policies);
      checks = ImmutableList.copyOf(checks);
      probes = ImmutableList.copyOf(probes);
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
    nodes = ImmutableList.copyOf(nodes);
    source = ImmutableSortedMap.copyOf(source);
    requires = ImmutableList.copyOf(requires);
    checks = ImmutableList.copyOf(checks);
    laterSteps = ImmutableList.copyOf(laterSteps);
  }

  /** A case in the shared format only: no nodes, source, requirements, checks or steps. */
  public ConformanceCase(String name, String description, List<CaseNamespace> namespaces, List<CasePod> pods,
      List<String> policies, List<ReachabilityMatrix> probes) {
    this(name, description, namespaces, pods, policies, probes, List.of(), new TreeMap<>(), List.of(), List.of(),
        List.of());
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

  /**
   * Every {@code *.json} case in {@code dir} and its subfolders, sorted by path relative to
   * {@code dir} (so a folder's cases follow the files beside it that sort before it).
   */
  public static List<ConformanceCase> loadAll(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json"))
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .map(ConformanceCase::load).collect(ImmutableList.toImmutableList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static ConformanceCase parse(JsonNode root) {
    String name = required(root, "name").asText();
    String description = root.path("description").asText("");
    List<CaseNamespace> namespaces = parseNamespaces(root.path("namespaces"));
    List<CasePod> pods = new ArrayList<>();
    int index = 0;
    for (JsonNode p : root.path("pods")) {
      pods.add(parsePod(p, index++));
    }
    List<CaseNode> nodes = new ArrayList<>();
    for (JsonNode n : root.path("nodes")) {
      List<IpAddress> addresses = new ArrayList<>();
      n.path("addresses").forEach(a -> addresses.add(IpAddress.parse(a.asText())));
      nodes.add(new CaseNode(required(n, "name").asText(), stringMap(n.path("labels")), addresses));
    }
    List<String> requires = new ArrayList<>();
    for (JsonNode r : root.path("requires")) {
      if (!FEATURES.contains(r.asText())) {
        throw new IllegalArgumentException("unknown required feature '" + r.asText() + "' (known: " + FEATURES + ")");
      }
      requires.add(r.asText());
    }
    List<Step> steps = new ArrayList<>();
    int stepIndex = 0;
    for (JsonNode st : root.path("steps")) {
      String where = "steps[" + stepIndex++ + "]: ";
      try {
        Optional<List<CaseNamespace>> stepNamespaces = st.has("namespaces")
            ? Optional.of(parseNamespaces(st.get("namespaces"))) : Optional.empty();
        steps.add(new Step(required(st, "description").asText(), stepNamespaces,
            parsePolicies(required(st, "policies")), parseChecks(st.path("checks")),
            parseProbes(required(st, "probes"))));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
    }
    return new ConformanceCase(name, description, namespaces, pods, parsePolicies(root.path("policies")),
        parseProbes(root.path("probes")), nodes, stringMap(root.path("source")), requires,
        parseChecks(root.path("checks")), steps);
  }

  private static List<CaseNamespace> parseNamespaces(JsonNode list) {
    List<CaseNamespace> out = new ArrayList<>();
    for (JsonNode n : list) {
      out.add(new CaseNamespace(required(n, "name").asText(), stringMap(n.path("labels"))));
    }
    return out;
  }

  private static List<String> parsePolicies(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode text : list) {
      out.add(text.asText());
    }
    return out;
  }

  private static List<ReachabilityMatrix> parseProbes(JsonNode list) {
    List<ReachabilityMatrix> probes = new ArrayList<>();
    for (JsonNode pr : list) {
      JsonNode port = required(pr, "port");
      PortSpec spec = port.isInt() ? PortSpec.of(port.asInt()) : PortSpec.named(port.asText());
      SortedMap<String, List<String>> allowed = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : required(pr, "allowed").properties()) {
        List<String> to = new ArrayList<>();
        e.getValue().forEach(v -> to.add(v.asText()));
        allowed.put(e.getKey(), to);
      }
      probes.add(new ReachabilityMatrix(spec, protocol(pr.path("protocol").asText("TCP")), allowed));
    }
    return probes;
  }

  private static List<Check> parseChecks(JsonNode list) {
    List<Check> out = new ArrayList<>();
    for (JsonNode c : list) {
      JsonNode allowed = required(c, "allowed");
      if (!allowed.isBoolean()) {
        throw new IllegalArgumentException("check 'allowed' must be true or false");
      }
      out.add(new Check(required(c, "from").asText(), required(c, "to").asText(), required(c, "port").asInt(),
          protocol(c.path("protocol").asText("TCP")), allowed.asBoolean(), c.path("subtest").asText("")));
    }
    return out;
  }

  private static Protocol protocol(String text) {
    return Protocol.parse(text).orElseThrow(() -> new IllegalArgumentException("unknown protocol " + text));
  }

  private static CasePod parsePod(JsonNode p, int index) {
    List<ContainerPort> ports = new ArrayList<>();
    for (JsonNode cp : p.path("ports")) {
      ports.add(new ContainerPort(cp.hasNonNull("name") ? cp.get("name").asText() : null,
          required(cp, "containerPort").asInt(), protocol(cp.path("protocol").asText("TCP"))));
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

  /**
   * Every step as a case of its own, in order: step 0 is this case without its later steps
   * (same name); step {@code i >= 1} is named {@code name#i}, with the cluster of this case, the
   * namespaces in force at that step, and the step's policies, checks and probes. Runners decide
   * each step as a separate matrix.
   */
  public List<ConformanceCase> steps() {
    List<ConformanceCase> out = new ArrayList<>();
    out.add(new ConformanceCase(name, description, namespaces, pods, policies, probes, nodes, source, requires, checks,
        List.of()));
    List<CaseNamespace> current = namespaces;
    for (int i = 0; i < laterSteps.size(); i++) {
      Step s = laterSteps.get(i);
      current = s.namespaces().orElse(current);
      String what = description + " [step " + (i + 1) + ": " + s.description() + "]";
      out.add(new ConformanceCase(name + "#" + (i + 1), what, current, pods, s.policies(), s.probes(), nodes, source,
          requires, s.checks(), List.of()));
    }
    return ImmutableList.copyOf(out);
  }

  /**
   * Why a runner that supports {@code supported} cannot decide this case, or empty when it can:
   * the required features it lacks.
   */
  public Optional<String> unsupportedBy(Set<String> supported) {
    List<String> missing = requires.stream().filter(r -> !supported.contains(r)).toList();
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("case " + name + " requires " + missing + ", which this runner does not support yet");
  }

  /** Each probe as a (port, protocol) pair, in case order. */
  public List<Probe> probeSpecs() {
    return probes.stream().map(m -> new Probe(m.port(), m.protocol())).collect(ImmutableList.toImmutableList());
  }

  /**
   * The case as Kubernetes input for {@code netpolc matrix}: Namespace objects, Node objects
   * (addresses as InternalIP), Pod objects with their addresses in {@code status.podIPs}, then
   * the policies, as one YAML stream. Only step 0; see {@link #steps()}.
   */
  public String toKubernetesYaml() {
    StringBuilder sb = new StringBuilder();
    for (CaseNamespace ns : namespaces) {
      sb.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(q(ns.name())).append('\n');
      appendLabels(sb, ns.labels());
      sb.append("---\n");
    }
    for (CaseNode n : nodes) {
      sb.append("apiVersion: v1\nkind: Node\nmetadata:\n  name: ").append(q(n.name())).append('\n');
      appendLabels(sb, n.labels());
      if (!n.addresses().isEmpty()) {
        sb.append("status:\n  addresses:\n");
        for (IpAddress a : n.addresses()) {
          sb.append("  - type: InternalIP\n    address: ").append(q(a.toString())).append('\n');
        }
      }
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
