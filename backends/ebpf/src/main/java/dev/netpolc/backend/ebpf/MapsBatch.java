package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * maps.batch: the entries as {@code bpftool batch file} commands on pinned maps, one per line
 * ({@code map update pinned /sys/fs/bpf/netpolc/np_policy key hex .. value hex ..}), with
 * {@code #} comments; and the same syntax for diffs ({@code map delete ...}). Read back by
 * {@link #parse}.
 *
 * <pre>{@code
 * String batch = MapsBatch.write(artifact);     // bpftool batch file maps.batch
 * EbpfMaps back = MapsBatch.read("maps.batch", batch).maps();
 * }</pre>
 */
public final class MapsBatch {
  /** The file name. */
  public static final String FILE = "maps.batch";
  private static final Pattern SAFE_NODE = Pattern.compile("[A-Za-z0-9._-]{1,253}");

  private MapsBatch() {}

  /**
   * A parsed batch file.
   *
   * @param pinDir   the directory every command's pinned path is in
   * @param commands the commands in file order
   */
  public record Parsed(String pinDir, List<MapCommand> commands) {
    public Parsed {
      commands = List.copyOf(commands);
    }
  }

  /** A full load: one update per entry, maps in layout order, entries in key order. */
  public static String write(MapsArtifact a) {
    StringBuilder sb = new StringBuilder();
    sb.append("# netpolc eBPF maps, ").append(safeScope(a)).append(": load with `bpftool batch file ")
        .append(FILE).append("` into empty maps pinned under ").append(a.pinDir()).append('\n');
    for (EbpfMap m : MapsJson.mapsOf(a.node())) {
      sb.append("# ").append(m).append(": ").append(a.maps().count(m)).append(" entries (max ")
          .append(a.limits().of(m)).append(")\n");
    }
    for (EbpfMap m : MapsJson.mapsOf(a.node())) {
      for (MapEntry<?, ?> e : a.maps().entries(m)) {
        line(sb, a.pinDir(), new MapCommand.Update(m, e.key(), e.value()));
      }
    }
    return sb.toString();
  }

  /** Commands as batch text, after a header comment line. */
  public static String write(String header, String pinDir, List<MapCommand> commands) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(header.replaceAll("[\\r\\n]", " ")).append('\n');
    for (MapCommand c : commands) {
      line(sb, pinDir, c);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String pinDir, MapCommand c) {
    boolean update = c instanceof MapCommand.Update;
    sb.append(update ? "map update pinned " : "map delete pinned ").append(pinDir).append('/')
        .append(c.map().mapName()).append(" key hex ").append(ByteCodec.spacedHex(c.key().encode()));
    if (c instanceof MapCommand.Update u) {
      sb.append(" value hex ").append(ByteCodec.spacedHex(u.value().encode()));
    }
    sb.append('\n');
  }

  private static String safeScope(MapsArtifact a) {
    return a.node().map(n -> SAFE_NODE.matcher(n).matches() ? "node " + n : "one node").orElse("cluster-wide");
  }

  /**
   * Reads a full-load batch file back: only updates, each key once.
   *
   * @throws MapsFormatException naming file:line:column
   */
  public static EbpfMaps read(String file, String text) throws MapsFormatException {
    Parsed p = parse(file, text);
    EbpfMaps.Builder b = EbpfMaps.builder();
    int i = 0;
    for (MapCommand c : p.commands()) {
      i++;
      if (!(c instanceof MapCommand.Update u)) {
        throw new MapsFormatException(file, lineOf(text, i), 1, "a full load holds only 'map update' commands");
      }
      try {
        b.put(u.map(), u.key(), u.value());
      } catch (IllegalArgumentException e) {
        throw new MapsFormatException(file, lineOf(text, i), 1, e.getMessage());
      }
    }
    return b.build();
  }

  /** The line number of the {@code n}-th command (1-based). */
  private static int lineOf(String text, int n) {
    String[] lines = text.split("\n", -1);
    int seen = 0;
    for (int i = 0; i < lines.length; i++) {
      if (!stripComment(lines[i]).isBlank() && ++seen == n) {
        return i + 1;
      }
    }
    return lines.length;
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }

  /**
   * Parses batch text of {@code map update} and {@code map delete} commands on pinned maps, all
   * in one directory.
   *
   * @throws MapsFormatException naming file:line:column and what is wrong
   */
  public static Parsed parse(String file, String text) throws MapsFormatException {
    List<MapCommand> out = new ArrayList<>();
    String pinDir = null;
    String[] lines = text.split("\n", -1);
    for (int ln = 0; ln < lines.length; ln++) {
      String line = stripComment(lines[ln]);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      Tokens t = new Tokens(file, ln + 1, line);
      if (!t.more()) {
        continue;
      }
      t.expect("map");
      String verb = t.next("'update' or 'delete'");
      boolean update = verb.equals("update");
      if (!update && !verb.equals("delete")) {
        throw t.error("expected 'update' or 'delete', got '" + verb + "'");
      }
      t.expect("pinned");
      int pathCol = t.column();
      String path = t.next("a pinned map path");
      int slash = path.lastIndexOf('/');
      String dir = slash > 0 ? path.substring(0, slash) : "";
      String problem = MapsArtifact.pinDirProblem(dir);
      if (problem != null) {
        throw t.errorAt(pathCol, "bad pinned path '" + path + "': " + problem);
      }
      if (pinDir == null) {
        pinDir = dir;
      } else if (!pinDir.equals(dir)) {
        throw t.errorAt(pathCol, "map path '" + path + "' is not in " + pinDir + " like the lines before");
      }
      String name = path.substring(slash + 1);
      EbpfMap map = EbpfMap.byName(name).orElseThrow(() -> t.errorAt(pathCol, "unknown map '" + name + "'"));
      t.expect("key");
      int keyCol = t.column();
      byte[] key = t.hexBytes(map.keySize(), "key of " + map);
      MapKey k;
      try {
        k = map.decodeKey(key);
      } catch (IllegalArgumentException e) {
        throw t.errorAt(keyCol, map + " key: " + e.getMessage());
      }
      if (update) {
        t.expect("value");
        int valueCol = t.column();
        byte[] value = t.hexBytes(map.valueSize(), "value of " + map);
        MapValue v;
        try {
          v = map.decodeValue(value);
        } catch (IllegalArgumentException e) {
          throw t.errorAt(valueCol, map + " value: " + e.getMessage());
        }
        if (t.more()) {
          String flag = t.next("an update flag");
          if (!flag.equals("any")) {
            throw t.error("netpolc writes no update flag but 'any'; got '" + flag + "'");
          }
        }
        out.add(new MapCommand.Update(map, k, v));
      } else {
        out.add(new MapCommand.Delete(map, k));
      }
      if (t.more()) {
        throw t.error("unexpected '" + t.peek() + "' at the end of the command");
      }
    }
    return new Parsed(pinDir == null ? "/sys/fs/bpf/netpolc" : pinDir, out);
  }

  /** Whitespace-separated tokens of one line, with their columns. */
  private static final class Tokens {
    private final String file;
    private final int line;
    private final String text;
    private int pos;
    private int tokenStart;

    Tokens(String file, int line, String text) {
      this.file = file;
      this.line = line;
      this.text = text;
      skip();
    }

    private void skip() {
      while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
        pos++;
      }
    }

    boolean more() {
      return pos < text.length();
    }

    int column() {
      return pos + 1;
    }

    String peek() {
      int end = pos;
      while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '\t') {
        end++;
      }
      return text.substring(pos, end);
    }

    String next(String what) throws MapsFormatException {
      if (!more()) {
        throw errorAt(pos + 1, "expected " + what + " at the end of the line");
      }
      tokenStart = pos;
      String s = peek();
      pos += s.length();
      skip();
      return s;
    }

    void expect(String word) throws MapsFormatException {
      String got = next("'" + word + "'");
      if (!got.equals(word)) {
        throw errorAt(tokenStart + 1, "expected '" + word + "', got '" + got + "'");
      }
    }

    /** {@code hex} then exactly {@code n} two-digit hex bytes. */
    byte[] hexBytes(int n, String what) throws MapsFormatException {
      expect("hex");
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        String b = next(n + " hex bytes for the " + what);
        if (b.length() != 2 || Character.digit(b.charAt(0), 16) < 0 || Character.digit(b.charAt(1), 16) < 0) {
          throw errorAt(tokenStart + 1, "expected a two-digit hex byte (" + (i + 1) + " of " + n + " for the " + what
              + "), got '" + b + "'");
        }
        out[i] = (byte) Integer.parseInt(b, 16);
      }
      if (more() && peek().length() == 2 && Character.digit(peek().charAt(0), 16) >= 0
          && Character.digit(peek().charAt(1), 16) >= 0) {
        throw errorAt(pos + 1, "the " + what + " has " + n + " bytes; found more");
      }
      return out;
    }

    MapsFormatException error(String message) {
      return errorAt(tokenStart + 1, message);
    }

    MapsFormatException errorAt(int column, String message) {
      return new MapsFormatException(file, line, column, message);
    }
  }
}
