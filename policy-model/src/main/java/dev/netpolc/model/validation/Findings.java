package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.SourceMap;
import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.List;

/**
 * Collects the findings about one object, placing each at the position its field path has in
 * the object's {@link SourceMap}. Messages start with the field path, as the API server's do.
 */
public final class Findings {
  private final SourceMap source;
  private final ImmutableList.Builder<Diagnostic> out = ImmutableList.builder();

  /** Findings about an object whose fields are positioned by {@code source}. */
  public Findings(SourceMap source) {
    this.source = source;
  }

  /** Reports an error at {@code path}. */
  public void error(String ruleId, String path, String message) {
    add(ruleId, Severity.ERROR, path, source.find(path), message);
  }

  /** Reports a warning at {@code path}. */
  public void warning(String ruleId, String path, String message) {
    add(ruleId, Severity.WARNING, path, source.find(path), message);
  }

  /**
   * Reports a problem with the key {@code key} of the map at {@code mapPath}: the API server
   * names the map; the position is the entry's (its value, on the key's line) when recorded.
   */
  public void mapEntry(String ruleId, String mapPath, String key, String message) {
    add(ruleId, Severity.ERROR, mapPath, keyPosition(mapPath, key), message);
  }

  /** Reports a finding with an explicit position (objects without a source map). */
  public void add(String ruleId, Severity severity, String path, SourcePosition position, String message) {
    out.add(Diagnostic.of(ruleId, severity, position, path, path.isEmpty() ? message : path + ": " + message));
  }

  /** The position of a map key, trying the path forms a reader may record. */
  public SourcePosition keyPosition(String mapPath, String key) {
    for (String candidate : List.of(mapPath + "." + key, mapPath + "[" + key + "]", mapPath + "['" + key + "']")) {
      if (source.has(candidate)) {
        return source.find(candidate);
      }
    }
    return source.find(mapPath);
  }

  /** Everything reported so far, in report order. */
  public List<Diagnostic> list() {
    return out.build();
  }
}
