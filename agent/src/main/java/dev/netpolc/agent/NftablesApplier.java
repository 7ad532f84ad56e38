package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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
    List<String> cmd = new ArrayList<>(nft);
    cmd.add("-f");
    cmd.add("-");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ApplyException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // nft exited early; its exit code and output below say why.
    }
    try (InputStream out = p.getInputStream()) {
      String output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ApplyException(String.join(" ", cmd) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new ApplyException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
            + (output.length() > 2000 ? output.substring(0, 2000) + "..." : output));
      }
    } catch (IOException e) {
      throw new ApplyException("reading nft output: " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ApplyException("interrupted while nft ran");
    }
  }
}
