package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.iptables.IptablesBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Applies iptables artifacts as their own scripts do: a full artifact with {@code apply.sh}
 * (ipsets filled under temporary names and swapped in, then {@code iptables-restore --noflush}
 * and {@code ip6tables-restore --noflush} of the backend's own chains, each one atomic commit per
 * table, hook jumps added only where missing, then stale chains and sets removed), a delta with
 * {@code delta-apply.sh} (or {@code apply.sh} when the backend fell back to a full artifact).
 * Other tools' chains, rules and sets are never touched: there is never a moment without the
 * previous or the next rules.
 */
public final class IptablesApplier implements RuleApplier {
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,6}");
  private static final Set<String> BUILTIN = Set.of("INPUT", "FORWARD", "OUTPUT", "PREROUTING", "POSTROUTING");

  private final List<String> prefix;
  private final String chains;

  /**
   * Runs the tools under {@code prefix} (empty, or e.g. {@code ip netns exec NODE}) for the chains
   * and sets of backend table name {@code table} (chain prefix: its upper case and {@code -}).
   */
  public IptablesApplier(List<String> prefix, String table) {
    this.prefix = List.copyOf(prefix);
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("iptables table name '" + Agent.quote(table)
          + "': a letter then up to 6 letters or digits");
    }
    this.chains = table.toUpperCase(Locale.ROOT) + "-";
  }

  @Override
  public void replace(Artifact full) throws ApplyException {
    runScript(full.files(), IptablesBackend.APPLY_FILE);
  }

  @Override
  public void update(Artifact installed, Delta delta) throws ApplyException {
    // An incremental delta brings delta-apply.sh; a fallback to a full artifact brings apply.sh.
    String script = delta.files().containsKey("delta-apply.sh") ? "delta-apply.sh" : IptablesBackend.APPLY_FILE;
    runScript(delta.files(), script);
  }

  /** Removes the hook jumps, then the chains (filter and mangle, both families), then the sets. */
  @Override
  public void cleanup() throws ApplyException {
    String script = "set -u\n"
        + "p=" + chains + "\n"
        + "for bin in iptables ip6tables; do for t in filter mangle; do\n"
        + "  ours=$(\"$bin\" -t \"$t\" -S | awk -v p=\"$p\" '$1 == \"-N\" && index($2, p) == 1 {print $2}')\n"
        + "  for h in INPUT FORWARD OUTPUT PREROUTING POSTROUTING; do\n"
        + "    while \"$bin\" -t \"$t\" -D \"$h\" -j \"${p}$h\" 2>/dev/null; do :; done\n"
        + "  done\n"
        + "  for c in $ours; do \"$bin\" -t \"$t\" -F \"$c\" || exit 1; done\n"
        + "  for c in $ours; do \"$bin\" -t \"$t\" -X \"$c\" || exit 1; done\n"
        + "done; done\n"
        + "for s in $(ipset list -n | awk -v p=\"$p\" 'index($0, p) == 1'); do ipset destroy \"$s\" || exit 1; done\n";
    NodeCommands.check(NodeCommands.line(prefix, "bash", "-s"), script);
  }

  @Override
  public boolean readsBack() {
    return true;
  }

  /**
   * {@code ipset save}, {@code iptables-save} and {@code ip6tables-save} cut down to this
   * backend's sets and chains and the built-in chains' jumps into them. A hook chain nothing
   * jumps to is left out: the kernel does not run it, and the comparison must see that.
   */
  @Override
  public Optional<Artifact> readBack() throws ApplyException {
    TreeMap<String, String> files = new TreeMap<>();
    StringBuilder sets = new StringBuilder();
    for (String line : NodeCommands.check(NodeCommands.line(prefix, "ipset", "save"), "").split("\n")) {
      if (line.startsWith("create " + chains) || line.startsWith("add " + chains)) {
        sets.append(line).append('\n');
      }
    }
    boolean any = sets.length() > 0;
    files.put(IptablesBackend.IPSET_FILE, sets.toString());
    for (String[] f : new String[][] {{IptablesBackend.IPTABLES_FILE, "iptables-save"},
        {IptablesBackend.IP6TABLES_FILE, "ip6tables-save"}}) {
      String ours = ours(NodeCommands.check(NodeCommands.line(prefix, f[1]), ""));
      any |= !ours.isEmpty();
      files.put(f[0], ours);
    }
    return any ? Optional.of(new Artifact(IptablesBackend.NAME, files)) : Optional.empty();
  }

  /** The tables of an iptables-save text reduced to our chains, their rules, and the hook jumps into them. */
  String ours(String saved) {
    StringBuilder out = new StringBuilder();
    String[] lines = saved.split("\n");
    int i = 0;
    while (i < lines.length) {
      if (!lines[i].startsWith("*")) {
        i++;
        continue;
      }
      String table = lines[i++];
      List<String> block = new java.util.ArrayList<>();
      while (i < lines.length && !lines[i].equals("COMMIT")) {
        block.add(lines[i++]);
      }
      i++;
      // Hook chains (ours named after a built-in chain) count only when their built-in chain jumps to them.
      Set<String> jumped = new java.util.HashSet<>();
      for (String l : block) {
        String[] w = l.split(" ");
        if (w.length >= 3 && w[0].equals("-A") && BUILTIN.contains(w[1]) && w[w.length - 2].equals("-j")
            && w[w.length - 1].startsWith(chains)) {
          jumped.add(w[w.length - 1]);
        }
      }
      StringBuilder kept = new StringBuilder();
      for (String l : block) {
        String chain = l.startsWith(":") ? l.substring(1).split(" ")[0]
            : l.startsWith("-A ") ? l.split(" ")[1] : null;
        if (chain == null) {
          continue;
        }
        boolean hook = chain.startsWith(chains) && BUILTIN.contains(chain.substring(chains.length()));
        if (chain.startsWith(chains) && (!hook || jumped.contains(chain))) {
          kept.append(l).append('\n');
        } else if (BUILTIN.contains(chain) && l.startsWith("-A ")) {
          String[] w = l.split(" ");
          if (jumped.contains(w[w.length - 1])) {
            kept.append(l).append('\n');
          }
        }
      }
      if (kept.length() > 0) {
        out.append(table).append('\n').append(kept).append("COMMIT\n");
      }
    }
    return out.toString();
  }

  private void runScript(java.util.SortedMap<String, String> files, String script) throws ApplyException {
    if (!files.containsKey(script)) {
      throw new ApplyException("the iptables artifact has no " + script + " (files: " + files.keySet() + ")");
    }
    Path dir = NodeCommands.write(files);
    try {
      NodeCommands.check(NodeCommands.line(prefix, "bash", dir.resolve(script).toString()), "");
    } finally {
      NodeCommands.delete(dir);
    }
  }
}
