package dev.netpolc.model.yaml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.Namespace;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Node;
import dev.netpolc.model.Pod;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads Kubernetes objects (v1 Namespace, Pod, Node and networking.k8s.io/v1 NetworkPolicy)
 * from YAML and JSON into a {@link Cluster}. Accepts files, directories (recursively, every
 * {@code *.yaml}, {@code *.yml} and {@code *.json} in sorted path order) and {@code -} for
 * stdin; multi-document streams, {@code List} and {@code XxxList} objects and Helm output.
 * Other kinds are skipped and counted. Every policy field keeps its file, line and column.
 *
 * <p>Broken or hostile input never throws: each problem is an error {@link Diagnostic} with
 * file, line, column and field path (ids in {@link ReaderRule}), and a file with any error
 * contributes no object at all. {@link ReaderLimits} bound what one read may consume.
 *
 * <pre>{@code
 * ReadResult r = new PolicyReader().read(List.of(Path.of("policies/")));
 * if (!r.ok()) r.errors().forEach(System.err::println);
 * Cluster cluster = r.cluster();
 * }</pre>
 *
 * <p>A reader is immutable and may be shared between threads.
 */
public final class PolicyReader {
  /** The display name of standard input. */
  public static final String STDIN = "<stdin>";

  private final ReaderLimits limits;
  private final YAMLFactory yamlFactory;
  private final JsonFactory jsonFactory;

  /** A reader with {@link ReaderLimits#DEFAULTS}. */
  public PolicyReader() {
    this(ReaderLimits.DEFAULTS);
  }

  /** A reader with the given limits. */
  public PolicyReader(ReaderLimits limits) {
    this.limits = limits;
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(Math.max(limits.maxAliases(), 1));
    options.setNestingDepthLimit(limits.effectiveDepth() + 1);
    options.setCodePointLimit((int) Math.min(limits.maxFileBytes(), Integer.MAX_VALUE));
    // Duplicates are detected by TreeBuilder, which reports the second key's own position (NP004);
    // SnakeYAML's check would fire later, at the value, as a generic parse error.
    options.setAllowDuplicateKeys(true);
    options.setAllowRecursiveKeys(false);
    // Our own depth check fires first; Jackson's is a backstop above it.
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(ReaderLimits.DEPTH_CAP + 10)
        .maxStringLength(Math.max(limits.maxScalarChars() + 1, StreamReadConstraints.DEFAULT_MAX_STRING_LEN))
        .build();
    // An empty plain value (`ports:`) is null in YAML, as in kubectl; quoted "" stays a string.
    this.yamlFactory = YAMLFactory.builder().loaderOptions(options).streamReadConstraints(constraints)
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
    this.jsonFactory = JsonFactory.builder().streamReadConstraints(constraints).build();
  }

  /** The limits this reader enforces. */
  public ReaderLimits limits() {
    return limits;
  }

  /**
   * Reads files and directories in the order given; {@code -} reads standard input.
   *
   * @param paths files, directories (searched recursively for *.yaml, *.yml, *.json) or "-"
   * @return the cluster from every clean file, and the errors of the others
   */
  public ReadResult read(List<Path> paths) {
    Session s = new Session();
    for (Path p : paths) {
      if (s.stopped) {
        break;
      }
      if (p.toString().equals("-")) {
        s.readStream(STDIN, System.in);
      } else if (Files.isDirectory(p)) {
        s.readDirectory(p);
      } else if (Files.isRegularFile(p)) {
        s.readFile(p);
      } else {
        s.fileError(ReaderRule.IO, p.toString(), 0, 0, Files.exists(p) ? "not a regular file or directory"
            : "no such file or directory");
      }
    }
    return s.result();
  }

  /**
   * Reads one stream (YAML, or JSON when {@code displayName} ends in {@code .json}). The stream
   * is read to its end but not closed.
   */
  public ReadResult read(String displayName, InputStream in) {
    Session s = new Session();
    s.readStream(displayName, in);
    return s.result();
  }

  /** Reads YAML (or JSON, when {@code displayName} ends in {@code .json}) from a string. */
  public ReadResult readString(String displayName, String text) {
    Session s = new Session();
    if (s.admit(displayName, text.length())) {
      s.parse(displayName, text);
    }
    return s.result();
  }

  /** The state of one read: totals, limits used so far, and what clean files produced. */
  private final class Session {
    private final List<Namespace> namespaces = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<NetworkPolicy> policies = new ArrayList<>();
    private final TreeMap<String, Integer> skipped = new TreeMap<>();
    private final List<Diagnostic> errors = new ArrayList<>();
    private final DocumentBinder.ObjectBudget budget = new DocumentBinder.ObjectBudget(limits.maxObjects());
    private long totalBytes;
    private int objectCount;
    /** Set when the total-size limit is hit: reading further inputs would only repeat the error. */
    private boolean stopped;

