package dev.netpolc.model.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link YNode} trees from Jackson's streaming parser, one document at a time, enforcing
 * the depth, scalar, alias and expansion limits and refusing duplicate keys and non-standard tags
 * as it goes. Aliases resolve to the anchored node (shared, not copied); merge keys
 * ({@code <<}) are applied as YAML 1.1 defines them. One builder serves one file.
 */
final class TreeBuilder {
  private static final String STD_TAG = "tag:yaml.org,2002:";
  private static final String MERGE_KEY = "<<";

  private final JsonParser parser;
  private final YAMLParser yaml;
  /** The file's YAML text, to find scalar anchors (Jackson exposes only collection anchors); null if none can exist. */
  private final String text;
  /** Offsets of the file's line starts in {@code text}; null when {@code text} is. */
  private final int[] lineStarts;
  /** The file's YAML text and line starts whatever it holds, to tell a quoted key from a plain one. */
  private final String source;
  private final int[] sourceLineStarts;
  /** Lines of the file before the text the parser reads (it may read one chunk of a file). */
  private final int lineOffset;
  private final String file;
  private final ReaderLimits limits;
  private final int maxDepth;
  private final Map<String, YNode> anchors = new HashMap<>();
  /** Keys and indexes from the root to the node being built, to name paths in errors. */
  private final List<Object> pathStack = new ArrayList<>();
  private int aliases;
  private long expansion;
  private int lastLine;

  /**
   * @param parser     the parser, positioned before the first document
   * @param lines      the whole file's text and line index, for scalar anchors; null for JSON
   * @param lineOffset lines of the file before the parser's text
   * @param file       the file's display name
   * @param limits     the limits to enforce
   */
  TreeBuilder(JsonParser parser, LineIndex lines, int lineOffset, String file, ReaderLimits limits) {
    this.parser = parser;
    this.yaml = parser instanceof YAMLParser ? (YAMLParser) parser : null;
    this.text = yaml != null && lines != null && lines.hasAnchors() ? lines.text() : null;
    this.lineStarts = text == null ? null : lines.lineStarts();
    this.source = yaml != null && lines != null ? lines.text() : null;
    this.sourceLineStarts = source == null ? null : lines.lineStarts();
    this.lineOffset = lineOffset;
    this.file = file;
    this.limits = limits;
    this.maxDepth = limits.effectiveDepth();
  }

  /** Builds the document whose first token {@code first} the parser is on. */
  YNode document(JsonToken first) throws IOException {
    anchors.clear(); // anchors are scoped to their document
    pathStack.clear();
    lastLine = 0;
    return value(first, 0);
  }

