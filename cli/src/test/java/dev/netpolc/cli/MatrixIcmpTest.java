package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.cli.MatrixCommandTest.Run;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code matrix --protocol icmp|icmpv6 [--icmp-type N [--icmp-code N]]} on a Calico cluster that allows only pings. */
class MatrixIcmpTest {
  private static final String CLUSTER = Path.of("src/test/resources/matrix-icmp/cluster.yaml").toString();

  private static JsonNode json(String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("matrix", "--format", "json"));
    argv.addAll(List.of(args));
    argv.add(CLUSTER);
    Run r = MatrixCommandTest.run(argv.toArray(new String[0]));
    assertThat(r.rc()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  private static boolean reaches(JsonNode matrix, String from, String to) {
    for (JsonNode n : matrix.get("allowed").get(from)) {
      if (n.asText().equals(to)) {
        return true;
      }
    }
    return false;
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "ir", "nftables", "iptables"})
  void anEchoRequestIsAllowedAndOtherTypesAreNot(String via) throws IOException {
    JsonNode echo = json("--via", via, "--protocol", "icmp");
    assertThat(echo.get("protocol").asText()).isEqualTo("ICMP");
    assertThat(echo.get("icmpType").asInt()).isEqualTo(8);
    assertThat(echo.get("icmpCode").asInt()).isZero();
    assertThat(reaches(echo, "lab/probe", "lab/server")).isTrue();
    assertThat(reaches(echo, "lab/legacy", "lab/server")).isFalse();
    assertThat(reaches(echo, "lab/server", "lab/probe")).isTrue();

    JsonNode timestamp = json("--via", via, "--protocol", "icmp", "--icmp-type", "13");
    assertThat(timestamp.get("icmpType").asInt()).isEqualTo(13);
    assertThat(reaches(timestamp, "lab/probe", "lab/server")).isFalse();
    assertThat(reaches(timestamp, "lab/server", "lab/probe")).isTrue();
    // The rule says code 0: the same type with another code is another message.
    assertThat(reaches(json("--via", via, "--protocol", "icmp", "--icmp-type", "8", "--icmp-code", "1"),
        "lab/probe", "lab/server")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "nftables"})
  void icmpv6ProbesOnlyPodsWithIpv6Addresses(String via) throws IOException {
    JsonNode echo = json("--via", via, "--protocol", "icmpv6");
    assertThat(echo.get("protocol").asText()).isEqualTo("ICMPv6");
    assertThat(echo.get("icmpType").asInt()).isEqualTo(128);
    assertThat(reaches(echo, "lab/probe", "lab/server")).isTrue();
    // lab/legacy has only an IPv4 address: no ICMPv6 message to or from it, except to itself.
    assertThat(reaches(echo, "lab/probe", "lab/legacy")).isFalse();
    assertThat(reaches(echo, "lab/legacy", "lab/probe")).isFalse();
    assertThat(reaches(echo, "lab/legacy", "lab/legacy")).isTrue();
    assertThat(reaches(json("--via", via, "--protocol", "icmpv6", "--icmp-type", "1"),
        "lab/probe", "lab/server")).isFalse();
  }

  @Test
  void everyDeciderAgreesOnEveryFormat() {
    for (String format : List.of("text", "csv", "md", "json")) {
      for (String[] probe : List.of(new String[] {"icmp"}, new String[] {"icmp", "--icmp-type", "13"},
          new String[] {"icmpv6", "--icmp-type", "1", "--icmp-code", "4"})) {
        List<String> base = new ArrayList<>(List.of("matrix", "--format", format, "--protocol"));
        base.addAll(List.of(probe));
        base.add(CLUSTER);
        String reference = MatrixCommandTest.run(base.toArray(new String[0])).out();
        for (String via : MatrixCommand.DECIDERS.names()) {
          List<String> argv = new ArrayList<>(base);
          argv.addAll(1, List.of("--via", via));
          Run r = MatrixCommandTest.run(argv.toArray(new String[0]));
          assertThat(r.rc()).as(via + " " + r.err()).isZero();
          assertThat(r.out()).as(via + " " + format).isEqualTo(reference);
        }
      }
    }
  }

  @Test
  void theTextTitleAndCsvColumnsNameTheMessage() {
    Run text = MatrixCommandTest.run("matrix", "--protocol", "icmp", "--icmp-type", "13", CLUSTER);
    assertThat(text.out()).startsWith("ICMP type 13 code 0 (");
    Run csv = MatrixCommandTest.run("matrix", "--format", "csv", "--protocol", "ICMPv6", CLUSTER);
    assertThat(csv.out()).contains("lab/probe,lab/server,128/0,ICMPv6,true\n")
        .contains("lab/probe,lab/legacy,128/0,ICMPv6,false\n");
  }

  @Test
  void theHtmlReportNamesTheIcmpProbe() {
    Run html = MatrixCommandTest.run("matrix", "--format", "html", "--protocol", "icmp", "--icmp-type", "13", CLUSTER);
    assertThat(html.rc()).as(html.err()).isZero();
    assertThat(html.out()).contains("\"probe\": \"ICMP type 13 code 0\"")
        .contains("\"title\": \"ICMP type 13 code 0\"");
  }

  @Test
  void badIcmpOptionsExitTwoWithTheReason() {
    assertError("--icmp-code needs --icmp-type", "--protocol", "icmp", "--icmp-code", "1");
    assertError("--icmp-type 256 is not in 0-255", "--protocol", "icmp", "--icmp-type", "256");
    assertError("--icmp-code -1 is not in 0-255", "--protocol", "icmp", "--icmp-type", "3", "--icmp-code", "-1");
    assertError("apply to --protocol icmp or icmpv6 only", "--icmp-type", "8");
    assertError("apply to --protocol icmp or icmpv6 only", "--protocol", "tcp", "--port", "80", "--icmp-type", "8");
    assertError("ICMP has no ports", "--protocol", "icmp", "--port", "80");
    assertError("is not TCP, UDP, SCTP, ICMP or ICMPv6", "--protocol", "gre");
  }

  private static void assertError(String message, String... args) {
    List<String> argv = new ArrayList<>(List.of("matrix"));
    argv.addAll(List.of(args));
    argv.add(CLUSTER);
    Run r = MatrixCommandTest.run(argv.toArray(new String[0]));
    assertThat(r.rc()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(message).doesNotContain("Exception");
  }
}
