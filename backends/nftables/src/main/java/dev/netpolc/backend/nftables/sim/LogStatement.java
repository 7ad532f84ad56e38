package dev.netpolc.backend.nftables.sim;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code log [prefix "..."] [level L | group N]}; no effect on the verdict.
 *
 * @param prefix the log prefix
 * @param level  the syslog level
 * @param group  the nflog group
 */
public record LogStatement(Optional<String> prefix, Optional<String> level, OptionalInt group)
    implements Statement {

  public LogStatement {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(group, "group");
  }

  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visitLog(this);
  }
}
