package dev.netpolc.cli.format.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.compiler.explain.ExplainReport;
import dev.netpolc.compiler.explain.ExplainReport.CalicoRuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.CalicoTierReport;
import dev.netpolc.compiler.explain.ExplainReport.DirectionReport;
import dev.netpolc.compiler.explain.ExplainReport.PolicyLocation;
import dev.netpolc.compiler.explain.ExplainReport.PolicyMissReport;
import dev.netpolc.compiler.explain.ExplainReport.RuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.RuleMissReport;
import dev.netpolc.compiler.explain.ExplainReport.Side;
import dev.netpolc.compiler.explain.ExplainReport.TierReport;
import dev.netpolc.compiler.explain.ExplainReport.TierRuleLocation;
import dev.netpolc.compiler.explain.ExplainReport.Suggestion;
import dev.netpolc.model.SourcePosition;

/**
 * {@code netpolc explain --format json}: one object, {@code allowed} first, then source,
 * destination, connection, egress, ingress and suggestions. Positions are
 * {@code {file, line, column}} or null when unknown.
 */
final class JsonExplainFormatter {
  private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private JsonExplainFormatter() {}

  static String format(ExplainReport r) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("allowed", r.allowed());
    root.put("shortcut", r.shortcut());
    root.set("source", side(r.source()));
    root.set("destination", side(r.destination()));
    ObjectNode conn = root.putObject("connection");
    conn.put("protocol", r.connection().protocol());
    conn.put("protocolNumber", r.connection().protocolNumber());
    if (r.connection().port() > 0 && !r.connection().icmp()) {
      conn.put("port", r.connection().port());
    } else {
      conn.putNull("port");
    }
    if (r.connection().icmp() && r.connection().port() > 0) {
      // The ICMP message a Calico icmp/notICMP match tells apart (type 0 code 0 stays implicit).
      conn.put("icmpType", r.connection().port() >> 8);
      conn.put("icmpCode", r.connection().port() & 0xff);
    }
    conn.put("family", r.connection().family());
    root.set("egress", direction(r.egress()));
    root.set("ingress", direction(r.ingress()));
    ArrayNode sugg = root.putArray("suggestions");
    for (Suggestion s : r.suggestions()) {
      ObjectNode o = sugg.addObject();
      o.put("direction", s.direction());
      if (s.policy().isPresent()) {
        o.put("policy", s.policy().get());
      } else {
        o.putNull("policy");
      }
      o.put("path", s.path());
      o.set("position", position(s.position()));
      o.put("text", s.text());
    }
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e); // a tree of plain nodes always writes
    }
  }

  private static ObjectNode side(Side s) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("address", s.address());
    o.put("kind", s.kind());
    if (s.pod().isPresent()) {
      o.put("pod", s.pod().get());
    } else {
      o.putNull("pod");
    }
    if (s.node().isPresent()) {
      o.put("node", s.node().get());
    } else {
      o.putNull("node");
    }
    ObjectNode labels = o.putObject("labels");
    s.labels().forEach(labels::put);
    return o;
  }

  private static ObjectNode direction(DirectionReport d) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("applies", d.applies());
    o.put("isolated", d.isolated());
    o.put("allowed", d.allowed());
    ArrayNode sel = o.putArray("selectingPolicies");
    for (PolicyLocation p : d.selectingPolicies()) {
      ObjectNode po = sel.addObject();
      po.put("policy", p.policy());
      po.set("position", position(p.position()));
    }
    if (d.matched().isPresent()) {
      RuleLocation m = d.matched().get();
      ObjectNode mo = o.putObject("matched");
      mo.put("policy", m.policy());
      mo.put("rule", m.path());
      mo.set("position", position(m.position()));
      mo.put("peer", m.peer());
      mo.put("port", m.port());
    } else {
      o.putNull("matched");
    }
    ArrayNode misses = o.putArray("misses");
    for (PolicyMissReport miss : d.misses()) {
      ObjectNode mo = misses.addObject();
      mo.put("policy", miss.policy());
      mo.set("position", position(miss.position()));
      ArrayNode rules = mo.putArray("rules");
      for (RuleMissReport rule : miss.rules()) {
        ObjectNode ro = rules.addObject();
        ro.put("rule", rule.path());
        ro.set("position", position(rule.position()));
        ArrayNode peers = ro.putArray("peerFailures");
        rule.peerFailures().forEach(peers::add);
        ArrayNode ports = ro.putArray("portFailures");
        rule.portFailures().forEach(ports::add);
      }
    }
    o.put("decidedBy", d.decidedBy());
    if (d.networkPolicyTierSkipped()) {
      o.put("networkPolicyTierSkipped", true);
    }
    if (d.decidedBy().equals("calico")) {
      ArrayNode calico = o.putArray("calicoTiers");
      for (CalicoTierReport t : d.calicoTiers()) {
        ObjectNode to = calico.addObject();
        to.put("tier", t.tier());
        to.put("defaultAction", t.defaultAction());
        ArrayNode applying = to.putArray("policies");
        for (PolicyLocation p : t.applying()) {
          ObjectNode po = applying.addObject();
          po.put("policy", p.policy());
          po.set("position", position(p.position()));
        }
        ArrayNode logged = to.putArray("logged");
        t.logged().forEach(l -> logged.add(calicoRule(l)));
        if (t.matched().isPresent()) {
          to.set("matched", calicoRule(t.matched().get()));
        } else {
          to.putNull("matched");
        }
        to.put("outcome", t.outcome());
      }
    }
    ArrayNode tiers = o.putArray("tiers");
    for (TierReport t : d.tiers()) {
      ObjectNode to = tiers.addObject();
      to.put("tier", t.tier());
      ArrayNode considered = to.putArray("policies");
      for (PolicyLocation p : t.considered()) {
        ObjectNode po = considered.addObject();
        po.put("policy", p.policy());
        po.set("position", position(p.position()));
      }
      if (t.matched().isPresent()) {
        TierRuleLocation m = t.matched().get();
        ObjectNode mo = to.putObject("matched");
        mo.put("policy", m.policy());
        mo.put("priority", m.priority());
        mo.put("rule", m.path());
        if (m.name().isPresent()) {
          mo.put("name", m.name().get());
        } else {
          mo.putNull("name");
        }
        mo.put("action", m.action());
        mo.set("position", position(m.position()));
        mo.put("peer", m.peer());
        mo.put("protocol", m.protocol());
      } else {
        to.putNull("matched");
      }
    }
    return o;
  }

  private static ObjectNode calicoRule(CalicoRuleLocation l) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("policy", l.policy());
    o.put("rule", l.path());
    o.put("action", l.action());
    o.set("position", position(l.position()));
    return o;
  }

  private static com.fasterxml.jackson.databind.JsonNode position(SourcePosition p) {
    if (!p.isKnown()) {
      return JsonNodeFactory.instance.nullNode();
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("file", p.file());
    o.put("line", p.line());
    o.put("column", p.column());
    return o;
  }
}
