package dev.netpolc.cli.format.matrix;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import dev.netpolc.compiler.matrix.ReachabilityMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One self-contained HTML page for people: a namespace × namespace heat map per probe, a pod ×
 * pod drill-down, filters and a legend. CSS and script are inlined, nothing is fetched; the
 * matrices are embedded as JSON (see {@link ReportJson}) and drawn by the page's script, which
 * only ever sets text, never markup. The page state can be given in the URL fragment, e.g.
 * {@code #port=8080/TCP&drill=frontend,backend&ns=front&show=denied}.
 *
 * <p>When the context carries tier attribution (input with cluster network policies) the page
 * also has a tier layer ({@code matrix-report-tiers.js} and {@code .css}) that marks which tier
 * decided each cell, with a legend, a {@code ?tier=} filter and a detail box; without it the page
 * is exactly the NetworkPolicy report.
 */
public final class HtmlMatrixFormatter implements MatrixFormatter {
  private static final String BASE = "/dev/netpolc/cli/report/";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
  private static final String LEDE =
      "Which pods may open a new connection to which, as the NetworkPolicies allow it.";
  private static final String TIERED_LEDE = "Which pods may open a new connection to which, as the Admin tier, "
      + "the NetworkPolicies and the Baseline tier decide it; each cell shows the tier that decided.";

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single) {
    return format(matrices, single, MatrixReportContext.unknown());
  }

  @Override
  public String format(List<ReachabilityMatrix> matrices, boolean single, MatrixReportContext context) {
    TreeSet<String> pods = new TreeSet<>();
    TreeSet<String> namespaces = new TreeSet<>();
    for (ReachabilityMatrix m : matrices) {
      for (String pod : m.pods()) {
        pods.add(pod);
        namespaces.add(PodKeys.namespaceOf(pod));
      }
    }
    Escaper html = HtmlEscapers.htmlEscaper();
    Map<String, String> values = new HashMap<>();
    values.put("generator", html.escape(context.version()));
    values.put("pods", Integer.toString(pods.size()));
    values.put("namespaces", Integer.toString(namespaces.size()));
    values.put("policies", context.policies().isPresent() ? Integer.toString(context.policies().getAsInt()) : "?");
    values.put("probes", Integer.toString(matrices.size()));
    // The tier layer is added only for tiered input, so other reports stay byte-identical.
    boolean tiered = context.tiers().isPresent();
    values.put("lede", tiered ? TIERED_LEDE : LEDE);
    values.put("policiesLabel", tiered ? "Policies" : "NetworkPolicies");
    values.put("css", resource("matrix-report.css") + (tiered ? resource("matrix-report-tiers.css") : ""));
    values.put("js", resource("matrix-report.js") + (tiered ? resource("matrix-report-tiers.js") : ""));
    values.put("data", ReportJson.of(matrices, context.tiers()));
    return fill(resource("matrix-report.html"), values::get);
  }

  /** The template with every {@code {{name}}} replaced in one pass, so values are never re-read. */
  static String fill(String template, Function<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (matcher.find()) {
      String value = values.apply(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("report template: no value for " + matcher.group());
      }
      matcher.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(sb);
    return sb.toString();
  }

  private static String resource(String name) {
    try (InputStream in = HtmlMatrixFormatter.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing report resource " + BASE + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
