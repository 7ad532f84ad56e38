package dev.netpolc.model.lint;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.calico.CalicoPolicy;
import dev.netpolc.model.calico.CalicoRule;
import dev.netpolc.model.calico.EntityRule;
import dev.netpolc.model.calico.selector.CalicoSelector;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * NP263: a Calico rule's {@code source} or {@code destination} whose negative part excludes
 * everything its positive part admits, so the entity, and with it the rule, never matches.
 *
 * <ul>
 *   <li>{@code notNets} whose union covers every address of {@code nets}, or, without
 *       {@code nets}, the whole address family of the rule (its {@code ipVersion}, else the
 *       family of the CIDRs: Calico applies a rule with CIDRs to that family only). A single
 *       {@code 0.0.0.0/0} or {@code ::/0} is Calico's own validation error (NP178) and is left
 *       to it; this rule finds the unions ({@code 0.0.0.0/1} and {@code 128.0.0.0/1}).</li>
 *   <li>{@code notSelector} that matches every endpoint and network set the entity's
 *       {@code selector}, {@code namespaceSelector} or {@code serviceAccounts} admit:
 *       {@code all()}, or the entity's own {@code selector}; with inventory, every member of the
 *       scope that the selector matches. Without any of those positive parts a
 *       {@code notSelector} is not reported: it excludes the endpoints of its scope (in a
 *       namespaced policy, one namespace) and still matches addresses that are no endpoint.</li>
 * </ul>
 */
public final class EntityExcludesEverything extends BaseRule {
  /** The rule id. */
  public static final String ID = "NP263";

  private static final Cidr ALL_V4 = Cidr.of("0.0.0.0/0");
  private static final Cidr ALL_V6 = Cidr.of("::/0");

  /** The rule. */
  public EntityExcludesEverything() {
    super(ID, Severity.WARNING, "Calico notNets or notSelector that exclude everything: the rule never matches", false);
  }

  @Override
  public void check(LintContext context, LintSink sink) {
    boolean inventory = context.cluster().hasInventory();
    for (CalicoPolicy p : context.cluster().calico().policies()) {
      for (boolean ingress : new boolean[] {true, false}) {
        List<CalicoRule> rules = p.rules(ingress);
        for (int i = 0; i < rules.size(); i++) {
          CalicoRule rule = rules.get(i);
          for (boolean source : new boolean[] {true, false}) {
            EntityRule e = source ? rule.source() : rule.destination();
            String path = CalicoRuleWalk.path(ingress, i) + (source ? ".source" : ".destination");
            notNets(p, rule, e, path, sink);
            notSelector(context, inventory, p, e, path, sink);
          }
        }
      }
    }
  }

  private void notNets(CalicoPolicy p, CalicoRule rule, EntityRule e, String path, LintSink sink) {
    List<Cidr> not = e.notNetCidrs();
    if (not.isEmpty() || not.size() != e.notNets().size() || not.stream().anyMatch(c -> c.prefix() == 0)) {
      return; // none, unparsable entries or a catch-all entry: validation reports those (NP178)
    }
    boolean v6 = not.get(0).v6();
    if (not.stream().anyMatch(c -> c.v6() != v6)) {
      return; // mixed families: NP178
    }
    String side = path.substring(path.lastIndexOf('.') + 1);
    List<Cidr> nets = e.netCidrs();
    if (!e.nets().isEmpty()) {
      if (nets.size() != e.nets().size() || nets.stream().anyMatch(c -> c.v6() != v6)) {
        return;
      }
      if (nets.stream().allMatch(n -> covers(not, n))) {
        sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".notNets", "every address of nets ("
            + sample(texts(nets)) + ") is in notNets (" + sample(texts(not)) + "): the " + side + " matches no "
            + "address, so the rule never matches", List.of(new Diagnostic.Related(p.source().find(path + ".nets"),
            "the nets it cancels"))));
      }
      return;
    }
    if (rule.ipVersion().isPresent() && (rule.ipVersion().getAsInt() == 6) != v6) {
      return; // IP version against CIDR version: NP178
    }
    if (covers(not, v6 ? ALL_V6 : ALL_V4)) {
      sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".notNets", "notNets (" + sample(texts(not))
          + ") cover every " + (v6 ? "IPv6" : "IPv4") + " address, the only family the rule applies to: the " + side
          + " matches no address, so the rule never matches", List.of()));
    }
  }

  private void notSelector(LintContext context, boolean inventory, CalicoPolicy p, EntityRule e, String path,
      LintSink sink) {
    if (e.notSelector().isEmpty()
        || (e.selector().isEmpty() && e.namespaceSelector().isEmpty() && e.serviceAccounts().isEmpty())) {
      return;
    }
    CalicoSelector not = e.notSelector().get();
    String side = path.substring(path.lastIndexOf('.') + 1);
    List<Diagnostic.Related> related = e.selector().isPresent()
        ? List.of(new Diagnostic.Related(p.source().find(path + ".selector"), "the selector it cancels"))
        : List.of();
    String why;
    if (not instanceof CalicoSelector.All || not instanceof CalicoSelector.Global) {
      why = "notSelector " + not + " excludes every endpoint and network set";
    } else if (e.selector().isPresent() && e.selector().get().equals(not)) {
      why = "notSelector is the same as selector (" + not + ")";
    } else if (inventory) {
      List<String> members = new ArrayList<>();
      for (CalicoSelection.Member m : CalicoSelection.of(context).scope(p, e)) {
        if (e.selector().isEmpty() || e.selector().get().matches(m.labels())) {
          if (!not.matches(m.labels())) {
            return;
          }
          members.add(m.key());
        }
      }
      if (members.isEmpty()) {
        return; // the positive part selects nothing: not this rule's finding
      }
      why = "in the inventory, every endpoint and network set the " + side + " admits (" + sample(members)
          + ") matches notSelector " + not;
    } else {
      return;
    }
    sink.report(p.suppressedRules(), finding(p.source(), p.key(), path + ".notSelector", why + ": the " + side
        + " matches nothing, so the rule never matches", related));
  }

  private static List<String> texts(List<Cidr> cidrs) {
    return cidrs.stream().map(Cidr::toString).toList();
  }

  /** True when the union of {@code cover} (one family) holds every address of {@code target}. */
  static boolean covers(List<Cidr> cover, Cidr target) {
    List<Cidr> sorted = cover.stream().filter(c -> c.v6() == target.v6())
        .sorted(Comparator.comparing(EntityExcludesEverything::start)).toList();
    IpAddress next = start(target);
    IpAddress end = target.last();
    for (Cidr c : sorted) {
      if (c.last().compareTo(next) < 0) {
        continue;
      }
      if (start(c).compareTo(next) > 0) {
        return false;
      }
      if (c.last().compareTo(end) >= 0) {
        return true;
      }
      Optional<IpAddress> after = c.last().next();
      if (after.isEmpty()) {
        return true;
      }
      next = after.get();
    }
    return false;
  }

  private static IpAddress start(Cidr c) {
    return c.address().mask(c.prefix());
  }
}
