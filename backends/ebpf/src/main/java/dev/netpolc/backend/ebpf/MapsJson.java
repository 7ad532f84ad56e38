package dev.netpolc.backend.ebpf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * maps.json: every entry of every map, key and value both as hex (what the kernel stores,
 * authoritative when read back) and as decoded fields (for people and tools), one entry per
 * line, plus a header per map (type, sizes, flags, maximum and entry count).
 *
 * <pre>{@code
 * String json = MapsJson.write(artifact);
 * MapsArtifact back = MapsJson.read("maps.json", json); // equal to artifact
 * }</pre>
 */
public final class MapsJson {
  /** The file name. */
  public static final String FILE = "maps.json";
  /** The value of the {@code format} field. */
  public static final String FORMAT = "netpolc-ebpf-maps/1";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private MapsJson() {}

  /** The maps that appear in a file: the datapath's four, and np_hostpods when cluster-wide. */
  static Set<EbpfMap> mapsOf(Optional<String> node) {
    return node.isPresent() ? java.util.EnumSet.of(EbpfMap.IDENT4, EbpfMap.IDENT6, EbpfMap.ENDPOINTS, EbpfMap.POLICY)
        : java.util.EnumSet.allOf(EbpfMap.class);
  }

  /** The file's text: deterministic, newline-terminated. */
  public static String write(MapsArtifact a) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n");
    sb.append("  \"format\": ").append(quote(FORMAT)).append(",\n");
    sb.append("  \"node\": ").append(a.node().map(MapsJson::quote).orElse("null")).append(",\n");
    sb.append("  \"pinDir\": ").append(quote(a.pinDir())).append(",\n");
    sb.append("  \"maps\": [\n");
    Set<EbpfMap> maps = mapsOf(a.node());
    int i = 0;
    for (EbpfMap m : maps) {
      sb.append("    {\"name\": ").append(quote(m.mapName())).append(", \"type\": ").append(quote(m.type()))
          .append(", \"keySize\": ").append(m.keySize()).append(", \"valueSize\": ").append(m.valueSize())
          .append(", \"flags\": ").append(m.flags()).append(", \"maxEntries\": ").append(a.limits().of(m))
          .append(", \"entries\": ").append(a.maps().count(m)).append('}')
          .append(++i < maps.size() ? ",\n" : "\n");
    }
    sb.append("  ],\n");
    sb.append("  \"entries\": [");
    boolean first = true;
    for (EbpfMap m : maps) {
      for (MapEntry<?, ?> e : a.maps().entries(m)) {
        sb.append(first ? "\n" : ",\n");
        first = false;
        sb.append("    {\"map\": ").append(quote(m.mapName()))
            .append(", \"key\": ").append(quote(ByteCodec.hex(e.key().encode())))
            .append(", \"value\": ").append(quote(ByteCodec.hex(e.value().encode())))
            .append(", \"keyFields\": ").append(object(e.key().fields()))
            .append(", \"valueFields\": ").append(object(e.value().fields())).append('}');
      }
    }
    sb.append(first ? "]\n" : "\n  ]\n");
    sb.append("}\n");
    return sb.toString();
  }

  private static String object(LinkedHashMap<String, Object> fields) {
    return object(fields, ", ", ": ");
  }

  /** The fields as a JSON object, with these separators. */
  private static String object(LinkedHashMap<String, Object> fields, String comma, String colon) {
    StringBuilder sb = new StringBuilder("{");
    int i = 0;
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      sb.append(i++ > 0 ? comma : "").append(quote(f.getKey())).append(colon);
      sb.append(f.getValue() instanceof Number ? f.getValue().toString() : quote(f.getValue().toString()));
    }
    return sb.append('}').toString();
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  /**
   * Reads a maps.json text back. Hex is authoritative; the decoded fields, the map headers and
   * their counts must agree with it.
   *
   * @param file the file name for messages
   * @throws MapsFormatException naming file:line:column and what is wrong
   */
  public static MapsArtifact read(String file, String text) throws MapsFormatException {
    JsonFactory f = MAPPER.getFactory();
    try (JsonParser p = f.createParser(text)) {
      return new Reader(file, p).read();
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new MapsFormatException(file, l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(),
          e.getOriginalMessage());
    } catch (IOException e) {
      throw new MapsFormatException(file, 1, 1, e.getMessage());
    }
  }

  /** A streaming reader that keeps each entry's position for messages. */
  private static final class Reader {
    private final String file;
    private final JsonParser p;
    private final EbpfMaps.Builder maps = EbpfMaps.builder();
    private final Map<EbpfMap, Integer> declared = new EnumMap<>(EbpfMap.class);
    private final Map<EbpfMap, Integer> max = new EnumMap<>(EbpfMap.class);

    Reader(String file, JsonParser p) {
      this.file = file;
      this.p = p;
    }

    MapsArtifact read() throws IOException, MapsFormatException {
      expect(p.nextToken() == JsonToken.START_OBJECT, "expected a JSON object");
      String format = null;
      Optional<String> node = Optional.empty();
      String pinDir = null;
      boolean sawMaps = false;
      boolean sawEntries = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonLocation at = p.currentTokenLocation();
        JsonToken t = p.nextToken();
        switch (name) {
          case "format" -> format = text(t, name, at);
          case "node" -> node = t == JsonToken.VALUE_NULL ? Optional.empty() : Optional.of(text(t, name, at));
          case "pinDir" -> pinDir = text(t, name, at);
          case "maps" -> {
            sawMaps = true;
            array(t, name, at);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              header(p.currentTokenLocation(), MAPPER.readTree(p));
            }
          }
          case "entries" -> {
            sawEntries = true;
            array(t, name, at);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              entry(p.currentTokenLocation(), MAPPER.readTree(p));
            }
          }
          default -> throw error(at, "unknown field '" + name + "'");
        }
      }
      JsonLocation end = p.currentTokenLocation();
      expect(p.nextToken() == null, "trailing content after the object");
      if (!FORMAT.equals(format)) {
        throw error(end, "field 'format' must be \"" + FORMAT + "\"");
      }
      if (pinDir == null || !sawMaps || !sawEntries) {
        throw error(end, "fields 'pinDir', 'maps' and 'entries' are required");
      }
      String problem = MapsArtifact.pinDirProblem(pinDir);
      if (problem != null) {
        throw error(end, problem);
      }
      EbpfMaps built = maps.build();
      Set<EbpfMap> expected = mapsOf(node);
      if (!declared.keySet().equals(expected)) {
        throw error(end, "'maps' must list exactly " + expected + " for " + (node.isPresent() ? "a node" : "cluster-wide")
            + ", got " + declared.keySet());
      }
      for (EbpfMap m : EbpfMap.values()) {
        if (built.count(m) > 0 && !expected.contains(m)) {
          throw error(end, "entries of " + m + " in a per-node file");
        }
        if (declared.containsKey(m) && declared.get(m) != built.count(m)) {
          throw error(end, "map " + m + " declares " + declared.get(m) + " entries but " + built.count(m) + " are listed");
        }
      }
      try {
        return new MapsArtifact(node, pinDir, new MapLimits(max), built);
      } catch (IllegalArgumentException e) {
        throw error(end, e.getMessage());
      }
    }

    private void header(JsonLocation at, JsonNode n) throws MapsFormatException {
      EbpfMap m = map(at, n, "name");
      expectFields(at, n, Set.of("name", "type", "keySize", "valueSize", "flags", "maxEntries", "entries"));
      if (!m.type().equals(n.path("type").asText()) || n.path("keySize").asInt(-1) != m.keySize()
          || n.path("valueSize").asInt(-1) != m.valueSize() || n.path("flags").asInt(-1) != m.flags()) {
        throw error(at, "map " + m + " must be type " + m.type() + ", keySize " + m.keySize() + ", valueSize "
            + m.valueSize() + ", flags " + m.flags());
      }
      if (!n.path("maxEntries").canConvertToInt() || !n.path("entries").canConvertToInt()) {
        throw error(at, "map " + m + ": maxEntries and entries must be integers");
      }
      int mx = n.path("maxEntries").asInt();
      if (mx < 1 || mx > MapLimits.CEILING) {
        throw error(at, "map " + m + ": maxEntries must be 1.." + MapLimits.CEILING);
      }
      if (declared.put(m, n.path("entries").asInt()) != null) {
        throw error(at, "map " + m + " listed twice");
      }
      max.put(m, mx);
    }

    private void entry(JsonLocation at, JsonNode n) throws MapsFormatException {
      expectFields(at, n, Set.of("map", "key", "value", "keyFields", "valueFields"));
      EbpfMap m = map(at, n, "map");
      MapKey key;
      MapValue value;
      try {
        key = m.decodeKey(ByteCodec.parseHex(n.path("key").asText()));
      } catch (IllegalArgumentException e) {
        throw error(at, m + " key: " + e.getMessage());
      }
      try {
        value = m.decodeValue(ByteCodec.parseHex(n.path("value").asText()));
      } catch (IllegalArgumentException e) {
        throw error(at, m + " value: " + e.getMessage());
      }
      if (!sameFields(key.fields(), n.path("keyFields"))) {
        throw error(at, m + ": keyFields " + n.path("keyFields") + " do not match the key's hex (" + key.fields() + ")");
      }
      if (!sameFields(value.fields(), n.path("valueFields"))) {
        throw error(at, m + ": valueFields " + n.path("valueFields") + " do not match the value's hex ("
            + value.fields() + ")");
      }
      try {
        maps.put(m, key, value);
      } catch (IllegalArgumentException e) {
        throw error(at, e.getMessage());
      }
    }

    /** Compares with Jackson's compact rendering of the given object (our fields are ASCII). */
    private static boolean sameFields(LinkedHashMap<String, Object> fields, JsonNode given) {
      return given.isObject() && object(fields, ",", ":").equals(given.toString());
    }

    private EbpfMap map(JsonLocation at, JsonNode n, String field) throws MapsFormatException {
      String name = n.path(field).asText();
      return EbpfMap.byName(name).orElseThrow(() -> error(at, "unknown map '" + name + "'"));
    }

    private void expectFields(JsonLocation at, JsonNode n, Set<String> names) throws MapsFormatException {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!names.contains(f)) {
          throw error(at, "unknown field '" + f + "'");
        }
      }
      for (String f : names) {
        if (!n.has(f)) {
          throw error(at, "missing field '" + f + "'");
        }
      }
      if (n instanceof ObjectNode o && o.has("key") && !o.get("key").isTextual()) {
        throw error(at, "field 'key' must be a hex string");
      }
    }

    private String text(JsonToken t, String name, JsonLocation at) throws MapsFormatException {
      if (t != JsonToken.VALUE_STRING) {
        throw error(at, "field '" + name + "' must be a string");
      }
      try {
        return p.getText();
      } catch (IOException e) {
        throw error(at, e.getMessage());
      }
    }

    private void array(JsonToken t, String name, JsonLocation at) throws MapsFormatException {
      if (t != JsonToken.START_ARRAY) {
        throw error(at, "field '" + name + "' must be an array");
      }
    }

    private void expect(boolean ok, String message) throws MapsFormatException {
      if (!ok) {
        throw error(p.currentTokenLocation(), message);
      }
    }

    private MapsFormatException error(JsonLocation at, String message) {
      return new MapsFormatException(file, at.getLineNr(), at.getColumnNr(), message);
    }
  }
}
