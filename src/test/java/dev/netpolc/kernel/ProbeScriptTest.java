package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.booleans;

import dev.netpolc.kernel.ProbeScript.Attempt;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProbeScriptTest {

  private static final IpAddress A4 = IpAddress.parse("198.18.0.10");
  private static final IpAddress B4 = IpAddress.parse("198.18.0.11");
  private static final IpAddress A6 = IpAddress.parse("fd00::10");
  private static final IpAddress B6 = IpAddress.parse("fd00::11");

  @Test
  void socatAddressesBindTheSourceAndBracketIpv6() {
    assertThat(ProbeScript.socatAddress(new Attempt(0, Protocol.TCP, B4, A4, 80), "0.5"))
        .isEqualTo("TCP4:198.18.0.10:80,bind=198.18.0.11,connect-timeout=0.5");
    assertThat(ProbeScript.socatAddress(new Attempt(1, Protocol.UDP, B6, A6, 53), "0.5"))
        .isEqualTo("UDP6:[fd00::10]:53,bind=[fd00::11]");
  }

  @Test
  void scriptLaunchesEveryAttemptInTheBackgroundAndWaits() {
    List<Attempt> attempts = List.of(new Attempt(0, Protocol.TCP, B4, A4, 80), new Attempt(1, Protocol.UDP, B6, A6, 81));
    String script = ProbeScript.build(attempts, Duration.ofMillis(300));
    assertThat(script)
        .contains("a 0 'TCP4:198.18.0.10:80,bind=198.18.0.11,connect-timeout=0.3' &\n")
        .contains("a 1 'UDP6:[fd00::10]:81,bind=[fd00::11]' &\n")
        .contains("socat -T1.2 -t0.3 -")
        .endsWith("wait\n");
  }

  @Test
  void formatsSecondsForSocat() {
    assertThat(ProbeScript.seconds(Duration.ofMillis(500))).isEqualTo("0.5");
    assertThat(ProbeScript.seconds(Duration.ofSeconds(2))).isEqualTo("2");
    assertThat(ProbeScript.seconds(Duration.ofMillis(1250))).isEqualTo("1.25");
  }

  @Test
  void parsesOutcomesPrintedInAnyOrder() {
    qt().withExamples(300).forAll(lists().of(booleans().all()).ofSizeBetween(1, 40)).checkAssert(outcomes -> {
      List<Attempt> attempts = new ArrayList<>();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < outcomes.size(); i++) {
        attempts.add(new Attempt(i, Protocol.TCP, B4, A4, 80));
        lines.add(i + (outcomes.get(i) ? " OK" : " FAIL"));
      }
      Collections.shuffle(lines, new Random(outcomes.hashCode()));
      Map<Integer, Boolean> parsed = ProbeScript.parse(String.join("\n", lines) + "\n", attempts);
      for (int i = 0; i < outcomes.size(); i++) {
        assertThat(parsed.get(i)).isEqualTo(outcomes.get(i));
      }
    });
  }

  @Test
  void rejectsOutputThatCannotBeTrusted() {
    List<Attempt> two = List.of(new Attempt(0, Protocol.TCP, B4, A4, 80), new Attempt(1, Protocol.TCP, B4, A4, 81));
    assertThatThrownBy(() -> ProbeScript.parse("0 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("no result for attempt 1");
    assertThatThrownBy(() -> ProbeScript.parse("0 OK\n0 FAIL\n1 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> ProbeScript.parse("0 OK\nsh: socat: not found\n1 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("unexpected line");
    assertThatThrownBy(() -> ProbeScript.parse("0 OK\n1 OK\n2 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("not given");
  }
}
