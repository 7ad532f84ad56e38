package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.Pod;
import dev.netpolc.model.cilium.CiliumCidrSet;
import dev.netpolc.model.cilium.CiliumEntity;
import dev.netpolc.model.cilium.CiliumLabels;
import dev.netpolc.model.cilium.CiliumPeerRule;
import dev.netpolc.model.cilium.CiliumPolicy;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NP269: an allow entry ({@code ingress[i]}/{@code egress[i]}) of a Cilium rule whose every peer
 * and port is denied by deny entries applying to the same endpoints. Deny wins over every allow
 * (SEMANTICS-CILIUM.md, "The decision"), so the entry allows nothing.
 *
 * <p>Decided by set arithmetic, proving containment only (no finding when unsure): the allow's
 * peers and its ports are split into atoms (each pod an endpoint selector matches in the
 * inventory, or the selector itself without one; each CIDR, CIDR set, entity; each port range,
 * port name, ICMP type), and every pair of a peer atom and a port atom must lie in one deny entry.
 * A deny covers a pod when one of its selectors matches the pod (or it names {@code cluster} or
 * {@code all}, or has no L3 part), a selector when its requirements are a subset of the allow
 * selector's, a CIDR when one of its CIDRs contains it or it names {@code world} (CIDRs match
 * only outside addresses). With inventory, the denies are those of every rule selecting the
 * endpoint, and each endpoint the allow's rule selects must be covered; without, or when the rule
 * selects no pod, only the deny entries of the same rule count. Allows that NP267 reports
 * ({@code all} in a deny of the same rule overriding pod allows) are left to it.
 */
