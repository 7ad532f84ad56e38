package dev.netpolc.cli.format.lint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.model.SourcePosition;

/** Shared JSON writing: two-space indentation and {@code \n} line ends on every platform. */
final class JsonSupport {
  private static final ObjectWriter WRITER;

  static {
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    WRITER = new ObjectMapper().writer(pp);
  }

  private JsonSupport() {}

  /** A new empty object; fields keep insertion order. */
  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** The node as indented JSON with a final newline. */
  static String write(ObjectNode node) {
    try {
      return WRITER.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e); // a tree of plain nodes always writes
    }
  }

  /** Adds file, line and column of {@code p} to {@code node}. */
  static ObjectNode position(ObjectNode node, SourcePosition p) {
    node.put("file", p.file());
    node.put("line", p.line());
    node.put("column", p.column());
    return node;
  }
}
