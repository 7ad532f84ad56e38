package dev.netpolc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.model.generate.ClusterGenerator;
import dev.netpolc.model.generate.Preset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input too large for the heap: the CLI says so in one line with the heap it had, exits 3,
 * prints no stack trace and writes nothing. A separate JVM with a 48 MiB heap reads a generated
 * 20,000-pod cluster.
 */
class OutOfMemoryTest {

  @Test
  void aRunOutOfHeapSaysSoInOneLineAndWritesNothing(@TempDir Path dir) throws IOException, InterruptedException {
    Path input = Files.createDirectories(dir.resolve("in"));
    ClusterGenerator.writeFiles(ClusterGenerator.generate(Preset.byName("antrea-large").orElseThrow().spec(1, 0.2)),
        input);
    Path output = dir.resolve("out");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "compile", "--backend", "nftables", "--output", output.toString(), input.toString())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
    List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join("\n", err)).isEqualTo(Main.EXIT_INTERNAL);
    assertThat(err).as("stderr").hasSize(1);
    assertThat(err.get(0)).startsWith("netpolc: out of memory: ").contains(" MiB of heap", "NETPOLC_JAVA_OPTS=-Xmx");
    assertThat(Files.size(stdout)).isZero();
    assertThat(output).doesNotExist();
  }
}
