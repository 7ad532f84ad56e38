package dev.netpolc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config FILE}: settings from a YAML file, the command line over it, errors at file:line:column. */
class AgentConfigFileTest {

  @TempDir
  Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, text);
    return f;
  }

  /** Parses {@code args} and merges the file; returns the command, or fails with the file's error. */
  private static AgentCommand configured(String... args) {
    AgentCommand c = new AgentCommand();
    new CommandLine(c).parseArgs(args);
    assertThat(c.readConfigFile()).as("config error").isNull();
    return c;
  }

  /** Runs the command; returns exit code and what it printed on the error stream. */
  private static String[] run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new AgentCommand());
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }

  @Test
  void everySettingComesFromTheFileAndTheCommandLineWins() throws Exception {
    Path f = file("""
        # a ConfigMap's agent.yaml
        node: node-7
        table: npc
        nft: /usr/local/sbin/nft
        counters: true
        cleanup-on-exit: true
        metrics-address: "127.0.0.1:9999"
        sync-timeout: 45
        kubeconfig: /etc/kube/config
        backend: nftables
        dry-run: false
        """);
    AgentCommand c = configured("--config", f.toString());
    assertThat(c.node).isEqualTo("node-7");
    assertThat(c.table).isEqualTo("npc");
    assertThat(c.nft).isEqualTo("/usr/local/sbin/nft");
    assertThat(c.counters).isTrue();
    assertThat(c.cleanupOnExit).isTrue();
    assertThat(c.dryRun).isFalse();
    assertThat(c.metricsAddress).isEqualTo("127.0.0.1:9999");
    assertThat(c.syncTimeoutSeconds).isEqualTo(45);
    assertThat(c.kubeconfig).isEqualTo(Path.of("/etc/kube/config"));

    AgentCommand o = configured("--table", "cli", "--config", f.toString(), "--sync-timeout", "5", "--node", "n2");
    assertThat(o.table).isEqualTo("cli");
    assertThat(o.syncTimeoutSeconds).isEqualTo(5);
    assertThat(o.node).isEqualTo("n2");
    assertThat(o.nft).as("not on the command line: from the file").isEqualTo("/usr/local/sbin/nft");

    // Every option but --config and --help has a key.
    assertThat(c.configKeys()).containsExactlyInAnyOrder("node", "kubeconfig", "backend", "table", "nft", "dry-run",
        "cleanup-on-exit", "metrics-address", "sync-timeout", "counters", "ebpf-loader", "ebpf-object", "ebpf-pin-dir",
        "ebpf-interfaces");
  }

  @Test
  void anEmptyFileChangesNothing() throws Exception {
    AgentCommand c = configured("--config", file("# nothing yet\n").toString(), "--node", "n1");
    assertThat(c.table).isEqualTo("netpolc");
    assertThat(c.syncTimeoutSeconds).isEqualTo(120);
    assertThat(c.counters).isFalse();
  }

  @Test
  void unknownKeysAndBadValuesExitTwoNamingFileLineColumnAndKey() throws Exception {
    String f = file("node: n1\n  # indented comment\ntabel: x\n").toString();
    assertBad(run("--config", f), f + ":3:1: tabel: unknown key; the keys are backend, cleanup-on-exit,");
    f = file("node: n1\nsync-timeout: soon\n").toString();
    assertBad(run("--config", f), f + ":2:1: sync-timeout: Invalid value for option '--sync-timeout': 'soon' is not an int");
    f = file("node: n1\nsync-timeout: 0\n").toString();
    assertBad(run("--config", f), f + ":2:1: sync-timeout must be positive");
    f = file("node: n1\ntable: 9lives\n").toString();
    assertBad(run("--config", f), f + ":2:1: table must be a letter");
    f = file("node: n1\nmetrics-address: nowhere\n").toString();
    assertBad(run("--config", f), f + ":2:1: metrics-address must be HOST:PORT, :PORT or off");
    f = file("node: n1\n  \ndry-run: 1\n").toString();
    assertBad(run("--config", f), f + ":3:1: dry-run: must be true or false");
    f = file("node: n1\ntable: true\n").toString();
    assertBad(run("--config", f), f + ":2:1: table: needs a NAME value (quote it to mean the text true)");
    f = file("node: n1\ncounters: [yes]\n").toString();
    assertBad(run("--config", f), f + ":2:1: counters: the value must be a single value, not a list");
    f = file("node: n1\nnode: n2\n").toString();
    assertBad(run("--config", f), f + ":2:1: node: set twice (first at line 1)");
    f = file("- node: n1\n").toString();
    assertBad(run("--config", f), f + ":1:1: the file must be a mapping of option names to values");
    f = file("node: n1\nconfig: other.yaml\n").toString();
    assertBad(run("--config", f), f + ":2:1: config: unknown key");
    f = file("node: [n1\n").toString();
    assertBad(run("--config", f), f + ":");
    assertBad(run("--config", dir.resolve("missing.yaml").toString()), dir.resolve("missing.yaml") + ": cannot read");
  }

  private static void assertBad(String[] result, String message) {
    assertThat(result[0]).as(result[1]).isEqualTo("2");
    assertThat(result[1]).startsWith("netpolc agent: " + message);
    assertThat(result[1]).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void theExampleConfigMapHoldsAValidFileMountedWhereTheDaemonSetReadsIt() throws Exception {
    Path root = Path.of(System.getenv().getOrDefault("NETPOLC_TEST_ROOT", ".."));
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    String configYaml = null;
    String configMapName = null;
    JsonNode daemonSet = null;
    try (var docs = yaml.readValues(yaml.createParser(Files.readString(root.resolve("examples/agent/daemonset.yaml"))),
        JsonNode.class)) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        if (d.path("kind").asText().equals("ConfigMap")) {
          configMapName = d.path("metadata").path("name").asText();
          configYaml = d.path("data").path("agent.yaml").asText(null);
        } else if (d.path("kind").asText().equals("DaemonSet")) {
          daemonSet = d;
        }
      }
    }
    assertThat(configYaml).as("ConfigMap data agent.yaml").isNotNull();
    AgentCommand c = configured("--config", file(configYaml).toString());
    assertThat(c.counters).as("the example turns the drop counters on").isTrue();
    JsonNode pod = daemonSet.path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    String mountPath = container.path("volumeMounts").get(0).path("mountPath").asText();
    String volume = container.path("volumeMounts").get(0).path("name").asText();
    assertThat(container.path("args").toString()).contains("\"--config\",\"" + mountPath + "/agent.yaml\"");
    assertThat(pod.path("volumes").toString()).contains("\"name\":\"" + volume + "\"")
        .contains("\"configMap\":{\"name\":\"" + configMapName + "\"}");
  }
}
