package dev.netpolc.e2e.modules;

import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The modules on this test run's class path, by module name, and the module path that a root
 * module needs: the entries of its {@code requires} closure, so that nothing unrelated (JUnit,
 * test-jars, automatic modules of other artifacts) is observable when {@code javac} and
 * {@code java} resolve it.
 */
final class ModulePath {
  private final Map<String, ModuleReference> byName;

  private ModulePath(Map<String, ModuleReference> byName) {
    this.byName = byName;
  }

  /** The modules of {@code java.class.path}; the first entry of a name wins, as on a module path. */
  static ModulePath ofClassPath() {
    Map<String, ModuleReference> byName = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (entry.isEmpty() || !Files.exists(p)) {
        continue;
      }
      try {
        for (ModuleReference ref : ModuleFinder.of(p).findAll()) {
          byName.putIfAbsent(ref.descriptor().name(), ref);
        }
      } catch (FindException e) {
        // A class-path entry that is no module (no descriptor, no derivable name): not needed.
      }
    }
    return new ModulePath(byName);
  }

  /** The module called {@code name}, if some class-path entry holds it. */
  Optional<ModuleReference> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The entries that {@code root}'s non-static {@code requires} reach, in name order; modules of
   * the JDK are left to the runtime. Fails if a required module is on no entry.
   */
  List<Path> closure(String root) {
    ModuleFinder system = ModuleFinder.ofSystem();
    Map<String, Path> found = new TreeMap<>();
    Deque<String> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (found.containsKey(name) || system.find(name).isPresent()) {
        continue;
      }
      ModuleReference ref = find(name)
          .orElseThrow(() -> new IllegalStateException("module " + name + " is on no class-path entry"));
      found.put(name, Path.of(ref.location().orElseThrow()));
      for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
        if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
          todo.push(r.name());
        }
      }
    }
    return List.copyOf(found.values());
  }
}
