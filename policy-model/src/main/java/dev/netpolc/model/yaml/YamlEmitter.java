package dev.netpolc.model.yaml;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a tree of maps, lists, strings, integers and booleans as block-style YAML in the layout
 * {@code kubectl} prints (list items at their key's indentation, two-space indent). Strings are
 * plain when that cannot be misread (as a number, boolean, null, or YAML syntax) and
 * double-quoted otherwise, so that every value reads back as exactly the same type and text.
 */
final class YamlEmitter {
  private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null");

  private final StringBuilder out;

  YamlEmitter(StringBuilder out) {
    this.out = out;
  }

  /** Writes {@code map} as a whole document body (no {@code ---}). */
  void document(Map<String, Object> map) {
    map(map, 0, false);
  }

  private void map(Map<String, Object> map, int indent, boolean firstLineStarted) {
    boolean first = true;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      if (!(first && firstLineStarted)) {
        indent(indent);
      }
      first = false;
      out.append(scalar(e.getKey())).append(':');
      value(e.getValue(), indent);
    }
  }

  /** Writes a value after {@code key:}, on the same line if it is a scalar or empty. */
  private void value(Object v, int indent) {
    if (v instanceof Map) {
      Map<String, Object> m = cast(v);
      if (m.isEmpty()) {
        out.append(" {}\n");
      } else {
        out.append('\n');
        map(m, indent + 2, false);
      }
    } else if (v instanceof List) {
      List<?> l = (List<?>) v;
      if (l.isEmpty()) {
        out.append(" []\n");
      } else {
        out.append('\n');
        list(l, indent);
      }
    } else {
      out.append(' ').append(scalarValue(v)).append('\n');
    }
  }

  private void list(List<?> list, int indent) {
    for (Object item : list) {
      indent(indent);
      out.append('-');
      if (item instanceof Map) {
        Map<String, Object> m = cast(item);
        if (m.isEmpty()) {
          out.append(" {}\n");
        } else {
          out.append(' ');
          map(m, indent + 2, true);
        }
      } else if (item instanceof List) {
        List<?> l = (List<?>) item;
        if (l.isEmpty()) {
          out.append(" []\n");
        } else {
          out.append('\n');
          list(l, indent + 2);
        }
      } else {
        out.append(' ').append(scalarValue(item)).append('\n');
      }
    }
  }

  private void indent(int n) {
    for (int i = 0; i < n; i++) {
      out.append(' ');
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  private static String scalarValue(Object v) {
    if (v instanceof Integer || v instanceof Boolean) {
      return v.toString();
    }
    return scalar((String) v);
  }

  /** A string as a YAML scalar: plain when safe, double-quoted otherwise. */
  static String scalar(String s) {
    return isPlainSafe(s) ? s : quote(s);
  }

  private static boolean isPlainSafe(String s) {
    if (s.isEmpty() || RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
      return false;
    }
    char c0 = s.charAt(0);
    if (c0 >= '0' && c0 <= '9') {
      return isDottedAddress(s);
    }
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) {
      return false; // signs and dots could read as numbers; other marks as YAML syntax
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '_' || c == '.' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * IPv4 addresses and CIDRs ({@code 10.0.0.0/8}) stay plain for readability: four non-empty
   * digit runs joined by dots, optionally {@code /digits}, never read as a number. Anything
   * looser ({@code 0...0}) is quoted: YAML 1.1 readers may take it for a float.
   */
  private static boolean isDottedAddress(String s) {
    int i = 0;
    int n = s.length();
    for (int part = 0; part < 4; part++) {
      int from = i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == from) {
        return false;
      }
      if (part < 3) {
        if (i == n || s.charAt(i) != '.') {
          return false;
        }
        i++;
      }
    }
    if (i == n) {
      return true;
    }
    if (s.charAt(i) != '/' || i + 1 == n) {
      return false;
    }
    for (i++; i < n; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          // Control characters, C1, line separators and BOM are escaped; YAML readers may reject them raw.
          if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' || c == '\uFEFF'
              || (Character.isSurrogate(c) && !validSurrogateAt(s, i))) {
            sb.append(String.format("\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
