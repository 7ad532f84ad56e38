package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.backend.Artifact;

import dev.netpolc.backend.BackendOptions;
import dev.netpolc.backend.Delta;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.gen.ConnectionProbes;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * maps.batch and a delta against the real kernel and bpftool: in a private mount namespace
 * ({@code unshare -m}, so every pin and map vanishes with it) on a bpffs mounted in a temporary
 * directory, the maps are created as maps.json defines them, filled with {@code bpftool batch
 * file maps.batch}, dumped and compared with the emitted entries; the kernel's LPM lookups of
 * every probe address agree with the simulator's; then a delta for a policy change is applied
 * and the dump equals the new entries. Skips with one line without root or bpftool (fails under CI).
 */
@Tag("kernel")
class RealBpftoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void batchDeltaAndLpmLookupsInTheKernel() throws Exception {
    require();
    Cluster demo = Fixtures.demo();
    Cluster changed = new Cluster(demo.namespaces(), demo.pods(), demo.nodes(),
        demo.policies().stream().filter(p -> !p.name().equals("api-from-frontend")).toList());
    Path dir = Files.createTempDirectory("np-bpf-");
    try {
      Path fs = Files.createDirectories(dir.resolve("fs"));
      BackendOptions options = BackendOptions.DEFAULTS.with("pinDir", fs.toString());
      RuleGraph before = Fixtures.compile(demo, CompileOptions.DEFAULTS.withNode("node-a"));
      RuleGraph after = Fixtures.compile(changed, CompileOptions.DEFAULTS.withNode("node-a"));
      EbpfBackend ebpf = new EbpfBackend();
      Artifact a = ebpf.emit(before, options);
      Delta d = ebpf.delta(a, after, options);
      EbpfMaps m1 = ebpf.maps(before, options);
      EbpfMaps m2 = ebpf.maps(after, options);
      assertThat(m1).isNotEqualTo(m2);
      Files.writeString(dir.resolve("maps.batch"), a.files().get(MapsBatch.FILE));
      Files.writeString(dir.resolve("delta.batch"), d.files().get(EbpfBackend.DELTA_FILE));
      List<IpAddress> peers = new ArrayList<>(new TreeSet<>(ConnectionProbes.of(demo).stream()
          .flatMap(c -> Stream.of(c.source(), c.destination())).toList()));
      StringBuilder script = new StringBuilder("set -e\nmount -t bpf bpf " + fs + "\n");
      for (EbpfMap m : MapsJson.mapsOf(Optional.of("node-a"))) {
        script.append("bpftool map create ").append(fs).append('/').append(m.mapName()).append(" type ")
            .append(m.type()).append(" key ").append(m.keySize()).append(" value ").append(m.valueSize())
            .append(" entries ").append(m.defaultMaxEntries()).append(" name ").append(m.mapName())
            .append(" flags ").append(m.flags()).append('\n');
      }
      script.append("bpftool batch file ").append(dir.resolve("maps.batch")).append(" >/dev/null\n");
      dump(script, fs, dir, "before");
      script.append(": > ").append(dir.resolve("lookups")).append('\n');
      for (IpAddress ip : peers) {
        String map = ip.v6() ? "np_ident6" : "np_ident4";
        script.append("bpftool -j map lookup pinned ").append(fs).append('/').append(map).append(" key hex ")
            .append(ByteCodec.spacedHex(new IdentityKey(new dev.netpolc.model.Cidr(ip, ip.bits())).encode()))
            .append(" >> ").append(dir.resolve("lookups")).append("; echo >> ").append(dir.resolve("lookups"))
            .append('\n');
      }
      script.append("bpftool batch file ").append(dir.resolve("delta.batch")).append(" >/dev/null\n");
      dump(script, fs, dir, "after");
      Files.writeString(dir.resolve("run.sh"), script.toString());
      Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", dir.resolve("run.sh").toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("script output:\n%s", out).isZero();

      assertThat(readDump(dir, "before")).isEqualTo(m1);
      assertThat(readDump(dir, "after")).isEqualTo(m2);
      // The kernel's longest-prefix match gives every probe address the identity the partition does.
      List<String> lines = Files.readAllLines(dir.resolve("lookups")).stream().filter(l -> !l.isBlank()).toList();
      Identities ids = Identities.of(before); // the emitter's identities: stable indexes, class 0 here (no tiers)
      assertThat(lines).hasSize(peers.size());
      for (int i = 0; i < peers.size(); i++) {
        int identity = ((IdentityValue) EbpfMap.IDENT4.decodeValue(bytes(JSON.readTree(lines.get(i)).get("value"))))
            .identity();
        assertThat(identity).as("identity of %s", peers.get(i)).isEqualTo(ids.value(ids.atoms().idOf(peers.get(i))));
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static void dump(StringBuilder script, Path fs, Path dir, String label) {
    for (EbpfMap m : MapsJson.mapsOf(Optional.of("node-a"))) {
      script.append("bpftool -j map dump pinned ").append(fs).append('/').append(m.mapName()).append(" > ")
          .append(dir.resolve(label + "." + m.mapName() + ".json")).append('\n');
    }
  }

  /** bpftool's JSON dump ({@code [{"key": ["0x0a", ...], "value": [...]}, ...]}) as entries. */
  private static EbpfMaps readDump(Path dir, String label) throws IOException {
    EbpfMaps.Builder b = EbpfMaps.builder();
    for (EbpfMap m : MapsJson.mapsOf(Optional.of("node-a"))) {
      for (JsonNode e : JSON.readTree(dir.resolve(label + "." + m.mapName() + ".json").toFile())) {
        b.put(m, m.decodeKey(bytes(e.get("key"))), m.decodeValue(bytes(e.get("value"))));
      }
    }
    return b.build();
  }

  private static byte[] bytes(JsonNode hexArray) {
    byte[] out = new byte[hexArray.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) HexFormat.fromHexDigits(hexArray.get(i).asText().substring(2));
    }
    return out;
  }

  private static void require() throws IOException, InterruptedException {
    String why = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      why = "not root";
    } else {
      for (String tool : List.of("bpftool", "unshare", "mount")) {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
        if (p.waitFor() != 0) {
          why = "no " + tool + " binary";
        }
      }
    }
    if (why != null) {
      String line = "real bpftool checks skipped: " + why;
      if (System.getenv("CI") != null) {
        Assertions.fail(line + " (CI is set, so this is a failure)");
      }
      Assumptions.abort(line);
    }
  }

}
