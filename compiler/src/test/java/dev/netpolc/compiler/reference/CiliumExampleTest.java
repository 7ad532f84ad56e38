package dev.netpolc.compiler.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.Connection;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.lint.LintConfig;
import dev.netpolc.model.lint.LintReport;
import dev.netpolc.model.lint.Linter;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * examples/cilium stays true: it reads and validates without a finding, and the connections its
 * comments promise are decided so by the reference evaluator's Cilium profile.
 */
class CiliumExampleTest {
  private static Cluster cluster;

  @BeforeAll
  static void read() {
    String root = System.getenv("NETPOLC_TEST_ROOT");
    Path dir = (root != null ? Path.of(root) : Path.of("..")).resolve("examples").resolve("cilium");
    ReadResult r = new PolicyReader().read(List.of(dir));
    assertThat(r.errors()).as("reader errors").isEmpty();
    cluster = r.cluster();
  }

  @Test
  void theExampleIsValidAndLintsClean() {
    assertThat(cluster.cilium().policies()).hasSize(8);
    assertThat(cluster.policies()).hasSize(1);
    LintReport report = new Linter(LintConfig.DEFAULT).lint(cluster);
    assertThat(report.findings()).isEmpty();
    assertThat(report.skipped()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1} {2}/{3}: {4}")
  @CsvSource({
      // the frontend: HTTPS from the world; the other tenant is denied by the guard-rail
      "203.0.113.50,  10.244.1.10,   TCP, 8443, true",
      "10.244.2.20,   10.244.1.10,   TCP, 8443, false",
      // frontend -> backend (named port http), not the db
      "10.244.1.10,   10.244.1.11,   TCP, 8080, true",
      "10.244.1.10,   10.244.2.10,   TCP, 5432, false",
      // the db: backend on 5432-5433 (endPort), the backup agent through the NetworkPolicy
      "10.244.1.11,   10.244.2.10,   TCP, 5433, true",
      "10.244.1.11,   10.244.2.10,   TCP, 5434, false",
      "10.244.2.11,   10.244.2.10,   TCP, 5432, true",
      "10.244.1.30,   10.244.2.10,   TCP, 5432, false",
      // Prometheus: metrics of the shop, the node exporter of the other node
      "10.244.1.30,   10.244.1.11,   TCP, 9090, true",
      "10.244.1.30,   192.168.10.12, TCP, 9100, true",
      // the backend: the payment range less its sandbox half, and the API server
      "10.244.1.11,   203.0.113.10,  TCP, 443,  true",
      "10.244.1.11,   203.0.113.200, TCP, 443,  false",
      "10.244.1.11,   192.168.10.5,  TCP, 6443, true",
      // the metadata guard-rail on a pod whose egress is otherwise open
      "10.244.2.20,   203.0.113.10,  TCP, 80,   true",
      "10.244.2.20,   169.254.169.254, TCP, 80, false",
      // the blog: world and cluster, but not the shop
      "203.0.113.50,  10.244.2.20,   TCP, 8080, true",
      "10.244.1.30,   10.244.2.20,   TCP, 9090, true",
      "10.244.1.30,   10.244.2.20,   TCP, 8080, false",
      "10.244.1.11,   10.244.2.20,   TCP, 8080, false",
      // DNS for an egress-restricted pod
      "10.244.1.10,   10.244.1.2,    UDP, 53,   true",
      "10.244.1.10,   10.244.1.2,    TCP, 53,   true",
  })
  void theConnectionsTheCommentsPromise(String from, String to, Protocol protocol, int port, boolean allowed) {
    Connection c = Connection.of(IpAddress.parse(from), IpAddress.parse(to), protocol, port);
    assertThat(new ReferenceEvaluator(cluster).allows(c)).as(c.toString()).isEqualTo(allowed);
  }
}
