package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Broken maps.json / maps.batch files are rejected with file:line:column and the reason. */
class MapsReaderErrorsTest {
  private final EbpfBackend ebpf = new EbpfBackend();
  private final Artifact tiny = Fixtures.emit(
      Fixtures.compile(Fixtures.tiny(), CompileOptions.DEFAULTS.withNode("node-a")), BackendOptions.DEFAULTS);
  private final String json = tiny.files().get(MapsJson.FILE);
  private final String batch = tiny.files().get(MapsBatch.FILE);

  @Test
  void jsonErrors() {
    assertThatThrownBy(() -> MapsJson.read("maps.json", "{\"format\": 1"))
        .isInstanceOf(MapsFormatException.class).hasMessageStartingWith("maps.json:1:");
    String badHex = json.replaceFirst("\"key\": \"0000000000000000\"", "\"key\": \"0000000000000001\"");
    assertThatThrownBy(() -> MapsJson.read("maps.json", badHex))
        .hasMessageStartingWith("maps.json:12:5: np_ident4 key: address bits beyond the prefix length");
    String badFields = json.replaceFirst("\"prefix\": \"0.0.0.0/0\"", "\"prefix\": \"0.0.0.0/1\"");
    assertThatThrownBy(() -> MapsJson.read("maps.json", badFields))
        .hasMessageStartingWith("maps.json:12:5: np_ident4: keyFields");
    String badCount = json.replaceFirst("\"entries\": 5}", "\"entries\": 6}");
    assertThatThrownBy(() -> MapsJson.read("maps.json", badCount))
        .hasMessageContaining("map np_policy declares 6 entries but 5 are listed");
    String unknown = json.replaceFirst("\"pinDir\"", "\"extra\": 1, \"pinDir\"");
    assertThatThrownBy(() -> MapsJson.read("maps.json", unknown)).hasMessageContaining("unknown field 'extra'");
  }

  @Test
  void errorsOfEmptyOrHostileInputHavePositionsAndNoControlCharacters() {
    // Found by EbpfMapsFuzzTest: an empty maps.json was "maps.json:1:0" (Jackson's column 0).
    assertThatThrownBy(() -> MapsJson.read("maps.json", "")).hasMessageStartingWith("maps.json:1:1: ");
    assertThatThrownBy(() -> MapsBatch.read("maps.batch", "map update pinned /x/np_\u001b[2J key hex 00 value hex 00\n"))
        .hasMessage("maps.batch:1:19: unknown map 'np_?[2J'");
  }

  @Test
  void batchErrors() {
    assertThatThrownBy(() -> MapsBatch.read("maps.batch", "map update pinned /x/np_nope key hex 00 value hex 00\n"))
        .isInstanceOf(MapsFormatException.class).hasMessage("maps.batch:1:19: unknown map 'np_nope'");
    assertThatThrownBy(() -> MapsBatch.read("maps.batch",
        "# c\nmap update pinned /x/np_ident4 key hex 08 00 00 00 0a 00 00 value hex 00 00 00 00\n"))
        .hasMessage("maps.batch:2:61: expected a two-digit hex byte (8 of 8 for the key of np_ident4), got 'value'");
    assertThatThrownBy(() -> MapsBatch.read("maps.batch",
        "map update pinned /x/np_ident4 key hex 08 00 00 00 0a 00 00 00 value hex 00 00 00 00\n"
            + "map update pinned /y/np_ident4 key hex 08 00 00 00 0b 00 00 00 value hex 00 00 00 00\n"))
        .hasMessage("maps.batch:2:19: map path '/y/np_ident4' is not in /x like the lines before");
    assertThatThrownBy(() -> MapsBatch.read("maps.batch",
        "map delete pinned /x/np_ident4 key hex 08 00 00 00 0a 00 00 00\n"))
        .hasMessage("maps.batch:1:1: a full load holds only 'map update' commands");
    String dup = batch + batch.lines().filter(l -> l.startsWith("map")).findFirst().orElseThrow() + "\n";
    assertThatThrownBy(() -> MapsBatch.read("maps.batch", dup)).hasMessageContaining("twice");
  }

  @Test
  void filesThatDisagreeOrDoNotBelong() {
    TreeMap<String, String> files = new TreeMap<>(tiny.files());
    // One identity's value changed (its last byte flipped): the batch then disagrees with the JSON.
    String line = batch.lines().filter(l -> l.startsWith("map update") && l.contains("/np_ident4 ")).findFirst()
        .orElseThrow();
    String last = line.substring(line.length() - 2);
    String changed = line.substring(0, line.length() - 2) + (last.equals("00") ? "01" : "00");
    files.put(MapsBatch.FILE, batch.replace(line, changed));
    assertThatThrownBy(() -> ebpf.simulator(new Artifact("ebpf", files), null))
        .isInstanceOf(BackendException.class).hasMessageContaining("hold different entries");
    TreeMap<String, String> extra = new TreeMap<>(tiny.files());
    extra.put("netpolc.bpf.o", "x");
    assertThatThrownBy(() -> EbpfBackend.read(new Artifact("ebpf", extra))).hasMessageContaining("unexpected file");
  }
}
