package dev.netpolc.compiler.convert;

import dev.netpolc.model.yaml.CiliumPolicyWriter;
import dev.netpolc.model.yaml.PolicyWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes converted objects as Kubernetes YAML. The object itself is written by the model's
 * {@link PolicyWriter} (deterministic: kubectl's field order, no timestamps, no status; read back
 * to an equal object), and its {@code metadata.annotations} name the source:
 * {@value #CONVERTED_FROM} always, {@value #CONVERSION} when the object is not exact, and
 * {@value #NOTES} when the converter had something to say about it.
 */
public final class ConvertYaml {
  /** The annotation naming the source policy ({@code kind/namespace/name} or {@code kind/name}). */
  public static final String CONVERTED_FROM = "netpolc.dev/converted-from";
  /** The annotation giving the exactness of an object that is not exact. */
  public static final String CONVERSION = "netpolc.dev/conversion";
  /** The annotation carrying the converter's notes on an object, {@code "; "}-separated. */
  public static final String NOTES = "netpolc.dev/conversion-notes";

  private static final String METADATA = "\nmetadata:\n";

  private ConvertYaml() {}

  /** One object as one YAML document (no {@code ---}). */
  public static String document(ConvertedObject o) {
    String body;
    if (o instanceof ConvertedObject.NetworkPolicyObject np) {
      body = PolicyWriter.toYaml(np.policy());
    } else if (o instanceof ConvertedObject.ClusterPolicyObject cp) {
      body = PolicyWriter.toYaml(cp.policy());
    } else if (o instanceof ConvertedObject.CiliumObject ci) {
      body = CiliumPolicyWriter.toYaml(ci.policy());
    } else {
      body = CalicoYaml.document(o); // the Calico kinds
    }
    int at = body.indexOf(METADATA);
    if (at < 0) {
      throw new IllegalStateException("the model's writer wrote no block metadata for " + o.from());
    }
    int insert = at + METADATA.length();
    return body.substring(0, insert) + annotations(o) + body.substring(insert);
  }

  /** Every object as one stream, each document opened by {@code ---}, in the order given. */
  public static String stream(List<? extends ConvertedObject> objects) {
    StringBuilder sb = new StringBuilder();
    for (ConvertedObject o : objects) {
      sb.append("---\n").append(document(o));
    }
    return sb.toString();
  }

  /**
   * The file name of an object in an output directory: {@code KIND-NAMESPACE-NAME.yaml}
   * ({@code KIND-NAME.yaml} when cluster-scoped), the kind lower-cased. Object names and namespaces
   * are DNS-1123 names, so these are unique and safe as file names.
   */
  public static String fileName(ConvertedObject o) {
    String kind = o.kind().toLowerCase(Locale.ROOT);
    return (o.namespace().isEmpty() ? kind + "-" + o.name() : kind + "-" + o.namespace() + "-" + o.name())
        + ".yaml";
  }

  private static String annotations(ConvertedObject o) {
    List<String> lines = new ArrayList<>();
    lines.add(CONVERTED_FROM + ": " + quoted(o.from().toString()));
    if (o.exactness() != Exactness.EXACT) {
      lines.add(CONVERSION + ": " + quoted(o.exactness().name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
    if (!o.notes().isEmpty()) {
      lines.add(NOTES + ": " + quoted(String.join("; ", o.notes())));
    }
    StringBuilder sb = new StringBuilder("  annotations:\n");
    lines.forEach(l -> sb.append("    ").append(l).append('\n'));
    return sb.toString();
  }

  /**
   * A YAML double-quoted scalar. Source names are validated names, but notes quote input (rule
   * names): every character that could end or bend the scalar is escaped.
   */
  static String quoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff
              || (c >= 0xd800 && c <= 0xdfff)) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", c));
          } else {
            sb.appendCodePoint(c);
          }
        }
      }
    });
    return sb.append('"').toString();
  }
}
