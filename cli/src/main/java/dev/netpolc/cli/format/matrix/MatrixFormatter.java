package dev.netpolc.cli.format.matrix;

import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.util.List;

/** Renders reachability matrices; adds no logic of its own. */
public interface MatrixFormatter {
  /**
   * The whole output for {@code matrices}, ending with a newline.
   *
   * @param matrices one matrix per probe, in order
   * @param single   true when the user asked for one probe ({@code --port}): formats with a
   *                 container (JSON) print the bare matrix instead of a list
   */
  String format(List<ReachabilityMatrix> matrices, boolean single);

  /**
   * The whole output, for formats that also show the inputs summary or honour
   * {@code --group-by} (reports for people); the others ignore {@code context}.
   */
  default String format(List<ReachabilityMatrix> matrices, boolean single, MatrixReportContext context) {
    return format(matrices, single);
  }

  /** The probe as a heading, e.g. {@code TCP port 80}, {@code TCP port http} or {@code ICMP type 8 code 0}. */
  static String title(ReachabilityMatrix m) {
    return m.icmp() != null ? m.icmp().toString() : m.protocol() + " port " + m.port();
  }
}
