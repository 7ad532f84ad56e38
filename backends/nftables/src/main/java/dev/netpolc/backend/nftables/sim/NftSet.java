package dev.netpolc.backend.nftables.sim;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourcePosition;
import java.util.Objects;
import java.util.Optional;

/**
 * A named set or verdict map.
 *
 * @param name      the name
 * @param map       true for a verdict map ({@code map m { type K : verdict; ... }})
 * @param keyTypes  the key's component types (more than one for a concatenation)
 * @param typeof    the expressions of a {@code typeof} declaration; empty for {@code type}
 * @param interval  {@code flags interval}
 * @param constant  {@code flags constant}
 * @param autoMerge {@code auto-merge}
 * @param elements  the elements in source order
 * @param comment   the set's comment
 * @param position  where the set is declared
 */
public record NftSet(String name, boolean map, ImmutableList<KeyType> keyTypes,
    ImmutableList<Selector> typeof, boolean interval, boolean constant, boolean autoMerge,
    ImmutableList<SetElement> elements, Optional<String> comment, SourcePosition position) {

  public NftSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyTypes, "keyTypes");
    Objects.requireNonNull(typeof, "typeof");
    Objects.requireNonNull(elements, "elements");
    Objects.requireNonNull(comment, "comment");
    Objects.requireNonNull(position, "position");
    if (keyTypes.isEmpty()) {
      throw new IllegalArgumentException("a set needs a key type");
    }
  }

  /** "map" or "set", as nft names it in messages. */
  public String kind() {
    return map ? "map" : "set";
  }

  /** This set with other elements. */
  public NftSet withElements(ImmutableList<SetElement> newElements) {
    return new NftSet(name, map, keyTypes, typeof, interval, constant, autoMerge, newElements, comment, position);
  }
}
