package dev.netpolc.model.generate;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Named cluster sizes for benchmarks. The Antrea presets match the published Antrea controller
 * scale tests shape for shape (their reference figures: 5.8–6.4 s and 1.5–1.7 GB for
 * {@link #ANTREA_LARGE}, 10.7 s and 1.2 GB for {@link #ANTREA_DENSE}); {@link #NODE_AGENT} is what
 * one node's agent compiles on a large cluster. A scale factor shrinks a preset for tests while
 * keeping its shape.
 */
public enum Preset {
  /** 25,000 namespaces, 100,000 pods on 1,000 nodes, 75,000 policies. */
  ANTREA_LARGE("antrea-large"),
  /** 1 namespace, 10,000 pods on 1,000 nodes, 10,000 policies that all select every pod. */
  ANTREA_DENSE("antrea-dense"),
  /** 1,000 namespaces of 100 companies, 100,000 pods on 1,000 nodes, 10,000 policies. */
  ANTREA_CLUSTER_SCOPED("antrea-cluster-scoped"),
  /**
   * 1,000 namespaces, 100,000 pods on 910 nodes with 110 of them on {@link ClusterGenerator#FOCUS_NODE},
   * 10,000 realistic policies, dual-stack.
   */
  NODE_AGENT("node-agent");

  /** The node count of the Antrea tests (each pod on a random one). */
  static final int ANTREA_NODES = 1_000;

  private final String cliName;

  Preset(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line, e.g. {@code antrea-large}. */
  public String cliName() {
    return cliName;
  }

  /** The preset with this command-line name. */
  public static Optional<Preset> byName(String name) {
    return Arrays.stream(values()).filter(p -> p.cliName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
  }

  /** All command-line names, comma-separated, for messages. */
  public static String names() {
    return Arrays.stream(values()).map(Preset::cliName).collect(Collectors.joining(", "));
  }

  /** The full-size spec. */
  public GeneratorSpec spec(long seed) {
    return spec(seed, 1.0);
  }

  /**
   * The spec at {@code scale} (0 &lt; scale ≤ 1) of full size: the repeated unit (namespace, or pod
   * and policy for the dense preset) is repeated {@code scale} times as often, at least once.
   */
  public GeneratorSpec spec(long seed, double scale) {
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
    }
    switch (this) {
      case ANTREA_LARGE: {
        int ns = scaled(25_000, scale);
        return new GeneratorSpec(ClusterShape.ANTREA_SMALL_NAMESPACES, seed, ns, 4 * ns, 3 * ns,
            scaled(ANTREA_NODES, scale), 0, false);
      }
      case ANTREA_DENSE: {
        int n = scaled(10_000, scale);
        return new GeneratorSpec(ClusterShape.ANTREA_ONE_NAMESPACE, seed, 1, n, n, scaled(ANTREA_NODES, scale), 0,
            false);
      }
      case ANTREA_CLUSTER_SCOPED: {
        int ns = scaled(1_000, scale);
        return new GeneratorSpec(ClusterShape.ANTREA_CLUSTER_SCOPED, seed, ns, 100 * ns, 10 * ns,
            scaled(ANTREA_NODES, scale), 0, false);
      }
      case NODE_AGENT: {
        int pods = scaled(100_000, scale);
        return new GeneratorSpec(ClusterShape.REALISTIC, seed, scaled(1_000, scale), pods, scaled(10_000, scale),
            Math.max(2, scaled(910, scale)), Math.min(110, pods), true);
      }
      default:
        throw new AssertionError(this);
    }
  }

  private static int scaled(int full, double scale) {
    return Math.max(1, (int) Math.round(full * scale));
  }
}
