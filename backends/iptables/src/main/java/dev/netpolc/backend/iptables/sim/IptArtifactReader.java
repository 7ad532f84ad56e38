package dev.netpolc.backend.iptables.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the files of an iptables artifact, as emitted or as a user saved them: ipset files
 * first (a file whose name contains {@code ipset}, or whose first command is an ipset command),
 * then rules files (IPv6 when the name contains {@code ip6}, IPv4 otherwise); shell scripts
 * ({@code .sh}) are skipped. The hook jumps apply.sh adds are installed where missing: a user
 * chain named {@code <prefix>-FORWARD} (or {@code -INPUT}, {@code -OUTPUT}) that its built-in
 * chain does not jump to gets a jump at the top, as {@code iptables -I FORWARD 1 -j ...} would.
 *
 * @param sets      the ipsets after loading, by name
 * @param peakSets  the most sets that existed at once while loading
 * @param v4        the IPv4 filter table, if a file gave one
 * @param v6        the IPv6 filter table, if a file gave one
 */
public record IptArtifactReader(Map<String, IpSet> sets, int peakSets, Optional<IptRuleset> v4,
    Optional<IptRuleset> v6) {

  /** Reads {@code files} (name → content). */
  public static IptArtifactReader read(SortedMap<String, String> files) throws IptSyntaxException {
    IpsetLoader loader = new IpsetLoader();
    List<Map.Entry<String, String>> rules = new ArrayList<>();
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (f.getKey().endsWith(".sh")) {
        continue;
      }
      if (isIpset(f.getKey(), f.getValue())) {
        loader.load(f.getValue(), f.getKey());
      } else {
        rules.add(f);
      }
    }
    Map<String, IpSet> sets = loader.sets();
    Optional<IptRuleset> v4 = Optional.empty();
    Optional<IptRuleset> v6 = Optional.empty();
    for (Map.Entry<String, String> f : rules) {
      boolean six = f.getKey().contains("ip6");
      if ((six ? v6 : v4).isPresent()) {
        throw new IptSyntaxException(f.getKey(), 1, 1, "a second " + (six ? "IPv6" : "IPv4") + " rules file");
      }
      IptRuleset r = withHooks(IptRulesetBuilder.build(f.getValue(), six, sets, f.getKey()));
      if (six) {
        v6 = Optional.of(r);
      } else {
        v4 = Optional.of(r);
      }
    }
    return new IptArtifactReader(sets, loader.peakSets(), v4, v6);
  }

  /**
   * The state a delta leaves: {@code setsBefore} run in order on an empty set state, then the
   * rules files {@code rules} (name → content; IPv6 when the name contains {@code ip6}) built
   * against the sets as they are then, then {@code setsAfter}, which may not destroy a set those
   * rules use (the kernel refuses).
   */
  public static IptArtifactReader applied(List<Map.Entry<String, String>> setsBefore, SortedMap<String, String> rules,
      List<Map.Entry<String, String>> setsAfter) throws IptSyntaxException {
    IpsetLoader loader = new IpsetLoader();
    for (Map.Entry<String, String> f : setsBefore) {
      loader.load(f.getValue(), f.getKey());
    }
    Map<String, IpSet> sets = loader.sets();
    Optional<IptRuleset> v4 = Optional.empty();
    Optional<IptRuleset> v6 = Optional.empty();
    for (Map.Entry<String, String> f : rules.entrySet()) {
      boolean six = f.getKey().contains("ip6");
      if ((six ? v6 : v4).isPresent()) {
        throw new IptSyntaxException(f.getKey(), 1, 1, "a second " + (six ? "IPv6" : "IPv4") + " rules file");
      }
      IptRuleset r = withHooks(IptRulesetBuilder.build(f.getValue(), six, sets, f.getKey()));
      loader.use(setsUsed(r));
      if (six) {
        v6 = Optional.of(r);
      } else {
        v4 = Optional.of(r);
      }
    }
    for (Map.Entry<String, String> f : setsAfter) {
      loader.load(f.getValue(), f.getKey());
    }
    return new IptArtifactReader(loader.sets(), loader.peakSets(), v4, v6);
  }

  /** The names of the sets the rules of {@code r} look up or map from. */
  static java.util.Set<String> setsUsed(IptRuleset r) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Map<String, IptChain> table : List.of(r.chains(), r.mangle())) {
      for (IptChain c : table.values()) {
        for (IptRule rule : c.rules()) {
          for (Match m : rule.matches()) {
            if (m instanceof Match.SetLookup l) {
              out.add(l.set().name());
            }
          }
          rule.target().effect().ifPresent(e -> {
            if (e instanceof Target.MapMark mm) {
              out.add(mm.set().name());
            }
          });
        }
      }
    }
    return out;
  }

  private static boolean isIpset(String name, String text) {
    if (name.contains("ipset")) {
      return true;
    }
    for (String line : text.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      return t.startsWith("create ") || t.startsWith("add ");
    }
    return false;
  }

  /** {@code r} with the hook jumps apply.sh adds when they are missing (filter and mangle). */
  static IptRuleset withHooks(IptRuleset r) {
    return new IptRuleset(r.v6(), withHooks(r.chains()), r.mangle().isEmpty() ? r.mangle() : withHooks(r.mangle()));
  }

  private static Map<String, IptChain> withHooks(Map<String, IptChain> table) {
    Map<String, IptChain> chains = new LinkedHashMap<>(table);
    for (Hook h : Hook.values()) {
      IptChain base = chains.get(h.name());
      List<IptRule> add = new ArrayList<>();
      for (IptChain c : new TreeMap<>(table).values()) {
        String n = c.name();
        if (c.builtIn() || !n.endsWith("-" + h.name()) || n.length() == h.name().length() + 1) {
          continue;
        }
        boolean hooked = base.rules().stream().anyMatch(x -> x.target().chain().equals(Optional.of(n)));
        if (!hooked) {
          add.add(new IptRule(List.of(), new Target(Target.Kind.JUMP, Optional.of(n)), "hook added by apply.sh", 0));
        }
      }
      if (!add.isEmpty()) {
        add.addAll(base.rules());
        chains.put(h.name(), new IptChain(base.name(), base.policy(), add));
      }
    }
    return chains;
  }
}
