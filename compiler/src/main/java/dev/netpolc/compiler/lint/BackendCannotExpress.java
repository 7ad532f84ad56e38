package dev.netpolc.compiler.lint;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Feature;
import dev.netpolc.model.Cidr;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Peer;
import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PolicyRule;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.lint.LintContext;
import dev.netpolc.model.lint.LintSink;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * NP209: the policies use a feature that the chosen backend ({@code --backend}) does not list
 * in {@link Backend#capabilities()}: SCTP ports, port ranges ({@code endPort}), named ports,
 * rules without ports (all protocols), IPv4 or IPv6 blocks. Compiling for that backend would
 * fail; the finding points at the field instead. Without a backend the rule reports nothing.
 */
public final class BackendCannotExpress extends CompilerRule {
  /** The rule id. */
  public static final String ID = "NP209";

  private final Optional<Backend> backend;

  /** The rule checking {@code backend}'s capabilities (nothing when empty). */
  public BackendCannotExpress(Optional<Backend> backend) {
    super(ID, Severity.WARNING, "the chosen backend cannot express a feature used (SCTP, IPv6, endPort, ...)", false);
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    if (backend.isEmpty()) {
      return;
    }
    Set<Feature> can = backend.get().capabilities();
    for (NetworkPolicy p : context.cluster().policies()) {
      if (p.isolatesIngress()) {
        checkRules(p, p.ingress(), "spec.ingress", "from", can, sink);
      }
      if (p.isolatesEgress()) {
        checkRules(p, p.egress(), "spec.egress", "to", can, sink);
      }
    }
  }

  private void checkRules(NetworkPolicy p, List<PolicyRule> rules, String listPath, String peersKey,
      Set<Feature> can, LintSink sink) {
    for (int i = 0; i < rules.size(); i++) {
      PolicyRule rule = rules.get(i);
      String path = listPath + "[" + i + "]";
      if (rule.ports().isEmpty()) {
        need(p, path, Feature.ALL_PROTOCOLS, "a rule without ports (every protocol, ICMP included)", can, sink);
      }
      for (int k = 0; k < rule.ports().size(); k++) {
        PolicyPort port = rule.ports().get(k);
        String portPath = path + ".ports[" + k + "]";
        if (port.effectiveProtocol().orElse(null) == Protocol.SCTP) {
          need(p, portPath + ".protocol", Feature.SCTP, "SCTP ports", can, sink);
        }
        if (port.endPort().isPresent()) {
          need(p, portPath + ".endPort", Feature.PORT_RANGES, "port ranges (endPort)", can, sink);
        }
        if (port.port().isPresent() && port.port().get().isNamed()) {
          need(p, portPath + ".port", Feature.NAMED_PORTS, "named ports", can, sink);
        }
      }
      for (int j = 0; j < rule.peers().size(); j++) {
        Peer peer = rule.peers().get(j);
        if (peer.ipBlock().isEmpty()) {
          continue;
        }
        Optional<Cidr> cidr = Cidr.parse(peer.ipBlock().get().cidr()).map(Cidr.Parsed::cidr);
        if (cidr.isPresent()) {
          boolean v6 = cidr.get().v6();
          need(p, path + "." + peersKey + "[" + j + "].ipBlock.cidr", v6 ? Feature.IPV6 : Feature.IPV4,
              v6 ? "IPv6 addresses" : "IPv4 addresses", can, sink);
        }
      }
    }
  }

  private void need(NetworkPolicy p, String path, Feature feature, String what, Set<Feature> can, LintSink sink) {
    if (can.contains(feature)) {
      return;
    }
    String name = backend.get().name();
    sink.report(p, new Diagnostic(ID, defaultSeverity(), p.source().find(path), path, path + ": the " + name
        + " backend cannot express " + what + " (" + feature + "); compiling for it would fail (" + p.key() + ")",
        List.of()));
  }
}