public final class CiliumDenyEmptiesAllow extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP269";

  /** The rule. */
  public CiliumDenyEmptiesAllow() {
    super(ID, Severity.WARNING, "Cilium deny rules deny everything an allow rule allows (the allow has no effect)",
        false);
  }

  /** One peer an allow entry matches. */
  private sealed interface PeerAtom permits AnyPeer, PodPeer, SelectorPeer, CidrPeer, EntityPeer {}

  /** Every peer: an entry without L3 part. */
  private record AnyPeer() implements PeerAtom {}

  /** One pod of the inventory. */
  private record PodPeer(Pod pod) implements PeerAtom {}

  /** The pods a selector of {@code policy} matches, unknown without inventory. */
  private record SelectorPeer(CiliumPolicy policy, LabelSelector selector) implements PeerAtom {}

  /** An outside range less its exceptions. */
  private record CidrPeer(Cidr cidr, List<Cidr> except) implements PeerAtom {}

  /** An entity. */
  private record EntityPeer(CiliumEntity entity) implements PeerAtom {}

  @Override
  public void check(LintContext context, LintSink sink) {
    CiliumSelection selection = CiliumSelection.of(context);
    boolean inventory = context.cluster().hasInventory();
    List<CiliumSelection.Section> denies = CiliumSelection.sections(context).stream()
        .filter(s -> s.peer().deny()).toList();
    Map<CiliumSelection.Section, Set<Pod>> denySubjects = new IdentityHashMap<>();
    for (CiliumSelection.Section s : CiliumSelection.sections(context)) {
      CiliumPeerRule allow = s.peer();
      if (allow.deny()) {
        continue;
      }
      List<CiliumSelection.Section> sameRule = denies.stream()
          .filter(d -> d.rule() == s.rule() && d.peer().direction() == allow.direction()).toList();
      if (sameRule.stream().anyMatch(d -> CiliumWorldOrAll.overridesPodAllow(d.peer(), allow))) {
        continue; // NP267's finding
      }
      Optional<List<PeerAtom>> peers = peerAtoms(selection, inventory, s.policy(), allow);
      if (peers.isEmpty() || peers.get().isEmpty()) {
        continue; // undecidable, or the entry allows nothing anyway
      }
      List<CiliumL4.Atom> ports = CiliumL4.atoms(allow);
      if (ports.isEmpty()) {
        continue;
      }
      List<Pod> subjects = inventory ? selection.subjects(s.policy(), s.rule()) : List.of();
      Map<String, CiliumSelection.Section> used = new LinkedHashMap<>();
      boolean emptied;
      if (subjects.isEmpty()) {
        emptied = covered(selection, peers.get(), ports, sameRule, used);
      } else {
        emptied = true;
        for (Pod pod : subjects) {
          List<CiliumSelection.Section> applying = denies.stream()
              .filter(d -> d.peer().direction() == allow.direction() && denySubjects
                  .computeIfAbsent(d, x -> identitySet(selection.subjects(x.policy(), x.rule()))).contains(pod))
              .toList();
          if (!covered(selection, peers.get(), ports, applying, used)) {
            emptied = false;
            break;
          }
        }
      }
      if (!emptied) {
        continue;
      }
      List<Diagnostic.Related> related = new ArrayList<>();
      used.values().forEach(d -> related.add(new Diagnostic.Related(d.policy().position(d.peer().path()),
          d.peer().path() + " (" + d.policy().key() + ")")));
      String scope = subjects.isEmpty() ? "deny entries of the same rule"
          : subjects.size() == 1 ? "deny entries applying to the endpoint this rule selects (" + subjects.get(0).key() + ")"
          : "deny entries applying to all " + subjects.size() + " endpoints this rule selects";
      sink.report(s.policy().suppressedRules(), finding(s.policy().source(), s.policy().key(), allow.path(),
          "every peer and port this allow entry matches is denied by " + scope + " ("
          + sample(related.stream().map(Diagnostic.Related::message).toList()) + "); deny wins over allow in Cilium, "
          + "so this entry allows nothing: narrow the deny or remove the allow", related));
    }
  }

  /** True when every (peer, port) pair lies in one of {@code denies}; records the denies used. */
  private static boolean covered(CiliumSelection selection, List<PeerAtom> peers, List<CiliumL4.Atom> ports,
      List<CiliumSelection.Section> denies, Map<String, CiliumSelection.Section> used) {
    for (PeerAtom peer : peers) {
      for (CiliumL4.Atom port : ports) {
        CiliumSelection.Section by = null;
        for (CiliumSelection.Section d : denies) {
          if (CiliumL4.covers(d.peer(), port) && l3Covers(selection, d, peer)) {
            by = d;
            break;
          }
        }
        if (by == null) {
          return false;
        }
        used.putIfAbsent(by.policy().key() + " " + by.peer().path(), by);
      }
    }
    return true;
  }

  /** The allow's peers as atoms; empty when one of them cannot be judged (an entry validation refuses). */
  private static Optional<List<PeerAtom>> peerAtoms(CiliumSelection selection, boolean inventory, CiliumPolicy policy,
      CiliumPeerRule allow) {
    if (!allow.hasL3()) {
      return Optional.of(List.of(new AnyPeer()));
    }
    List<PeerAtom> out = new ArrayList<>();
    for (LabelSelector sel : allow.endpoints().orElse(List.of())) {
      List<Pod> pods = inventory && !CiliumLabels.selectsReserved(sel) ? selection.peers(policy, sel) : List.of();
      if (pods.isEmpty()) {
        out.add(new SelectorPeer(policy, sel));
      } else {
        pods.forEach(p -> out.add(new PodPeer(p)));
      }
    }
    for (String c : allow.cidrs().orElse(List.of())) {
      Optional<Cidr> cidr = CiliumSelection.cidr(c);
      if (cidr.isEmpty()) {
        return Optional.empty();
      }
      out.add(new CidrPeer(cidr.get(), List.of()));
    }
    for (CiliumCidrSet set : allow.cidrSets().orElse(List.of())) {
      Optional<Cidr> cidr = CiliumSelection.cidr(set.cidr());
      if (cidr.isEmpty() || CiliumSelection.except(set).size() != set.except().size()) {
        return Optional.empty();
      }
      out.add(new CidrPeer(cidr.get(), CiliumSelection.except(set)));
    }
    for (String name : allow.entities().orElse(List.of())) {
      CiliumEntity e = CiliumEntity.of(name);
      if (e == null) {
        return Optional.empty();
      }
      if (!e.matchesNothing()) {
        out.add(new EntityPeer(e));
      }
    }
    return Optional.of(out);
  }

  /** True when deny entry {@code d} matches every peer {@code atom} stands for (its L3 part only). */
  private static boolean l3Covers(CiliumSelection selection, CiliumSelection.Section d, PeerAtom atom) {
    CiliumPeerRule deny = d.peer();
    if (!deny.hasL3()) {
      return true;
    }
    List<CiliumEntity> entities = deny.entities().orElse(List.of()).stream().map(CiliumEntity::of).toList();
    if (entities.contains(CiliumEntity.ALL)) {
      return true;
    }
    List<LabelSelector> selectors = deny.endpoints().orElse(List.of());
    if (atom instanceof PodPeer p) {
      return entities.contains(CiliumEntity.CLUSTER)
          || selectors.stream().anyMatch(s -> selection.peerMatches(d.policy(), s, p.pod()));
    }
    if (atom instanceof SelectorPeer sp) {
      if (entities.contains(CiliumEntity.CLUSTER) && !CiliumLabels.selectsReserved(sp.selector())) {
        return true;
      }
      LabelSelector inner = CiliumLabels.peerSelector(sp.policy(), sp.selector());
      return selectors.stream().anyMatch(s -> weaker(CiliumLabels.peerSelector(d.policy(), s), inner));
    }
    if (atom instanceof CidrPeer c) {
      CiliumEntity world = c.cidr().v6() ? CiliumEntity.WORLD_IPV6 : CiliumEntity.WORLD_IPV4;
      if (entities.contains(CiliumEntity.WORLD) || entities.contains(world)) {
        return true; // CIDRs match outside addresses only, all of them world
      }
      for (String text : deny.cidrs().orElse(List.of())) {
        if (CiliumSelection.cidr(text).map(x -> x.contains(c.cidr())).orElse(false)) {
          return true;
        }
      }
      for (CiliumCidrSet set : deny.cidrSets().orElse(List.of())) {
        if (setCovers(set, c)) {
          return true;
        }
      }
      return false;
    }
    if (atom instanceof EntityPeer e) {
      CiliumEntity x = e.entity();
      return entities.contains(x)
          || (x == CiliumEntity.WORLD_IPV4 || x == CiliumEntity.WORLD_IPV6) && entities.contains(CiliumEntity.WORLD)
          || (x == CiliumEntity.HOST || x == CiliumEntity.REMOTE_NODE) && entities.contains(CiliumEntity.CLUSTER);
    }
    return false; // AnyPeer: only a deny without L3 part or with all
  }

  /** True when the deny set {@code set} contains the allow's range less its exceptions. */
  private static boolean setCovers(CiliumCidrSet set, CidrPeer c) {
    Optional<Cidr> base = CiliumSelection.cidr(set.cidr());
    if (base.isEmpty() || !base.get().contains(c.cidr())) {
      return false;
    }
    for (Cidr ex : CiliumSelection.except(set)) {
      boolean disjoint = !ex.contains(c.cidr().first()) && !c.cidr().contains(ex.first());
      boolean excludedToo = c.except().stream().anyMatch(ae -> ae.contains(ex));
      if (!disjoint && !excludedToo) {
        return false;
      }
    }
    return set.except().size() == CiliumSelection.except(set).size();
  }

  /** True when every requirement of {@code outer} is also one of {@code inner}: then it matches all inner matches. */
  private static boolean weaker(LabelSelector outer, LabelSelector inner) {
    return inner.matchLabels().entrySet().containsAll(outer.matchLabels().entrySet())
        && inner.matchExpressions().containsAll(outer.matchExpressions());
  }

  private static Set<Pod> identitySet(List<Pod> pods) {
    Set<Pod> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(pods);
    return set;
  }
}
