#!/usr/bin/env python3
"""Writes the Calico conformance cases (cases/calico/*.json).

Every expectation here is hand-written from its source (a Calico documentation page, or
SEMANTICS-CALICO.md where the behaviour is netpolc's own choice): each probe lists the pairs
that are DENIED, and every other pair (a pod to itself always) is allowed. No oracle computes
them. The four pods are x/a, x/b, y/a, y/b (labels pod=<name>, namespaces labelled ns=<name>)
at 198.18.0.10-13. Output is deterministic: python3 generate_calico.py
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "calico")

TIER_DOC = "https://docs.tigera.io/calico-cloud/reference/resources/tier"
TIERED_DOC = "https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy"
NP_DOC = "https://docs.tigera.io/calico/latest/reference/resources/networkpolicy"
GNP_DOC = "https://docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy"
NETSET_DOC = "https://docs.tigera.io/calico/latest/reference/resources/networkset"
GNS_DOC = "https://docs.tigera.io/calico/latest/reference/resources/globalnetworkset"
SERVICE_DOC = "https://docs.tigera.io/calico/latest/network-policy/policy-rules/service-policy"
SA_DOC = "https://docs.tigera.io/calico/latest/network-policy/policy-rules/service-accounts"
NS_DOC = "https://docs.tigera.io/calico/latest/network-policy/policy-rules/namespace-policy"
OWN = "SEMANTICS-CALICO.md"

PODS = ["x/a", "x/b", "y/a", "y/b"]
IPS = {"x/a": "198.18.0.10", "x/b": "198.18.0.11", "y/a": "198.18.0.12", "y/b": "198.18.0.13"}
XA = "projectcalico.org/namespace == 'x' && pod == 'a'"


def url(page, section):
    return {"url": page, "section": section}


def own(section):
    return {"document": OWN, "section": section}


def ports(extra=None):
    if extra is not None:
        return extra
    return [{"name": "serve-80-tcp", "containerPort": 80, "protocol": "TCP"},
            {"name": "serve-81-tcp", "containerPort": 81, "protocol": "TCP"}]


def pods(port_overrides=None):
    out = []
    for key in PODS:
        ns, name = key.split("/")
        out.append({"namespace": ns, "name": name, "labels": {"pod": name},
                    "ports": ports((port_overrides or {}).get(key)), "ips": [IPS[key]]})
    return out


def matrix(denied):
    """Every pair allowed but the denied ones ("from>to")."""
    pairs = {tuple(d.split(">")) for d in denied}
    for f, t in pairs:
        assert f in PODS and t in PODS and f != t, (f, t)
    return {f: [t for t in PODS if (f, t) not in pairs] for f in PODS}


def probes(denied_by_probe):
    return [{"port": port, "protocol": proto, "allowed": matrix(denied)}
            for (port, proto), denied in denied_by_probe]


def gnp(name, body, tier="default"):
    return ("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: " + name
            + "\nspec:\n  tier: " + tier + "\n" + body)


def np(name, ns, body):
    return ("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: " + name
            + "\n  namespace: " + ns + "\nspec:\n" + body)


def tier(name, order, default_action):
    return ("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: " + name + "\nspec:\n  order: "
            + str(order) + "\n  defaultAction: " + default_action + "\n")


def case(name, description, source, policies, denied_by_probe, checks, requires=("calico",), pod_ports=None,
         steps=()):
    return {
        "name": name,
        "description": description,
        "source": source,
        "requires": list(requires),
        "namespaces": [{"name": "x", "labels": {"ns": "x"}}, {"name": "y", "labels": {"ns": "y"}}],
        "pods": pods(pod_ports),
        "policies": policies,
        "checks": [{"from": f, "to": t, "protocol": proto, "port": port, "allowed": ok}
                   for (f, t, port, proto, ok) in checks],
        "probes": probes(denied_by_probe),
        **({"steps": [{"description": d, "policies": p, "probes": probes(dp)} for d, p, dp in steps]}
           if steps else {}),
    }


TCP80 = (80, "TCP")
TCP81 = (81, "TCP")
INGRESS_TO_XA_FROM_ALL = ["x/b>x/a", "y/a>x/a", "y/b>x/a"]

CASES = [
    case("calico-no-policy-allowed-by-profile",
         "A tier but no policy: no tier takes part for any endpoint, so the profile allows everything.",
         url(TIER_DOC, "How policy is evaluated"),
         [tier("security", 100, "Deny")],
         [(TCP80, [])],
         [("y/a", "x/a", 80, "TCP", True)]),
    case("calico-gnp-deny-ingress",
         "A GlobalNetworkPolicy denies all ingress to x/a; every other pair is untouched.",
         url(GNP_DOC, "Spec: selector, ingress"),
         [gnp("deny-xa", "  selector: " + XA + "\n  ingress:\n  - action: Deny\n")],
         [(TCP80, INGRESS_TO_XA_FROM_ALL)],
         [("x/b", "x/a", 80, "TCP", False), ("x/a", "x/b", 80, "TCP", True)]),
    case("calico-tier-order-decides",
         "Tier security (order 100, default Pass) denies y -> x/a before the default tier allows it; "
         "step 1 moves security after the default tier, whose Allow then decides first.",
         url(TIER_DOC, "How policy is evaluated"),
         [tier("security", 100, "Pass"),
          gnp("deny-y", "  selector: " + XA + "\n  ingress:\n  - action: Deny\n    source:\n"
              "      namespaceSelector: ns == 'y'\n", tier="security"),
          gnp("allow-all", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", False), ("x/b", "x/a", 80, "TCP", True)],
         steps=[("security ordered after default (2000000)",
                 [tier("security", 2000000, "Pass"),
                  gnp("deny-y", "  selector: " + XA + "\n  ingress:\n  - action: Deny\n    source:\n"
                      "      namespaceSelector: ns == 'y'\n", tier="security"),
                  gnp("allow-all", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n")],
                 [(TCP80, [])])]),
    case("calico-pass-to-next-tier",
         "Security passes y -> x/a to the next tier and denies the rest; the default tier allows only y/b.",
         url(TIER_DOC, "How policy is evaluated: Pass"),
         [tier("security", 100, "Deny"),
          gnp("guard", "  selector: " + XA + "\n  ingress:\n  - action: Pass\n    source:\n"
              "      namespaceSelector: ns == 'y'\n  - action: Deny\n", tier="security"),
          np("allow-yb", "x", "  selector: pod == 'a'\n  ingress:\n  - action: Allow\n    source:\n"
             "      namespaceSelector: ns == 'y'\n      selector: pod == 'b'\n")],
         [(TCP80, ["x/b>x/a", "y/a>x/a"])],
         [("y/b", "x/a", 80, "TCP", True), ("y/a", "x/a", 80, "TCP", False), ("x/b", "x/a", 80, "TCP", False)]),
    case("calico-pass-in-last-tier-allowed",
         "The only tier that applies passes: after the last tier the profile allows.",
         own("The decision: step 3"),
         [tier("security", 100, "Deny"),
          gnp("guard", "  selector: " + XA + "\n  ingress:\n  - action: Pass\n", tier="security")],
         [(TCP80, [])],
         [("y/a", "x/a", 80, "TCP", True)]),
    case("calico-tier-default-deny-where-a-policy-applies",
         "Security's policy applies to x/a only and allows pod=b; the tier's default Deny drops y/a -> x/a "
         "and leaves the other pods, which no security policy applies to, alone.",
         url(TIER_DOC, "How policy is evaluated: a tier that applies but takes no action drops"),
         [tier("security", 100, "Deny"),
          gnp("b-only", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      selector: pod == 'b'\n", tier="security")],
         [(TCP80, ["y/a>x/a"])],
         [("y/a", "x/a", 80, "TCP", False), ("y/b", "x/a", 80, "TCP", True), ("y/a", "x/b", 80, "TCP", True)]),
    case("calico-tier-default-pass",
         "The same tier with defaultAction Pass hands the unmatched connection on; no other tier applies.",
         url(TIER_DOC, "Spec: defaultAction"),
         [tier("security", 100, "Pass"),
          gnp("b-only", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      selector: pod == 'b'\n", tier="security")],
         [(TCP80, [])],
         [("y/a", "x/a", 80, "TCP", True)]),
    case("calico-policy-order-within-tier",
         "In one tier the policy with the lower order goes first, whatever the names.",
         url(NP_DOC, "Spec: order"),
         [gnp("a-deny", "  order: 20\n  selector: " + XA + "\n  ingress:\n  - action: Deny\n"),
          gnp("b-allow", "  order: 10\n  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      namespaceSelector: ns == 'y'\n")],
         [(TCP80, ["x/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("x/b", "x/a", 80, "TCP", False)]),
    case("calico-types-default-egress-only",
         "A policy with only egress rules applies to egress only; its unmatched egress meets the default "
         "tier's Deny, while ingress to x/a stays open.",
         url(NP_DOC, "Spec: types"),
         [gnp("xa-out", "  selector: " + XA + "\n  egress:\n  - action: Deny\n    destination:\n"
              "      namespaceSelector: ns == 'y'\n")],
         [(TCP80, ["x/a>x/b", "x/a>y/a", "x/a>y/b"])],
         [("x/a", "y/a", 80, "TCP", False), ("x/a", "x/b", 80, "TCP", False), ("y/a", "x/a", 80, "TCP", True)]),
    case("calico-log-continues",
         "A Log rule matches everything and evaluation goes on with the next rule.",
         url(NP_DOC, "Rule: action Log"),
         [gnp("audit", "  selector: " + XA + "\n  ingress:\n  - action: Log\n  - action: Allow\n    source:\n"
              "      namespaceSelector: ns == 'x'\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a"])],
         [("x/b", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False)]),
    case("calico-not-nets",
         "notNets excludes y/a's address; every other source matches the Allow.",
         url(NP_DOC, "EntityRule: notNets"),
         [gnp("not-ya", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      notNets: [198.18.0.12/32]\n")],
         [(TCP80, ["y/a>x/a"])],
         [("y/a", "x/a", 80, "TCP", False), ("y/b", "x/a", 80, "TCP", True)]),
    case("calico-not-selector",
         "notSelector excludes the endpoints labelled pod=b in every namespace (a global policy's scope).",
         url(NP_DOC, "EntityRule: notSelector"),
         [gnp("not-b", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      notSelector: pod == 'b'\n")],
         [(TCP80, ["x/b>x/a", "y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False)]),
    case("calico-namespaced-policy-selector-scope",
         "In a namespaced NetworkPolicy a rule selector without namespaceSelector sees its own namespace only.",
         url(NP_DOC, "EntityRule: selector"),
         [np("from-all", "x", "  selector: pod == 'a'\n  ingress:\n  - action: Allow\n    source:\n"
             "      selector: all()\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a"])],
         [("x/b", "x/a", 80, "TCP", True), ("y/a", "x/a", 80, "TCP", False)]),
    case("calico-namespace-selector-projectcalico-name",
         "namespaceSelector on projectcalico.org/name picks namespace y; the selector then picks pod=a in it.",
         url(NS_DOC, "Allow ingress traffic from pods in a namespace"),
         [np("from-ya", "x", "  selector: pod == 'a'\n  ingress:\n  - action: Allow\n    source:\n"
             "      namespaceSelector: projectcalico.org/name == 'y'\n      selector: pod == 'a'\n")],
         [(TCP80, ["x/b>x/a", "y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False)]),
    case("calico-network-set-peer",
         "A NetworkSet of namespace x holding y/b's address: a rule selector on its labels matches that address.",
         url(NETSET_DOC, "NetworkSet"),
         ["apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata:\n  name: partners\n  namespace: x\n"
          "  labels:\n    role: partner\nspec:\n  nets:\n  - 198.18.0.13/32\n",
          np("partners", "x", "  selector: pod == 'a'\n  ingress:\n  - action: Allow\n    source:\n"
             "      selector: role == 'partner'\n")],
         [(TCP80, ["x/b>x/a", "y/a>x/a"])],
         [("y/b", "x/a", 80, "TCP", True), ("y/a", "x/a", 80, "TCP", False)]),
    case("calico-global-network-set-global-selector",
         "namespaceSelector global() matches GlobalNetworkSets: the set holding y/a's address is denied "
         "everywhere, the rest allowed.",
         url(GNS_DOC, "GlobalNetworkSet"),
         ["apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: threats\n  labels:\n"
          "    feed: blocked\nspec:\n  nets:\n  - 198.18.0.12/32\n",
          gnp("block", "  selector: all()\n  ingress:\n  - action: Deny\n    source:\n"
              "      namespaceSelector: global()\n      selector: feed == 'blocked'\n  - action: Allow\n")],
         [(TCP80, ["y/a>x/a", "y/a>x/b", "y/a>y/b"])],
         [("y/a", "x/b", 80, "TCP", False), ("y/b", "x/b", 80, "TCP", True)]),
    case("calico-service-account-selector",
         "serviceAccounts.selector tests the ServiceAccount object's labels: y's default account is "
         "labelled team=ops, x's has no object (no labels).",
         url(SA_DOC, "Limit ingress traffic for workloads by service account label"),
         ["apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: y\n  labels:\n"
          "    team: ops\n",
          gnp("from-ops", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    source:\n"
              "      serviceAccounts:\n        selector: team == 'ops'\n")],
         [(TCP80, ["x/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("x/b", "x/a", 80, "TCP", False)]),
    case("calico-service-destination-by-endpointslice",
         "y/b may reach only Service a-svc (x/a's address, port 80 TCP, from its EndpointSlice): port 81 "
         "and every other pod fall to the default tier's Deny.",
         url(SERVICE_DOC, "Allow access to the Kubernetes API for a specific namespace"),
         ["apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: a-svc-x1\n  namespace: x\n"
          "  labels:\n    kubernetes.io/service-name: a-svc\naddressType: IPv4\nendpoints:\n"
          "- addresses:\n  - 198.18.0.10\nports:\n- port: 80\n  protocol: TCP\n",
          gnp("yb-to-svc", "  selector: projectcalico.org/namespace == 'y' && pod == 'b'\n  egress:\n"
              "  - action: Allow\n    destination:\n      services:\n        name: a-svc\n        namespace: x\n")],
         [(TCP80, ["y/b>x/b", "y/b>y/a"]), (TCP81, ["y/b>x/a", "y/b>x/b", "y/b>y/a"])],
         [("y/b", "x/a", 80, "TCP", True), ("y/b", "x/a", 81, "TCP", False), ("y/b", "y/a", 80, "TCP", False)]),
    case("calico-named-port-per-destination",
         "A named destination port resolves on each destination endpoint: web is 80 on x/a and 81 on x/b.",
         url(NP_DOC, "Ports: named ports"),
         [gnp("web-in-x", "  selector: projectcalico.org/namespace == 'x'\n  types:\n  - Ingress\n  ingress:\n"
              "  - action: Allow\n    protocol: TCP\n    destination:\n      ports:\n      - web\n")],
         [(TCP80, ["x/a>x/b", "y/a>x/b", "y/b>x/b"]), (TCP81, ["x/b>x/a", "y/a>x/a", "y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/a", "x/b", 80, "TCP", False), ("y/a", "x/b", 81, "TCP", True)],
         pod_ports={"x/a": [{"name": "web", "containerPort": 80, "protocol": "TCP"},
                            {"name": "other", "containerPort": 81, "protocol": "TCP"}],
                    "x/b": [{"name": "web", "containerPort": 81, "protocol": "TCP"},
                            {"name": "other", "containerPort": 80, "protocol": "TCP"}]}),
    case("calico-protocol-number",
         "protocol 17 (by number) is UDP: TCP to x/a meets the default tier's Deny, UDP is allowed.",
         url(NP_DOC, "Rule: protocol"),
         [gnp("udp-only", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    protocol: 17\n")],
         [(TCP80, INGRESS_TO_XA_FROM_ALL), ((80, "UDP"), [])],
         [("y/a", "x/a", 80, "TCP", False), ("y/a", "x/a", 80, "UDP", True)]),
    case("calico-not-protocol",
         "notProtocol TCP allows UDP and SCTP to x/a and leaves TCP to the default tier's Deny.",
         url(NP_DOC, "Rule: notProtocol"),
         [gnp("not-tcp", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n    notProtocol: TCP\n")],
         [(TCP80, INGRESS_TO_XA_FROM_ALL), ((80, "UDP"), []), ((80, "SCTP"), [])],
         [("x/b", "x/a", 80, "TCP", False), ("x/b", "x/a", 80, "SCTP", True)]),
    case("calico-knp-order-1000-vs-calico-deny",
         "A Kubernetes NetworkPolicy is knp.default.<name> at order 1000 in the default tier: a Calico Deny "
         "at order 500 goes first; step 1 moves the Deny to order 1500, after the Kubernetes Allow.",
         url(TIERED_DOC, "default tier: Kubernetes network policies"),
         ["apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-b\n  namespace: x\n"
          "spec:\n  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - from:\n    - podSelector:\n"
          "        matchLabels:\n          pod: b\n",
          np("deny-b", "x", "  order: 500\n  selector: pod == 'a'\n  ingress:\n  - action: Deny\n    source:\n"
             "      selector: pod == 'b'\n")],
         [(TCP80, INGRESS_TO_XA_FROM_ALL)],
         [("x/b", "x/a", 80, "TCP", False)],
         steps=[("the Calico Deny at order 1500",
                 ["apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-b\n"
                  "  namespace: x\nspec:\n  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - from:\n"
                  "    - podSelector:\n        matchLabels:\n          pod: b\n",
                  np("deny-b", "x", "  order: 1500\n  selector: pod == 'a'\n  ingress:\n  - action: Deny\n"
                     "    source:\n      selector: pod == 'b'\n")],
                 [(TCP80, ["y/a>x/a", "y/b>x/a"])])]),
    case("calico-anp-in-kube-admin-after-earlier-tier",
         "An AdminNetworkPolicy is in tier kube-admin (order 1000): tier early (order 100) allows y -> x/a "
         "first; y -> x/b meets the ANP's Deny; x/a -> x/b passes kube-admin and nothing else applies.",
         url(TIERED_DOC, "kube-admin tier"),
         [tier("early", 100, "Pass"),
          gnp("early-xa", "  selector: " + XA + "\n  ingress:\n  - action: Allow\n", tier="early"),
          "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata:\n  name: guard\n"
          "spec:\n  priority: 10\n  subject:\n    namespaces:\n      matchLabels:\n        ns: x\n  ingress:\n"
          "  - name: deny-y\n    action: Deny\n    from:\n    - namespaces:\n        matchLabels:\n          ns: y\n"],
         [(TCP80, ["y/a>x/b", "y/b>x/b"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/a", "x/b", 80, "TCP", False), ("x/a", "x/b", 80, "TCP", True)],
         requires=("calico", "tiers")),
    case("calico-banp-in-kube-baseline-after-default-tier",
         "A BaselineAdminNetworkPolicy is in tier kube-baseline (order 10000000), after the default tier: "
         "x/a's Calico policy decides in the default tier (Allow y/a, default Deny), x/b has none there and "
         "meets the baseline Deny.",
         url(TIERED_DOC, "kube-baseline tier"),
         [np("from-ya", "x", "  selector: pod == 'a'\n  ingress:\n  - action: Allow\n    source:\n"
             "      namespaceSelector: ns == 'y'\n      selector: pod == 'a'\n"),
          "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata:\n"
          "  name: default\nspec:\n  subject:\n    namespaces:\n      matchLabels:\n        ns: x\n  ingress:\n"
          "  - name: deny-all\n    action: Deny\n    from:\n    - namespaces: {}\n"],
         [(TCP80, ["x/b>x/a", "y/b>x/a", "x/a>x/b", "y/a>x/b", "y/b>x/b"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False), ("y/a", "x/b", 80, "TCP", False)],
         requires=("calico", "tiers")),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".json"):
            os.remove(os.path.join(OUT, old))
    for c in CASES:
        with open(os.path.join(OUT, c["name"] + ".json"), "w") as f:
            json.dump(c, f, indent=1, sort_keys=False)
            f.write("\n")
    print(len(CASES), "cases written to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
