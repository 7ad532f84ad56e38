package dev.netpolc.backend.iptables;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts of {@link IptablesBackend#statistics}, taken in one pass over the lines of the
 * files the writer emitted, without building the rulesets or the sets: a cluster-wide artifact
 * of a million set elements is counted in constant memory. They equal the counts of the
 * artifact read back with {@link dev.netpolc.backend.iptables.sim.IptArtifactReader} (the
 * statistics test checks both on the demo and on generated clusters); the simulator and
 * {@code verify} still read and check everything.
 */
final class IptStatistics {
  private static final Set<String> HOOKS = Set.of("INPUT", "FORWARD", "OUTPUT");

  private IptStatistics() {}

  /**
   * {@code chains} and {@code rules} (both families, filter and mangle; rules include the hook
   * jumps apply.sh adds), {@code ipsets} (sets left after the file ran) and {@code ipsetElements}.
   */
  static SortedMap<String, Long> count(SortedMap<String, String> files) {
    long chains = 0;
    long rules = 0;
    for (String name : List.of(IptablesBackend.IPTABLES_FILE, IptablesBackend.IP6TABLES_FILE)) {
      String text = files.get(name);
      if (text == null) {
        continue;
      }
      long[] c = rulesFile(text);
      chains += c[0];
      rules += c[1];
    }
    SortedMap<String, Long> out = new TreeMap<>();
    out.put("chains", chains);
    out.put("rules", rules);
    long[] s = ipsetFile(files.getOrDefault(IptablesBackend.IPSET_FILE, ""));
    out.put("ipsets", s[0]);
    out.put("ipsetElements", s[1]);
    return out;
  }

  /** User chains declared and rules appended, plus one hook jump per unhooked hook chain, per table. */
  private static long[] rulesFile(String text) {
    long chains = 0;
    long rules = 0;
    Set<String> hookChains = new HashSet<>();
    Set<String> hooked = new HashSet<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      if (text.startsWith(":", start)) {
        int sp = text.indexOf(' ', start);
        if (sp > 0 && sp < end && text.startsWith(" - ", sp)) {
          chains++;
          String chain = text.substring(start + 1, sp);
          int dash = chain.lastIndexOf('-');
          if (dash > 0 && HOOKS.contains(chain.substring(dash + 1))) {
            hookChains.add(chain);
          }
        }
      } else if (text.startsWith("-A ", start) || text.startsWith("-I ", start)) {
        rules++;
        String line = text.substring(start, end);
        String[] w = line.split(" ");
        if (HOOKS.contains(w[1]) && w.length >= 4 && w[w.length - 2].equals("-j")) {
          hooked.add(w[w.length - 1]);
        }
      } else if (text.startsWith("COMMIT", start)) {
        hookChains.removeAll(hooked);
        rules += hookChains.size();
        hookChains.clear();
        hooked.clear();
      }
      start = end + 1;
    }
    return new long[] {chains, rules};
  }

  /** Sets left (created minus destroyed) and elements added, in the writer's fill-and-swap form. */
  private static long[] ipsetFile(String text) {
    long sets = 0;
    long elements = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      if (text.startsWith("create ", start)) {
        sets++;
      } else if (text.startsWith("destroy ", start)) {
        sets--;
      } else if (text.startsWith("add ", start)) {
        elements++;
      }
      start = end + 1;
    }
    return new long[] {sets, elements};
  }
}
