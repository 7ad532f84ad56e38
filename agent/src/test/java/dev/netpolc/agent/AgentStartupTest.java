package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The agent's start-up comparison against the mock API server: a kernel stand-in keeps what was
 * applied last and reads it back, so one agent after another finds its predecessor's rules (a
 * match), rules of an older cluster (drift), nothing, or rules it cannot read; each then replaces
 * them, and the result is logged and counted.
 */
class AgentStartupTest {

  /** A kernel that holds the last full artifact; deltas are not expected here and fail the apply. */
  static final class HeldRules implements RuleApplier {
    volatile Optional<Artifact> held = Optional.empty();
    volatile String unreadable;
    volatile int replaces;

    @Override
    public void replace(Artifact full) {
      held = Optional.of(full);
      replaces++;
    }

    @Override
    public void update(Artifact installed, Delta delta) throws ApplyException {
      throw new ApplyException("the stand-in takes full artifacts only");
    }

    @Override
    public void cleanup() {
      held = Optional.empty();
    }

    @Override
    public boolean readsBack() {
      return true;
    }

    @Override
    public Optional<Artifact> readBack() throws ApplyException {
      if (unreadable != null) {
        throw new ApplyException(unreadable);
      }
      return held;
    }
  }

  @Test
  void eachStartComparesWithWhatTheKernelHoldsThenReplaces() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    HeldRules kernel = new HeldRules();
    try (NamespacedKubernetesClient client = server.createClient()) {
      MockCluster.base().forEach(y -> client.resource(y).create());
      client.resource(AgentMockServerTest.WEB_FROM_CLIENTS).create();

      Run first = run(client, kernel);
      assertThat(first.check.result()).isEqualTo(StartupCheck.Result.EMPTY);
      assertThat(first.log).contains("result=empty");

      Run second = run(client, kernel);
      assertThat(second.check.result()).as(second.log).isEqualTo(StartupCheck.Result.MATCH);
      assertThat(second.check.probes()).isPositive();
      assertThat(second.log).contains("the kernel already holds the compiled rules").contains("result=match");
      assertThat(second.metrics).contains("netpolc_agent_startup_checks_total{result=\"match\"} 1.0")
          .contains("netpolc_agent_startup_checks_total{result=\"drift\"} 0.0");

      // The policy goes while no agent runs: the rules left behind isolate x's web pods for nothing.
      client.resource(AgentMockServerTest.WEB_FROM_CLIENTS).delete();
      Run third = run(client, kernel);
      assertThat(third.check.result()).isEqualTo(StartupCheck.Result.DRIFT);
      assertThat(third.check.differences()).isPositive();
      assertThat(third.log).contains("level=warn").contains("differ from the compiled ones").contains("result=drift");
      assertThat(third.metrics).contains("netpolc_agent_startup_checks_total{result=\"drift\"} 1.0");

      kernel.unreadable = "bpftool exited 1: no such map";
      Run fourth = run(client, kernel);
      assertThat(fourth.check.result()).isEqualTo(StartupCheck.Result.UNREADABLE);
      assertThat(fourth.log).contains("no such map");
      assertThat(kernel.replaces).as("every start replaced, whatever it found").isEqualTo(4);
    } finally {
      server.destroy();
    }
  }

  @Test
  void aDryRunComparesNothing() throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    try (NamespacedKubernetesClient client = server.createClient()) {
      MockCluster.base().forEach(y -> client.resource(y).create());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Agent a = new Agent(client, new Agent.Settings(MockCluster.NODE, new NftablesBackend(), BackendOptions.DEFAULTS,
          false, false, Duration.ofSeconds(30)), new PrintingApplier(new PrintStream(out, true,
          StandardCharsets.UTF_8)), new AgentMetrics(), new PrintStream(new ByteArrayOutputStream(), true,
          StandardCharsets.UTF_8));
      try {
        a.start();
        awaitReady(a);
        assertThat(a.startupCheck()).isEmpty();
      } finally {
        a.close();
      }
    } finally {
      server.destroy();
    }
  }

  @Test
  void backendFlagsAreChecked() {
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "n1", "--backend", "bogus")).isEqualTo(2);
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "n1", "--backend", "iptables", "--table",
        "toolongname")).isEqualTo(2);
    assertThat(new CommandLine(new AgentCommand()).execute("--node", "n1", "--backend", "ebpf", "--ebpf-loader",
        "/nonexistent/netpolc-ebpf", "--ebpf-object", "/nonexistent/netpolc.bpf.o")).isEqualTo(2);
    CommandLine cl = new CommandLine(new AgentCommand());
    java.io.StringWriter err = new java.io.StringWriter();
    cl.setErr(new java.io.PrintWriter(err));
    assertThat(cl.execute("--node", "n1", "--backend", "ebpf")).isEqualTo(2);
    assertThat(err.toString()).contains("--ebpf-loader");
  }

  @Test
  void backendChoiceBuildsEachApplier() throws Exception {
    AgentCommand c = new AgentCommand();
    new CommandLine(c).parseArgs("--backend", "iptables");
    assertThat(c.backendChoice().applier()).isInstanceOf(IptablesApplier.class);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("agent-ebpf-flags");
    try {
      java.nio.file.Path loader = java.nio.file.Files.writeString(dir.resolve("netpolc-ebpf"), "#!/bin/bash\n");
      java.nio.file.Path object = java.nio.file.Files.writeString(dir.resolve("netpolc.bpf.o"), "");
      c = new AgentCommand();
      new CommandLine(c).parseArgs("--backend", "ebpf", "--ebpf-loader", loader.toString(), "--ebpf-object",
          object.toString(), "--ebpf-interfaces", "cali.+");
      AgentCommand.BackendChoice b = c.backendChoice();
      assertThat(b.applier()).isInstanceOf(EbpfApplier.class);
      assertThat(b.options().extra("pinDir")).contains("/sys/fs/bpf/netpolc");
      c = new AgentCommand();
      new CommandLine(c).parseArgs("--backend", "ebpf", "--ebpf-loader", loader.toString(), "--ebpf-object",
          object.toString(), "--ebpf-pin-dir", "/sys/fs/bpf/a b");
      AgentCommand cc = c;
      org.assertj.core.api.Assertions.assertThatThrownBy(cc::backendChoice)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ebpf-pin-dir");
    } finally {
      for (String f : new String[] {"netpolc-ebpf", "netpolc.bpf.o"}) {
        java.nio.file.Files.deleteIfExists(dir.resolve(f));
      }
      java.nio.file.Files.deleteIfExists(dir);
    }
  }

  /** One agent's start: its comparison, its log, its start-up counters as the text format shows them. */
  private record Run(StartupCheck check, String log, String metrics) {}

  /** Starts an agent on {@code kernel}, waits for its first apply, stops it (rules left in place). */
  private static Run run(NamespacedKubernetesClient client, HeldRules kernel) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    AgentMetrics metrics = new AgentMetrics();
    Agent a = new Agent(client, new Agent.Settings(MockCluster.NODE, new NftablesBackend(), BackendOptions.DEFAULTS,
        false, false, Duration.ofSeconds(30)), kernel, metrics, new PrintStream(log, true, StandardCharsets.UTF_8));
    try {
      a.start();
      awaitReady(a);
    } finally {
      a.close();
    }
    StringBuilder counts = new StringBuilder();
    for (StartupCheck.Result r : StartupCheck.Result.values()) {
      counts.append("netpolc_agent_startup_checks_total{result=\"").append(r.label()).append("\"} ")
          .append(metrics.startupChecks.labelValues(r.label()).get()).append('\n');
    }
    return new Run(a.startupCheck().orElseThrow(), log.toString(StandardCharsets.UTF_8), counts.toString());
  }

  private static void awaitReady(Agent a) throws InterruptedException {
    long deadline = System.nanoTime() + MockCluster.CONVERGE.toNanos();
    while (!a.ready()) {
      assertThat(System.nanoTime()).as("the agent's first apply").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
