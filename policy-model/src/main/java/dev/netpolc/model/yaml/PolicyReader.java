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
import dev.netpolc.model.calico.CalicoNetworkSet;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoResources;
import dev.netpolc.model.calico.CalicoTier;
import dev.netpolc.model.calico.EndpointSlice;
import dev.netpolc.model.calico.Service;
import dev.netpolc.model.calico.ServiceAccount;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.cilium.CiliumResources;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.npa.AdminNetworkPolicy;
import dev.netpolc.model.npa.BaselineAdminNetworkPolicy;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
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
 * Reads Kubernetes objects (v1 Namespace, Pod, Node, networking.k8s.io/v1 NetworkPolicy,
 * policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy and v1alpha1 AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy; Calico's projectcalico.org/v3 and crd.projectcalico.org/v1
 * NetworkPolicy, GlobalNetworkPolicy, their Staged forms, Tier, NetworkSet and GlobalNetworkSet;
 * Cilium's cilium.io/v2 CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy; v1 ServiceAccount and Service, discovery.k8s.io/v1 EndpointSlice) from YAML and JSON into a
 * {@link Cluster}, each kind in input
 * order. Accepts files, directories (recursively, every {@code *.yaml}, {@code *.yml} and
 * {@code *.json} in sorted path order) and {@code -} for stdin; multi-document streams, {@code List} and {@code XxxList} objects and Helm output.
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
 * <p>Each file is read in one streaming pass; a large multi-document YAML stream (2 MiB and up)
 * is cut at its {@code ---} lines and the pieces are parsed on the common fork-join pool, then
 * merged in order, so the result is the same byte for byte. A reader is immutable and may be
 * shared between threads.
 */
public final class PolicyReader {
  /** Chunks of one large file are parsed on this many threads at most (the common pool's). */
  private static final int PARALLELISM = Math.max(1, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());

  /** The display name of standard input. */
  public static final String STDIN = "<stdin>";

  private final ReaderLimits limits;
  /** False to parse all YAML with Jackson (tests compare the two paths). */
  private final boolean simpleScanner;
  /** False to parse every file in one piece, on the calling thread. */
  private final boolean parallel;
  private final YAMLFactory yamlFactory;
  private final JsonFactory jsonFactory;

  /** A reader with {@link ReaderLimits#DEFAULTS}. */
  public PolicyReader() {
    this(ReaderLimits.DEFAULTS);
  }

  /** A reader with the given limits. */
  public PolicyReader(ReaderLimits limits) {
    this(limits, true);
  }

  /**
   * A reader with the given limits that tries {@link SimpleYamlScanner} on each YAML chunk
   * first when {@code simpleScanner} is true, and uses only Jackson's parser otherwise.
   */
  PolicyReader(ReaderLimits limits, boolean simpleScanner) {
    this(limits, simpleScanner, true);
  }

  /**
   * As {@link #PolicyReader(ReaderLimits, boolean)}, cutting large streams into chunks parsed in
   * parallel only when {@code parallel} (tests compare the two).
   */
  PolicyReader(ReaderLimits limits, boolean simpleScanner, boolean parallel) {
    this.limits = limits;
    this.simpleScanner = simpleScanner;
    this.parallel = parallel;
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
      s.parse(displayName, text, simpleScanner ? SimpleYamlScanner.asciiBytes(text) : null);
    }
    return s.result();
  }

  /** The state of one read: totals, limits used so far, and what clean files produced. */
  private final class Session {
    private final List<Namespace> namespaces = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<NetworkPolicy> policies = new ArrayList<>();
    private final List<ClusterNetworkPolicy> clusterNetworkPolicies = new ArrayList<>();
    private final List<AdminNetworkPolicy> adminNetworkPolicies = new ArrayList<>();
    private final List<BaselineAdminNetworkPolicy> baselineAdminNetworkPolicies = new ArrayList<>();
    private final List<CalicoPolicy> calicoPolicies = new ArrayList<>();
    private final List<CalicoTier> calicoTiers = new ArrayList<>();
    private final List<CalicoNetworkSet> calicoNetworkSets = new ArrayList<>();
    private final List<ServiceAccount> serviceAccounts = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> endpointSlices = new ArrayList<>();
    private final List<NetworkPolicy> stagedKubernetesPolicies = new ArrayList<>();
    private final List<String> stagedKubernetesActions = new ArrayList<>();
    private final List<CiliumPolicy> ciliumPolicies = new ArrayList<>();
    private final TreeMap<String, Integer> skipped = new TreeMap<>();
    private final List<Diagnostic> errors = new ArrayList<>();
    /** Objects (skipped kinds included) of every file so far, for {@code maxObjects}. */
    private int objectsSeen;
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
      // Files are loaded and merged in order; their decoding and parsing overlap, a batch of
      // files (up to LOOKAHEAD_BYTES of them, so memory stays bounded) at a time.
      List<Pending> batch = new ArrayList<>();
      long batchBytes = 0;
      for (Path f : files) {
        if (stopped) {
          break;
        }
        Pending next = load(f);
        batch.add(next);
        batchBytes += next.bytes == null ? 0 : next.bytes.length;
        if (batchBytes >= LOOKAHEAD_BYTES) {
          readAll(batch);
          batch = new ArrayList<>();
          batchBytes = 0;
        }
      }
      readAll(batch);
    }

    void readFile(Path p) {
      readAll(List.of(load(p)));
    }

    /** Admits and reads one file's bytes; the error that stops it is held for its turn. */
    private Pending load(Path p) {
      String name = p.toString();
      try {
        Diagnostic refusal = refusal(name, Files.size(p));
        if (refusal != null) {
          return failed(name, refusal);
        }
        return new Pending(name, Files.readAllBytes(p));
      } catch (IOException | RuntimeException e) {
        return failed(name, fileDiagnostic(ReaderRule.IO, name, 0, 0, "cannot read: " + describe(e)));
      }
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
        readAll(List.of(new Pending(name, bytes)));
      }
    }

    private Pending failed(String name, Diagnostic error) {
      Pending p = new Pending(name, null);
      p.error = error;
      return p;
    }

    /** Checks the size limits before a file is read; true when it may be read. */
    boolean admit(String name, long size) {
      Diagnostic refusal = refusal(name, size);
      if (refusal != null) {
        errors.add(refusal);
      }
      return refusal == null;
    }

    /** The size-limit error that keeps a file of {@code size} bytes unread; null when admitted. */
    private Diagnostic refusal(String name, long size) {
      if (size > limits.maxFileBytes() || size > Integer.MAX_VALUE - 8) {
        return fileDiagnostic(ReaderRule.LIMIT, name, 1, 1, "file larger than " + limits.maxFileBytes() + " bytes");
      }
      if (totalBytes + size > limits.maxTotalBytes()) {
        stopped = true;
        return fileDiagnostic(ReaderRule.LIMIT, name, 1, 1, "input larger than " + limits.maxTotalBytes()
            + " bytes in total; no further input read");
      }
      totalBytes += size;
      return null;
    }

    /**
     * Decodes and parses {@code files} (large YAML streams in chunks, all chunks of all files in
     * parallel), then merges each in order, as if they were read one after the other.
     */
    void readAll(List<Pending> files) {
      if (files.isEmpty()) {
        return;
      }
      (parallel && files.size() > 1 ? files.parallelStream() : files.stream()).forEach(this::decode);
      List<Map.Entry<Pending, DocumentChunks.Chunk>> work = new ArrayList<>();
      for (Pending f : files) {
        if (f.error == null) {
          f.chunks.forEach(c -> work.add(Map.entry(f, c)));
        }
      }
      List<ChunkResult> results = work.size() == 1
          ? List.of(parseChunk(work.get(0).getKey(), work.get(0).getValue()))
          : work.parallelStream().map(w -> parseChunk(w.getKey(), w.getValue())).collect(Collectors.toList());
      for (int i = 0; i < work.size(); i++) {
        work.get(i).getKey().results.add(results.get(i));
      }
      for (Pending f : files) {
        if (f.error != null) {
          errors.add(f.error);
        } else {
          merge(f.name, f.results);
        }
      }
    }

    /** Decodes a file's bytes and cuts its text into chunks (or notes why it cannot be read). */
    private void decode(Pending f) {
      if (f.error != null || f.text != null) {
        return;
      }
      String text;
      try {
        text = Utf8.decode(f.bytes, f.name);
      } catch (InputException e) {
        f.error = e.diagnostic();
        return;
      }
      // ASCII text (the common case) is scanned as the very bytes read, without a copy.
      byte[] ascii = null;
      if (simpleScanner && text.length() == f.bytes.length) {
        ascii = f.bytes;
      } else if (simpleScanner && text.length() == f.bytes.length - 3 && Utf8.isAscii(f.bytes, 3)) {
        ascii = java.util.Arrays.copyOfRange(f.bytes, 3, f.bytes.length); // after a byte-order mark
      }
      f.bytes = null;
      f.cut(text, ascii);
    }

    /** Parses one text (large YAML streams in parallel chunks) and merges what it read. */
    void parse(String name, String text, byte[] ascii) {
      Pending f = new Pending(name, null);
      f.cut(text, ascii);
      readAll(List.of(f));
    }

    private void merge(String name, List<ChunkResult> results) {
      List<Diagnostic> fileErrors = new ArrayList<>();
      List<Object> objects = new ArrayList<>();
      Map<String, Integer> fileSkipped = new TreeMap<>();
      int documents = 0;
      int aliases = 0;
      long expansion = 0;
      merging:
      for (ChunkResult r : results) {
        for (DocumentBinder.Item item : r.items) {
          switch (item.kind()) {
            case DOCUMENT:
              if (++documents > limits.maxDocuments()) {
                fileErrors.add(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR, item.position(), "",
                    "more than " + limits.maxDocuments() + " documents in one file"));
                break merging;
              }
              break;
            case OBJECT:
            case SKIPPED:
              if (++objectsSeen > limits.maxObjects()) {
                fileErrors.add(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR, item.position(), item.path(),
                    "more than " + limits.maxObjects() + " objects in the input"));
                break merging;
              }
              if (item.kind() == DocumentBinder.Kind.SKIPPED) {
                fileSkipped.merge((String) item.value(), 1, Integer::sum);
              } else {
                objects.add(item.value());
              }
              break;
            case ERROR:
              fileErrors.add((Diagnostic) item.value());
              if (fileErrors.size() >= DocumentBinder.MAX_ERRORS_PER_FILE) {
                break merging;
              }
              break;
            default: // FATAL: the file ends here, whatever later chunks read
              fileErrors.add((Diagnostic) item.value());
              break merging;
          }
        }
        aliases += r.aliases;
        expansion += r.expansion;
        if (aliases > limits.maxAliases() || expansion > limits.maxAliasExpansion()) {
          // Only reachable across chunks; within one the tree builder stops at the exact alias.
          fileErrors.add(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR, r.start, "", "YAML aliases in this file"
              + " exceed " + limits.maxAliases() + " uses or " + limits.maxAliasExpansion() + " expanded nodes"));
          break;
        }
      }
      if (!fileErrors.isEmpty()) {
        errors.addAll(fileErrors);
        return;
      }
      for (Object o : objects) {
        if (o instanceof Namespace) {
          namespaces.add((Namespace) o);
        } else if (o instanceof Pod) {
          pods.add((Pod) o);
        } else if (o instanceof Node) {
          nodes.add((Node) o);
        } else if (o instanceof NetworkPolicy) {
          policies.add((NetworkPolicy) o);
        } else if (o instanceof ClusterNetworkPolicy) {
          clusterNetworkPolicies.add((ClusterNetworkPolicy) o);
        } else if (o instanceof AdminNetworkPolicy) {
          adminNetworkPolicies.add((AdminNetworkPolicy) o);
        } else if (o instanceof BaselineAdminNetworkPolicy) {
          baselineAdminNetworkPolicies.add((BaselineAdminNetworkPolicy) o);
        } else if (o instanceof CalicoPolicy) {
          calicoPolicies.add((CalicoPolicy) o);
        } else if (o instanceof CalicoTier) {
          calicoTiers.add((CalicoTier) o);
        } else if (o instanceof CalicoNetworkSet) {
          calicoNetworkSets.add((CalicoNetworkSet) o);
        } else if (o instanceof ServiceAccount) {
          serviceAccounts.add((ServiceAccount) o);
        } else if (o instanceof Service) {
          services.add((Service) o);
        } else if (o instanceof CiliumPolicy) {
          ciliumPolicies.add((CiliumPolicy) o);
        } else if (o instanceof DocumentBinder.StagedKubernetesPolicy) {
          stagedKubernetesPolicies.add(((DocumentBinder.StagedKubernetesPolicy) o).policy());
          stagedKubernetesActions.add(((DocumentBinder.StagedKubernetesPolicy) o).stagedAction());
        } else {
          endpointSlices.add((EndpointSlice) o);
        }
      }
      fileSkipped.forEach((k, v) -> skipped.merge(k, v, Integer::sum));
      objectCount += objects.size();
    }

    void fileError(ReaderRule rule, String name, int line, int column, String message) {
      errors.add(fileDiagnostic(rule, name, line, column, message));
    }

    private Diagnostic fileDiagnostic(ReaderRule rule, String name, int line, int column, String message) {
      return Diagnostic.of(rule.id(), Severity.ERROR, position(name, line, column), "", message);
    }

    ReadResult result() {
      CalicoResources calico = new CalicoResources(calicoPolicies, calicoTiers, calicoNetworkSets, serviceAccounts,
          services, endpointSlices, stagedKubernetesPolicies, stagedKubernetesActions);
      return new ReadResult(new Cluster(namespaces, pods, nodes, policies, clusterNetworkPolicies,
          adminNetworkPolicies, baselineAdminNetworkPolicies, calico, new CiliumResources(ciliumPolicies)),
          errors.stream().map(PolicyReader::printable)
          .collect(Collectors.toList()), skipped, objectCount);
    }
  }

  /** Look-ahead of a directory read: files decoded and parsed together, about this many bytes. */
  private static final long LOOKAHEAD_BYTES = 64L << 20;

  /** One file on its way through a read: its bytes, then its text cut in chunks, then their results. */
  private final class Pending {
    final String name;
    byte[] bytes;
    /** What keeps the file unread (a size limit, an I/O or encoding error); null when readable. */
    Diagnostic error;
    String text;
    byte[] ascii;
    boolean json;
    Suppressions suppressions;
    LineIndex lines;
    /** The text's lines for placing Calico selector errors inside their scalars (JSON too). */
    LineIndex selectorLines;
    List<DocumentChunks.Chunk> chunks;
    final List<ChunkResult> results = new ArrayList<>();

    Pending(String name, byte[] bytes) {
      this.name = name;
      this.bytes = bytes;
    }

    /** Scans the text for suppressions and lines and cuts it where documents start. */
    void cut(String text, byte[] ascii) {
      this.text = text;
      this.ascii = ascii;
      json = name.toLowerCase(Locale.ROOT).endsWith(".json");
      suppressions = json ? Suppressions.NONE : Suppressions.scan(text);
      lines = json ? null : new LineIndex(text);
      selectorLines = lines != null ? lines : new LineIndex(text);
      // Several chunks per thread, so that threads finishing early take the rest.
      chunks = json || !parallel
          ? List.of(new DocumentChunks.Chunk(0, text.length(), 0))
          : DocumentChunks.split(text, Math.max(1 << 20, text.length() / (8 * (PARALLELISM + 1))));
    }
  }

  private ChunkResult parseChunk(Pending f, DocumentChunks.Chunk chunk) {
    return parseChunk(f.name, f.text, f.ascii, chunk, f.json, f.lines, f.selectorLines, f.suppressions);
  }

  /** What one chunk of a file read. */
  private static final class ChunkResult {
    final List<DocumentBinder.Item> items;
    final int aliases;
    final long expansion;
    final SourcePosition start;

    ChunkResult(List<DocumentBinder.Item> items, int aliases, long expansion, SourcePosition start) {
      this.items = items;
      this.aliases = aliases;
      this.expansion = expansion;
      this.start = start;
    }
  }

  /** Parses and binds one chunk; never throws. */
  private ChunkResult parseChunk(String name, String text, byte[] ascii, DocumentChunks.Chunk chunk, boolean json,
      LineIndex lines, LineIndex selectorLines, Suppressions suppressions) {
    DocumentBinder binder = new DocumentBinder(name, suppressions, selectorLines);
    if (!json && ascii != null) {
      // The common case, several times faster than Jackson's YAML parser; anything the scanner
      // does not fully understand (errors included) is parsed by Jackson below instead.
      DocumentBinder fast = binder;
      if (SimpleYamlScanner.scan(ascii, chunk.start(), chunk.end(), chunk.lineOffset(), limits,
          new SimpleYamlScanner.Sink() {
            @Override
            public boolean document(YNode d) {
              fast.document(d);
              return fast.errorCount() < DocumentBinder.MAX_ERRORS_PER_FILE;
            }

            @Override
            public void oversized(int line, int column, String path) {
              // Refused where it starts, before the scalar is copied: the error TreeBuilder gives.
              fast.fatal(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR, position(name, line, column), path,
                  "scalar longer than " + limits.maxScalarChars() + " characters"));
            }

            @Override
            public boolean hollowsSkippedKinds() {
              return true; // the binder reads only kind and apiVersion of those
            }
          })) {
        return new ChunkResult(binder.items, 0, 0, position(name, chunk.lineOffset() + 1, 1));
      }
      binder = new DocumentBinder(name, suppressions, selectorLines);
    }
    String part = chunk.start() == 0 && chunk.end() == text.length() ? text : text.substring(chunk.start(), chunk.end());
    TreeBuilder trees = null;
    try (JsonParser parser = json ? jsonFactory.createParser(part) : yamlFactory.createParser(part)) {
      trees = new TreeBuilder(parser, lines, chunk.lineOffset(), name, limits);
      int documents = 0;
      JsonToken t;
      while ((t = parser.nextToken()) != null) {
        if (++documents > limits.maxDocuments()) {
          JsonLocation at = parser.currentTokenLocation();
          throw new InputException(Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR,
              position(name, at.getLineNr() + chunk.lineOffset(), at.getColumnNr()), "",
              "more than " + limits.maxDocuments() + " documents in one file"));
        }
        binder.document(trees.document(t));
        if (binder.errorCount() >= DocumentBinder.MAX_ERRORS_PER_FILE) {
          break;
        }
      }
    } catch (InputException e) {
      binder.fatal(e.diagnostic());
    } catch (JsonProcessingException e) {
      binder.fatal(syntaxError(name, part, chunk.lineOffset(), e));
    } catch (IOException | RuntimeException e) {
      // Jackson and SnakeYAML may fail in ways their APIs do not declare; none may escape.
      binder.fatal(Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, position(name, chunk.lineOffset() + 1, 1),
          "", "unreadable input: " + describe(e)));
    }
    return new ChunkResult(binder.items, trees == null ? 0 : trees.aliases(), trees == null ? 0 : trees.expansion(),
        position(name, chunk.lineOffset() + 1, 1));
  }

  /** Translates a parser exception into NP001 (or NP002 for Jackson's own limits) at the right place. */
  private static Diagnostic syntaxError(String name, String text, int lineOffset, JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      JsonLocation at = e.getLocation();
      return Diagnostic.of(ReaderRule.LIMIT.id(), Severity.ERROR,
          at == null ? position(name, lineOffset + 1, 1) : position(name, at.getLineNr() + lineOffset,
              at.getColumnNr()), "", firstLine(e.getOriginalMessage()));
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException) {
        MarkedYAMLException m = (MarkedYAMLException) c;
        Mark problem = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        StringBuilder msg = new StringBuilder(m.getProblem() == null ? "syntax error" : m.getProblem());
        if (m.getContext() != null && m.getContextMark() != null) {
          msg.append(" (").append(m.getContext()).append(" started at line ")
              .append(m.getContextMark().getLine() + 1 + lineOffset).append(", column ")
              .append(m.getContextMark().getColumn() + 1).append(')');
        }
        return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, problem == null
            ? position(name, lineOffset + 1, 1)
            : position(name, problem.getLine() + 1 + lineOffset, problem.getColumn() + 1), "", msg.toString());
      }
      if (c instanceof ReaderException) {
        ReaderException r = (ReaderException) c;
        int[] lc = lineColumnOfCodePoint(text, r.getPosition());
        return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR, position(name, lc[0] + lineOffset, lc[1]), "",
            String.format("control character U+%04X is not allowed in YAML", r.getCodePoint()));
      }
    }
    JsonLocation at = e.getLocation();
    return Diagnostic.of(ReaderRule.SYNTAX.id(), Severity.ERROR,
        at == null ? position(name, lineOffset + 1, 1)
            : position(name, Math.max(at.getLineNr(), 1) + lineOffset, Math.max(at.getColumnNr(), 1)),
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

  /**
   * {@code d} with control characters in its message and path shown as {@code ?}: both may quote
   * the input (a key, or the parser's view of a character), and an error must not send escape
   * sequences to the terminal that prints it.
   */
  private static Diagnostic printable(Diagnostic d) {
    String message = CONTROL.matcher(d.message()).replaceAll("?");
    String path = CONTROL.matcher(d.path()).replaceAll("?");
    return message.equals(d.message()) && path.equals(d.path()) ? d
        : new Diagnostic(d.ruleId(), d.severity(), d.position(), path, message, d.related());
  }

  private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("[\\p{Cc}\\u2028\\u2029]");

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
