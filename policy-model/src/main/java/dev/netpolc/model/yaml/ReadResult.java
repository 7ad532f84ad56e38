package dev.netpolc.model.yaml;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.diagnostics.Diagnostic;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * What a read produced: the objects of every file that read cleanly, the errors of the files
 * that did not (those contribute nothing), and the kinds that were skipped.
 *
 * @param cluster      namespaces, pods, nodes and policies from the clean files, in input order
 * @param errors       every error, in input order (empty when all input was read)
 * @param skippedKinds kinds netpolc does not read, with how many objects of each were skipped
 * @param objectCount  the objects read into {@code cluster} (skipped kinds not included)
 */
public record ReadResult(Cluster cluster, List<Diagnostic> errors, SortedMap<String, Integer> skippedKinds,
    int objectCount) {

  public ReadResult {
    Objects.requireNonNull(cluster, "cluster");
    errors = ImmutableList.copyOf(errors);
    skippedKinds = ImmutableSortedMap.copyOf(skippedKinds);
  }

  /** True when every input was read without error. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
