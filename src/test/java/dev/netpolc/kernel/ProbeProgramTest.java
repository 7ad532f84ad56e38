package dev.netpolc.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.kernel.ProbeProgram.Attempt;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProbeProgramTest {

  private static final IpAddress A4 = IpAddress.parse("198.18.0.10");
  private static final IpAddress B4 = IpAddress.parse("198.18.0.11");
  private static final IpAddress A6 = IpAddress.parse("fd00::10");
  private static final IpAddress B6 = IpAddress.parse("fd00::11");

  @Test
  void serveProgramCompiles() {
    KernelSupport.assumeAvailable("perl");
    CommandResult r = Commands.run(Duration.ofSeconds(20), "perl", "-c", "-e", ProbeProgram.SERVE);
    assertThat(r.ok()).as(r.describe()).isTrue();
  }

  /** One long-lived process answers batch after batch, each with its own verdicts (loopback, no namespace). */
  @Test
  void sessionAnswersConsecutiveBatches() throws Exception {
    KernelSupport.assumeAvailable("perl");
    IpAddress lo = IpAddress.parse("127.0.0.1");
    try (java.net.ServerSocket open = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        ProbeSession s = ProbeSession.startWith("local", List.of("perl", "-e", ProbeProgram.SERVE))) {
      int closedPort;
      try (java.net.ServerSocket gone = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        closedPort = gone.getLocalPort();
      }
      Duration deadline = Duration.ofSeconds(20);
      assertThat(s.run(List.of(new Attempt(0, Protocol.TCP, lo, lo, open.getLocalPort()),
          new Attempt(1, Protocol.TCP, lo, lo, closedPort)), 300, deadline)).containsEntry(0, true).containsEntry(1, false);
      assertThat(s.run(List.of(new Attempt(0, Protocol.TCP, lo, lo, closedPort),
          new Attempt(5, Protocol.TCP, lo, lo, open.getLocalPort())), 300, deadline))
          .containsExactlyInAnyOrderEntriesOf(Map.of(0, false, 5, true));
      assertThat(s.isAlive()).isTrue();
    }
  }

  @Test
  void batchLinePassesTimeoutThenOneArgumentPerAttempt() {
    String line = ProbeProgram.batchLine(
        List.of(new Attempt(0, Protocol.TCP, B4, A4, 80), new Attempt(1, Protocol.UDP, B6, A6, 53)), 300);
    assertThat(line.split(" "))
        .containsExactly("300", "0,T,4,198.18.0.11,198.18.0.10,80", "1,U,6,fd00::11,fd00::10,53");
  }

  @Test
  void refusesMoreAttemptsThanSelectCanWatch() {
    List<Attempt> many = new ArrayList<>();
    for (int i = 0; i <= ProbeProgram.MAX_ATTEMPTS_PER_PROCESS; i++) {
      many.add(new Attempt(i, Protocol.TCP, B4, A4, 80));
    }
    assertThatThrownBy(() -> ProbeProgram.batchLine(many, 300)).isInstanceOf(IllegalArgumentException.class);
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
      Map<Integer, Boolean> parsed = ProbeProgram.parse(String.join("\n", lines) + "\n", attempts);
      for (int i = 0; i < outcomes.size(); i++) {
        assertThat(parsed.get(i)).isEqualTo(outcomes.get(i));
      }
    });
  }

  @Test
  void rejectsOutputThatCannotBeTrusted() {
    List<Attempt> two = List.of(new Attempt(0, Protocol.TCP, B4, A4, 80), new Attempt(1, Protocol.TCP, B4, A4, 81));
    assertThatThrownBy(() -> ProbeProgram.parse("0 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("no result for attempt 1");
    assertThatThrownBy(() -> ProbeProgram.parse("0 OK\n0 FAIL\n1 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> ProbeProgram.parse("0 OK\nCan't locate Socket.pm\n1 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("unexpected line");
    assertThatThrownBy(() -> ProbeProgram.parse("0 OK\n1 OK\n2 OK\n", two))
        .isInstanceOf(KernelHarnessException.class).hasMessageContaining("not given");
  }
}
