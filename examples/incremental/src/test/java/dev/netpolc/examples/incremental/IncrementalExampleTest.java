package dev.netpolc.examples.incremental;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IncrementalExampleTest {
  @Test
  void aNewReplicaIsOnlyElementChangesAndStillMatchesTheReference() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc = IncrementalExample.run(Path.of("..", "demo"), "node-a", new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(out).isZero();
    assertThat(out).contains("add element inet netpolc bypass_4 {").contains("add element inet netpolc ep_in4 {")
        .contains("after the delta the ruleset agrees with the reference").doesNotContain("flush chain");
  }
}
