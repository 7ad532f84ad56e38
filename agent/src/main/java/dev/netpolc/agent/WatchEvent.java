package dev.netpolc.agent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * One informer notification, queued for the applier thread.
 *
 * @param kind     the watched kind it came from
 * @param deleted  true for a deletion, false for an addition or update
 * @param object   the object (for a deletion, its last known state)
 * @param received when it arrived ({@link System#nanoTime()}), for the event-to-applied latency
 */
public record WatchEvent(WatchedKind kind, boolean deleted, HasMetadata object, long received) {
  public WatchEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(object, "object");
  }

  /** {@code namespace/name}, or {@code name} for cluster-scoped objects. */
  public String key() {
    String ns = object.getMetadata().getNamespace();
    String name = object.getMetadata().getName();
    return kind.namespaced() && ns != null ? ns + "/" + name : name;
  }
}
