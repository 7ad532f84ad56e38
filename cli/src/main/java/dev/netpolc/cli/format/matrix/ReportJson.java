package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The matrices as the HTML report embeds them in {@code <script type="application/json">}:
 *
 * <pre>{"matrices": [{"probe": "8080/TCP", "title": "TCP port 8080",
 *   "namespaces": ["backend", ...], "pods": [[0, "catalog-66d-a"], ...],
 *   "allowed": [[0, 9], ...]}]}</pre>
 *
 * <p>{@code pods} are [namespace index, name] ordered by namespace then name; {@code allowed[i]}
 * lists the indices of the pods pod {@code i} reaches. Everything outside printable ASCII and
 * {@code < > &} is written as {@code \\uXXXX}, so no user string can close the script element,
 * open a comment or break the line (U+2028/9).
 */
public final class ReportJson {
  private ReportJson() {}

  /** The embedded data for {@code matrices}, on one line per matrix. */
  public static String of(List<ReachabilityMatrix> matrices) {
    StringBuilder sb = new StringBuilder("{\"matrices\": [");
    for (int i = 0; i < matrices.size(); i++) {
      sb.append(i == 0 ? "\n" : ",\n");
      matrix(sb, matrices.get(i));
    }
    return sb.append(matrices.isEmpty() ? "]}" : "\n]}").toString();
  }

  private static void matrix(StringBuilder sb, ReachabilityMatrix m) {
    List<String> pods = new ArrayList<>(m.pods());
    pods.sort(PodKeys.ORDER);
    List<String> namespaces = new ArrayList<>(new TreeSet<>(pods.stream().map(PodKeys::namespaceOf).toList()));
    Map<String, Integer> nsIndex = new HashMap<>();
    for (int i = 0; i < namespaces.size(); i++) {
      nsIndex.put(namespaces.get(i), i);
    }
    Map<String, Integer> podIndex = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      podIndex.put(pods.get(i), i);
    }
    sb.append("{\"probe\": ").append(quote(m.port() + "/" + m.protocol()))
        .append(", \"title\": ").append(quote(MatrixFormatter.title(m)))
        .append(", \"namespaces\": [");
    for (int i = 0; i < namespaces.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(quote(namespaces.get(i)));
    }
    sb.append("], \"pods\": [");
    for (int i = 0; i < pods.size(); i++) {
      String pod = pods.get(i);
      sb.append(i == 0 ? "[" : ", [").append(nsIndex.get(PodKeys.namespaceOf(pod))).append(", ")
          .append(quote(PodKeys.nameOf(pod))).append(']');
    }
    sb.append("], \"allowed\": [");
    for (int i = 0; i < pods.size(); i++) {
      List<Integer> targets = new ArrayList<>();
      for (String to : m.allowed().get(pods.get(i))) {
        Integer t = podIndex.get(to);
        if (t != null) {
          targets.add(t);
        }
      }
      targets.sort(null);
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < targets.size(); j++) {
        sb.append(j == 0 ? "" : ",").append(targets.get(j));
      }
      sb.append(']');
    }
    sb.append("]}");
  }

  /** A JSON string literal safe inside an HTML script element. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&') {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
