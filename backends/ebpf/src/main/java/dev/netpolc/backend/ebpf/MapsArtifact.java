package dev.netpolc.backend.ebpf;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What maps.json describes: the node the maps are for (empty for cluster-wide), the bpffs
 * directory the maps are pinned in, each map's maximum, and the entries.
 *
 * @param node   the node, or empty for a cluster-wide artifact
 * @param pinDir the absolute directory holding the pinned maps ({@code /sys/fs/bpf/netpolc})
 * @param limits the maximum entries of each map
 * @param maps   the entries
 */
public record MapsArtifact(Optional<String> node, String pinDir, MapLimits limits, EbpfMaps maps) {
  /** What a pin directory may look like: absolute, plain characters, no {@code ..}. */
  private static final Pattern PIN_DIR = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  public MapsArtifact {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(maps, "maps");
    String reason = pinDirProblem(pinDir);
    if (reason != null) {
      throw new IllegalArgumentException(reason);
    }
  }

  /** Why {@code dir} is no valid pin directory, or null when it is. */
  public static String pinDirProblem(String dir) {
    if (dir == null || !PIN_DIR.matcher(dir).matches()) {
      return "pin directory must be an absolute path of letters, digits, '_', '.', '-' and '/' (no trailing '/')";
    }
    for (String part : dir.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        return "pin directory must not contain '.' or '..' components";
      }
    }
    if (dir.length() > 200) {
      return "pin directory longer than 200 characters";
    }
    return null;
  }

  /** The pinned path of {@code map}. */
  public String pinnedPath(EbpfMap map) {
    return pinDir + "/" + map.mapName();
  }

  /** {@code node NAME} or {@code cluster-wide}. */
  public String scope() {
    return node.map(n -> "node " + n).orElse("cluster-wide");
  }
}
