package dev.netpolc.cli.format.diff;

import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.DiffResult;
import java.util.List;
import java.util.Optional;

/** Shared wording of the diff formats. */
final class Sides {
  private Sides() {}

  /** {@code backend (all pods)}, {@code backend/app=web (2 pods)}, {@code backend/a} or {@code backend/{a, b}}. */
  static String side(String namespace, String description, List<String> pods) {
    if (description.equals("all pods")) {
      return namespace + " (all " + pods.size() + " pod" + (pods.size() == 1 ? "" : "s") + ")";
    }
    if (pods.size() == 1) {
      return pods.get(0);
    }
    if (description.contains("=")) {
      return namespace + "/" + description + " (" + pods.size() + " pods)";
    }
    return namespace + "/{" + description + "}";
  }

  static String source(ChangeBlock b) {
    return side(b.sourceNamespace(), b.sourceDescription(), b.sources());
  }

  static String destination(ChangeBlock b) {
    return side(b.destinationNamespace(), b.destinationDescription(), b.destinations());
  }

  /** {@code 2 groups newly allowed (3 pod pairs), 1 group newly denied (2 pod pairs)}, or no change. */
  static String summary(DiffResult r, Optional<String> probe) {
    String on = probe.map(p -> " on " + p).orElse("");
    if (r.isEmpty()) {
      return "no connection between pods changes" + on;
    }
    return count(r, Change.NEWLY_ALLOWED, "newly allowed") + ", " + count(r, Change.NEWLY_DENIED, "newly denied") + on;
  }

  private static String count(DiffResult r, Change c, String what) {
    int groups = r.blocks(c).size();
    long pairs = r.pairCount(c);
    return groups + " group" + (groups == 1 ? "" : "s") + " " + what + " (" + pairs + " pod pair" + (pairs == 1 ? "" : "s")
        + ")";
  }
}
