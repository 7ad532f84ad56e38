package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.List;

/**
 * {@code from,to,port,protocol,allowed}: a header, then one row per ordered pair of every matrix
 * (RFC 4180). An ICMP probe's port column holds {@code type/code} and its protocol {@code ICMP} or
 * {@code ICMPv6}.
 */
public final class CsvMatrixFormatter implements MatrixFormatter {

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single) {
    StringBuilder sb = new StringBuilder("from,to,port,protocol,allowed\n");
    for (ReachabilityMatrix m : matrices) {
      for (String from : m.sources()) {
        for (String to : m.destinations()) {
          sb.append(cell(from)).append(',').append(cell(to)).append(',').append(cell(port(m)))
              .append(',').append(m.icmp() != null ? m.icmp().protocolName() : m.protocol()).append(',').append(m.reaches(from, to)).append('\n');
        }
      }
    }
    return sb.toString();
  }

  private static String port(ReachabilityMatrix m) {
    return m.icmp() != null ? m.icmp().type() + "/" + m.icmp().code() : m.port().toString();
  }

  private static String cell(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
