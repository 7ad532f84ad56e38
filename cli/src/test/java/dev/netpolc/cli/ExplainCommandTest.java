package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code netpolc explain}: exit codes, argument errors and the JSON contract. */
class ExplainCommandTest {
  static final String DEMO = ExplainGoldenTest.DEMO;

  record Run(int rc, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void aDenialIsAnAnswerAndExitsZero() {
    Run r = run("explain", "--from", "frontend/web-7d9f8-a", "--to", "database/postgres-0", "--port", "5432", DEMO);
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("DENIED").contains("nearest change");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = ';', value = {
      "--from frontend/nope --to 8.8.8.8 --port 80; no pod frontend/nope",
      "--from frontend/web-7d9f8-a --to 8.8.8.8 --port 70000; not in 1-65535",
      "--from frontend/web-7d9f8-a --to 8.8.8.8; --port is required for TCP",
      "--from frontend/web-7d9f8-a --to 8.8.8.8 --protocol icmp --port 80; has no ports",
      "--from frontend/web-7d9f8-a --to 8.8.8.8 --port 80 --family ipv6; is not IPv6",
      "--from frontend/web-7d9f8-a --to 8.8.8.8 --port http; needs a pod as --to",
      "--from frontend/web-7d9f8-a --to database/redis-0 --port http; has no TCP container port named http",
      "--from frontend/web-7d9f8-a --to database/redis-0 --port 80 --protocol gre; unknown protocol",
      "--from frontend/web-7d9f8-a --to database/redis-0 --port 80/udp --protocol tcp; --port says udp",
      "--from frontend --to database/redis-0 --port 80; neither NAMESPACE/POD nor an IP address",
      "--from frontend/web-7d9f8-a --to database/redis-0 --port 80 --family ipv5; --family must be",
  })
  void badArgumentsExitTwoWithoutOutput(String args, String message) {
    List<String> argv = new ArrayList<>(List.of("explain"));
    argv.addAll(List.of(args.trim().split("\\s+")));
    argv.add(DEMO);
    Run r = run(argv.toArray(new String[0]));
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }

  @Test
  void unreadableInputPointsAtTheFileAndExitsTwo(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: Pod\nmetadata: {name: [oops\n");
    Run r = run("explain", "--from", "1.2.3.4", "--to", "5.6.7.8", "--port", "80", bad.toString());
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(bad + ":").doesNotContain("Exception");
  }

  @Test
  void jsonHasATopLevelBooleanAndTheTraceBesideIt() throws IOException {
    Run r = run("explain", "--from", "backend/checkout-5c4b-a", "--to", "backend/payments-8f7-a", "--port", "8443",
        "--format", "json", DEMO);
    assertThat(r.rc()).isZero();
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertThat(root.get("allowed").isBoolean()).isTrue();
    assertThat(root.get("allowed").booleanValue()).isTrue();
    assertThat(root.get("ingress").get("matched").get("policy").asText()).isEqualTo("backend/checkout-calls-payments");
    assertThat(root.get("ingress").get("matched").get("position").get("line").asInt()).isPositive();
    assertThat(root.get("egress").get("selectingPolicies").size()).isPositive();
    assertThat(root.get("suggestions").size()).isZero();
  }

  @Test
  void thePodItselfIsAlwaysAllowed() {
    Run r = run("explain", "--from", "backend/checkout-5c4b-a", "--to", "backend/checkout-5c4b-a", "--port", "1", DEMO);
    assertThat(r.rc()).isZero();
    assertThat(r.out()).contains("ALLOWED").contains("same pod");
  }

  @Test
  void outputIsByteIdenticalAcrossRuns() {
    String[] args = {"explain", "--from", "frontend/web-7d9f8-a", "--to", "database/postgres-0", "--port", "5432",
        "--format", "json", DEMO};
    assertThat(run(args).out()).isEqualTo(run(args).out());
  }
}
