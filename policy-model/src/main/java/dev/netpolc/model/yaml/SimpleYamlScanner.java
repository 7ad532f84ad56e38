package dev.netpolc.model.yaml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A fast reader for the block-YAML subset that Kubernetes manifests and {@link PolicyWriter}
 * use: {@code ---} separated documents of block mappings and sequences (indentless sequences
 * included), single-line plain, single- and double-quoted scalars, literal and folded block
 * scalars, comments and one-line flow collections ({@code podSelector: {}},
 * {@code policyTypes: [Ingress, Egress]}, nested, quoted scalars inside), in printable ASCII.
 * It builds the very {@link YNode} trees {@link TreeBuilder} builds from Jackson's parser,
 * positions and implicit types included.
 *
 * <p>It gives up (returns null) on anything else: anchors, aliases, tags, empty block scalars,
 * multi-line or escaped scalars, flow collections spanning lines or with empty values, tabs,
 * non-ASCII text, directives, duplicate or merge keys, scalars whose implicit type it does not
 * know for sure, and anything a limit would stop. The caller then parses the same text with
 * Jackson, so every error keeps its
 * id, message and position, and a clean read gives the same tree either way.
 *
 * <p>One limit it enforces itself: a one-line or block scalar or a key longer than
 * {@link ReaderLimits#maxScalarChars()} is measured in place, never copied, and reported to the
 * sink's {@link Sink#oversized} at the position and path the Jackson path would report. Handing
 * such a line to Jackson instead cost seconds and gigabytes per megabyte (SnakeYAML re-copies its
 * read window while it reads one long token), and everything before it is in the subset, so
 * Jackson would report the same error after the same documents.
 */
final class SimpleYamlScanner {
  /** The text's bytes: printable ASCII and newlines only (checked before scanning). */
  private final byte[] text;
  private final int end;
  private final StringCache strings;
  private final int lineOffset;
  /** Mappings with more keys than this check duplicates with a hash set. */
  private static final int SMALL_MAP = 8;

  private final ReaderLimits limits;
  private final int maxDepth;
  /** Keys and item indexes from the document root to the node being scanned, by depth. */
  private final Object[] path;
  private Sink sink;
  /**
   * Scalar values this deep or deeper are checked but not built (the placeholder
   * {@link #UNREAD} stands for them): in an object of a kind the reader skips, nothing below its
   * top-level fields is ever looked at. {@code Integer.MAX_VALUE} when the document is read whole.
   */
  private int unreadFrom = Integer.MAX_VALUE;

  /** Stands for a scalar of a skipped object: a string, as every long scalar it replaces is. */
  private static final YNode.YScalar UNREAD = new YNode.YScalar(YNode.ScalarType.STRING, "", 0, false, 0, 0);

  /** The kinds {@link DocumentBinder} reads (besides lists); an object of any other kind is skipped. */
  private static final Set<String> READ_KINDS = Set.of("Pod", "Namespace", "Node", "NetworkPolicy",
      "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "GlobalNetworkPolicy",
      "StagedNetworkPolicy", "StagedGlobalNetworkPolicy", "Tier", "NetworkSet", "GlobalNetworkSet", "ServiceAccount",
      "Service", "EndpointSlice", "HostEndpoint", "StagedKubernetesNetworkPolicy", "CiliumNetworkPolicy",
      "CiliumClusterwideNetworkPolicy");

  /** Offset of the current line's first character. */
  private int lineStart;
  /** Offset after the current line's last character (its newline or the end). */
  private int lineEnd;
  /** 1-based line number (in the file) of the current line. */
  private int line;
  /** Offset of the current line's first non-space character. */
  private int content;
  private int lastLine;

  /** Signals that the text is outside the subset; never escapes this class. */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final GiveUp INSTANCE = new GiveUp();

    private GiveUp() {
      super(null, null, false, false);
    }
  }

  /** Where the scanned documents go. */
  interface Sink {
    /** Takes one document; false to stop scanning. */
    boolean document(YNode document);

    /**
     * Called at most once, instead of any further document, when a one-line scalar or key is
     * longer than the limit: {@code path} is the field path of the node (the enclosing mapping's
     * for a key), as {@link TreeBuilder} names it.
     */
    void oversized(int line, int column, String path);

    /**
     * True to have objects of kinds the reader skips scanned without building their nested
     * scalars: such a document's tree then has only its top-level scalars (what
     * {@link DocumentBinder} needs to skip it), placeholders below. False for whole trees.
     */
    default boolean hollowsSkippedKinds() {
      return false;
    }
  }

  /** Signals that the sink wants no more documents. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Stop INSTANCE = new Stop();

    private Stop() {
      super(null, null, false, false);
    }
  }

  private SimpleYamlScanner(byte[] text, int start, int end, int lineOffset, ReaderLimits limits) {
    this.text = text;
    this.strings = new StringCache(text, end - start);
    this.end = end;
    this.lineOffset = lineOffset;
    this.limits = limits;
    this.maxDepth = limits.effectiveDepth();
    this.path = new Object[maxDepth + 2];
    this.line = lineOffset + 1;
    setLine(start);
  }

  /**
   * The documents of {@code text[start, end)}, whose first line is line {@code lineOffset + 1}
   * of the file; null when the text is outside the subset.
   */
  static List<YNode> scan(String text, int start, int end, int lineOffset, ReaderLimits limits) {
    List<YNode> out = new ArrayList<>();
    byte[] ascii = asciiBytes(text);
    return ascii != null && scan(ascii, start, end, lineOffset, limits, new Sink() {
      @Override
      public boolean document(YNode document) {
        return out.add(document);
      }

      @Override
      public void oversized(int line, int column, String path) {
        throw new IllegalStateException("scalar too long at " + line + ":" + column);
      }
    }) ? out : null;
  }

  /** The bytes of {@code text} when it is all ASCII, else null. */
  static byte[] asciiBytes(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7F) {
        return null;
      }
    }
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Hands each document of {@code text[start, end)} (ASCII bytes, as {@link #asciiBytes} gives)
   * to {@code sink} as soon as it is built (so a large chunk's trees need not all be in memory
   * at once), until {@code sink} returns false. Returns false when the text is outside the
   * subset: then {@code sink} may have received some documents, which the caller must discard.
   */
  static boolean scan(byte[] text, int start, int end, int lineOffset, ReaderLimits limits,
      Predicate<YNode> sink) {
    return scan(text, start, end, lineOffset, limits, new Sink() {
      @Override
      public boolean document(YNode document) {
        return sink.test(document);
      }

      @Override
      public void oversized(int line, int column, String path) {
        throw GiveUp.INSTANCE; // this caller reports no errors: Jackson's path does
      }
    });
  }

  /**
   * As {@link #scan(byte[], int, int, int, ReaderLimits, Predicate)}, and also returns true after
   * calling {@link Sink#oversized} (which ends the scan) on a one-line scalar or key over the limit.
   */
  static boolean scan(byte[] text, int start, int end, int lineOffset, ReaderLimits limits, Sink sink) {
    for (int i = start; i < end; i++) {
      byte c = text[i];
      if ((c < ' ' && c != '\n') || c > '~') {
        return false;
      }
    }
    try {
      SimpleYamlScanner scanner = new SimpleYamlScanner(text, start, end, lineOffset, limits);
      scanner.sink = sink;
      scanner.documents(sink::document);
      return true;
    } catch (Stop e) {
      return true;
    } catch (GiveUp e) {
      return false;
    }
  }

  private void documents(Predicate<YNode> sink) {
    int count = 0;
    skipBlankLines();
    boolean open = false; // a `---` was read and its document not yet
    while (true) {
      if (atEnd()) {
        if (open) {
          count = add(sink, count, emptyDocument());
        }
        return;
      }
      if (isDocumentStart()) {
        if (!restIsBlank(lineStart + 3)) {
          throw GiveUp.INSTANCE;
        }
        if (open) {
          count = add(sink, count, emptyDocument());
        }
        open = true;
        nextLine();
        skipBlankLines();
        continue;
      }
      if (content != lineStart || at(content) == '%' || startsWith3(lineStart, '.')) {
        throw GiveUp.INSTANCE;
      }
      if (count >= limits.maxDocuments()) {
        throw GiveUp.INSTANCE; // Jackson's path counts a document before reading it: it reports this
      }
      lastLine = 0;
      // An object of a kind the reader skips is scanned as strictly, but its nested scalars are
      // not built: a ConfigMap's or Secret's megabytes of data are measured and dropped.
      unreadFrom = !this.sink.hollowsSkippedKinds() || isDash(content) || !skippedKind() ? Integer.MAX_VALUE : 2;
      YNode document = blockNode(0);
      if (unreadFrom != Integer.MAX_VALUE && !isSkippedKind(((YNode.YMap) document).get("kind"))) {
        throw GiveUp.INSTANCE; // the look-ahead was wrong; never hand the binder a hollow object
      }
      count = add(sink, count, document);
      open = false;
      if (!atEnd() && !isDocumentStart()) {
        throw GiveUp.INSTANCE;
      }
    }
  }

  /** Hands over one more document; returns the count so far. */
  private int add(Predicate<YNode> sink, int count, YNode document) {
    if (count >= limits.maxDocuments()) {
      throw GiveUp.INSTANCE;
    }
    if (!sink.test(document)) {
      throw Stop.INSTANCE;
    }
    return count + 1;
  }

  /** An empty document: null, placed where the next document (or the text) starts. */
  private YNode emptyDocument() {
    if (atEnd() && (end == 0 || at(end - 1) != '\n')) {
      throw GiveUp.INSTANCE; // the end of a last line without newline: let Jackson place it
    }
    return new YNode.YScalar(YNode.ScalarType.NULL, "", 0, false, line, 1);
  }

  /** A mapping or sequence starting at the current line's content, indented {@code indent}. */
  private YNode blockNode(int depth) {
    if (depth >= maxDepth) {
      throw GiveUp.INSTANCE;
    }
    if (isDash(content)) {
      return sequence(content - lineStart, depth, false);
    }
    return mapping(content, depth);
  }

  /** A block mapping whose first key starts at offset {@code at} of the current line. */
  private YNode.YMap mapping(int at, int depth) {
    int indent = at - lineStart;
    int mapLine = line;
    int mapColumn = indent + 1;
    noteLine(line);
    List<YNode.Field> fields = new ArrayList<>(8);
    Set<String> keys = null; // only for large mappings: small ones are searched in order
    long size = 1;
    int keyAt = at;
    while (true) {
      int keyLine = line;
      int keyColumn = keyAt - lineStart + 1;
      int colon = keyEnd(keyAt);
      char q = at(keyAt);
      if ((q == '"' || q == '\'' ? quotedLength(keyAt, colon - 1) : colon - keyAt) > limits.maxScalarChars()) {
        oversized(keyLine, keyColumn, depth);
      }
      String key = keyText(keyAt, colon);
      path[depth] = key;
      YNode value;
      int valueAt = skipSpaces(colon + 1);
      if (valueAt == lineEnd || at(valueAt) == '#') {
        int nullColumn = colon - lineStart + 2;
        nextLine();
        skipBlankLines();
        int nextIndent = atEnd() || isDocumentStart() ? -1 : content - lineStart;
        if (nextIndent > indent || (nextIndent == indent && isDash(content))) {
          if (depth + 1 >= maxDepth) {
            throw GiveUp.INSTANCE;
          }
          value = nextIndent > indent ? blockNode(depth + 1)
              : sequence(content - lineStart, depth + 1, true);
        } else {
          noteLine(keyLine);
          value = new YNode.YScalar(YNode.ScalarType.NULL, "", 0, false, keyLine, nullColumn);
        }
      } else if (isBlockIndicator(valueAt)) {
        value = blockScalar(valueAt, indent, depth + 1);
        skipBlankLines();
      } else {
        value = inlineValue(valueAt, depth + 1);
        nextLine();
        skipBlankLines();
      }
      size += value.size();
      if (fields.size() == SMALL_MAP) {
        keys = new HashSet<>();
        for (YNode.Field f : fields) {
          keys.add(f.key());
        }
      }
      if (keys != null ? !keys.add(key) : hasKey(fields, key)) {
        throw GiveUp.INSTANCE; // duplicate: Jackson's path reports it
      }
      fields.add(new YNode.Field(key, keyLine, keyColumn, value));
      if (atEnd() || isDocumentStart()) {
        break;
      }
      int nextIndent = content - lineStart;
      if (nextIndent < indent) {
        break;
      }
      if (nextIndent > indent || isDash(content)) {
        throw GiveUp.INSTANCE;
      }
      keyAt = content;
    }
    return new YNode.YMap(fields, mapLine, mapColumn, lastLine, clamp(size));
  }

  private static boolean hasKey(List<YNode.Field> fields, String key) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).key().equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** A block sequence whose dashes are at column {@code indent} (0-based). */
  private YNode.YList sequence(int indent, int depth, boolean indentless) {
    if (depth >= maxDepth) {
      throw GiveUp.INSTANCE;
    }
    int seqLine = line;
    noteLine(line);
    List<YNode> items = new ArrayList<>();
    long size = 1;
    while (true) {
      path[depth] = items.size();
      int dash = lineStart + indent;
      int itemAt = skipSpaces(dash + 1);
      YNode item;
      if (itemAt == lineEnd || at(itemAt) == '#') {
        throw GiveUp.INSTANCE; // an item on the following lines, or an empty one
      }
      if (depth + 1 >= maxDepth) {
        throw GiveUp.INSTANCE;
      }
      if (isDash(itemAt)) {
        throw GiveUp.INSTANCE;
      }
      if (looksLikeKey(itemAt)) {
        item = mapping(itemAt, depth + 1);
      } else if (isBlockIndicator(itemAt)) {
        item = blockScalar(itemAt, indent, depth + 1);
        skipBlankLines();
      } else {
        item = inlineValue(itemAt, depth + 1);
        nextLine();
        skipBlankLines();
      }
      items.add(item);
      size += item.size();
      if (atEnd() || isDocumentStart()) {
        break;
      }
      int nextIndent = content - lineStart;
      if (nextIndent < indent || (indentless && nextIndent == indent && !isDash(content))) {
        break;
      }
      if (nextIndent > indent || !isDash(content)) {
        throw GiveUp.INSTANCE;
      }
    }
    return new YNode.YList(items, seqLine, indent + 1, lastLine, clamp(size));
  }

  /** A value on the rest of the current line: {@code {}}, {@code []}, or a one-line scalar. */
  private YNode inlineValue(int at, int depth) {
    noteLine(line);
    int column = at - lineStart + 1;
    char c = at(at);
    int after;
    YNode node;
    if (c == '{' || c == '[') {
      node = flow(at, depth);
      after = flowAfter;
    } else if (c == '"' || c == '\'') {
      int close = closingQuote(at);
      if (quotedLength(at, close) > limits.maxScalarChars()) {
        oversized(line, column, depth);
      }
      String s = depth >= unreadFrom ? null : unquote(at, close);
      after = close + 1;
      node = s == null ? UNREAD : new YNode.YScalar(YNode.ScalarType.STRING, s, 0, false, line, column);
    } else {
      int stop = plainEnd(at);
      if (stop - at > limits.maxScalarChars()) {
        if (!surelyString(at, stop)) {
          throw GiveUp.INSTANCE; // Jackson decides what it is, and which limit it crosses
        }
        oversized(line, column, depth);
      }
      if (depth >= unreadFrom && isLetter(c) && stop - at > 8) {
        return UNREAD; // a string (it starts with a letter and is longer than any bool or null), not built
      }
      return plainScalar(strings.get(at, stop), column);
    }
    if (!restIsComment(after)) {
      throw GiveUp.INSTANCE;
    }
    return node;
  }

  /** The offset after the flow collection {@link #flow} read last. */
  private int flowAfter;

  /**
   * A flow mapping or sequence starting at {@code at} and closed on the same line: keys as in
   * block mappings, values that are flow collections, quoted scalars or plain scalars without
   * {@code :}, {@code #}, {@code ?} or flow indicators in them. Sets {@link #flowAfter}. Gives up on
   * anything else (empty values, single-pair mappings in sequences, a trailing comma, a
   * collection running on to the next line).
   */
  private YNode flow(int at, int depth) {
    if (depth >= maxDepth) {
      throw GiveUp.INSTANCE;
    }
    boolean map = at(at) == '{';
    char close = map ? '}' : ']';
    int column = at - lineStart + 1;
    List<YNode.Field> fields = map ? new ArrayList<>(4) : null;
    List<YNode> items = map ? null : new ArrayList<>(4);
    long size = 1;
    int i = skipSpaces(at + 1);
    if (i < lineEnd && at(i) == close) {
      flowAfter = i + 1;
      return map ? new YNode.YMap(List.of(), line, column, line, 1) : new YNode.YList(List.of(), line, column, line, 1);
    }
    while (true) {
      if (i >= lineEnd) {
        throw GiveUp.INSTANCE;
      }
      YNode value;
      if (map) {
        int colon = flowKeyEnd(i);
        char q = at(i);
        if ((q == '"' || q == '\'' ? quotedLength(i, colon - 1) : colon - i) > limits.maxScalarChars()) {
          oversized(line, i - lineStart + 1, depth);
        }
        String key = keyText(i, colon);
        path[depth] = key;
        if (hasKey(fields, key)) {
          throw GiveUp.INSTANCE; // duplicate: Jackson's path reports it
        }
        int keyColumn = i - lineStart + 1;
        value = flowValue(skipSpaces(colon + 1), depth + 1);
        fields.add(new YNode.Field(key, line, keyColumn, value));
      } else {
        path[depth] = items.size();
        value = flowValue(i, depth + 1);
        items.add(value);
      }
      size += value.size();
      i = skipSpaces(flowAfter);
      if (i >= lineEnd) {
        throw GiveUp.INSTANCE;
      }
      if (at(i) == close) {
        flowAfter = i + 1;
        break;
      }
      if (at(i) != ',') {
        throw GiveUp.INSTANCE;
      }
      i = skipSpaces(i + 1);
      if (i >= lineEnd || at(i) == close || at(i) == ',') {
        throw GiveUp.INSTANCE; // a trailing comma or an empty entry
      }
    }
    return map ? new YNode.YMap(fields, line, column, line, clamp(size))
        : new YNode.YList(items, line, column, line, clamp(size));
  }

  /** The colon after a flow mapping key at {@code at}: a block-style key, then {@code ": "}. */
  private int flowKeyEnd(int at) {
    return keyEnd(at, false);
  }

  /** A value inside a flow collection at {@code at}; sets {@link #flowAfter}. */
  private YNode flowValue(int at, int depth) {
    if (at >= lineEnd) {
      throw GiveUp.INSTANCE;
    }
    char c = at(at);
    int column = at - lineStart + 1;
    if (c == '{' || c == '[') {
      return flow(at, depth);
    }
    if (c == '"' || c == '\'') {
      int close = closingQuote(at);
      if (quotedLength(at, close) > limits.maxScalarChars()) {
        oversized(line, column, depth);
      }
      flowAfter = close + 1;
      return new YNode.YScalar(YNode.ScalarType.STRING, unquote(at, close), 0, false, line, column);
    }
    int i = at;
    while (i < lineEnd && ",]}".indexOf(at(i)) < 0) {
      if ("[{:#?'\"".indexOf(at(i)) >= 0) {
        throw GiveUp.INSTANCE; // not a plain scalar the scanner types for sure
      }
      i++;
    }
    flowAfter = i;
    int stop = i;
    while (stop > at && at(stop - 1) == ' ') {
      stop--;
    }
    if (stop == at) {
      throw GiveUp.INSTANCE; // an empty value: Jackson places its null
    }
    if (stop - at > limits.maxScalarChars()) {
      throw GiveUp.INSTANCE; // rare enough to leave to Jackson
    }
    return plainScalar(strings.get(at, stop), column);
  }

  private boolean isBlockIndicator(int at) {
    char c = at(at);
    return c == '|' || c == '>';
  }

  /**
   * A literal ({@code |}) or folded ({@code >}) block scalar whose indicator is at {@code at}, the
   * value of a collection indented {@code parentIndent}. Its lines are read as SnakeYAML reads
   * them (indentation, folding, chomping, and the end mark that sets the enclosing nodes' end
   * line); the scanner is left on the first line after it. The length is measured in a first
   * pass, so an over-long block is refused before a character of it is copied.
   */
  private YNode blockScalar(int at, int parentIndent, int depth) {
    int column = at - lineStart + 1;
    int startLine = line;
    boolean folded = at(at) == '>';
    int chomp = 0; // -1 strip, 0 clip, 1 keep
    int increment = -1;
    int i = at + 1;
    for (int n = 0; n < 2 && i < lineEnd; n++) {
      char c = at(i);
      if ((c == '-' || c == '+') && chomp == 0) {
        chomp = c == '-' ? -1 : 1;
      } else if (c >= '1' && c <= '9' && increment < 0) {
        increment = c - '0';
      } else {
        break;
      }
      i++;
    }
    if ((i < lineEnd && at(i) != ' ') || !restIsComment(i) || lineEnd >= end) {
      throw GiveUp.INSTANCE; // a bad header, or a header at the end of the text: Jackson's call
    }
    int minIndent = Math.max(parentIndent + 1, 1);
    int savedStart = lineStart;
    int savedLine = line;
    long length = blockBody(folded, chomp, increment, minIndent, null);
    if ((int) length == 0) {
      throw GiveUp.INSTANCE; // an empty block: let Jackson type it
    }
    if ((int) length > limits.maxScalarChars()) {
      oversized(startLine, column, depth);
    }
    noteLine(startLine);
    if (depth >= unreadFrom) {
      noteLine((int) (length >>> 32));
      return UNREAD;
    }
    StringBuilder sb = new StringBuilder((int) length);
    line = savedLine;
    setLine(savedStart);
    noteLine((int) (blockBody(folded, chomp, increment, minIndent, sb) >>> 32));
    return new YNode.YScalar(YNode.ScalarType.STRING, sb.toString(), 0, false, startLine, column);
  }

  /**
   * Reads the lines of a block scalar from the header line on, appending the value to {@code sb}
   * unless it is null. Returns the value's length (capped at {@code Integer.MAX_VALUE}) in the low
   * 32 bits and the line of the last line break the scalar takes in the high 32 bits.
   */
  private long blockBody(boolean folded, int chomp, int increment, int minIndent, StringBuilder sb) {
    int lastBreakLine = line; // the header's own line break
    nextLine();
    int breaks = 0;
    int indent;
    if (increment < 0) {
      // The indentation is the first non-blank line's, or more when a blank line before it has
      // more spaces (then the block is empty and what follows is Jackson's business).
      int maxIndent = 0;
      while (!atEnd() && content == lineEnd) {
        maxIndent = Math.max(maxIndent, lineEnd - lineStart);
        lastBreakLine = takeBreak();
        breaks++;
      }
      if (!atEnd()) {
        maxIndent = Math.max(maxIndent, content - lineStart);
      }
      indent = Math.max(minIndent, maxIndent);
    } else {
      indent = minIndent + increment - 1;
      while (isBreakLine(indent)) {
        lastBreakLine = takeBreak();
        breaks++;
      }
    }
    long length = 0;
    boolean lineBreak = false;
    while (isContentLine(indent)) {
      length += breaks;
      appendBreaks(sb, breaks);
      boolean leadingNonSpace = at(lineStart + indent) != ' ';
      length += lineEnd - lineStart - indent;
      if (sb != null) {
        for (int k = lineStart + indent; k < lineEnd; k++) {
          sb.append(at(k));
        }
      }
      lastBreakLine = takeBreak();
      lineBreak = true;
      breaks = 0;
      while (isBreakLine(indent)) {
        lastBreakLine = takeBreak();
        breaks++;
      }
      if (!isContentLine(indent)) {
        break;
      }
      if (folded && leadingNonSpace && at(lineStart + indent) != ' ') {
        if (breaks == 0) {
          length++;
          if (sb != null) {
            sb.append(' ');
          }
        }
      } else {
        length++;
        appendBreaks(sb, 1);
      }
    }
    if (chomp >= 0 && lineBreak) {
      length++;
      appendBreaks(sb, 1);
    }
    if (chomp > 0) {
      length += breaks;
      appendBreaks(sb, breaks);
    }
    return (long) lastBreakLine << 32 | Math.min(length, Integer.MAX_VALUE);
  }

  private static void appendBreaks(StringBuilder sb, int n) {
    if (sb != null) {
      for (int k = 0; k < n; k++) {
        sb.append('\n');
      }
    }
  }

  /** Moves past the current line, which must end in a line break; returns its line number. */
  private int takeBreak() {
    if (lineEnd >= end) {
      throw GiveUp.INSTANCE; // a block running into the end of the text without a newline
    }
    int l = line;
    nextLine();
    return l;
  }

  /** A line of only spaces, no more than {@code indent}: an empty line of a block scalar. */
  private boolean isBreakLine(int indent) {
    return !atEnd() && content == lineEnd && lineEnd - lineStart <= indent;
  }

  /** A line that is content of a block scalar indented {@code indent}. */
  private boolean isContentLine(int indent) {
    return !atEnd() && content - lineStart >= indent && !(content == lineEnd && lineEnd - lineStart <= indent);
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * Looks ahead through the lines of the document starting on the current line for its
   * top-level {@code kind:}: true when there is exactly one, and it names (in plain letters and
   * digits) a kind the reader skips. Only a guess: the built document is checked again.
   */
  private boolean skippedKind() {
    String kind = null;
    for (int i = lineStart; i < end; ) {
      byte c = text[i];
      if (c == '-' && startsWith3(i, '-') && (i + 3 == end || text[i + 3] == '\n' || text[i + 3] == ' ')) {
        break; // the next document
      }
      if (c == 'k' && i + 5 < end && text[i + 1] == 'i' && text[i + 2] == 'n' && text[i + 3] == 'd'
          && text[i + 4] == ':' && text[i + 5] == ' ') {
        if (kind != null) {
          return false;
        }
        int from = i + 6;
        while (from < end && text[from] == ' ') {
          from++;
        }
        int to = from;
        while (to < end && isLetterOrDigit((char) text[to])) {
          to++;
        }
        if (to == from || (to < end && text[to] != '\n' && text[to] != ' ')) {
          return false;
        }
        kind = new String(text, from, to - from, StandardCharsets.US_ASCII);
      }
      while (i < end && text[i] != '\n') {
        i++;
      }
      i++;
    }
    return kind != null && isSkippedKind(kind);
  }

  private static boolean isLetterOrDigit(char c) {
    return isLetter(c) || isDigit(c);
  }

  private static boolean isSkippedKind(String kind) {
    return !kind.isEmpty() && isLetter(kind.charAt(0)) && !kind.endsWith("List") && !READ_KINDS.contains(kind);
  }

  private static boolean isSkippedKind(YNode kind) {
    return kind instanceof YNode.YScalar && ((YNode.YScalar) kind).type() == YNode.ScalarType.STRING
        && isSkippedKind(((YNode.YScalar) kind).text());
  }

  /**
   * Reports the scalar at {@code line:column}, whose path is the first {@code depth} entries of
   * {@link #path}, as over the limit, and ends the scan.
   */
  private void oversized(int line, int column, int depth) {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      Object o = path[i];
      if (o instanceof Integer) {
        p.append('[').append(o).append(']');
      } else {
        if (p.length() > 0) {
          p.append('.');
        }
        p.append(o);
      }
    }
    sink.oversized(line, column, p.toString());
    throw Stop.INSTANCE;
  }

  /**
   * True when the long plain scalar {@code text[at, stop)} is a string for YAML 1.1 and Jackson.
   * Every number and special float starts with a digit, sign or dot, and booleans and nulls are
   * short; so a letter first is enough, and after a digit a letter no number has.
   */
  private boolean surelyString(int at, int stop) {
    char c = at(at);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return true;
    }
    if (!isDigit(c)) {
      return false;
    }
    for (int i = at; i < stop; i++) {
      if ("/ghjklmpqrstuvwyzGHJKLMPQRSTUVWYZ".indexOf(at(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The length of the one-line quoted scalar {@code text[open, close]} once unquoted, without building it. */
  private int quotedLength(int open, int close) {
    boolean doubled = at(open) == '"';
    int n = 0;
    for (int i = open + 1; i < close; i++) {
      char c = at(i);
      if (doubled ? c == '\\' : c == '\'' && i + 1 < close && at(i + 1) == '\'') {
        i++; // an escape or a doubled quote is one character (closingQuote allows no others)
      }
      n++;
    }
    return n;
  }

  /** The end of a plain scalar starting at {@code at}: before a comment and trailing spaces. */
  private int plainEnd(int at) {
    int stop = lineEnd;
    for (int i = at; i < lineEnd; i++) {
      char c = at(i);
      if (c == '#' && at(i - 1) == ' ') {
        stop = i;
        break;
      }
      if (c == ':' && (i + 1 == lineEnd || at(i + 1) == ' ')) {
        throw GiveUp.INSTANCE; // a mapping where a scalar should be: Jackson reports it
      }
    }
    while (stop > at && at(stop - 1) == ' ') {
      stop--;
    }
    return stop;
  }

  /** A plain scalar with YAML's implicit type as Jackson resolves it; gives up when unsure. */
  private YNode plainScalar(String s, int column) {
    char c = s.charAt(0);
    if ("-?:,[]{}#&*!|>'\"%@`".indexOf(c) >= 0 && !(c == '-' && s.length() > 1 && isDigit(s.charAt(1)))) {
      throw GiveUp.INSTANCE;
    }
    if (isDigit(c) || c == '-' || c == '+' || c == '.') {
      if (isDecimalInt(s)) {
        long v = Long.parseLong(s);
        boolean fits = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
        return new YNode.YScalar(YNode.ScalarType.INT, s, fits ? (int) v : 0, fits, line, column);
      }
      if (isDottedNumbers(s) || hasNonNumericLetter(s)) {
        return new YNode.YScalar(YNode.ScalarType.STRING, s, 0, false, line, column);
      }
      throw GiveUp.INSTANCE;
    }
    switch (s) {
      case "true": case "True": case "TRUE": case "false": case "False": case "FALSE":
      case "yes": case "Yes": case "YES": case "no": case "No": case "NO":
      case "on": case "On": case "ON": case "off": case "Off": case "OFF":
        return new YNode.YScalar(YNode.ScalarType.BOOL, s, 0, false, line, column);
      case "null": case "Null": case "NULL": case "~":
        return new YNode.YScalar(YNode.ScalarType.NULL, s, 0, false, line, column);
      default:
        break;
    }
    if (c == '~' || c == '<' || c == '=') {
      throw GiveUp.INSTANCE;
    }
    return new YNode.YScalar(YNode.ScalarType.STRING, s, 0, false, line, column);
  }

  /**
   * A superset of what YAML 1.1 (SnakeYAML's resolver, which Jackson asks) may take for an int,
   * float or timestamp: binary, hex and octal forms, digits with dots, colons and underscores,
   * an exponent, {@code .inf} and {@code .nan}, and text that starts like a date ({@code 2001-}). A plain scalar starting with a
   * digit, sign or dot that this does not match (a name like {@code 7cz7lrhn}) is surely a string.
   */
  private static final java.util.regex.Pattern MAYBE_NUMBER = java.util.regex.Pattern.compile(
      "[-+]?(?:0[bB][0-9_]*|0[xX][0-9a-fA-F_]*|0[oO][0-7_]*|[0-9_.:]*(?:[eE][-+]?[0-9]*)?"
          + "|\\.(?:inf|Inf|INF|nan|NaN|NAN))|[0-9]{4}-[0-9tTzZ:.+ -]*");

  private static boolean hasNonNumericLetter(String s) {
    return !MAYBE_NUMBER.matcher(s).matches();
  }

  /** {@code -?(0|[1-9][0-9]*)}, at most 18 digits. */
  private static boolean isDecimalInt(String s) {
    int i = s.charAt(0) == '-' ? 1 : 0;
    int digits = s.length() - i;
    if (digits < 1 || digits > 18 || (digits > 1 && s.charAt(i) == '0')) {
      return false;
    }
    for (; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Digits with two or more single dots between them, optionally {@code /digits}: an address. */
  private static boolean isDottedNumbers(String s) {
    int dots = 0;
    int i = 0;
    int n = s.length();
    while (true) {
      int from = i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == from) {
        return false;
      }
      if (i == n || s.charAt(i) != '.') {
        break;
      }
      dots++;
      i++;
    }
    if (dots < 2) {
      return false;
    }
    if (i == n) {
      return true;
    }
    if (s.charAt(i) != '/' || i + 1 == n) {
      return false;
    }
    for (i++; i < n; i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** True when a mapping key ({@code key:} then a space or the line end) starts at {@code at}. */
  private boolean looksLikeKey(int at) {
    char c = at(at);
    if (c == '"' || c == '\'') {
      int close = closingQuote(at);
      return close + 1 < lineEnd && at(close + 1) == ':'
          && (close + 2 == lineEnd || at(close + 2) == ' ');
    }
    for (int i = at; i < lineEnd; i++) {
      char k = at(i);
      if (k == ':') {
        return i > at && (i + 1 == lineEnd || at(i + 1) == ' ');
      }
      if (!isKeyChar(k)) {
        return false;
      }
    }
    return false;
  }

  /** The offset of the colon ending the key at {@code at}; gives up when there is no simple key. */
  private int keyEnd(int at) {
    return keyEnd(at, true);
  }

  /**
   * The colon ending a simple key at {@code at}, followed by a space or, when
   * {@code colonMayEndLine} (a block mapping, whose value may start on the next line), by the end
   * of the line; gives up otherwise.
   */
  private int keyEnd(int at, boolean colonMayEndLine) {
    char c = at(at);
    if (c == '"' || c == '\'') {
      int close = closingQuote(at);
      if (close + 1 < lineEnd && at(close + 1) == ':' && separates(close + 2, colonMayEndLine)) {
        return close + 1;
      }
      throw GiveUp.INSTANCE;
    }
    if (!Character.isLetterOrDigit(c) && c != '_' && c != '/' && c != '.') {
      throw GiveUp.INSTANCE;
    }
    for (int i = at; i < lineEnd; i++) {
      char k = at(i);
      if (k == ':') {
        if (separates(i + 1, colonMayEndLine)) {
          return i;
        }
        throw GiveUp.INSTANCE;
      }
      if (!isKeyChar(k)) {
        throw GiveUp.INSTANCE;
      }
    }
    throw GiveUp.INSTANCE;
  }

  /** Whether the character after a key's colon, at {@code next}, ends the key. */
  private boolean separates(int next, boolean colonMayEndLine) {
    return next < lineEnd ? at(next) == ' ' : colonMayEndLine && next == lineEnd;
  }

  private String keyText(int at, int colon) {
    char c = at(at);
    return c == '"' || c == '\'' ? unquote(at, colon - 1).intern() : strings.key(at, colon);
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '.' || c == '/'
        || c == '-';
  }

  /** The offset of the quote closing the one-line quoted scalar at {@code at}. */
  private int closingQuote(int at) {
    char q = at(at);
    for (int i = at + 1; i < lineEnd; i++) {
      char c = at(i);
      if (q == '"' && c == '\\') {
        if (i + 1 < lineEnd && (at(i + 1) == '"' || at(i + 1) == '\\')) {
          i++;
          continue;
        }
        throw GiveUp.INSTANCE;
      }
      if (c == q) {
        if (q == '\'' && i + 1 < lineEnd && at(i + 1) == '\'') {
          i++;
          continue;
        }
        return i;
      }
    }
    throw GiveUp.INSTANCE; // multi-line or unterminated
  }

  private String unquote(int open, int close) {
    char q = at(open);
    String inner = strings.get(open + 1, close);
    if (q == '"') {
      return inner.indexOf('\\') < 0 ? inner : inner.replace("\\\\", "\u0000").replace("\\\"", "\"")
          .replace('\u0000', '\\');
    }
    return inner.replace("''", "'");
  }

  /** True for {@code -} followed by a space or the line end at {@code at}. */
  private boolean isDash(int at) {
    return at(at) == '-' && (at + 1 == lineEnd || at(at + 1) == ' ');
  }

  private boolean isDocumentStart() {
    return content == lineStart && startsWith3(lineStart, '-')
        && (lineStart + 3 == lineEnd || at(lineStart + 3) == ' ');
  }

  /** Only spaces, or spaces then a comment, from {@code at} to the line end. */
  private boolean restIsComment(int at) {
    int i = skipSpaces(at);
    return i == lineEnd || (i > at && at(i) == '#');
  }

  private boolean restIsBlank(int at) {
    return skipSpaces(at) == lineEnd;
  }

  private int skipSpaces(int at) {
    int i = at;
    while (i < lineEnd && at(i) == ' ') {
      i++;
    }
    return i;
  }

  private boolean atEnd() {
    return lineStart >= end;
  }

  private void setLine(int start) {
    lineStart = start;
    int nl = start;
    while (nl < end && text[nl] != '\n') {
      nl++;
    }
    lineEnd = nl;
    int i = start;
    while (i < lineEnd && at(i) == ' ') {
      i++;
    }
    content = i;
  }

  private void nextLine() {
    if (lineEnd < end) {
      line++;
      setLine(lineEnd + 1);
    } else {
      setLine(end);
      lineStart = end + 1; // past the end: atEnd()
    }
  }

  /** Skips lines that are empty, blank or only a comment. */
  private void skipBlankLines() {
    while (!atEnd() && (content == lineEnd || at(content) == '#')) {
      nextLine();
    }
  }

  private void noteLine(int l) {
    if (l > lastLine) {
      lastLine = l;
    }
  }

  private char at(int i) {
    return (char) text[i];
  }

  /** True when {@code text[i, i + 3)} is three times {@code c}. */
  private boolean startsWith3(int i, char c) {
    return i + 3 <= text.length && text[i] == c && text[i + 1] == c && text[i + 2] == c;
  }

  private static int clamp(long size) {
    return (int) Math.min(size, Integer.MAX_VALUE);
  }
}
