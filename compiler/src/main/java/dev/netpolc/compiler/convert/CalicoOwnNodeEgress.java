package dev.netpolc.compiler.convert;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.calico.CalicoAction;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoPort;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.npa.ClusterNetworkPolicy;
import dev.netpolc.model.npa.ClusterPolicyPeer;
import dev.netpolc.model.npa.ClusterPolicyProtocol;
import dev.netpolc.model.npa.ClusterPolicyRule;
import dev.netpolc.model.npa.ClusterPolicySubject;
import dev.netpolc.model.npa.PolicyTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The default tier's egress isolation for a pod's traffic to its own node, as Baseline-tier
 * ClusterNetworkPolicies.
 *
 * <p>Calico applies a pod's egress policy to its traffic to the node it runs on; NetworkPolicy
 * exempts that traffic from the NetworkPolicy tier, and the Admin and Baseline tiers alone decide
 * it (SEMANTICS.md, SEMANTICS-TIERS.md). The default tier's policies become NetworkPolicies, which
 * isolate the same pods' egress, so the Baseline tier sees only their own-node egress. There, per
 * default-tier policy, one Accept policy holds its Allow rules as they apply to a node address
 * (at the first Baseline priorities: the default tier's rules are all Allow, so their order does
 * not matter), and after them one policy denies everything else ({@code networks: 0.0.0.0/0, ::/0},
 * the tier's end-of-tier Deny). Kubernetes NetworkPolicies that isolate egress (they are
 * default-tier policies in Calico) join with their allow-everything rule.
 *
 * <p>A rule whose peer is a selector matches a node address only through the network sets it
 * selects (Calico selectors match workload endpoints and network sets, never a node), and a named
 * port never matches a node (it resolves on the destination pod's containers): such rules are left
 * out, or become the network sets' addresses.
 */
final class CalicoOwnNodeEgress {
  private static final List<String> EVERYWHERE = List.of("0.0.0.0/0", "::/0");

  /** One default-tier policy's own-node egress: who, and what it allows. */
  private record Entry(String name, ClusterPolicySubject subject, List<ClusterPolicyRule> accepts, Provenance from,
      List<String> notes) {}

  private final CalicoOverlap overlap;
  private final List<Entry> entries = new ArrayList<>();
  private boolean restricts;

  CalicoOwnNodeEgress(CalicoOverlap overlap) {
    this.overlap = overlap;
  }

  /**
   * Adds a default-tier Calico policy that applies to egress (its rules already converted to a
   * NetworkPolicy, so all Allow or Log, of shapes a NetworkPolicy takes, but for the rules at the
   * paths {@code leftOut}, which --approximate left out of the NetworkPolicy and are left out here).
   *
   * @return why it cannot be written, if it cannot
   */
  Optional<Map.Entry<String, String>> add(CalicoPolicy p, ClusterPolicySubject subject, java.util.Set<String> leftOut) {
    List<ClusterPolicyRule> accepts = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean everything = false;
    List<CalicoRule> rules = p.egress();
    for (int i = 0; i < rules.size(); i++) {
      CalicoRule r = rules.get(i);
      if (r.actionKind() != CalicoAction.ALLOW) {
        continue;
      }
      String path = "spec.egress[" + i + "]";
      if (leftOut.contains(path)) {
        notes.add(path + ": left out of the NetworkPolicy too (--approximate)");
        continue;
      }
      if (r.destination().ports().stream().anyMatch(CalicoPort::named)) {
        notes.add(path + ": a named port, which no node address has");
        continue;
      }
      EntityRule peer = r.destination();
      boolean selects = peer.selector().isPresent() || peer.namespaceSelector().isPresent();
      List<String> networks;
      if (selects && !peer.nets().isEmpty()) {
        return Optional.of(Map.entry(path, "nets together with a selector (their intersection) has no"
            + " ClusterNetworkPolicy peer for the pod's traffic to its own node"));
      } else if (selects) {
        networks = overlap.networkSetCidrs(p, peer).stream().map(Cidr::toString).distinct().sorted().toList();
        if (networks.isEmpty()) {
          notes.add(path + ": its selector matches no network set, and no node");
          continue;
        }
      } else if (peer.nets().isEmpty()) {
        networks = EVERYWHERE;
        everything |= r.protocol().isEmpty();
      } else {
        networks = peer.netCidrs().stream().map(Cidr::toString).distinct().toList();
      }
      accepts.add(new ClusterPolicyRule(Optional.of("own-node-" + path.replace("spec.", "").replace('[', '-')
          .replace("]", "")), "Accept", List.of(ClusterPolicyPeer.networks(networks)), protocols(r)));
    }
    restricts |= !everything;
    String wanted = p.namespace() + "." + p.name() + ".own-node-egress";
    entries.add(new Entry(wanted, subject, accepts, CalicoTargetConversion.provenance(p), notes));
    return Optional.empty();
  }

  /** Adds a Kubernetes NetworkPolicy that isolates egress and allows all of it. */
  void addKept(NetworkPolicy np) {
    ClusterPolicySubject subject = ClusterPolicySubject.pods(
        new LabelSelector(Map.of("kubernetes.io/metadata.name", np.namespace()), List.of()), np.podSelector());
    ClusterPolicyRule all = new ClusterPolicyRule(Optional.of("own-node-all"), "Accept",
        List.of(ClusterPolicyPeer.networks(EVERYWHERE)), Optional.empty());
    entries.add(new Entry(np.namespace() + "." + np.name() + ".own-node-egress", subject, List.of(all),
        Provenance.of("NetworkPolicy", np.namespace(), np.name()), List.of()));
  }

  /**
   * True when some policy's own-node egress is not allow-everything: without the Baseline
   * objects a NetworkPolicy would allow it.
   */
  boolean restricts() {
    return restricts;
  }

  /**
   * The Baseline objects, in priority order (priorities are set by the caller): every policy's
   * Accepts, then every policy's Deny. A policy whose Accepts are empty has only its Deny.
   */
  List<ConvertedObject> objects(ObjectNames names) {
    List<ConvertedObject> accepts = new ArrayList<>();
    List<ConvertedObject> denies = new ArrayList<>();
    String why = "the pod's egress to its own node, which NetworkPolicy exempts and Calico's default tier decides";
    for (Entry e : entries) {
      if (!e.accepts.isEmpty()) {
        List<String> notes = new ArrayList<>(List.of(why + ": what it allows there"));
        notes.addAll(e.notes.stream().map(n -> "left out " + n).toList());
        accepts.add(object(names.unique(e.name), e.subject, e.accepts, e.from, notes));
      }
      ClusterPolicyRule deny = new ClusterPolicyRule(Optional.of("end-of-tier-deny"), "Deny",
          List.of(ClusterPolicyPeer.networks(EVERYWHERE)), Optional.empty());
      denies.add(object(names.unique(e.name + ".end-of-tier"), e.subject, List.of(deny), e.from,
          List.of(why + ": the default tier's end-of-tier Deny")));
    }
    accepts.addAll(denies);
    return accepts;
  }

  private static ConvertedObject object(String name, ClusterPolicySubject subject, List<ClusterPolicyRule> egress,
      Provenance from, List<String> notes) {
    ClusterNetworkPolicy c = ClusterNetworkPolicy.of(name, PolicyTier.BASELINE, 0, subject, List.of(), egress);
    return new ConvertedObject.ClusterPolicyObject(c, from, Exactness.EXACT, notes);
  }

  /** The rule's protocol and numeric ports (a NetworkPolicy-shaped rule: TCP, UDP, SCTP or none). */
  private static Optional<List<ClusterPolicyProtocol>> protocols(CalicoRule r) {
    try {
      return CalicoSourceConversion.cnpProtocols(r);
    } catch (CalicoSourceConversion.Unconvertible e) {
      throw new IllegalStateException("a NetworkPolicy-shaped rule has a port protocol", e);
    }
  }
}
