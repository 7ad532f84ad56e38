package dev.netpolc.model;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A namespace and its labels. The API server's {@code kubernetes.io/metadata.name} label is
 * always present: the constructor adds it.
 *
 * @param name     the namespace name
 * @param labels   its labels, including {@code kubernetes.io/metadata.name}
 * @param position where the object was read
 */
public record Namespace(String name, Map<String, String> labels, SourcePosition position) {
  /** The label every namespace carries with its own name. */
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public Namespace {
    Objects.requireNonNull(name, "name");
    Map<String, String> withName = new TreeMap<>(labels);
    withName.put(NAME_LABEL, name);
    labels = ImmutableSortedMap.copyOf(withName);
    Objects.requireNonNull(position, "position");
  }

  /** A namespace built in code, with no source position. */
  public static Namespace of(String name, Map<String, String> labels) {
    return new Namespace(name, labels, SourcePosition.UNKNOWN);
  }
}
