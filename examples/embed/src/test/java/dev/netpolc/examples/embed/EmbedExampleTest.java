package dev.netpolc.examples.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EmbedExampleTest {
  @Test
  void compilesTheDemoForOneNodeAndExplainsAConnection() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc = EmbedExample.run(Path.of("demo"), "node-a", new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(out).isZero();
    assertThat(out).contains("node node-a:").contains("group backend/checkout-5c4b-a");
    // frontend/web-7d9f8-b calls backend/checkout-5c4b-a on its named port api (8443): allowed.
    assertThat(out).contains("198.18.2.10 -> 198.18.1.20 TCP/8443: allowed");
  }
}
