package dev.netpolc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.backend.ebpf.EbpfMaps;
import dev.netpolc.backend.ebpf.EbpfSimulator;
import dev.netpolc.backend.ebpf.MapsBatch;
import dev.netpolc.backend.ebpf.MapsFormatException;
import dev.netpolc.backend.ebpf.MapsJson;
import java.util.Map;

/**
 * The eBPF artifact readers behind {@code verify} and {@code --via ebpf}: maps.json and the
 * bpftool batch file maps.batch. Any text gives maps the simulator decides every connection
 * with, or a {@link MapsFormatException} whose message starts with {@code file:line:column}
 * inside the text.
 */
class EbpfMapsFuzzTest {
  @FuzzTest
  void mapsJson(byte[] data) {
    String text = Contract.text(data);
    EbpfMaps maps;
    try {
      maps = MapsJson.read(MapsJson.FILE, text).maps();
    } catch (MapsFormatException e) {
      Contract.positioned(e.getMessage(), Map.of(MapsJson.FILE, text));
      return;
    }
    Contract.exercise(new EbpfSimulator(maps), text);
  }

  @FuzzTest
  void mapsBatch(byte[] data) {
    String text = Contract.text(data);
    EbpfMaps maps;
    try {
      maps = MapsBatch.read(MapsBatch.FILE, text);
    } catch (MapsFormatException e) {
      Contract.positioned(e.getMessage(), Map.of(MapsBatch.FILE, text));
      return;
    }
    Contract.exercise(new EbpfSimulator(maps), text);
  }
}
