package dev.netpolc.compiler.reference;

import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.DB;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.MON;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NAMESPACES_AND_NODES;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE1;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.NODE2;
import static dev.netpolc.compiler.gen.ShopAndOpsOnTwoNodes.WEB;
import static dev.netpolc.compiler.reference.Fixtures.allows;
import static dev.netpolc.compiler.reference.Fixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.SemanticsOptions;
import dev.netpolc.compiler.build.CompileException;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import dev.netpolc.model.validation.ValidationOptions;
import dev.netpolc.model.validation.Validator;
import dev.netpolc.model.yaml.PolicyReader;
import dev.netpolc.model.yaml.ReadResult;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@code calico} profile of the reference evaluator, one behaviour of SEMANTICS-CALICO.md per
 * test, on clusters read from YAML through {@link PolicyReader} (each input also validates clean,
 * so every case is one Calico's API server would accept).
 */
class CalicoReferenceTest {
  static final String WEB6 = "fd00::1";
  static final String DB6 = "fd00::2";
  static final String EXT = "203.0.113.5";
  static final String EXT2 = "198.51.100.7";

  /** shop/web and shop/db on n1, ops/mon on n2; dual-stack; two ServiceAccounts with labels. */
  static final String INVENTORY = NAMESPACES_AND_NODES + """
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: web-sa, namespace: shop, labels: {tier: frontend}}
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata: {name: db-sa, namespace: shop, labels: {tier: backend}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec:
        nodeName: n1
        serviceAccountName: web-sa
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          ports:
          - {name: http, containerPort: 8080, protocol: TCP}
      status:
        podIP: 10.0.0.1
        podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: shop, labels: {app: db}}
      spec:
        nodeName: n1
        serviceAccountName: db-sa
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
          ports:
          - {name: pg, containerPort: 5432, protocol: TCP}
          - {name: http, containerPort: 8081, protocol: TCP}
      status:
        podIP: 10.0.0.2
        podIPs: [{ip: 10.0.0.2}, {ip: "fd00::2"}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mon, namespace: ops, labels: {app: mon}}
      spec:
        nodeName: n2
        containers:
        - name: main
          image: registry.k8s.io/pause:3.10
      status:
        podIP: 10.0.1.1
        podIPs: [{ip: 10.0.1.1}, {ip: "fd00::3"}]
      ---
      """;

  static Cluster read(String yaml) {
    ReadResult r = new PolicyReader().readString("c.yaml", INVENTORY + yaml);
    assertThat(r.errors()).as(yaml).isEmpty();
    return r.cluster();
  }

  /** The cluster, after checking that Calico's validation (CalicoValidator) accepts it. */
  static Cluster cluster(String yaml) {
    Cluster c = read(yaml);
    List<Diagnostic> errors = new Validator(ValidationOptions.DEFAULT).validate(c).stream()
        .filter(d -> d.severity() == Severity.ERROR).toList();
    assertThat(errors).as(yaml).isEmpty();
    assertThat(c.calico().hasCalicoObjects()).isTrue();
    return c;
  }

  static boolean tcpAllowed(Cluster c, String from, String to) {
    return allows(c, tcp(from, to, 5432));
  }

  /** A GlobalNetworkPolicy {@code name} in {@code tier} with the given spec body (indented two). */
  static String gnp(String name, String tier, String body) {
    return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: " + name + "}\nspec:\n"
        + "  tier: " + tier + "\n" + body + "---\n";
  }

  static String tier(String name, int order, String defaultAction) {
    return "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: " + name + "}\nspec: {order: " + order
        + ", defaultAction: " + defaultAction + "}\n---\n";
  }

  /** A GNP applying to shop/db's ingress, with these rules (YAML list items, indented four). */
  static String dbIngress(String name, String tier, String order, String rules) {
    return gnp(name, tier, "  order: " + order + "\n  selector: app == 'db'\n  types: [Ingress]\n  ingress:\n" + rules);
  }

  @Nested
  class Decision {
    @Test
    void noApplyingPolicyIsAllowedByTheProfile() {
      Cluster c = cluster(dbIngress("db-deny", "default", "10", "    - action: Deny\n"));
      assertThat(tcpAllowed(c, WEB, MON)).isTrue();
      assertThat(new ReferenceEvaluator(c).explain(tcp(WEB, MON, 5432)).toText())
          .contains("ingress of ops/mon: no policy applies: allowed by the profile");
    }

    @Test
    void aPodReachesItselfWhateverThePolicy() {
      Cluster c = cluster(dbIngress("db-deny", "default", "10", "    - action: Deny\n"));
      assertThat(tcpAllowed(c, DB, DB)).isTrue();
      assertThat(tcpAllowed(c, WEB, DB)).isFalse();
    }

    @Test
    void bothDirectionsMustAllow() {
      Cluster c = cluster(gnp("web-egress", "default", "  selector: app == 'web'\n  egress:\n    - action: Deny\n"));
      Explanation e = new ReferenceEvaluator(c).explain(tcp(WEB, MON, 5432));
      assertThat(e.allowed()).isFalse();
      assertThat(e.egress().allowed()).isFalse();
      assertThat(e.ingress().allowed()).isTrue();
    }

    @Test
    void tiersAreEvaluatedByOrder() {
      String deny = dbIngress("sec-deny", "security", "1", "    - action: Deny\n");
      String allow = dbIngress("app-allow", "app", "1", "    - action: Allow\n");
      assertThat(tcpAllowed(cluster(tier("security", 100, "Deny") + tier("app", 200, "Deny") + deny + allow),
          WEB, DB)).isFalse();
      assertThat(tcpAllowed(cluster(tier("security", 300, "Deny") + tier("app", 200, "Deny") + deny + allow),
          WEB, DB)).isTrue();
    }

    @Test
    void policiesWithinATierByOrderThenNameWithoutOrderLast() {
      String t = tier("sec", 100, "Deny");
      String allow = "    - action: Allow\n";
      String deny = "    - action: Deny\n";
      assertThat(tcpAllowed(cluster(t + dbIngress("a-deny", "sec", "20", deny) + dbIngress("b-allow", "sec", "10",
          allow)), WEB, DB)).isTrue();
      assertThat(tcpAllowed(cluster(t + dbIngress("a-deny", "sec", "10", deny) + dbIngress("b-allow", "sec", "10",
          allow)), WEB, DB)).isFalse();
      String unordered = gnp("a-deny", "sec", "  selector: app == 'db'\n  ingress:\n" + deny);
      assertThat(tcpAllowed(cluster(t + unordered + dbIngress("z-allow", "sec", "1e6", allow)), WEB, DB)).isTrue();
    }

    @Test
    void passSkipsTheRestOfTheTier() {
      String sec = dbIngress("guard", "security", "1", """
              - action: Pass
                source: {namespaceSelector: team == 'ops'}
              - action: Deny
          """) + dbIngress("later-deny", "security", "2", "    - action: Deny\n");
      String app = dbIngress("app-allow", "default", "1", """
              - action: Allow
                source: {selector: app == 'mon', namespaceSelector: all()}
          """);
      Cluster c = cluster(tier("security", 100, "Deny") + sec + app);
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
      assertThat(tcpAllowed(c, WEB, DB)).isFalse();
    }

    @Test
    void passInTheLastTierIsAllowedByTheProfile() {
      Cluster c = cluster(tier("security", 100, "Deny") + dbIngress("guard", "security", "1",
          "    - action: Pass\n"));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432)).toText())
          .contains("allowed by the profile: the last tier that applies passed");
    }

    @Test
    void aTiersDefaultDenyOnlyWhereAPolicyOfItApplies() {
      Cluster c = cluster(tier("security", 100, "Deny") + dbIngress("web-only", "security", "1", """
              - action: Allow
                source: {selector: app == 'web'}
          """));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, MON, DB)).isFalse();
      assertThat(tcpAllowed(c, MON, WEB)).as("no security policy applies to web").isTrue();
      assertThat(new ReferenceEvaluator(c).explain(tcp(MON, DB, 5432)).toText())
          .contains("denied by the default action (Deny) of tier security");
    }

    @Test
    void aTierWithDefaultPassHandsOn() {
      Cluster c = cluster(tier("security", 100, "Pass") + dbIngress("web-only", "security", "1", """
              - action: Allow
                source: {selector: app == 'web'}
          """));
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
    }

    @Test
    void typesDefaultFromTheRules() {
      // Only egress rules: types [Egress], so db's ingress stays open.
      Cluster egressOnly = cluster(gnp("db-out", "default", "  selector: app == 'db'\n  egress:\n"
          + "    - action: Deny\n      destination: {nets: [203.0.113.0/24]}\n"));
      assertThat(tcpAllowed(egressOnly, MON, DB)).isTrue();
      assertThat(tcpAllowed(egressOnly, DB, EXT)).isFalse();
      // No rules at all: types [Ingress], so it isolates ingress (default tier's Deny).
      Cluster none = cluster(gnp("db-empty", "default", "  selector: app == 'db'\n"));
      assertThat(tcpAllowed(none, MON, DB)).isFalse();
      assertThat(tcpAllowed(none, DB, MON)).isTrue();
      // types as written win: Egress only, so its ingress rules are ignored.
      Cluster written = cluster(gnp("db-typed", "default", "  selector: app == 'db'\n  types: [Egress]\n"
          + "  ingress:\n    - action: Deny\n"));
      assertThat(tcpAllowed(written, MON, DB)).isTrue();
      assertThat(tcpAllowed(written, DB, MON)).isFalse();
    }

    @Test
    void logRecordsAndContinues() {
      Cluster c = cluster(dbIngress("audit", "default", "1", """
              - action: Log
              - action: Allow
                source: {selector: app == 'web'}
          """));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, MON, DB)).isFalse();
      Explanation e = new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432));
      assertThat(e.ingress().decidingCalicoTier().orElseThrow().logged()).extracting(CalicoRuleMatch::path)
          .containsExactly("spec.ingress[0]");
      assertThat(e.toText()).contains("logged by GlobalNetworkPolicy/audit spec.ingress[0] (Log)");
    }

    @Test
    void anUnknownTierIsRefused() {
      Cluster c = read(dbIngress("lost", "nowhere", "1", "    - action: Deny\n"));
      assertThatThrownBy(() -> new ReferenceEvaluator(c)).isInstanceOf(CompileException.class)
          .hasMessageContaining("spec.tier").hasMessageContaining("'nowhere'");
    }

    @Test
    void sourcePortsAreRefusedNamingTheField() {
      Cluster c = read(dbIngress("sport", "default", "1", """
              - action: Allow
                protocol: TCP
                source: {ports: [1024]}
          """));
      assertThatThrownBy(() -> new ReferenceEvaluator(c)).isInstanceOf(CompileException.class)
          .hasMessageContaining("c.yaml:").hasMessageContaining("spec.ingress[0].source.ports")
          .hasMessageContaining("source port");
    }
  }

  @Nested
  class EntityRules {
    @Test
    void notNetsExcludesAddresses() {
      Cluster c = cluster(dbIngress("not-ops", "default", "1", """
              - action: Allow
                source: {notNets: [10.0.1.0/24]}
          """));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, EXT, DB)).isTrue();
      assertThat(tcpAllowed(c, MON, DB)).isFalse();
    }

    @Test
    void notSelectorExcludesMatchingEndpointsAndLetsOtherAddressesThrough() {
      Cluster c = cluster(dbIngress("not-web", "default", "1", """
              - action: Allow
                source: {notSelector: app == 'web'}
          """));
      assertThat(tcpAllowed(c, WEB, DB)).isFalse();
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
      assertThat(tcpAllowed(c, EXT, DB)).isTrue();
    }

    @Test
    void aNamespacedPolicysSelectorsSeeItsOwnNamespaceOnly() {
      String np = """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: from-all, namespace: shop}
          spec:
            selector: app == 'db'
            ingress:
            - action: Allow
              source: {selector: all()}
          ---
          """;
      Cluster c = cluster(np);
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, MON, DB)).isFalse();
      assertThat(tcpAllowed(c, EXT, DB)).as("a selector needs an endpoint or network set").isFalse();
    }

    @Test
    void aNamespaceSelectorWidensTheScope() {
      String np = """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: from-ops, namespace: shop}
          spec:
            selector: app == 'db'
            ingress:
            - action: Allow
              source: {namespaceSelector: projectcalico.org/name == 'ops'}
          ---
          """;
      Cluster c = cluster(np);
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
      assertThat(tcpAllowed(c, WEB, DB)).isFalse();
    }

    @Test
    void aGlobalPolicysSelectorsSeeEveryNamespace() {
      Cluster c = cluster(dbIngress("from-all", "default", "1", """
              - action: Allow
                source: {selector: all()}
          """));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
      assertThat(tcpAllowed(c, EXT, DB)).isFalse();
    }

    @Test
    void endpointsCarryCalicosLabels() {
      Cluster c = cluster(dbIngress("by-calico-labels", "default", "1", """
              - action: Allow
                source:
                  selector: projectcalico.org/namespace == 'ops' && projectcalico.org/orchestrator == 'k8s'
              - action: Allow
                source: {selector: projectcalico.org/serviceaccount == 'web-sa'}
          """));
      assertThat(tcpAllowed(c, MON, DB)).isTrue();
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(tcpAllowed(c, EXT, DB)).isFalse();
    }

    @Test
    void globalNamespaceSelectorMeansGlobalNetworkSets() {
      String set = """
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkSet
          metadata: {name: threats, labels: {feed: blocked}}
          spec: {nets: [203.0.113.0/24]}
          ---
          """;
      Cluster c = cluster(set + dbIngress("block", "default", "1", """
              - action: Deny
                source: {namespaceSelector: global(), selector: feed == 'blocked'}
              - action: Allow
          """));
      assertThat(tcpAllowed(c, EXT, DB)).isFalse();
      assertThat(tcpAllowed(c, EXT2, DB)).isTrue();
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      // A namespaced policy without namespaceSelector does not see GlobalNetworkSets.
      Cluster scoped = cluster(set + """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: block, namespace: shop}
          spec:
            selector: app == 'db'
            ingress:
            - action: Deny
              source: {selector: feed == 'blocked'}
            - action: Allow
          ---
          """);
      assertThat(tcpAllowed(scoped, EXT, DB)).isTrue();
    }

    @Test
    void aNamespacedNetworkSetIsAPeerOfItsNamespacesPolicies() {
      String set = """
          apiVersion: projectcalico.org/v3
          kind: NetworkSet
          metadata: {name: partners, namespace: shop, labels: {role: partner}}
          spec: {nets: [198.51.100.0/24]}
          ---
          """;
      String policy = """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: partners, namespace: NS}
          spec:
            selector: all()
            ingress:
            - action: Allow
              source: {selector: role == 'partner'}
          ---
          """;
      Cluster shop = cluster(set + policy.replace("NS", "shop"));
      assertThat(tcpAllowed(shop, EXT2, DB)).isTrue();
      assertThat(tcpAllowed(shop, EXT, DB)).isFalse();
      Cluster ops = cluster(set + policy.replace("NS", "ops"));
      assertThat(tcpAllowed(ops, EXT2, MON)).as("shop's set is not in ops' scope").isFalse();
    }

    @Test
    void serviceAccountsByNameAndBySelector() {
      Cluster byName = cluster(dbIngress("sa-name", "default", "1", """
              - action: Allow
                source: {serviceAccounts: {names: [web-sa]}}
          """));
      assertThat(tcpAllowed(byName, WEB, DB)).isTrue();
      assertThat(tcpAllowed(byName, MON, DB)).isFalse();
      Cluster bySelector = cluster(dbIngress("sa-sel", "default", "1", """
              - action: Allow
                source: {serviceAccounts: {selector: tier == 'frontend'}}
          """));
      assertThat(tcpAllowed(bySelector, WEB, DB)).isTrue();
      assertThat(tcpAllowed(bySelector, MON, DB)).isFalse();
      Cluster policySelector = cluster(gnp("backend-only", "default", "  serviceAccountSelector: tier == 'backend'\n"
          + "  ingress:\n    - action: Deny\n"));
      assertThat(tcpAllowed(policySelector, MON, DB)).isFalse();
      assertThat(tcpAllowed(policySelector, MON, WEB)).isTrue();
    }

    @Test
    void servicesMatchEndpointSliceAddressesAndAsDestinationTheirPorts() {
      String slices = """
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: db-x1, namespace: shop, labels: {kubernetes.io/service-name: db}}
          addressType: IPv4
          endpoints: [{addresses: [10.0.0.2]}]
          ports: [{name: pg, port: 5432, protocol: TCP}]
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: web-x1, namespace: shop, labels: {kubernetes.io/service-name: web}}
          addressType: IPv4
          endpoints: [{addresses: [10.0.0.1]}]
          ports: [{name: http, port: 8080, protocol: TCP}]
          ---
          """;
      Cluster egress = cluster(slices + gnp("web-to-db", "default", """
            selector: app == 'web'
            egress:
            - action: Allow
              destination: {services: {name: db, namespace: shop}}
          """));
      assertThat(allows(egress, tcp(WEB, DB, 5432))).isTrue();
      assertThat(allows(egress, tcp(WEB, DB, 8081))).as("not a port of the service").isFalse();
      assertThat(allows(egress, tcp(WEB, MON, 5432))).isFalse();
      Cluster ingress = cluster(slices + """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: from-web, namespace: shop}
          spec:
            selector: app == 'db'
            ingress:
            - action: Allow
              source: {services: {name: web}}
          ---
          """);
      assertThat(allows(ingress, tcp(WEB, DB, 8081))).as("a source service fixes no port").isTrue();
      assertThat(allows(ingress, tcp(MON, DB, 8081))).isFalse();
    }

    @Test
    void namedPortsResolveOnTheDestinationEndpoint() {
      Cluster c = cluster(gnp("http-only", "default", """
            selector: all()
            types: [Ingress]
            ingress:
            - action: Allow
              protocol: TCP
              destination: {ports: [http]}
          """));
      assertThat(allows(c, tcp(MON, WEB, 8080))).isTrue();
      assertThat(allows(c, tcp(MON, WEB, 8081))).isFalse();
      assertThat(allows(c, tcp(MON, DB, 8081))).isTrue();
      assertThat(allows(c, tcp(MON, DB, 8080))).isFalse();
    }

    @Test
    void portsNumbersRangesAndNotPorts() {
      Cluster c = cluster(dbIngress("range", "default", "1", """
              - action: Allow
                protocol: TCP
                destination: {ports: [80, "5000:5999"], notPorts: [5433]}
          """));
      assertThat(allows(c, tcp(WEB, DB, 80))).isTrue();
      assertThat(allows(c, tcp(WEB, DB, 5432))).isTrue();
      assertThat(allows(c, tcp(WEB, DB, 5433))).isFalse();
      assertThat(allows(c, tcp(WEB, DB, 6000))).isFalse();
    }
  }

  @Nested
  class Protocols {
    static Connection icmp(String from, String to, int type, int code) {
      return Connection.icmp(IpAddress.parse(from), IpAddress.parse(to), type, code);
    }

    @Test
    void icmpTypeAndCode() {
      Cluster c = cluster(dbIngress("icmp", "default", "1", """
              - action: Allow
                protocol: ICMP
                icmp: {type: 8}
              - action: Allow
                protocol: ICMP
                icmp: {type: 3, code: 4}
          """));
      assertThat(allows(c, icmp(WEB, DB, 8, 0))).isTrue();
      assertThat(allows(c, icmp(WEB, DB, 3, 4))).isTrue();
      assertThat(allows(c, icmp(WEB, DB, 3, 1))).isFalse();
      assertThat(allows(c, icmp(WEB, DB, 0, 0))).isFalse();
      assertThat(new ReferenceEvaluator(c).explain(icmp(WEB, DB, 3, 4)).toText()).contains("ICMP type 3 code 4");
    }

    @Test
    void notIcmpExcludesATypeOnly() {
      Cluster c = cluster(dbIngress("no-redirect", "default", "1", """
              - action: Allow
                protocol: ICMP
                notICMP: {type: 5}
          """));
      assertThat(allows(c, icmp(WEB, DB, 8, 0))).isTrue();
      assertThat(allows(c, icmp(WEB, DB, 5, 1))).isFalse();
      assertThat(allows(c, tcp(WEB, DB, 5432))).as("protocol ICMP").isFalse();
    }

    @Test
    void icmpv6ByName() {
      Cluster c = cluster(dbIngress("ping6", "default", "1", """
              - action: Allow
                protocol: ICMPv6
                ipVersion: 6
                icmp: {type: 128}
          """));
      assertThat(allows(c, icmp(WEB6, DB6, 128, 0))).isTrue();
      assertThat(allows(c, icmp(WEB6, DB6, 129, 0))).isFalse();
      assertThat(allows(c, icmp(WEB, DB, 8, 0))).isFalse();
    }

    @Test
    void protocolByNumberAndNotProtocol() {
      Cluster byNumber = cluster(dbIngress("udp", "default", "1", "    - action: Allow\n      protocol: 17\n"));
      assertThat(allows(byNumber, Connection.of(IpAddress.parse(WEB), IpAddress.parse(DB), Protocol.UDP, 53)))
          .isTrue();
      assertThat(allows(byNumber, tcp(WEB, DB, 53))).isFalse();
      Cluster not = cluster(dbIngress("not-tcp", "default", "1", "    - action: Allow\n      notProtocol: TCP\n"));
      assertThat(allows(not, Connection.of(IpAddress.parse(WEB), IpAddress.parse(DB), Protocol.SCTP, 53))).isTrue();
      assertThat(allows(not, tcp(WEB, DB, 53))).isFalse();
      Cluster sctp = cluster(dbIngress("sctp", "default", "1", "    - action: Allow\n      protocol: 132\n"));
      assertThat(allows(sctp, Connection.of(IpAddress.parse(WEB), IpAddress.parse(DB), Protocol.SCTP, 9)))
          .isTrue();
    }

    @Test
    void ipVersionPicksAFamily() {
      Cluster c = cluster(dbIngress("v6-only", "default", "1", "    - action: Allow\n      ipVersion: 6\n"));
      assertThat(allows(c, tcp(WEB6, DB6, 5432))).isTrue();
      assertThat(allows(c, tcp(WEB, DB, 5432))).isFalse();
    }

    @Test
    void dualStackSelectorsMatchBothFamiliesAndNetsTheirOwn() {
      Cluster bySelector = cluster(dbIngress("from-web", "default", "1", """
              - action: Allow
                source: {selector: app == 'web'}
          """));
      assertThat(allows(bySelector, tcp(WEB, DB, 5432))).isTrue();
      assertThat(allows(bySelector, tcp(WEB6, DB6, 5432))).isTrue();
      Cluster byNets = cluster(dbIngress("from-v4", "default", "1", """
              - action: Allow
                source: {nets: [10.0.0.0/24]}
          """));
      assertThat(allows(byNets, tcp(WEB, DB, 5432))).isTrue();
      assertThat(allows(byNets, tcp(WEB6, DB6, 5432))).isFalse();
    }
  }

  @Nested
  class KubernetesBeside {
    static final String KNP = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: web}}
        ---
        """;

    static String calicoDeny(int order) {
      return """
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: deny-web, namespace: shop}
          spec:
            order: ORDER
            selector: app == 'db'
            ingress:
            - action: Deny
              source: {selector: app == 'web'}
          ---
          """.replace("ORDER", Integer.toString(order));
    }

    @Test
    void aCalicoDenyAtOrder500BeatsTheKubernetesPolicyAt1000() {
      Cluster c = cluster(KNP + calicoDeny(500));
      assertThat(tcpAllowed(c, WEB, DB)).isFalse();
      assertThat(new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432)).toText())
          .contains("denied in tier default by NetworkPolicy/shop/deny-web spec.ingress[0] (Deny)");
    }

    @Test
    void theKubernetesPolicyAt1000BeatsACalicoDenyAt1500() {
      Cluster c = cluster(KNP + calicoDeny(1500));
      assertThat(tcpAllowed(c, WEB, DB)).isTrue();
      assertThat(new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432)).toText())
          .contains("allowed in tier default by knp.default.allow-web (Kubernetes NetworkPolicy shop/allow-web)"
              + " spec.ingress[0] (Allow)");
    }

    @Test
    void aKubernetesPolicyIsolatesThroughTheDefaultTiersDeny() {
      Cluster c = cluster(KNP + tier("unused", 50, "Deny"));
      assertThat(tcpAllowed(c, MON, DB)).isFalse();
      assertThat(tcpAllowed(c, MON, WEB)).isTrue();
    }

    static final String ANP = """
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: guard}
        spec:
          priority: 10
          subject:
            namespaces: {matchLabels: {team: shop}}
          ingress:
          - name: deny-ops
            action: Deny
            from:
            - namespaces: {matchLabels: {team: ops}}
        ---
        """;

    @Test
    void anAdminNetworkPolicyIsInKubeAdminAtOrder1000AmongCalicoTiers() {
      String allowAll = dbIngress("allow-all", "early", "1", "    - action: Allow\n");
      assertThat(tcpAllowed(cluster(ANP + tier("early", 100, "Deny") + allowAll), MON, DB))
          .as("tier early (100) before kube-admin (1000)").isTrue();
      Cluster late = cluster(ANP + tier("early", 2000, "Deny") + allowAll);
      assertThat(tcpAllowed(late, MON, DB)).isFalse();
      assertThat(new ReferenceEvaluator(late).explain(tcp(MON, DB, 5432)).toText())
          .contains("denied in tier kube-admin by anp:guard spec.ingress[0] (Deny)");
    }

    @Test
    void kubeAdminPassesByDefaultAndABaselineDenyComesAfterTheDefaultTier() {
      String banp = """
          apiVersion: policy.networking.k8s.io/v1alpha1
          kind: BaselineAdminNetworkPolicy
          metadata: {name: default}
          spec:
            subject:
              namespaces: {}
            ingress:
            - name: deny-all
              action: Deny
              from:
              - namespaces: {}
          ---
          """;
      Cluster baselineOnly = cluster(banp + tier("unused", 50, "Deny"));
      assertThat(tcpAllowed(baselineOnly, WEB, DB)).isFalse();
      Cluster withKnp = cluster(banp + KNP + tier("unused", 50, "Deny"));
      assertThat(tcpAllowed(withKnp, WEB, DB)).as("the default tier allows before kube-baseline").isTrue();
      assertThat(tcpAllowed(withKnp, MON, DB)).as("the default tier denies (its default action)").isFalse();
      String calicoTier = tier("unused", 50, "Deny"); // makes it a Calico cluster
      assertThat(tcpAllowed(cluster(calicoTier + ANP + banp), WEB, DB)).as("guard has no rule for web: kube-admin "
          + "passes").isFalse();
      assertThat(tcpAllowed(cluster(calicoTier + ANP + banp + KNP), WEB, DB)).isTrue();
    }
  }

  @Nested
  class Nodes {
    @Test
    void aNodeReachesItsOwnPodsWhateverThePolicy() {
      Cluster c = cluster(dbIngress("deny", "default", "1", "    - action: Deny\n"));
      assertThat(tcpAllowed(c, NODE1, DB)).isTrue();
      assertThat(tcpAllowed(c, NODE2, DB)).isFalse();
      assertThat(new ReferenceEvaluator(c, SemanticsOptions.DEFAULTS.withAllowNodeToLocalPods(false))
          .allows(tcp(NODE1, DB, 5432))).isFalse();
    }

    @Test
    void egressToTheOwnNodeIsDecidedByTheEgressPolicyUnlessExempt() {
      Cluster c = cluster(gnp("db-out", "default", "  selector: app == 'db'\n  types: [Egress]\n"));
      assertThat(tcpAllowed(c, DB, NODE1)).isFalse();
      assertThat(new ReferenceEvaluator(c, SemanticsOptions.DEFAULTS.withNodeLocalExemptFromAllTiers(true))
          .allows(tcp(DB, NODE1, 5432))).isTrue();
    }
  }

  @Nested
  class Explain {
    @Test
    void namesTierPolicyRuleActionAndPosition() {
      Cluster c = cluster(tier("security", 100, "Deny") + dbIngress("guard", "security", "1", """
              - action: Allow
                source: {selector: app == 'mon', namespaceSelector: all()}
              - action: Deny
          """));
      Explanation e = new ReferenceEvaluator(c).explain(tcp(WEB, DB, 5432));
      CalicoRuleMatch m = e.ingress().decidingCalicoTier().orElseThrow().match().orElseThrow();
      assertThat(m.tier()).isEqualTo("security");
      assertThat(m.policy().key()).isEqualTo("GlobalNetworkPolicy/guard");
      assertThat(m.path()).isEqualTo("spec.ingress[1]");
      assertThat(m.action()).isEqualTo("Deny");
      assertThat(m.position().isKnown()).isTrue();
      assertThat(e.ingress().decidedBy()).isEqualTo(DirectionVerdict.DecidedBy.CALICO);
      assertThat(e.toText()).contains("ingress of shop/db: denied in tier security by GlobalNetworkPolicy/guard "
          + "spec.ingress[1] (Deny) at c.yaml:" + m.position().line() + ":")
          .contains("tier security (default Deny): GlobalNetworkPolicy/guard");
    }
  }
}
