package dev.netpolc.backend.iptables.sim;

import dev.netpolc.backend.iptables.sim.grammar.IpsetRestoreBaseVisitor;
import dev.netpolc.backend.iptables.sim.grammar.IpsetRestoreLexer;
import dev.netpolc.backend.iptables.sim.grammar.IpsetRestoreParser;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Runs an {@code ipset restore} file against a set state, command by command, rejecting what
 * ipset would reject: creating an existing set without {@code -exist} (or with another type),
 * adding to a missing set, an element of the wrong family or shape, swapping sets of different
 * type or family, destroying a missing set or one a loaded rule still uses ({@link #use}),
 * deleting an element that is not there (without {@code -exist}), and more than
 * {@link #MAX_SETS} sets at once. Several files may run one after another on the same state.
 */
public final class IpsetLoader {
  /** The kernel's default ip_set_max: at most this many sets per network namespace. */
  public static final int MAX_SETS = 256;

  private final Map<String, Builder> sets = new TreeMap<>();
  private int peak;
  /** Sets that loaded rules reference: the kernel refuses to destroy them. */
  private final Set<String> inUse = new HashSet<>();

  /** Creates a loader with no sets. */
  public IpsetLoader() {}

  /** A mutable set while commands run. */
  private static final class Builder {
    final IpSet.Type type;
    final boolean v6;
    final boolean skbinfo;
    final List<IpSet.Entry> entries = new ArrayList<>();
    /** The (first, second) keys of {@link #entries}: the duplicate check must not scan the list. */
    final Set<List<Object>> keys = new HashSet<>();

    Builder(IpSet.Type type, boolean v6, boolean skbinfo) {
      this.type = type;
      this.v6 = v6;
      this.skbinfo = skbinfo;
    }
  }

  /** Runs every command of {@code text} ({@code file} names it in errors). */
  public void load(String text, String file) throws IptSyntaxException {
    IpsetRestoreLexer lexer = new IpsetRestoreLexer(CharStreams.fromString(text));
    IpsetRestoreParser parser = new IpsetRestoreParser(new CommonTokenStream(lexer));
    SyntaxErrors errors = new SyntaxErrors(file);
    lexer.removeErrorListeners();
    lexer.addErrorListener(errors);
    parser.removeErrorListeners();
    parser.addErrorListener(errors);
    IpsetRestoreParser.FileContext tree = parser.file();
    errors.throwFirst();
    for (IpsetRestoreParser.LineContext line : tree.line()) {
      run(line, file);
    }
  }

  /** The sets as they are now, by name. */
  public Map<String, IpSet> sets() {
    Map<String, IpSet> out = new TreeMap<>();
    sets.forEach((n, b) -> out.put(n, new IpSet(n, b.type, b.v6, b.skbinfo, b.entries)));
    return out;
  }

  /** Marks {@code names} as referenced by loaded rules: destroying one of them is refused. */
  public void use(Set<String> names) {
    inUse.addAll(names);
  }

  /** The most sets that existed at once while loading (temporary sets included). */
  public int peakSets() {
    return peak;
  }

  private void run(IpsetRestoreParser.LineContext line, String file) throws IptSyntaxException {
    if (line.create() != null) {
      IpsetRestoreParser.CreateContext c = line.create();
      String name = name(c.name, file);
      Optional<IpSet.Type> type = IpSet.Type.of(c.type.getText());
      if (type.isEmpty()) {
        throw error(file, c.type, "unsupported set type '" + c.type.getText() + "'");
      }
      boolean v6 = false;
      boolean skbinfo = false;
      List<IpsetRestoreParser.CreateOptionContext> opts = c.createOption();
      for (int i = 0; i < opts.size(); i++) {
        Token keyToken = opts.get(i).start;
        String key = keyToken.getText();
        if (key.equals("skbinfo")) {
          skbinfo = true;
          continue;
        }
        if (i + 1 >= opts.size()) {
          throw error(file, keyToken, "create option '" + key + "' needs a value");
        }
        Token valueToken = opts.get(++i).start;
        String value = valueToken.getText();
        if (key.equals("family")) {
          if (!value.equals("inet") && !value.equals("inet6")) {
            throw error(file, valueToken, "family must be inet or inet6");
          }
          v6 = value.equals("inet6");
        } else if (key.equals("initval")) {
          // ipset save prints the hash seed; it changes nothing for a lookup.
          if (!value.matches("0x[0-9a-fA-F]{1,8}")) {
            throw error(file, valueToken, "initval must be a hex number");
          }
        } else if (key.equals("maxelem") || key.equals("hashsize") || key.equals("timeout")
            || key.equals("bucketsize")) {
          if (!value.matches("[0-9]{1,10}")) {
            throw error(file, valueToken, key + " must be a number");
          }
        } else {
          throw error(file, keyToken, "unsupported create option '" + key + "'");
        }
      }
      if (skbinfo && type.get() == IpSet.Type.HASH_NET_NET) {
        throw error(file, c.type, "skbinfo is supported here on hash:ip and hash:net only");
      }
      Builder old = sets.get(name);
      if (old != null) {
        if (c.exist == null) {
          throw error(file, c.name, "set " + name + " already exists");
        }
        if (old.type != type.get() || old.v6 != v6 || old.skbinfo != skbinfo) {
          throw error(file, c.name, "set " + name + " exists with another type or family");
        }
        return;
      }
      sets.put(name, new Builder(type.get(), v6, skbinfo));
      peak = Math.max(peak, sets.size());
      if (sets.size() > MAX_SETS) {
        throw error(file, c.name, "more than " + MAX_SETS + " sets in one network namespace");
      }
    } else if (line.add() != null) {
      IpsetRestoreParser.AddContext a = line.add();
      Builder b = existing(a.name, file);
      boolean nomatch = false;
      Optional<IpSet.SkbMark> mark = Optional.empty();
      List<IpsetRestoreParser.AddOptionContext> opts = a.addOption();
      for (int i = 0; i < opts.size(); i++) {
        Token t = opts.get(i).start;
        if (t.getType() == IpsetRestoreParser.NOMATCH) {
          nomatch = true;
        } else if (t.getText().equals("skbmark")) {
          if (!b.skbinfo) {
            throw error(file, t, "skbmark needs a set created with skbinfo");
          }
          if (i + 1 >= opts.size()) {
            throw error(file, t, "skbmark needs a value");
          }
          mark = Optional.of(skbmark(opts.get(++i).start, file));
        } else {
          throw error(file, t, "unsupported add option '" + t.getText() + "'");
        }
      }
      IpSet.Entry e = entry(a.element, b, nomatch, mark, file);
      if (!b.keys.add(List.of(e.first(), e.second()))) {
        if (a.exist == null) {
          throw error(file, a.element, "element is already in set " + a.name.getText());
        }
        return;
      }
      b.entries.add(e);
    } else if (line.del() != null) {
      IpsetRestoreParser.DelContext d = line.del();
      Builder b = existing(d.name, file);
      IpSet.Entry e = entry(d.element, b, false, Optional.empty(), file);
      if (!b.keys.remove(List.of(e.first(), e.second()))) {
        if (d.exist == null) {
          throw error(file, d.element, "element is not in set " + d.name.getText());
        }
        return;
      }
      b.entries.removeIf(x -> x.first().equals(e.first()) && x.second().equals(e.second()));
    } else if (line.flush() != null) {
      Builder b = existing(line.flush().name, file);
      b.entries.clear();
      b.keys.clear();
    } else if (line.swap() != null) {
      IpsetRestoreParser.SwapContext s = line.swap();
      Builder x = existing(s.from, file);
      Builder y = existing(s.to, file);
      if (x.type != y.type || x.v6 != y.v6) {
        throw error(file, s.to, "sets " + s.from.getText() + " and " + s.to.getText()
            + " differ in type or family");
      }
      sets.put(s.from.getText(), y);
      sets.put(s.to.getText(), x);
    } else if (line.destroy() != null) {
      existing(line.destroy().name, file);
      if (inUse.contains(line.destroy().name.getText())) {
        throw error(file, line.destroy().name, "set " + line.destroy().name.getText() + " is in use by a rule");
      }
      sets.remove(line.destroy().name.getText());
    }
  }

  private Builder existing(Token name, String file) throws IptSyntaxException {
    Builder b = sets.get(name.getText());
    if (b == null) {
      throw error(file, name, "set " + name.getText() + " does not exist");
    }
    return b;
  }

  private static String name(Token t, String file) throws IptSyntaxException {
    String n = t.getText();
    if (n.length() > 31) {
      throw error(file, t, "set name longer than 31 characters");
    }
    return n;
  }

  /** {@code VALUE[/MASK]}, hex or decimal, 32 bits; without a mask ipset uses 0xffffffff. */
  private static IpSet.SkbMark skbmark(Token t, String file) throws IptSyntaxException {
    String[] parts = t.getText().split("/", -1);
    if (parts.length > 2) {
      throw error(file, t, "skbmark is VALUE or VALUE/MASK");
    }
    long value = mark32(parts[0], t, file);
    long mask = parts.length == 2 ? mark32(parts[1], t, file) : 0xffffffffL;
    return new IpSet.SkbMark((int) value, (int) mask);
  }

  static long mark32(String text, Token t, String file) throws IptSyntaxException {
    try {
      long v = Long.decode(text);
      if (v >= 0 && v <= 0xffffffffL) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw error(file, t, "not a 32-bit mark: '" + text + "'");
  }

  private static IpSet.Entry entry(Token t, Builder b, boolean nomatch, Optional<IpSet.SkbMark> mark, String file)
      throws IptSyntaxException {
    String[] parts = t.getText().split(",", -1);
    if (parts.length != b.type.dimensions()) {
      throw error(file, t, "element '" + t.getText() + "' does not fit " + b.type.text());
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String p : parts) {
      Cidr c = cidr(p, b.type == IpSet.Type.HASH_IP, t, file);
      if (c.v6() != b.v6) {
        throw error(file, t, "element '" + p + "' is not of the set's family");
      }
      if (b.type != IpSet.Type.HASH_IP && c.prefix() == 0) {
        throw error(file, t, "hash:net elements cannot have prefix length 0");
      }
      cidrs.add(c);
    }
    if (nomatch && b.type == IpSet.Type.HASH_IP) {
      throw error(file, t, "nomatch needs a hash:net type");
    }
    return new IpSet.Entry(cidrs.get(0), cidrs.size() > 1 ? Optional.of(cidrs.get(1)) : Optional.empty(), nomatch,
        mark);
  }

  /** An address or CIDR as ipset reads it; {@code host} accepts only single addresses. */
  static Cidr cidr(String text, boolean host, Token at, String file) throws IptSyntaxException {
    int slash = text.indexOf('/');
    if (slash < 0) {
      Optional<IpAddress> ip = IpAddress.tryParse(text);
      if (ip.isEmpty()) {
        throw error(file, at, "not an address: '" + text + "'");
      }
      return Cidr.host(ip.get());
    }
    if (host) {
      throw error(file, at, "hash:ip takes single addresses: '" + text + "'");
    }
    Optional<Cidr.Parsed> p = Cidr.parse(text);
    if (p.isEmpty() || p.get().hostBitsSet()) {
      throw error(file, at, "not a network: '" + text + "'");
    }
    return p.get().cidr();
  }

  static IptSyntaxException error(String file, Token t, String message) {
    return new IptSyntaxException(file, t.getLine(), t.getCharPositionInLine() + 1, message);
  }
}
