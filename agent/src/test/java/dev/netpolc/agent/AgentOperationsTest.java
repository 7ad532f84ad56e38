package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What operators see: the metrics and health endpoints, the RBAC the manifest grants, the help. */
class AgentOperationsTest {

  /** One sample line of the Prometheus text format: name, labels, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)( \\d+)?");

  @Test
  void metricsHealthAndReadinessAreServed() throws Exception {
    try (MockCluster m = new MockCluster()) {
      MockCluster.base().forEach(m::put);
      HTTPServer http = m.metrics.serve("127.0.0.1", 0, m.agent::ready);
      try {
        HttpClient web = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + http.getPort();
        assertThat(get(web, base + "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(web, base + "/readyz").statusCode()).as("before the first apply").isEqualTo(503);

        m.agent.start();
        m.put(AgentMockServerTest.WEB_FROM_CLIENTS);
        m.awaitEnforced("policy created");
        assertThat(get(web, base + "/readyz").statusCode()).as("after the first apply").isEqualTo(200);
        assertThat(get(web, base + "/nope").statusCode()).isEqualTo(404);

        HttpResponse<String> r = get(web, base + "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> samples = parse(r.body());
        Set<String> families = new TreeSet<>();
        for (String name : samples.keySet()) {
          families.add(name.replaceAll("\\{.*", "").replaceAll("_(bucket|count|sum|created)$", ""));
        }
        assertThat(families).as("metric families with samples").containsAll(AgentMetrics.NAMES.stream()
            .filter(n -> !n.equals("netpolc_agent_errors_total") && !n.equals("netpolc_agent_rejected_objects_total"))
            .toList());
        assertThat(samples.get("netpolc_agent_applies_total{mode=\"full\"}")).isEqualTo(1.0);
        assertThat(samples.get("netpolc_agent_applies_total{mode=\"incremental\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(samples.get("netpolc_agent_events_total{kind=\"NetworkPolicy\",type=\"add\"}")).isEqualTo(1.0);
        assertThat(samples.get("netpolc_agent_events_total{kind=\"Pod\",type=\"add\"}")).isEqualTo(3.0);
        assertThat(samples.get("netpolc_agent_batch_size_count")).isEqualTo((double) m.agent.snapshot().batches());
        assertThat(samples.get("netpolc_agent_rules_installed")).isPositive();
        assertThat(samples.get("netpolc_agent_set_elements_installed")).isPositive();
        assertThat(samples.get("netpolc_agent_compile_seconds_count")).isEqualTo(samples.get(
            "netpolc_agent_apply_seconds_count"));

        m.putInvalid(AgentMockServerTest.WEB_FROM_CLIENTS.replace("ports:", "portz:"));
        long deadline = System.nanoTime() + MockCluster.CONVERGE.toNanos();
        Double rejected = null;
        while (rejected == null && System.nanoTime() < deadline) {
          Thread.sleep(20);
          rejected = parse(get(web, base + "/metrics").body())
              .get("netpolc_agent_rejected_objects_total{kind=\"NetworkPolicy\"}");
        }
        assertThat(rejected).isEqualTo(1.0);
      } finally {
        http.close();
      }
    }
  }

  /** Samples by {@code name{labels}} (labels as written); checks every line is a comment or a sample. */
  private static Map<String, Double> parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher mt = SAMPLE.matcher(line);
      assertThat(mt.matches()).as("a sample line: %s", line).isTrue();
      String key = mt.group(1) + (mt.group(2) == null ? "" : mt.group(2));
      out.put(key, Double.parseDouble(mt.group(4)));
    }
    return out;
  }

  private static HttpResponse<String> get(HttpClient web, String url) throws Exception {
    return web.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theManifestGrantsExactlyWhatTheInformersReadAndNoMore() throws Exception {
    List<WatchedKind> informed = new ArrayList<>();
    try (MockCluster m = new MockCluster()) {
      m.agent.start();
      informed.addAll(m.agent.watchedKinds());
      informed.addAll(m.agent.skippedKinds());
    }
    Map<String, Set<String>> wanted = new TreeMap<>();
    for (WatchedKind k : informed) {
      wanted.put(k.group() + "/" + k.resource(), Set.of("get", "list", "watch"));
    }
    wanted.put("/events", Set.of("create", "patch"));

    Path root = Path.of(System.getenv().getOrDefault("NETPOLC_TEST_ROOT", ".."));
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, Set<String>> granted = new TreeMap<>();
    JsonNode daemonSet = null;
    String serviceAccount = null;
    String boundAccount = null;
    try (var docs = yaml.readValues(yaml.createParser(Files.readString(root.resolve("examples/agent/daemonset.yaml"))),
        JsonNode.class)) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        switch (d.path("kind").asText()) {
          case "ClusterRole" -> {
            for (JsonNode rule : d.path("rules")) {
              for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                  Set<String> verbs = new TreeSet<>();
                  rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                  granted.merge(g.asText() + "/" + r.asText(), verbs, (a, b) -> {
                    Set<String> u = new TreeSet<>(a);
                    u.addAll(b);
                    return u;
                  });
                }
              }
            }
          }
          case "Role", "RoleBinding" -> throw new AssertionError("the agent needs cluster-wide rules only");
          case "ServiceAccount" -> serviceAccount = d.path("metadata").path("name").asText();
          case "ClusterRoleBinding" -> boundAccount = d.path("subjects").get(0).path("name").asText();
          case "DaemonSet" -> daemonSet = d;
          default -> { }
        }
      }
    }
    assertThat(new HashMap<>(granted)).as("ClusterRole rules vs the agent's informers and Events")
        .isEqualTo(new HashMap<>(wanted));
    assertThat(boundAccount).isEqualTo(serviceAccount);
    JsonNode pod = daemonSet.path("spec").path("template").path("spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(serviceAccount);
    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    JsonNode sc = pod.path("containers").get(0).path("securityContext");
    assertThat(sc.path("privileged").asBoolean(false)).isFalse();
    assertThat(sc.path("capabilities").path("add").toString()).isEqualTo("[\"NET_ADMIN\"]");
    assertThat(sc.path("capabilities").path("drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(pod.path("containers").get(0).path("args").toString()).contains("agent");
  }

  @Test
  void helpDocumentsEveryFlag() {
    CommandLine cl = new CommandLine(new AgentCommand());
    String help = cl.getUsageMessage();
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      assertThat(help).contains(o.longestName());
      assertThat(String.join(" ", o.description())).as(o.longestName()).isNotBlank();
    }
    assertThat(cl.getCommandSpec().options()).extracting(CommandLine.Model.OptionSpec::longestName)
        .contains("--node", "--kubeconfig", "--backend", "--dry-run", "--cleanup-on-exit", "--metrics-address");
  }

  @Test
  void badArgumentsExitTwoWithAMessage() {
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "n1", "--backend", "ebpf")).isEqualTo(2);
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "n1", "--metrics-address", "nowhere"))
        .isEqualTo(2);
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "", "--dry-run")).isEqualTo(2);
  }
}
