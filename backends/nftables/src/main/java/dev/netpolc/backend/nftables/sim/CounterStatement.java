package dev.netpolc.backend.nftables.sim;

/**
 * {@code counter [packets N bytes M]}; no effect on the verdict.
 *
 * @param packets the packet count as written (0 when omitted)
 * @param bytes   the byte count as written (0 when omitted)
 */
public record CounterStatement(long packets, long bytes) implements Statement {
  @Override
  public <R> R accept(StatementVisitor<R> visitor) {
    return visitor.visitCounter(this);
  }
}
