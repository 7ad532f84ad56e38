package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a set, a map or an anonymous set: one range per key component (a plain value
 * is a one-value range; a prefix is its address range), and for verdict maps the verdict.
 *
 * @param key      one range per component of the (possibly concatenated) key
 * @param verdict  the element's verdict in a verdict map; empty in a set
 * @param position where the element is written
 */
public record SetElement(ImmutableList<KeyRange> key, Optional<VerdictStatement> verdict,
    SourcePosition position) {

  public SetElement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(position, "position");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty key");
    }
  }

  /** True when {@code values} (one per component) lies in this element. */
  public boolean contains(List<Value128> values) {
    for (int i = 0; i < key.size(); i++) {
      if (!key.get(i).contains(values.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** True when the two elements share a key: every component overlaps. */
  public boolean overlaps(SetElement o) {
    for (int i = 0; i < key.size(); i++) {
      if (!key.get(i).overlaps(o.key.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** True when some component is a real interval (a range or a prefix). */
  public boolean hasInterval() {
    return key.stream().anyMatch(r -> !r.isSingle());
  }
}
