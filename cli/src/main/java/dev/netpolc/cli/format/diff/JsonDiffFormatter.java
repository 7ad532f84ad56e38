package dev.netpolc.cli.format.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.compiler.diff.Change;
import dev.netpolc.compiler.diff.ChangeBlock;
import dev.netpolc.compiler.diff.DiffResult;
import dev.netpolc.compiler.ir.PortRange;
import dev.netpolc.compiler.ir.PortSet;
import java.util.List;
import java.util.Optional;

/**
 * {@code netpolc diff --format json}. With a probe: exactly
 * {@code {"newlyAllowed": [["ns/a", "ns/b"], ...], "newlyDenied": [...]}}, source first, sorted.
 * Without: {@code newlyAllowed} and {@code newlyDenied} as lists of groups (sources,
 * destinations, ports per protocol, portless flag, and {@code protocols} when ICMP types or other
 * protocols are told apart).
 */
final class JsonDiffFormatter {
  private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private JsonDiffFormatter() {}

  static String format(DiffResult r, Optional<String> probe) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (Change c : Change.values()) {
      ArrayNode arr = root.putArray(c == Change.NEWLY_ALLOWED ? "newlyAllowed" : "newlyDenied");
      if (probe.isPresent()) {
        for (List<String> pair : r.pairs(c)) {
          ArrayNode p = arr.addArray();
          p.add(pair.get(0));
          p.add(pair.get(1));
        }
      } else {
        for (ChangeBlock b : r.blocks(c)) {
          arr.add(block(b));
        }
      }
    }
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e); // a tree of plain nodes always writes
    }
  }

  private static ObjectNode block(ChangeBlock b) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ObjectNode from = o.putObject("from");
    from.put("namespace", b.sourceNamespace());
    from.put("pods", b.sourceDescription());
    b.sources().forEach(from.putArray("podKeys")::add);
    ObjectNode to = o.putObject("to");
    to.put("namespace", b.destinationNamespace());
    to.put("pods", b.destinationDescription());
    b.destinations().forEach(to.putArray("podKeys")::add);
    ObjectNode ports = o.putObject("ports");
    b.ports().ranges().forEach((proto, ranges) -> {
      ArrayNode a = ports.putArray(proto.name());
      for (PortRange pr : ranges) {
        a.add(pr.from() == pr.to() ? Integer.toString(pr.from()) : pr.from() + "-" + pr.to());
      }
    });
    ports.put("portless", b.ports().portless());
    if (!b.ports().protocols().isEmpty()) {
      // Protocols without ports told apart (Calico's ICMP type/code and protocol matches): by name,
      // ICMP values as type*256+code ranges; absent for NetworkPolicy diffs.
      ObjectNode others = ports.putObject("protocols");
      b.ports().protocols().forEach((proto, ranges) -> {
        ArrayNode a = others.putArray(PortSet.protocolName(proto));
        for (PortRange pr : ranges) {
          a.add(pr.from() == pr.to() ? Integer.toString(pr.from()) : pr.from() + "-" + pr.to());
        }
      });
    }
    o.put("podPairs", b.pairCount());
    return o;
  }
}
