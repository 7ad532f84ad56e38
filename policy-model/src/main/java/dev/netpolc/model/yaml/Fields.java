package dev.netpolc.model.yaml;

import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, position-recording access to the fields of one Kubernetes object's tree. Every getter
 * takes the parent mapping, the key, and the value's field path relative to the object; a value
 * of the wrong type throws an {@link InputException} naming the path. When positions are being
 * collected (NetworkPolicy objects), each value read records its position: the key's for
 * mappings and lists, the value's for scalars, the item's for list items. JSON and YAML nulls
 * read as absent, as the API server reads them.
 */
final class Fields {
  private final String file;
  /** Prepended to paths in errors: the item's path inside a List ({@code items[3].}). */
  private final String errorPrefix;
  /** Field path to position, or null when the object's positions are not kept. */
  private final Map<String, SourcePosition> positions;

  Fields(String file, String errorPrefix, boolean keepPositions) {
    this.file = file;
    this.errorPrefix = errorPrefix;
    this.positions = keepPositions ? new LinkedHashMap<>() : null;
  }

  /** The positions recorded so far (empty when not kept). */
  Map<String, SourcePosition> positions() {
    return positions == null ? Map.of() : positions;
  }

  SourcePosition position(YNode node) {
    return new SourcePosition(file, node.line(), node.column());
  }

  SourcePosition position(int line, int column) {
    return new SourcePosition(file, line, column);
  }

  /** The field {@code key} of {@code parent} when present and not null; records its position. */
  YNode.Field present(YNode.YMap parent, String key, String path) {
    if (parent == null) {
      return null;
    }
    YNode.Field f = parent.field(key);
    if (f == null || (f.value() instanceof YNode.YScalar && ((YNode.YScalar) f.value()).isNull())) {
      return null;
    }
    if (positions != null) {
      YNode v = f.value();
      positions.put(path, v instanceof YNode.YScalar ? position(v) : position(f.line(), f.column()));
    }
    return f;
  }

  /** Records the position of list item {@code item} at {@code path}. */
  void recordItem(YNode item, String path) {
    if (positions != null) {
      positions.put(path, position(item));
    }
  }

  YNode.YMap map(YNode.YMap parent, String key, String path) {
    YNode.Field f = present(parent, key, path);
    return f == null ? null : asMap(f.value(), path);
  }

  YNode.YMap asMap(YNode v, String path) {
    if (!(v instanceof YNode.YMap)) {
      throw wrongType(v, path, "a mapping");
    }
    return (YNode.YMap) v;
  }

  YNode.YList list(YNode.YMap parent, String key, String path) {
    YNode.Field f = present(parent, key, path);
    if (f == null) {
      return null;
    }
    if (!(f.value() instanceof YNode.YList)) {
      throw wrongType(f.value(), path, "a list");
    }
    return (YNode.YList) f.value();
  }

  String string(YNode.YMap parent, String key, String path) {
    YNode.Field f = present(parent, key, path);
    return f == null ? null : asString(f.value(), path);
  }

  String asString(YNode v, String path) {
    if (!(v instanceof YNode.YScalar) || ((YNode.YScalar) v).type() != YNode.ScalarType.STRING) {
      boolean scalar = v instanceof YNode.YScalar;
      throw wrongType(v, path, "a string" + (scalar ? " (quote the value)" : ""));
    }
    return ((YNode.YScalar) v).text();
  }

  /** An integer field that must fit 32 bits, or null when absent. */
  Integer integer(YNode.YMap parent, String key, String path) {
    YNode.Field f = present(parent, key, path);
    return f == null ? null : asInteger(f.value(), path);
  }

