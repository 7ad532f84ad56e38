package dev.netpolc.e2e.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.netpolc.backend.ebpf.EbpfBackend;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.Compiler;
import dev.netpolc.model.Cluster;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public API of each library module, compared with its checked-in {@code api/<module>.txt}:
 * an API change fails the build until the file is updated on purpose with
 * {@code -Dnetpolc.updateApi=true}. Once a release exists, japicmp can compare binary
 * compatibility against it; this listing is the check until then.
 */
class ApiSurfaceTest {
  /** A library module: its directory in the checkout, its JPMS name and a class it holds. */
  record Library(String dir, String name, Class<?> anchor) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Library> libraries() {
    return List.of(
        new Library("policy-model", "dev.netpolc.model", Cluster.class),
        new Library("compiler", "dev.netpolc.compiler", Compiler.class),
        new Library("backends/nftables", "dev.netpolc.backend.nftables", NftablesBackend.class),
        new Library("backends/iptables", "dev.netpolc.backend.iptables", IptablesBackend.class),
        new Library("backends/ebpf", "dev.netpolc.backend.ebpf", EbpfBackend.class));
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void theApiMatchesTheCheckedInFile(Library lib) throws Exception {
    Path location = Path.of(lib.anchor().getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> entries = entries(location);
    ModuleDescriptor descriptor = descriptor(location, lib.name(), entries);
    assertThat(descriptor.name()).as("JPMS name of " + location).isEqualTo(lib.name());
    String actual = ApiSurface.of(descriptor, entries, getClass().getClassLoader());

    Path file = Path.of(System.getenv("NETPOLC_TEST_ROOT")).resolve(lib.dir()).resolve("api").resolve(lib.name() + ".txt");
    if (Boolean.getBoolean("netpolc.updateApi")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (!expected.equals(actual)) {
      fail("The public API of %s differs from %s:%n%s%nIf the change is intended, update the file: "
              + "mvn -B -o -pl src/test -am verify -Dtest=ApiSurfaceTest -Dsurefire.failIfNoSpecifiedTests=false "
              + "-Dnetpolc.updateApi=true",
          lib.name(), file, diff(expected, actual));
    }
  }

  /**
   * The module at {@code location}: a jar's or directory's module-info, a jar's
   * Automatic-Module-Name; a class directory without either (a reactor build that stopped at
   * {@code test}) gets the automatic descriptor that its jar would have.
   */
  private static ModuleDescriptor descriptor(Path location, String name, Set<String> entries) throws IOException {
    if (Files.isRegularFile(location) || entries.contains("module-info.class")) {
      try {
        Optional<ModuleReference> ref = ModuleFinder.of(location).findAll().stream().findFirst();
        if (ref.isPresent()) {
          return ref.get().descriptor();
        }
      } catch (FindException e) {
        throw new AssertionError("not a module: " + location, e);
      }
    }
    Set<String> packages = new TreeSet<>();
    for (String e : entries) {
      int slash = e.lastIndexOf('/');
      if (e.endsWith(".class") && slash > 0) {
        packages.add(e.substring(0, slash).replace('/', '.'));
      }
    }
    ModuleDescriptor.Builder b = ModuleDescriptor.newAutomaticModule(name).packages(packages);
    for (String e : entries) {
      if (e.startsWith("META-INF/services/") && e.indexOf('/', "META-INF/services/".length()) < 0) {
        List<String> providers = Files.readAllLines(location.resolve(e)).stream()
            .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).collect(Collectors.toList());
        b.provides(e.substring("META-INF/services/".length()), providers);
      }
    }
    return b.build();
  }

  private static Set<String> entries(Path location) throws IOException {
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        return files.filter(Files::isRegularFile)
            .map(f -> location.relativize(f).toString().replace('\\', '/'))
            .collect(Collectors.toCollection(TreeSet::new));
      }
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      return jar.stream().filter(e -> !e.isDirectory()).map(e -> e.getName())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /**
   * The lines only in {@code expected} (-) and only in {@code actual} (+), each in file order; a
   * member line is prefixed with its type, since members like {@code equals} repeat.
   */
  static String diff(String expected, String actual) {
    List<String> exp = qualified(expected);
    List<String> act = qualified(actual);
    List<String> out = new ArrayList<>();
    List<String> left = new ArrayList<>(act);
    for (String l : exp) {
      if (!left.remove(l)) {
        out.add("- " + l);
      }
    }
    List<String> right = new ArrayList<>(exp);
    for (String l : act) {
      if (!right.remove(l)) {
        out.add("+ " + l);
      }
    }
    return String.join(System.lineSeparator(), out);
  }

  private static List<String> qualified(String listing) {
    List<String> out = new ArrayList<>();
    String type = "";
    for (String l : listing.lines().collect(Collectors.toList())) {
      if (l.startsWith("    ")) {
        out.add(type + " :: " + l.strip());
      } else {
        type = l.strip();
        out.add(type);
      }
    }
    return out;
  }
}
