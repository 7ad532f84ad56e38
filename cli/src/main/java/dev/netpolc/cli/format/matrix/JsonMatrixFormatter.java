package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.List;
import java.util.Map;

/**
 * The matrix contract: {@code {"port": P, "protocol": "PROTO", "allowed": {"ns/pod": [...]}}}
 * with keys and values sorted, 2-space indented, each value list on one line. Several probes are
 * a JSON array of such objects. {@code port} is a number, or a string for a named port.
 */
public final class JsonMatrixFormatter implements MatrixFormatter {

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single) {
    StringBuilder sb = new StringBuilder();
    if (single && matrices.size() == 1) {
      object(sb, matrices.get(0), "");
      return sb.append('\n').toString();
    }
    sb.append('[');
    for (int i = 0; i < matrices.size(); i++) {
      sb.append(i == 0 ? "\n  " : ",\n  ");
      object(sb, matrices.get(i), "  ");
    }
    return sb.append(matrices.isEmpty() ? "]\n" : "\n]\n").toString();
  }

  private static void object(StringBuilder sb, ReachabilityMatrix m, String indent) {
    String in = indent + "  ";
    sb.append("{\n").append(in).append("\"allowed\": {");
    boolean first = true;
    for (Map.Entry<String, List<String>> e : m.allowed().entrySet()) {
      sb.append(first ? "\n" : ",\n").append(in).append("  ").append(quote(e.getKey())).append(": [");
      for (int i = 0; i < e.getValue().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(quote(e.getValue().get(i)));
      }
      sb.append(']');
      first = false;
    }
    sb.append(first ? "}" : "\n" + in + "}").append(",\n");
    if (m.icmp() != null) {
      // No port: the message's type and code, named as explain's JSON names them.
      sb.append(in).append("\"icmpCode\": ").append(m.icmp().code()).append(",\n");
      sb.append(in).append("\"icmpType\": ").append(m.icmp().type()).append(",\n");
      sb.append(in).append("\"protocol\": ").append(quote(m.icmp().protocolName())).append('\n');
    } else {
      sb.append(in).append("\"port\": ")
          .append(m.port().isNamed() ? quote(m.port().name()) : Integer.toString(m.port().number())).append(",\n");
      sb.append(in).append("\"protocol\": ").append(quote(m.protocol().name())).append('\n');
    }
    sb.append(indent).append('}');
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
