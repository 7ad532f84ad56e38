package dev.netpolc.e2e.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles {@code examples/embed} with {@code javac --module-path} as the named module
 * {@code dev.netpolc.examples.embed} and runs it with {@code java -m} on the demo, the way a CNI
 * that uses JPMS would: only the modules its descriptor requires are on the module path.
 */
class EmbedOnModulePathTest {
  private static final String EXAMPLE = "dev.netpolc.examples.embed";

  @TempDir Path tmp;

  @Test
  void theEmbedExampleCompilesAndRunsAsANamedModule() throws Exception {
    Path root = Path.of(System.getenv("NETPOLC_TEST_ROOT"));
    ModulePath modules = ModulePath.ofClassPath();

    // The libraries the example needs must be explicit modules (module-info), not automatic ones.
    for (String name : List.of("dev.netpolc.compiler", "dev.netpolc.model")) {
      ModuleDescriptor d = modules.find(name).orElseThrow(() -> new AssertionError(name + " is not on the class path"))
          .descriptor();
      assertThat(d.isAutomatic()).as(name + " has a module-info").isFalse();
    }
    String modulePath = modules.closure("dev.netpolc.compiler").stream()
        .map(Path::toString).collect(Collectors.joining(File.pathSeparator));

    Path sources = root.resolve("examples/embed/src/main/java");
    List<String> javac = new ArrayList<>(List.of(tool("javac"), "-d", tmp.resolve("classes").toString(),
        "--module-path", modulePath));
    try (Stream<Path> files = Files.walk(sources)) {
      files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> javac.add(f.toString()));
    }
    assertThat(javac).anyMatch(a -> a.endsWith("module-info.java"));
    Result compiled = run(javac, root);
    assertThat(compiled.exit).as(compiled.output).isZero();

    Result ran = run(List.of(tool("java"),
        "--module-path", tmp.resolve("classes") + File.pathSeparator + modulePath,
        "--show-module-resolution",
        "-m", EXAMPLE + "/dev.netpolc.examples.embed.EmbedExample",
        root.resolve("examples/demo").toString(), "node-a"), root);
    assertThat(ran.exit).as(ran.output).isZero();
    // Resolved as named modules from the module path, not the class path's unnamed module.
    assertThat(ran.output)
        .contains("root " + EXAMPLE + " file:")
        .contains(EXAMPLE + " requires dev.netpolc.compiler")
        .contains("dev.netpolc.compiler requires dev.netpolc.model");
    // The example's own result, as EmbedExampleTest checks it on the class path.
    assertThat(ran.output)
        .contains("node node-a:")
        .contains("group backend/checkout-5c4b-a")
        .contains("198.18.2.10 -> 198.18.1.20 TCP/8443: allowed");
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command, Path dir) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "out", ".txt");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    // A guard against a hung child, not a timing check.
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("still running after 5 minutes: " + command);
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
