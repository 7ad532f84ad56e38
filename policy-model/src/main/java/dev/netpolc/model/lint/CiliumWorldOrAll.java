package dev.netpolc.model.lint;

import dev.netpolc.model.cilium.CiliumDirection;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumRule;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * NP267: the entity {@code world} where {@code all} was meant, or the reverse. {@code world} is
 * every address that is neither a pod's nor a node's; {@code all} is every peer, the cluster's
 * pods and nodes included (SEMANTICS-CILIUM.md, "Entities"). Two triggers, each a contradiction
 * inside one rule rather than a guess about intent:
 * <ol>
 *   <li><b>{@code world} beside the cluster's CIDRs</b> (needs inventory): a section of a rule
 *       lists {@code world} (or {@code world-ipv4}/{@code world-ipv6}) and, in the same section,
 *       a CIDR that covers pod or node addresses (NP268's test). Whoever adds the pod range to
 *       {@code world} means "everything", but neither matches a pod: {@code all} (or
 *       {@code cluster} beside {@code world}) was meant.</li>
 *   <li><b>{@code all} in a deny that overrides the rule's own pod allows</b>: an
 *       {@code ingressDeny}/{@code egressDeny} entry of a rule names {@code all}, and an allow
 *       entry of the same rule and direction names pods ({@code fromEndpoints}/
 *       {@code toEndpoints}, or {@code cluster}, {@code host}, {@code remote-node}) on a port the
 *       deny also matches. Deny wins, so the rule contradicts itself; a deny "for outside
 *       traffic" is written with {@code world}.</li>
 * </ol>
 * NP269 leaves the allows of the second trigger to this rule, so one mistake is one finding.
 */
public final class CiliumWorldOrAll extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP267";

  private static final Set<CiliumEntity> WORLDS = Set.of(CiliumEntity.WORLD, CiliumEntity.WORLD_IPV4,
      CiliumEntity.WORLD_IPV6);
  private static final Set<CiliumEntity> CLUSTER_PEERS = Set.of(CiliumEntity.CLUSTER, CiliumEntity.HOST,
      CiliumEntity.REMOTE_NODE);

  /** The rule. */
  public CiliumWorldOrAll() {
    super(ID, Severity.WARNING, "Cilium entity world where all was meant (beside the cluster's CIDRs), or all in a "
        + "deny that overrides the rule's own pod allows", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    boolean inventory = context.cluster().hasInventory();
    for (CiliumSelection.Section s : CiliumSelection.sections(context)) {
      CiliumPeerRule peer = s.peer();
      List<String> entities = peer.entities().orElse(List.of());
      for (int k = 0; k < entities.size(); k++) {
        CiliumEntity e = CiliumEntity.of(entities.get(k));
        if (e == null) {
          continue; // an unknown entity is the validator's NP194 finding
        }
        String path = peer.fieldPath("Entities") + "[" + k + "]";
        if (WORLDS.contains(e) && inventory) {
          worldBesideClusterCidrs(context, sink, s, path, e);
        } else if (e == CiliumEntity.ALL && peer.deny()) {
          allInDeny(sink, s, path);
        }
      }
    }
  }

  private void worldBesideClusterCidrs(LintContext context, LintSink sink, CiliumSelection.Section s, String path,
      CiliumEntity world) {
    CiliumSelection selection = CiliumSelection.of(context);
    List<Diagnostic.Related> related = new ArrayList<>();
    for (CiliumPeerRule other : section(s.rule(), s.peer())) {
      for (CiliumCidrCoversPods.Covering c : CiliumCidrCoversPods.covering(selection, other)) {
        related.add(new Diagnostic.Related(s.policy().position(c.path()), c.path() + ": " + c.cidr() + " covers "
            + sample(c.hits())));
      }
    }
    if (related.isEmpty()) {
      return;
    }
    String verb = s.peer().deny() ? "deny" : "allow";
    sink.report(s.policy().suppressedRules(), finding(s.policy().source(), s.policy().key(), path,
        world.text() + " matches only addresses outside the cluster, and the CIDRs beside it in this section cover "
        + "pod or node addresses, which Cilium never matches by CIDR: together they do not " + verb + " the "
        + "cluster's pods; write all if every peer was meant, or add cluster beside " + world.text(), related));
  }

  private void allInDeny(LintSink sink, CiliumSelection.Section s, String path) {
    List<Diagnostic.Related> related = new ArrayList<>();
    for (CiliumPeerRule allow : allows(s.rule(), s.peer().direction())) {
      if (overridesPodAllow(s.peer(), allow)) {
        related.add(new Diagnostic.Related(s.policy().position(allow.path()), allow.path() + ": allows pods, "
            + "overridden by this deny"));
      }
    }
    if (related.isEmpty()) {
      return;
    }
    sink.report(s.policy().suppressedRules(), finding(s.policy().source(), s.policy().key(), path,
        "all in a deny also matches the cluster's pods and nodes, so it overrides " + related.size()
        + " allow entr" + (related.size() == 1 ? "y" : "ies") + " of this rule naming pods (deny wins); if "
        + "traffic from outside the cluster was meant, write world", related));
  }

  /**
   * True when {@code deny} (an entry naming {@code all}) overrides {@code allow} of the same rule:
   * the allow names pods and shares a port or ICMP type with the deny. NP269 skips these.
   */
  static boolean overridesPodAllow(CiliumPeerRule deny, CiliumPeerRule allow) {
    boolean denyAll = deny.deny() && deny.entities().orElse(List.of()).contains(CiliumEntity.ALL.text());
    boolean podAllow = !allow.deny() && (allow.endpoints().map(l -> !l.isEmpty()).orElse(false)
        || allow.entities().orElse(List.of()).stream().map(CiliumEntity::of).anyMatch(CLUSTER_PEERS::contains));
    return denyAll && podAllow && CiliumL4.overlap(deny, allow);
  }

  /** The allow entries of {@code rule} in {@code direction}. */
  static List<CiliumPeerRule> allows(CiliumRule rule, CiliumDirection direction) {
    return direction == CiliumDirection.INGRESS ? rule.ingress() : rule.egress();
  }

  /** The section ({@code ingress}, {@code egressDeny}, ...) of {@code rule} that holds {@code peer}. */
  private static List<CiliumPeerRule> section(CiliumRule rule, CiliumPeerRule peer) {
    if (peer.direction() == CiliumDirection.INGRESS) {
      return peer.deny() ? rule.ingressDeny() : rule.ingress();
    }
    return peer.deny() ? rule.egressDeny() : rule.egress();
  }
}
