package dev.netpolc.model.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.netpolc.model.cilium.CiliumPort;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.ValidationOptions;
import dev.netpolc.model.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * Generated {@code toPorts} entries, printed as YAML: both parser paths read back exactly the
 * entries written, and validation reports NP191/NP192 exactly where a table of known-good and
 * known-bad values (from Cilium's CRD pattern and enum) says, with {@code endPort < port} refused.
 */
class CiliumPortPropertyTest {
  /** A port text, its number (-1: a name), and whether Cilium accepts it. */
  private record PortText(String text, int number, boolean valid) {}

  private static final PortText[] PORTS = {new PortText("80", 80, true), new PortText("0", 0, true),
      new PortText("65535", 65535, true), new PortText("65536", -1, false), new PortText("443", 443, true),
      new PortText("http", -1, true), new PortText("dns-tcp", -1, true), new PortText("HTTP", -1, true),
      new PortText("my_port", -1, false), new PortText("a-very-long-port-name", -1, false),
      new PortText("-x", -1, false)};
  /** endPort values; null: not written. */
  private static final Integer[] END_PORTS = {null, 0, 90, 80, 444, 65535, 70000, -1};
  private static final String[] PROTOCOLS = {"", "TCP", "UDP", "SCTP", "ANY", "tcp", "ICMP"};

  private record Entry(PortText port, Integer endPort, String protocol) {}

  private static Gen<List<Entry>> entries() {
    return (RandomnessSource in) -> {
      int n = integers().between(1, 6).generate(in);
      List<Entry> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        out.add(new Entry(PORTS[pick(in, PORTS.length)], END_PORTS[pick(in, END_PORTS.length)],
            PROTOCOLS[pick(in, PROTOCOLS.length)]));
      }
      return out;
    };
  }

  private static int pick(RandomnessSource in, int n) {
    return integers().between(0, n - 1).generate(in);
  }

  private static String yaml(List<Entry> entries) {
    StringBuilder sb = new StringBuilder("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\n"
        + "metadata: {name: p, namespace: n}\nspec:\n  endpointSelector: {}\n  egress:\n  - toPorts:\n"
        + "    - ports:\n");
    for (Entry e : entries) {
      sb.append("      - port: \"").append(e.port().text()).append("\"\n");
      if (e.endPort() != null) {
        sb.append("        endPort: ").append(e.endPort()).append('\n');
      }
      if (!e.protocol().isEmpty()) {
        sb.append("        protocol: ").append(e.protocol()).append('\n');
      }
    }
    return sb.toString();
  }

  /** The findings the table predicts, as "id path" (errors only). */
  private static TreeSet<String> expected(List<Entry> entries) {
    TreeSet<String> out = new TreeSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      String path = "spec.egress[0].toPorts[0].ports[" + i + "]";
      if (!e.port().valid()) {
        out.add("NP191 " + path + ".port");
      }
      if (e.endPort() != null) {
        int end = e.endPort();
        if (end < 0 || end > 65535) {
          out.add("NP191 " + path + ".endPort");
        } else if (e.port().number() > 0 && end != 0 && end < e.port().number()) {
          out.add("NP191 " + path + ".endPort");
        }
      }
      if (!e.protocol().isEmpty() && !List.of("TCP", "UDP", "SCTP", "ANY").contains(e.protocol())) {
        out.add("NP192 " + path + ".protocol");
      }
    }
    return out;
  }

  @Test
  void portsReadBackAndValidateAsTheTableSays() {
    qt().withExamples(300).forAll(entries()).checkAssert(entries -> {
      String yaml = yaml(entries);
      for (boolean fast : new boolean[] {true, false}) {
        ReadResult r = new PolicyReader(ReaderLimits.DEFAULTS, fast).readString("p.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        List<CiliumPort> ports = r.cluster().cilium().policies().get(0).rules().get(0).egress().get(0).toPorts()
            .get(0).ports();
        assertThat(ports).hasSameSizeAs(entries);
        for (int i = 0; i < ports.size(); i++) {
          Entry e = entries.get(i);
          assertThat(ports.get(i)).isEqualTo(new CiliumPort("spec.egress[0].toPorts[0].ports[" + i + "]",
              e.port().text(), e.endPort() == null ? OptionalInt.empty() : OptionalInt.of(e.endPort()),
              e.protocol()));
        }
        TreeSet<String> errors = new TreeSet<>();
        for (Diagnostic d : new Validator(ValidationOptions.DEFAULT).validate(r.cluster())) {
          if (d.severity() == Severity.ERROR) {
            errors.add(d.ruleId() + " " + d.path());
          }
        }
        assertThat(errors).as(yaml).isEqualTo(expected(entries));
      }
    });
  }
}
