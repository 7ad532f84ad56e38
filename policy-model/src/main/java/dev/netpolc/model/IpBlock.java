package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * An {@code ipBlock} peer as written: validation checks the texts, {@link Cidr#parse} reads them.
 *
 * @param cidr   the block
 * @param except blocks subtracted from it (each strictly inside {@code cidr} when valid)
 */
public record IpBlock(String cidr, List<String> except) {
  public IpBlock {
    Objects.requireNonNull(cidr, "cidr");
    except = ImmutableList.copyOf(except);
  }
}