  private YNode value(JsonToken t, int depth) throws IOException {
    JsonLocation at = parser.currentTokenLocation();
    int line = at.getLineNr() + lineOffset;
    int column = at.getColumnNr();
    if (line > lastLine) {
      lastLine = line;
    }
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      if (depth >= maxDepth) {
        throw error(ReaderRule.LIMIT, line, column, "nesting deeper than " + maxDepth + " levels");
      }
      String anchor = anchor();
      checkTag(line, column);
      YNode node = t == JsonToken.START_OBJECT ? map(line, column, depth) : list(line, column, depth);
      if (anchor != null) {
        anchors.put(anchor, node);
      }
      return node;
    }
    if (yaml != null && yaml.isCurrentAlias()) {
      return alias(parser.getText(), line, column);
    }
    String anchor = scalarAnchor(line, column);
    YNode node = scalar(t, line, column);
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private YNode.YMap map(int line, int column, int depth) throws IOException {
    LinkedHashMap<String, YNode.Field> fields = new LinkedHashMap<>();
    List<YNode> mergeSources = null;
    long size = 1;
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
      if (t != JsonToken.FIELD_NAME) {
        // SnakeYAML reports complex keys ({a: 1}: x) as a syntax error; Jackson may hand us one.
        throw error(ReaderRule.WRONG_TYPE, parser.currentTokenLocation(), "mapping key is not a scalar");
      }
      JsonLocation keyAt = parser.currentTokenLocation();
      String key = parser.currentName();
      int keyLine = keyAt.getLineNr() + lineOffset;
      checkScalarLength(key, keyLine, keyAt.getColumnNr());
      pathStack.add(key);
      YNode v = value(parser.nextToken(), depth + 1);
      pathStack.remove(pathStack.size() - 1);
      size += v.size();
      if (yaml != null && MERGE_KEY.equals(key) && !quotedAt(keyLine, keyAt.getColumnNr())) {
        if (mergeSources == null) {
          mergeSources = new ArrayList<>();
        }
        addMergeSources(v, mergeSources);
        continue;
      }
      YNode.Field previous = fields.put(key, new YNode.Field(key, keyLine, keyAt.getColumnNr(), v));
      if (previous != null) {
        pathStack.add(key);
        throw error(ReaderRule.DUPLICATE_KEY, keyAt, "duplicate key '" + key + "' (first at line "
            + previous.line() + ")");
      }
    }
    if (mergeSources != null) {
      // YAML 1.1 merge: explicit keys win, then earlier sources over later ones.
      for (YNode source : mergeSources) {
        for (YNode.Field f : ((YNode.YMap) source).fields()) {
          fields.putIfAbsent(f.key(), f);
        }
      }
    }
    return new YNode.YMap(List.copyOf(fields.values()), line, column, lastLine, clamp(size));
  }

  private void addMergeSources(YNode v, List<YNode> into) {
    if (v instanceof YNode.YMap) {
      into.add(v);
      return;
    }
    if (v instanceof YNode.YList) {
      for (YNode item : ((YNode.YList) v).items()) {
        if (!(item instanceof YNode.YMap)) {
          throw error(ReaderRule.WRONG_TYPE, item.line(), item.column(), "a merge key (<<) needs mappings, found "
              + item.typeName());
        }
        into.add(item);
      }
      return;
    }
    throw error(ReaderRule.WRONG_TYPE, v.line(), v.column(), "a merge key (<<) needs a mapping, found " + v.typeName());
  }

  private YNode.YList list(int line, int column, int depth) throws IOException {
    List<YNode> items = new ArrayList<>();
    long size = 1;
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
      pathStack.add(items.size());
      YNode v = value(t, depth + 1);
      pathStack.remove(pathStack.size() - 1);
      size += v.size();
      items.add(v);
    }
    return new YNode.YList(items, line, column, lastLine, clamp(size));
  }

  private YNode scalar(JsonToken t, int line, int column) throws IOException {
    String tag = yaml == null ? null : yaml.getTypeId();
    if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
      throw error(ReaderRule.UNSUPPORTED_YAML, line, column, "binary data (" + shortTag(tag) + ") is not supported");
    }
    checkTag(tag, line, column);
    // The scalar's end line counts towards the enclosing object's line range (block scalars span lines).
    JsonLocation end = parser.currentLocation();
    int endLine = (end.getColumnNr() <= 1 ? end.getLineNr() - 1 : end.getLineNr()) + lineOffset;
    if (endLine > lastLine) {
      lastLine = endLine;
    }
    switch (t) {
      case VALUE_STRING: {
        String text = parser.getText();
        checkScalarLength(text, line, column);
        return new YNode.YScalar(YNode.ScalarType.STRING, text, 0, false, line, column);
      }
      case VALUE_NUMBER_INT: {
        String text = parser.getText();
        checkScalarLength(text, line, column);
        boolean fits = parser.getNumberType() == JsonParser.NumberType.INT;
        return new YNode.YScalar(YNode.ScalarType.INT, text, fits ? parser.getIntValue() : 0, fits, line, column);
      }
      case VALUE_NUMBER_FLOAT:
        return new YNode.YScalar(YNode.ScalarType.FLOAT, parser.getText(), 0, false, line, column);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YNode.YScalar(YNode.ScalarType.BOOL, parser.getText(), 0, false, line, column);
      case VALUE_NULL:
        return new YNode.YScalar(YNode.ScalarType.NULL, parser.getText(), 0, false, line, column);
      default:
        throw error(ReaderRule.SYNTAX, line, column, "unexpected " + t);
    }
  }

  private YNode alias(String name, int line, int column) {
    YNode target = anchors.get(name);
    if (target == null) {
      throw error(ReaderRule.UNSUPPORTED_YAML, line, column, "alias *" + name
          + " refers to no anchor defined before it in this document (recursive aliases are not supported)");
    }
    aliases++;
    if (aliases > limits.maxAliases()) {
      throw error(ReaderRule.LIMIT, line, column, "more than " + limits.maxAliases() + " YAML aliases in one file");
    }
    expansion += target.size();
    if (expansion > limits.maxAliasExpansion()) {
      throw error(ReaderRule.LIMIT, line, column, "YAML aliases expand to more than " + limits.maxAliasExpansion()
          + " nodes (alias bomb?)");
    }
    return target;
  }

  /**
   * True when the scalar at {@code line:column} starts with a quote: only a plain {@code <<} is a
   * merge key (YAML 1.1 resolves the merge tag for plain scalars), a quoted one is an ordinary key.
   */
  private boolean quotedAt(int line, int column) {
    if (source == null || line < 1 || line > sourceLineStarts.length) {
      return false;
    }
    try {
      int i = source.offsetByCodePoints(sourceLineStarts[line - 1], column - 1);
      return i < source.length() && (source.charAt(i) == '"' || source.charAt(i) == '\'');
    } catch (IndexOutOfBoundsException e) {
      return false;
    }
  }

  private String anchor() throws IOException {
    return yaml == null ? null : yaml.getObjectId();
  }

  /**
   * The anchor of the scalar starting at {@code line:column}, read from the text: a scalar's
   * position includes its properties ({@code &name}, {@code !tag}), which precede its value.
   */
  private String scalarAnchor(int line, int column) {
    if (text == null || line < 1 || line > lineStarts.length) {
      return null;
    }
    int lineStart = lineStarts[line - 1];
    int i;
    try {
      i = text.offsetByCodePoints(lineStart, column - 1); // SnakeYAML counts columns in code points
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
    for (int property = 0; property < 2 && i < text.length(); property++) {
      char c = text.charAt(i);
      if (c != '&' && c != '!') {
        return null;
      }
      int end = i + 1;
      while (end < text.length() && !isPropertyEnd(text.charAt(end))) {
        end++;
      }
      if (c == '&') {
        return text.substring(i + 1, end);
      }
      i = end;
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
    }
    return null;
  }

  private static boolean isPropertyEnd(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '[' || c == ']' || c == '{'
        || c == '}';
  }

  private void checkTag(int line, int column) throws IOException {
    if (yaml != null) {
      checkTag(yaml.getTypeId(), line, column);
    }
  }

  /** Standard YAML tags (and the non-specific {@code !}) are fine; anything else could mean code. */
  private void checkTag(String tag, int line, int column) {
    if (tag == null || tag.isEmpty()) {
      return;
    }
    if (tag.startsWith(STD_TAG)) {
      String name = tag.substring(STD_TAG.length());
      switch (name) {
        case "str":
        case "int":
        case "float":
        case "bool":
        case "null":
        case "map":
        case "seq":
          return;
        default:
          break;
      }
    }
    throw error(ReaderRule.UNSUPPORTED_YAML, line, column, "YAML tag " + shortTag(tag) + " is not supported");
  }

  private static String shortTag(String tag) {
    if (tag == null) {
      return "!!binary";
    }
    return tag.startsWith(STD_TAG) ? "!!" + tag.substring(STD_TAG.length()) : "!" + tag;
  }

  private void checkScalarLength(String text, int line, int column) {
    if (text.length() > limits.maxScalarChars()) {
      throw error(ReaderRule.LIMIT, line, column, "scalar longer than " + limits.maxScalarChars() + " characters");
    }
  }

  /** Alias uses so far (the file's total is checked when chunks are merged). */
  int aliases() {
    return aliases;
  }

  /** Nodes the aliases so far expand to. */
  long expansion() {
    return expansion;
  }

  private static int clamp(long size) {
    return (int) Math.min(size, Integer.MAX_VALUE);
  }

  private InputException error(ReaderRule rule, JsonLocation at, String message) {
    return error(rule, at.getLineNr() + lineOffset, at.getColumnNr(), message);
  }

  private InputException error(ReaderRule rule, int line, int column, String message) {
    return new InputException(Diagnostic.of(rule.id(), Severity.ERROR,
        new SourcePosition(file, Math.max(line, 0), Math.max(column, 0)), currentPath(), message));
  }

  /** The path of the node being built, in field-path form ({@code spec.ingress[0].ports}). */
  String currentPath() {
    StringBuilder sb = new StringBuilder();
    for (Object o : pathStack) {
      if (o instanceof Integer) {
        sb.append('[').append(o).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(o);
      }
    }
    return sb.toString();
  }
}
