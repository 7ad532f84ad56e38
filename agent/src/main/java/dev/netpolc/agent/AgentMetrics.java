package dev.netpolc.agent;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The agent's metrics (Prometheus Java client) and its HTTP endpoints: {@code /metrics},
 * {@code /healthz} (the process answers) and {@code /readyz} (the first apply succeeded).
 */
public final class AgentMetrics {
  /** Every metric name the agent exports, as it appears in the text format (counters end in {@code _total}). */
  public static final java.util.List<String> NAMES = java.util.List.of("netpolc_agent_events_total",
      "netpolc_agent_batch_size", "netpolc_agent_compile_seconds", "netpolc_agent_apply_seconds",
      "netpolc_agent_event_to_applied_seconds", "netpolc_agent_applies_total", "netpolc_agent_errors_total",
      "netpolc_agent_rejected_objects_total", "netpolc_agent_rules_installed", "netpolc_agent_set_elements_installed",
      "netpolc_agent_startup_checks_total", "netpolc_agent_kinds");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter events = Counter.builder().name("netpolc_agent_events_total")
      .help("Informer events received, by kind and type (add, update, delete)").labelNames("kind", "type")
      .register(registry);
  final Histogram batchSize = Histogram.builder().name("netpolc_agent_batch_size")
      .help("Events per applied batch").classicOnly()
      .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000).register(registry);
  final Histogram compileSeconds = Histogram.builder().name("netpolc_agent_compile_seconds")
      .help("Time from a batch to its rules: session update or full compile, and rendering").classicOnly()
      .register(registry);
  final Histogram applySeconds = Histogram.builder().name("netpolc_agent_apply_seconds")
      .help("Time to put one batch's rules into the kernel").classicOnly().register(registry);
  final Histogram eventToApplied = Histogram.builder().name("netpolc_agent_event_to_applied_seconds")
      .help("Time from receiving a batch's oldest event to its rules applied").classicOnly().register(registry);
  final Counter applies = Counter.builder().name("netpolc_agent_applies_total")
      .help("Successful applies, by mode: full (replaces the table) or incremental (a delta)").labelNames("mode")
      .register(registry);
  final Counter errors = Counter.builder().name("netpolc_agent_errors_total")
      .help("Failures, by stage (compile, apply); a failed apply is retried as a full replacement")
      .labelNames("stage").register(registry);
  final Counter rejected = Counter.builder().name("netpolc_agent_rejected_objects_total")
      .help("Objects the model rejected (their last accepted version stays in force), by kind").labelNames("kind")
      .register(registry);
  final Gauge kinds = Gauge.builder().name("netpolc_agent_kinds")
      .help("The kinds the agent knows, by state: watched; skipped (the cluster does not serve it); unneeded"
          + " (ServiceAccounts, Services, EndpointSlices when the cluster serves no Calico or Cilium kind)")
      .labelNames("kind", "state").register(registry);
  final Gauge rules = Gauge.builder().name("netpolc_agent_rules_installed")
      .help("Rules in the installed ruleset").register(registry);
  final Gauge setElements = Gauge.builder().name("netpolc_agent_set_elements_installed")
      .help("Set elements in the installed ruleset").register(registry);

  final Counter startupChecks = Counter.builder().name("netpolc_agent_startup_checks_total")
      .help("Start-up comparisons of the kernel's rules with the first compile, by result: match, drift, empty,"
          + " unreadable, unchecked (over the probe limit)").labelNames("result").register(registry);

  /** The metrics, in a registry of their own. */
  public AgentMetrics() {
    // Every result exported from the start, at 0, so a dashboard sees the family before the first check.
    for (StartupCheck.Result r : StartupCheck.Result.values()) {
      startupChecks.initLabelValues(r.label());
    }
  }

  /** The per-policy drop counter's name ({@code --counters}); not in {@link #NAMES}, which are always exported. */
  public static final String POLICY_DROPS = "netpolc_agent_policy_drops_total";

  final Counter counterReadErrors = Counter.builder().name("netpolc_agent_counter_read_errors_total")
      .help("Failed reads of the kernel's rule counters (--counters); the drop totals keep their last values")
      .register(registry);

  /**
   * Exports {@code drops} as {@value #POLICY_DROPS}{policy, direction}, read from the kernel on
   * every scrape; a failed read exports the last totals and counts an error.
   */
  public void exportDrops(PolicyDropCounters drops) {
    java.util.Objects.requireNonNull(drops, "drops");
    CounterWithCallback.builder().name(POLICY_DROPS)
        .help("Packets dropped at pods a policy selects (its default deny, shared by every policy isolating the pod)"
            + " or by its Deny rules, by policy and direction; needs --counters")
        .labelNames("policy", "direction").callback(cb -> {
          java.util.SortedMap<PolicyDropCounters.Key, Long> totals;
          try {
            totals = drops.read();
          } catch (IOException | RuntimeException e) {
            counterReadErrors.inc();
            totals = drops.lastTotals();
          }
          totals.forEach((k, v) -> cb.call(v, k.policy(), k.direction()));
        }).register(registry);
  }

  /** The registry the metrics live in. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Serves {@code /metrics}, {@code /healthz} and {@code /readyz} on {@code host:port} (port 0:
   * any free port, see {@link HTTPServer#getPort()}).
   */
  public HTTPServer serve(String host, int port, BooleanSupplier ready) throws IOException {
    return HTTPServer.builder().hostname(host).port(port).registry(registry).defaultHandler(ex -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/healthz")) {
          respond(ex, 200, "ok\n");
        } else if (path.equals("/readyz")) {
          boolean r = ready.getAsBoolean();
          respond(ex, r ? 200 : 503, r ? "ready\n" : "not ready: no successful apply yet\n");
        } else {
          respond(ex, 404, "not found; try /metrics, /healthz, /readyz\n");
        }
      }
    }).buildAndStart();
  }

  private static void respond(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
