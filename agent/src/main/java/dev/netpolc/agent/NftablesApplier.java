package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import java.util.List;
import java.util.Objects;

/**
 * Applies nftables artifacts with {@code nft -f -}: one transaction each, so a failed apply
 * leaves the previous ruleset. The full artifact deletes and recreates its own table only;
 * {@code conntrack.sh} of a delta is not produced (the agent does not set the option).
 */
public final class NftablesApplier implements RuleApplier {
  private final List<String> nft;
  private final String table;

  /**
   * Runs {@code nft} (a command line: the program and any leading arguments, e.g.
   * {@code ip netns exec NODE nft}) for table {@code inet table}.
   */
  public NftablesApplier(List<String> nft, String table) {
    this.nft = List.copyOf(nft);
    this.table = Objects.requireNonNull(table, "table");
    if (this.nft.isEmpty()) {
      throw new IllegalArgumentException("no nft command");
    }
  }

  @Override
  public void replace(Artifact full) throws ApplyException {
    run(full.primary());
  }

  @Override
  public void update(Artifact installed, Delta delta) throws ApplyException {
    String text = delta.files().get(NftablesBackend.DELTA_FILE);
    if (text == null) {
      // A backend without a delta of its own returns the full artifact.
      text = delta.files().get(delta.files().firstKey());
    }
    run(text);
  }

  @Override
  public void cleanup() throws ApplyException {
    run("table inet " + table + "\ndelete table inet " + table + "\n");
  }

  @Override
  public boolean readsBack() {
    return true;
  }

  /** {@code nft list table inet TABLE}; empty when the table does not exist. */
  @Override
  public java.util.Optional<Artifact> readBack() throws ApplyException {
    NodeCommands.Result r = NodeCommands.run(NodeCommands.line(nft, "list", "table", "inet", table), "");
    if (!r.ok()) {
      if (r.stderr().contains("No such file or directory")) {
        return java.util.Optional.empty();
      }
      throw new ApplyException(r.describe());
    }
    return java.util.Optional.of(Artifact.of(NftablesBackend.NAME, table + ".nft", r.stdout()));
  }

  private void run(String script) throws ApplyException {
    NodeCommands.check(NodeCommands.line(nft, "-f", "-"), script);
  }
}
