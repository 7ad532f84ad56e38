package dev.netpolc.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The bench table as aligned text (one header, one row per stage) or as one JSON object per line. */
final class ResultTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORMAT = "%-22s %-20s %4s %10s %10s %10s %10s %9s %11s %9s %11s%n";
  private static final double MIB = 1024.0 * 1024.0;

  private ResultTable() {}

  static String header() {
    return String.format(Locale.ROOT, FORMAT, "preset", "stage", "runs", "ms", "alloc MiB", "peak MiB", "kept MiB",
        "rules", "set elems", "map elems", "out bytes");
  }

  static String text(StageResult r) {
    return String.format(Locale.ROOT, FORMAT, r.preset(), r.stage(), r.runs(), String.format(Locale.ROOT, "%.1f",
        r.millis()), mib(r.allocatedBytes()), mib(r.peakHeapBytes()), mib(r.retainedBytes()),
        size(r, "rules", "objects"), size(r, "set_elements", "ipsetElements"), size(r, "map_elements", null),
        size(r, "bytes", null));
  }

  static String json(StageResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", r.preset());
    m.put("stage", r.stage());
    m.put("runs", r.runs());
    m.put("millis", Math.round(r.millis() * 10) / 10.0);
    m.put("allocatedBytes", r.allocatedBytes());
    m.put("peakHeapBytes", r.peakHeapBytes());
    m.put("retainedBytes", r.retainedBytes());
    m.put("sizes", r.sizes());
    try {
      return JSON.writeValueAsString(m) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / MIB);
  }

  private static String size(StageResult r, String key, String fallback) {
    Long v = r.sizes().get(key);
    if (v == null && fallback != null) {
      v = r.sizes().get(fallback);
    }
    return v == null ? "-" : Long.toString(v);
  }
}
