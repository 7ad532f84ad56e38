package dev.netpolc.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.ebpf.EbpfBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Applies eBPF artifacts with the reference datapath's loader, {@code netpolc-ebpf}. The pods'
 * host-side interfaces are the node's links whose names match a pattern ({@code --ebpf-interfaces},
 * e.g. {@code veth.*} for the bridge and ptp plugins, Flannel included), listed before every
 * apply. When they are the ones attached, every apply is {@code netpolc-ebpf update --batch}: the
 * inactive map generation is filled, then switched to in one map update (atomic for new
 * connections, conntrack kept); the full {@code maps.batch} is such an update too. When they
 * differ (a pod's veth came or went, or nothing is attached yet), {@code attach --replace} loads
 * the object beside the running one, swaps every filter with {@code tc filter replace} and drops
 * the old pins: no moment without a filter, but connection tracking starts empty.
 */
public final class EbpfApplier implements RuleApplier {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The datapath's decision maps; the loader pins two generations of each, {@code _0} and {@code _1}. */
  private static final List<String> MAPS = List.of("np_ident4", "np_ident6", "np_endpoints", "np_policy",
      "np_hostpods");
  private static final Pattern PLAIN_PATH = Pattern.compile("/[A-Za-z0-9._/-]+");

  private final List<String> prefix;
  private final Path loader;
  private final Path object;
  private final String pinDir;
  private final Pattern interfaces;

  /**
   * Runs {@code bash loader} and {@code bpftool} under {@code prefix} (empty, or e.g.
   * {@code ip netns exec NODE}).
   *
   * @param loader     the {@code netpolc-ebpf} script
   * @param object     the compiled {@code netpolc.bpf.o}
   * @param pinDir     the pin directory on a bpffs, one per node (the backend's {@code pinDir})
   * @param interfaces which links are pods' host-side interfaces (the whole name must match)
   */
  public EbpfApplier(List<String> prefix, Path loader, Path object, String pinDir, Pattern interfaces) {
    this.prefix = List.copyOf(prefix);
    this.loader = Objects.requireNonNull(loader, "loader");
    this.object = Objects.requireNonNull(object, "object");
    this.pinDir = Objects.requireNonNull(pinDir, "pinDir").replaceAll("/+$", "");
    this.interfaces = Objects.requireNonNull(interfaces, "interfaces");
    if (!PLAIN_PATH.matcher(this.pinDir).matches()) {
      throw new IllegalArgumentException("pin directory '" + Agent.quote(pinDir)
          + "': an absolute path of letters, digits and . _ - /");
    }
  }

  @Override
  public void replace(Artifact full) throws ApplyException {
    List<String> pods = podInterfaces();
    if (pods.isEmpty()) {
      // No pod on the node: nothing to enforce on; the next apply with a pod attaches.
      cleanup();
      return;
    }
    if (pods.equals(attached())) {
      updateBatch(full.files(), EbpfBackend.DELTA_FILE, "maps.batch");
      return;
    }
    Path dir = NodeCommands.write(full.files());
    try {
      List<String> args = new ArrayList<>(List.of("attach", "--replace", "--artifact", dir.toString(), "--object",
          object.toString(), "--pin-dir", pinDir));
      pods.forEach(i -> args.addAll(List.of("--interface", i)));
      loader(args);
    } finally {
      NodeCommands.delete(dir);
    }
  }

  @Override
  public void update(Artifact installed, Delta delta) throws ApplyException {
    updateBatch(delta.files(), EbpfBackend.DELTA_FILE, "maps.batch");
  }

  /** The delta, or {@code next} attached afresh when the pods' interfaces changed. */
  @Override
  public void update(Artifact installed, Delta delta, Artifact next) throws ApplyException {
    if (!podInterfaces().equals(attached())) {
      replace(next);
    } else {
      update(installed, delta);
    }
  }

  /** {@code netpolc-ebpf detach}: our filters, the clsact qdiscs it added, every pin. */
  @Override
  public void cleanup() throws ApplyException {
    loader(List.of("detach", "--pin-dir", pinDir));
  }

  @Override
  public boolean readsBack() {
    return true;
  }

  /**
   * The active generation's maps as {@code bpftool map dump} lists them, written as a
   * {@code maps.batch} the backend's simulator reads; empty when nothing is attached.
   */
  @Override
  public Optional<Artifact> readBack() throws ApplyException {
    if (!NodeCommands.run(NodeCommands.line(prefix, "test", "-e", pinDir + "/np_gen"), "").ok()) {
      return Optional.empty();
    }
    int gen = activeGeneration();
    StringBuilder batch = new StringBuilder("# netpolc eBPF maps read back from ").append(pinDir)
        .append(" (generation ").append(gen).append(")\n");
    for (String m : MAPS) {
      NodeCommands.Result r = NodeCommands.run(NodeCommands.line(prefix, "bpftool", "-j", "map", "dump", "pinned",
          pinDir + "/" + m + "_" + gen), "");
      if (!r.ok()) {
        if (m.equals("np_hostpods")) {
          continue; // an older object without it
        }
        throw new ApplyException(r.describe());
      }
      for (JsonNode e : json(r.stdout())) {
        batch.append("map update pinned ").append(pinDir).append('/').append(m).append(" key hex ")
            .append(hex(e.get("key"))).append(" value hex ").append(hex(e.get("value"))).append('\n');
      }
    }
    return Optional.of(Artifact.of(EbpfBackend.NAME, "maps.batch", batch.toString()));
  }

  /** The node's links whose name matches the pattern, sorted. */
  List<String> podInterfaces() throws ApplyException {
    TreeSet<String> out = new TreeSet<>();
    for (String line : NodeCommands.check(NodeCommands.line(prefix, "ip", "-o", "link", "show"), "").split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        String name = f[1].replaceAll("@.*", "");
        if (interfaces.matcher(name).matches()) {
          out.add(name);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The interfaces the loader attached (its bookkeeping under the pin directory), sorted; empty when none. */
  private List<String> attached() throws ApplyException {
    if (!NodeCommands.run(NodeCommands.line(prefix, "test", "-e", pinDir + "/np_gen"), "").ok()) {
      return List.of();
    }
    NodeCommands.Result r = NodeCommands.run(NodeCommands.line(prefix, "ls", "-1", "--", pinDir + "/ifaces"), "");
    if (!r.ok()) {
      return List.of();
    }
    return List.copyOf(new TreeSet<>(r.stdout().lines().filter(l -> !l.isBlank()).toList()));
  }

  /** Applies the first of {@code names} the files hold with {@code netpolc-ebpf update --batch}. */
  private void updateBatch(SortedMap<String, String> files, String... names) throws ApplyException {
    String name = null;
    for (String n : names) {
      if (files.containsKey(n)) {
        name = n;
        break;
      }
    }
    if (name == null) {
      throw new ApplyException("the eBPF artifact has none of " + List.of(names) + " (files: " + files.keySet() + ")");
    }
    Path dir = NodeCommands.write(files);
    try {
      loader(List.of("update", "--batch", dir.resolve(name).toString(), "--pin-dir", pinDir));
    } finally {
      NodeCommands.delete(dir);
    }
  }

  private void loader(List<String> args) throws ApplyException {
    List<String> cmd = NodeCommands.line(prefix, "bash", loader.toString());
    cmd.addAll(args);
    NodeCommands.check(cmd, "");
  }

  /** As the loader decides it: 1 when np_gen's slot holds np_gen_1's id, else 0. */
  private int activeGeneration() throws ApplyException {
    JsonNode slot = json(NodeCommands.check(NodeCommands.line(prefix, "bpftool", "-j", "map", "lookup", "pinned",
        pinDir + "/np_gen", "key", "0", "0", "0", "0"), "")).get("value");
    long id = 0;
    for (int i = slot.size() - 1; i >= 0; i--) {
      id = (id << 8) | Long.decode(slot.get(i).asText());
    }
    JsonNode gen1 = json(NodeCommands.check(NodeCommands.line(prefix, "bpftool", "-j", "map", "show", "pinned",
        pinDir + "/np_gen_1"), ""));
    return gen1.get("id").asLong() == id ? 1 : 0;
  }

  private static JsonNode json(String text) throws ApplyException {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ApplyException("bpftool printed no JSON: " + e.getOriginalMessage());
    }
  }

  /** bpftool's ["0x0a", ...] as "0a ...". */
  private static String hex(JsonNode bytes) throws ApplyException {
    if (bytes == null || !bytes.isArray()) {
      throw new ApplyException("bpftool's dump has an entry without key or value bytes");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode b : bytes) {
      String s = b.asText();
      if (!s.matches("0x[0-9a-fA-F]{2}")) {
        throw new ApplyException("bpftool's dump has a byte '" + Agent.quote(s) + "'");
      }
      out.add(s.substring(2).toLowerCase(java.util.Locale.ROOT));
    }
    return String.join(" ", out);
  }
}
