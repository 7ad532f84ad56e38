package dev.netpolc.backend;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The backends on the class path, found with {@link ServiceLoader}.
 *
 * <pre>{@code
 * for (Backend b : Backends.load()) { System.out.println(b.name() + ": " + b.description()); }
 * Backend nft = Backends.find("nftables").orElseThrow();
 * }</pre>
 */
public final class Backends {
  private Backends() {}

  /** Every backend, sorted by name (the first of a duplicated name wins). */
  public static ImmutableList<Backend> load() {
    List<Backend> all = new ArrayList<>();
    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
      if (all.stream().noneMatch(x -> x.name().equals(b.name()))) {
        all.add(b);
      }
    }
    all.sort(Comparator.comparing(Backend::name));
    return ImmutableList.copyOf(all);
  }

  /** The backend called {@code name}. */
  public static Optional<Backend> find(String name) {
    return load().stream().filter(b -> b.name().equals(name)).findFirst();
  }

  /** The names of every backend, sorted, comma-separated: for error messages. */
  public static String names() {
    return String.join(", ", load().stream().map(Backend::name).toList());
  }
}
