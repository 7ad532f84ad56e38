package dev.netpolc.cli;

import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyRule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --semantics KEY=VALUE}: the implementation choices of SEMANTICS.md and
 * SEMANTICS-TIERS.md, shared by every command that decides connections (compile, verify,
 * matrix, explain, diff), so that they all decide alike.
 */
final class SemanticsMixin {
  /** The keys, for help and errors. */
  static final String KEYS = "ipBlockMatchesPodIps, allowNodeToLocalPods, hostNetworkPodsArePolicyTargets, "
      + "nodeLocalExemptFromAllTiers (true|false), domainNames (refuse|match-nothing)";

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--semantics", paramLabel = "KEY=VALUE",
      description = "An implementation choice of the semantics, repeatable: " + KEYS + ".")
  List<String> semantics = new ArrayList<>();

  /** The options the flags give (the defaults of the semantics documents otherwise). */
  SemanticsOptions options() {
    SemanticsOptions o = SemanticsOptions.DEFAULTS;
    for (String kv : semantics) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? kv : kv.substring(0, eq);
      String value = eq < 0 ? "" : kv.substring(eq + 1).toLowerCase(Locale.ROOT);
      o = switch (key) {
        case "ipBlockMatchesPodIps" -> o.withIpBlockMatchesPodIps(bool(kv, value));
        case "allowNodeToLocalPods" -> o.withAllowNodeToLocalPods(bool(kv, value));
        case "hostNetworkPodsArePolicyTargets" -> o.withHostNetworkPodsArePolicyTargets(bool(kv, value));
        case "nodeLocalExemptFromAllTiers" -> o.withNodeLocalExemptFromAllTiers(bool(kv, value));
        case "domainNames" -> switch (value) {
          case "refuse" -> o.withDomainNamesMatchNothing(false);
          case "match-nothing" -> o.withDomainNamesMatchNothing(true);
          default -> throw bad(kv, "domainNames takes refuse or match-nothing");
        };
        default -> throw bad(kv, "unknown key; known: " + KEYS);
      };
    }
    return o;
  }

  /**
   * For commands that only evaluate (matrix, explain, diff): {@code domainNames} peers match
   * nothing, as SEMANTICS-TIERS.md says, with one line on stderr naming the first such rule.
   */
  SemanticsOptions forEvaluation(Cluster cluster, PrintWriter err) {
    SemanticsOptions o = options();
    String rule = firstDomainNamesRule(cluster);
    if (rule != null) {
      err.println("netpolc: note: domainNames peers cannot be decided from the cluster's objects; they match "
          + "no address here (first: " + rule + ")");
      o = o.withDomainNamesMatchNothing(true);
    }
    return o;
  }

  /** {@code cnp:NAME spec.egress[i]} of the first rule with a domainNames peer, or null. */
  static String firstDomainNamesRule(Cluster cluster) {
    for (ClusterNetworkPolicy p : cluster.tieredPolicies()) {
      for (int i = 0; i < p.egress().size(); i++) {
        ClusterPolicyRule r = p.egress().get(i);
        for (ClusterPolicyPeer peer : r.peers()) {
          if (peer.domainNames().isPresent()) {
            return p.key() + " spec.egress[" + i + "]";
          }
        }
      }
    }
    return null;
  }

  private boolean bool(String kv, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(kv, "takes true or false");
    };
  }

  private CommandLine.ParameterException bad(String kv, String why) {
    return new CommandLine.ParameterException(spec.commandLine(), "--semantics " + kv + ": " + why);
  }
}
