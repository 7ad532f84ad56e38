package dev.netpolc.model.yaml;

import dev.netpolc.model.SourceMap;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.IcmpMatch;
import dev.netpolc.model.calico.ServiceAccountMatch;
import dev.netpolc.model.calico.selector.CalicoSelector;
import java.util.List;

/**
 * Test helpers for Calico records: a copy without positions (SourceMap compares by identity), and
 * a YAML printer that writes a policy back in varied styles (double and single quotes, literal
 * blocks, flow and block collections), for the read-back property test.
 */
final class CalicoRecords {
  private CalicoRecords() {}

  /** {@code p} with no positions and no suppressions, for equality. */
  static CalicoPolicy strip(CalicoPolicy p) {
    return new CalicoPolicy(p.kind(), p.namespace(), p.name(), p.tier(), p.order(), p.selector(),
        p.namespaceSelector(), p.serviceAccountSelector(), p.types(), p.ingress(), p.egress(), p.doNotTrack(),
        p.preDNAT(), p.applyOnForward(), SourceMap.EMPTY, java.util.Set.of());
  }

  /** Writes {@code p} as one YAML document; {@code style} picks the quoting of each string (bits used in turn). */
  static String print(CalicoPolicy p, long style) {
    Printer out = new Printer(style);
    out.line(0, "apiVersion: projectcalico.org/v3");
    out.line(0, "kind: " + p.kind().kindName());
    out.line(0, "metadata:");
    out.line(1, "name: " + out.str(p.name()));
    if (!p.global()) {
      out.line(1, "namespace: " + out.str(p.namespace()));
    }
    out.line(0, "spec:");
    out.line(1, "tier: " + out.str(p.tier()));
    p.order().ifPresent(o -> out.line(1, "order: " + (o == Math.rint(o) && Math.abs(o) < 1e15 ? Long.toString((long) o)
        : Double.toString(o))));
    out.selector(1, "selector", p.selector());
    p.namespaceSelector().ifPresent(s -> out.selector(1, "namespaceSelector", s));
    p.serviceAccountSelector().ifPresent(s -> out.selector(1, "serviceAccountSelector", s));
    if (!p.types().isEmpty()) {
      out.line(1, "types: [" + String.join(", ", p.types().stream().map(out::str).toList()) + "]");
    }
    out.rules("ingress", p.ingress());
    out.rules("egress", p.egress());
    if (p.doNotTrack()) {
      out.line(1, "doNotTrack: true");
    }
    if (p.preDNAT()) {
      out.line(1, "preDNAT: true");
    }
    if (p.applyOnForward()) {
      out.line(1, "applyOnForward: true");
    }
    return out.sb.toString();
  }

  private static final class Printer {
    final StringBuilder sb = new StringBuilder();
    long style;

    Printer(long style) {
      this.style = style;
    }

    int bits(int n) {
      int v = (int) (style & ((1 << n) - 1));
      style = Long.rotateRight(style, n);
      return v;
    }

    void line(int indent, String s) {
      sb.append("  ".repeat(indent)).append(s).append('\n');
    }

    /** A string scalar: double-quoted with escapes, or single-quoted with '' (both exact for any text). */
    String str(String s) {
      if (bits(1) == 0) {
        return "'" + s.replace("'", "''") + "'";
      }
      StringBuilder q = new StringBuilder("\"");
      s.codePoints().forEach(c -> {
        if (c == '"' || c == '\\') {
          q.append('\\').appendCodePoint(c);
        } else if (c < 0x20) {
          q.append(String.format("\\u%04x", c));
        } else {
          q.appendCodePoint(c);
        }
      });
      return q.append('"').toString();
    }

    void selector(int indent, String key, CalicoSelector s) {
      String text = s.toString();
      if (bits(1) == 0 && !text.contains("\n") && !text.contains("\t")) {
        line(indent, key + ": |-");
        line(indent + 1, text);
      } else {
        line(indent, key + ": " + str(text));
      }
    }

    void rules(String key, List<CalicoRule> rules) {
      if (rules.isEmpty()) {
        return;
      }
      line(1, key + ":");
      for (CalicoRule r : rules) {
        line(1, "- action: " + str(r.action()));
        r.ipVersion().ifPresent(v -> line(2, "ipVersion: " + v));
        r.protocol().ifPresent(pr -> line(2, "protocol: " + (pr.numeric() ? pr.text() : str(pr.text()))));
        r.notProtocol().ifPresent(pr -> line(2, "notProtocol: " + (pr.numeric() ? pr.text() : str(pr.text()))));
        r.icmp().ifPresent(m -> icmp("icmp", m));
        r.notIcmp().ifPresent(m -> icmp("notICMP", m));
        entity("source", r.source());
        entity("destination", r.destination());
      }
    }

    void icmp(String key, IcmpMatch m) {
      line(2, key + ":");
      m.type().ifPresent(t -> line(3, "type: " + t));
      m.code().ifPresent(c -> line(3, "code: " + c));
      if (m.type().isEmpty() && m.code().isEmpty()) {
        sb.setLength(sb.length() - 1);
        sb.append(" {}\n");
      }
    }

    void entity(String key, EntityRule e) {
      if (e.isEmpty()) {
        return;
      }
      line(2, key + ":");
      list(3, "nets", e.nets());
      list(3, "notNets", e.notNets());
      e.selector().ifPresent(s -> selector(3, "selector", s));
      e.notSelector().ifPresent(s -> selector(3, "notSelector", s));
      e.namespaceSelector().ifPresent(s -> selector(3, "namespaceSelector", s));
      e.serviceAccounts().ifPresent(sa -> serviceAccounts(sa));
      e.services().ifPresent(s -> {
        line(3, "services:");
        if (!s.name().isEmpty()) {
          line(4, "name: " + str(s.name()));
        }
        if (!s.namespace().isEmpty()) {
          line(4, "namespace: " + str(s.namespace()));
        }
        if (s.name().isEmpty() && s.namespace().isEmpty()) {
          sb.setLength(sb.length() - 1);
          sb.append(" {}\n");
        }
      });
      ports("ports", e.ports().stream().map(pt -> pt.text()).toList());
      ports("notPorts", e.notPorts().stream().map(pt -> pt.text()).toList());
    }

    void serviceAccounts(ServiceAccountMatch sa) {
      line(3, "serviceAccounts:");
      list(4, "names", sa.names());
      sa.selector().ifPresent(s -> selector(4, "selector", s));
      if (sa.names().isEmpty() && sa.selector().isEmpty()) {
        sb.setLength(sb.length() - 1);
        sb.append(" {}\n");
      }
    }

    void list(int indent, String key, List<String> items) {
      if (items.isEmpty()) {
        return;
      }
      if (bits(1) == 0) {
        line(indent, key + ": [" + String.join(", ", items.stream().map(this::str).toList()) + "]");
      } else {
        line(indent, key + ":");
        for (String s : items) {
          line(indent, "- " + str(s));
        }
      }
    }

    void ports(String key, List<String> ports) {
      if (ports.isEmpty()) {
        return;
      }
      line(3, key + ":");
      for (String p : ports) {
        // A number as a YAML integer when it reads back as the same text.
        line(3, "- " + (p.matches("[1-9][0-9]{0,4}") ? p : str(p)));
      }
    }
  }
}