  Integer asInteger(YNode v, String path) {
    if (v instanceof YNode.YScalar) {
      YNode.YScalar s = (YNode.YScalar) v;
      if (s.type() == YNode.ScalarType.INT) {
        if (!s.fitsInt()) {
          throw error(ReaderRule.NUMBER_RANGE, v, path, "number " + s.text() + " does not fit a 32-bit integer");
        }
        return s.intValue();
      }
      if (s.type() == YNode.ScalarType.FLOAT) {
        throw error(ReaderRule.NUMBER_RANGE, v, path, "expected an integer, found the decimal number " + s.text());
      }
    }
    throw wrongType(v, path, "an integer");
  }

  boolean bool(YNode.YMap parent, String key, String path) {
    YNode.Field f = present(parent, key, path);
    if (f == null) {
      return false;
    }
    YNode v = f.value();
    if (!(v instanceof YNode.YScalar) || ((YNode.YScalar) v).type() != YNode.ScalarType.BOOL) {
      throw wrongType(v, path, "true or false");
    }
    String t = ((YNode.YScalar) v).text();
    return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("yes") || t.equalsIgnoreCase("on")
        || t.equalsIgnoreCase("y");
  }

  /** A string-to-string map ({@code labels}, {@code matchLabels}); a null value reads as "". */
  Map<String, String> stringMap(YNode.YMap parent, String key, String path) {
    YNode.YMap m = map(parent, key, path);
    if (m == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (YNode.Field field : m.fields()) {
      YNode v = field.value();
      boolean isNull = v instanceof YNode.YScalar && ((YNode.YScalar) v).isNull();
      if (positions != null) {
        String p = path + "." + field.key();
        positions.put(p, position(v));
        out.put(field.key(), isNull ? "" : asString(v, p));
      } else if (isNull) {
        out.put(field.key(), "");
      } else if (v instanceof YNode.YScalar && ((YNode.YScalar) v).type() == YNode.ScalarType.STRING) {
        out.put(field.key(), ((YNode.YScalar) v).text());
      } else {
        out.put(field.key(), asString(v, path + "." + field.key())); // throws: the path only when needed
      }
    }
    return out;
  }

  /** A list of strings, or empty when absent. */
  List<String> stringList(YNode.YMap parent, String key, String path) {
    YNode.YList l = list(parent, key, path);
    if (l == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(l.items().size());
    for (int i = 0; i < l.items().size(); i++) {
      String p = path + "[" + i + "]";
      YNode item = l.items().get(i);
      recordItem(item, p);
      out.add(asString(item, p));
    }
    return out;
  }

  /** Refuses keys of {@code map} outside {@code known}: a typo there silently changes a policy. */
  void onlyKnown(YNode.YMap map, String path, Set<String> known) {
    for (YNode.Field f : map.fields()) {
      if (!known.contains(f.key())) {
        throw unknownField(f, path, "unknown field '" + f.key() + "' in " + (path.isEmpty() ? "the object" : path)
            + "; expected one of " + String.join(", ", known));
      }
    }
  }

  /** NP011 about the key {@code field} of the mapping at {@code path}, placed at the key. */
  InputException unknownField(YNode.Field field, String path, String message) {
    String p = path.isEmpty() ? field.key() : path + "." + field.key();
    return new InputException(Diagnostic.of(ReaderRule.UNKNOWN_FIELD.id(), Severity.ERROR,
        position(field.line(), field.column()), errorPrefix + p, message));
  }

  /** {@code path} as errors name it: with the item's prefix inside a List. */
  String errorPath(String path) {
    return errorPrefix + path;
  }

  InputException wrongType(YNode v, String path, String expected) {
    return error(ReaderRule.WRONG_TYPE, v, path, "expected " + expected + ", found " + v.typeName());
  }

  InputException error(ReaderRule rule, YNode at, String path, String message) {
    return new InputException(Diagnostic.of(rule.id(), Severity.ERROR, position(at), errorPrefix + path,
        path + ": " + message));
  }

  InputException missing(YNode at, String path) {
    return new InputException(Diagnostic.of(ReaderRule.MISSING_FIELD.id(), Severity.ERROR, position(at),
        errorPrefix + path, "required field " + path + " is missing"));
  }
}