    void readDirectory(Path dir) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(dir)) {
        files = walk.filter(Files::isRegularFile).filter(PolicyReader::isPolicyFile)
            .sorted(Comparator.comparing(Path::toString)).collect(Collectors.toList());
      } catch (IOException | UncheckedIOException e) {
        fileError(ReaderRule.IO, dir.toString(), 0, 0, "cannot list directory: " + describe(e));
        return;
      }
      for (Path f : files) {
        if (stopped) {
          return;
        }
        readFile(f);
      }
    }

    void readFile(Path p) {
      String name = p.toString();
      byte[] bytes;
      try {
        if (!admit(name, Files.size(p))) {
          return;
        }
        bytes = Files.readAllBytes(p);
      } catch (IOException | RuntimeException e) {
        fileError(ReaderRule.IO, name, 0, 0, "cannot read: " + describe(e));
        return;
      }
      decodeAndParse(name, bytes);
    }

    void readStream(String name, InputStream in) {
      byte[] bytes;
      try {
        long cap = Math.min(limits.maxFileBytes() + 1, Integer.MAX_VALUE - 8);
        bytes = in.readNBytes((int) cap);
      } catch (IOException | RuntimeException e) {
        fileError(ReaderRule.IO, name, 0, 0, "cannot read: " + describe(e));
        return;
      }
      if (admit(name, bytes.length)) {
        decodeAndParse(name, bytes);
      }
    }

    /** Checks the size limits before a file is read; true when it may be read. */
    boolean admit(String name, long size) {
      if (size > limits.maxFileBytes() || size > Integer.MAX_VALUE - 8) {
        fileError(ReaderRule.LIMIT, name, 1, 1, "file larger than " + limits.maxFileBytes() + " bytes");
        return false;
      }
      if (totalBytes + size > limits.maxTotalBytes()) {
        fileError(ReaderRule.LIMIT, name, 1, 1, "input larger than " + limits.maxTotalBytes()
            + " bytes in total; no further input read");
        stopped = true;
        return false;
      }
      totalBytes += size;
      return true;
    }

    private void decodeAndParse(String name, byte[] bytes) {
      String text;
      try {
        text = Utf8.decode(bytes, name);
      } catch (InputException e) {
        errors.add(e.diagnostic());
        return;
      }
      parse(name, text);
    }

    /** Parses one file's text; adds its objects only when it has no error. */
    void parse(String name, String text) {
      boolean json = name.toLowerCase(Locale.ROOT).endsWith(".json");
      DocumentBinder binder = new DocumentBinder(name, json ? Suppressions.NONE : Suppressions.scan(text), budget);
      try (JsonParser parser = json ? jsonFactory.createParser(text) : yamlFactory.createParser(text)) {
        TreeBuilder trees = new TreeBuilder(parser, json ? null : text, name, limits);
        int documents = 0;
        JsonToken t;
        while ((t = parser.nextToken()) != null) {
          if (++documents > limits.maxDocuments()) {
            JsonLocation at = parser.currentTokenLocation();
            throw new InputException(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR,
                position(name, at.getLineNr(), at.getColumnNr()), "",
                "more than " + limits.maxDocuments() + " documents in one file"));
          }
          binder.document(trees.document(t));
          if (binder.errors.size() >= DocumentBinder.MAX_ERRORS_PER_FILE) {
            break;
          }
        }
      } catch (InputException e) {
        binder.errors.add(e.diagnostic());
      } catch (JsonProcessingException e) {
        binder.errors.add(syntaxError(name, text, e));
      } catch (IOException | RuntimeException e) {
        // Jackson and SnakeYAML may fail in ways their APIs do not declare; none may escape.
        binder.errors.add(Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, position(name, 1, 1), "",
            "unreadable input: " + describe(e)));
      }
      if (!binder.errors.isEmpty()) {
        errors.addAll(binder.errors);
        return;
      }
      namespaces.addAll(binder.namespaces);
      pods.addAll(binder.pods);
      nodes.addAll(binder.nodes);
      policies.addAll(binder.policies);
      binder.skipped.forEach((k, v) -> skipped.merge(k, v, Integer::sum));
      objectCount += binder.objectCount();
    }

    void fileError(ReaderRule rule, String name, int line, int column, String message) {
      errors.add(Diagnostic.of(rule.id(), Severity.ERROR, position(name, line, column), "", message));
    }

    ReadResult result() {
      return new ReadResult(new Cluster(namespaces, pods, nodes, policies), errors, skipped, objectCount);
    }
  }

  /** Translates a parser exception into NP001 (or NP002 for Jackson's own limits) at the right place. */
  private static Diagnostic syntaxError(String name, String text, JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      JsonLocation at = e.getLocation();
      return Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR,
          at == null ? position(name, 1, 1) : position(name, at.getLineNr(), at.getColumnNr()), "",
          firstLine(e.getOriginalMessage()));
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException) {
        MarkedYAMLException m = (MarkedYAMLException) c;
        Mark problem = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        StringBuilder msg = new StringBuilder(m.getProblem() == null ? "syntax error" : m.getProblem());
        if (m.getContext() != null && m.getContextMark() != null) {
          msg.append(" (").append(m.getContext()).append(" started at line ")
              .append(m.getContextMark().getLine() + 1).append(", column ")
              .append(m.getContextMark().getColumn() + 1).append(')');
        }
        return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, problem == null ? position(name, 1, 1)
            : position(name, problem.getLine() + 1, problem.getColumn() + 1), "", msg.toString());
      }
      if (c instanceof ReaderException) {
        ReaderException r = (ReaderException) c;
        int[] lc = lineColumnOfCodePoint(text, r.getPosition());
        return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, position(name, lc[0], lc[1]), "",
            String.format("control character U+%04X is not allowed in YAML", r.getCodePoint()));
      }
    }
    JsonLocation at = e.getLocation();
    return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR,
        at == null ? position(name, 1, 1) : position(name, Math.max(at.getLineNr(), 1), Math.max(at.getColumnNr(), 1)),
        "", firstLine(e.getOriginalMessage()));
  }

  private static int[] lineColumnOfCodePoint(String text, int codePointIndex) {
    int line = 1;
    int column = 1;
    int i = 0;
    for (int cp = 0; cp < codePointIndex && i < text.length(); cp++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.isHighSurrogate(c) && i + 1 < text.length() ? 2 : 1;
    }
    return new int[] {line, column};
  }

  private static boolean isPolicyFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static SourcePosition position(String name, int line, int column) {
    return new SourcePosition(name, Math.max(line, 0), Math.max(column, 0));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "syntax error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : firstLine(m);
  }
}
