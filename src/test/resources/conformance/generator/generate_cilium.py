#!/usr/bin/env python3
"""Writes the Cilium conformance cases (cases/cilium/*.json).

Every expectation here is hand-written from its source (a Cilium documentation page, or
SEMANTICS-CILIUM.md where the behaviour is netpolc's own choice): each probe lists the pairs
that are DENIED, and every other pair (a pod to itself always) is allowed. No oracle computes
them. Pods and namespaces are generate_calico.py's: x/a, x/b, y/a, y/b (labels pod=<name>,
namespaces labelled ns=<name>). Output is deterministic: python3 generate_cilium.py
"""
import json
import os

from generate_calico import case as calico_case

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "cilium")

DENY_DOC = "https://docs.cilium.io/en/latest/security/policy/deny/"
INTRO_DOC = "https://docs.cilium.io/en/latest/security/policy/intro/"
LANGUAGE_DOC = "https://docs.cilium.io/en/stable/security/policy/language/"
K8S_DOC = "https://docs.cilium.io/en/stable/security/policy/kubernetes/"
OWN = "SEMANTICS-CILIUM.md"

TCP80 = (80, "TCP")
TCP81 = (81, "TCP")
UDP81 = (81, "UDP")
TO_XA_FROM_ALL = ["x/b>x/a", "y/a>x/a", "y/b>x/a"]


def url(page, section):
    return {"url": page, "section": section}


def own(section):
    return {"document": OWN, "section": section}


def case(name, description, source, policies, denied_by_probe, checks):
    return calico_case(name, description, source, policies, denied_by_probe, checks, requires=("cilium",))


def cnp(name, ns, body):
    return ("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: " + name
            + "\n  namespace: " + ns + "\nspec:\n" + body)


def ccnp(name, body):
    return "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n  name: " + name + "\nspec:\n" + body


def knp(name, ns, body):
    return ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name
            + "\n  namespace: " + ns + "\nspec:\n" + body)


SEL_A = "  endpointSelector:\n    matchLabels:\n      pod: a\n"
FROM_B = "    fromEndpoints:\n    - matchLabels:\n        pod: b\n"

CASES = [
    case("cilium-unselected-pods-allowed",
         "A Cilium policy that selects no pod changes nothing: endpoints without policy allow everything.",
         url(INTRO_DOC, "Endpoint default policy"),
         [cnp("nobody", "x", "  endpointSelector:\n    matchLabels:\n      pod: none\n  ingress:\n  - {}\n")],
         [(TCP80, [])],
         [("y/a", "x/a", 80, "TCP", True)]),
    case("cilium-from-endpoints-same-namespace",
         "x/a allows ingress from pod=b: a CiliumNetworkPolicy's fromEndpoints selects its own namespace "
         "only, so x/b gets in and y/b (and y/a) do not.",
         url(K8S_DOC, "Namespaces"),
         [cnp("a-from-b", "x", SEL_A + "  ingress:\n  - " + FROM_B[4:])],
         [(TCP80, ["y/a>x/a", "y/b>x/a"])],
         [("x/b", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False)]),
    case("cilium-from-endpoints-other-namespace",
         "x/a allows ingress from pods whose io.kubernetes.pod.namespace is y: y/a and y/b only.",
         url(K8S_DOC, "Namespaces"),
         [cnp("a-from-y", "x", SEL_A + "  ingress:\n  - fromEndpoints:\n    - matchLabels:\n"
              "        k8s:io.kubernetes.pod.namespace: y\n")],
         [(TCP80, ["x/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("x/b", "x/a", 80, "TCP", False)]),
    case("cilium-deny-overrides-allow",
         "x/a allows ingress from the whole cluster, another policy denies ingress from namespace y: "
         "the deny wins.",
         url(DENY_DOC, "Deny Policies"),
         [cnp("a-from-cluster", "x", SEL_A + "  ingress:\n  - fromEntities:\n    - cluster\n"),
          cnp("a-deny-y", "x", SEL_A + "  ingressDeny:\n  - fromEndpoints:\n    - matchLabels:\n"
              "        k8s:io.kubernetes.pod.namespace: y\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", False), ("x/b", "x/a", 80, "TCP", True)]),
    case("cilium-deny-overrides-kubernetes-allow",
         "A Kubernetes NetworkPolicy allows all ingress to x/a; a Cilium deny rule for pod=b still wins.",
         url(DENY_DOC, "Deny Policies"),
         [knp("allow-all", "x", "  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - {}\n"),
          cnp("a-deny-b", "x", SEL_A + "  ingressDeny:\n  - " + FROM_B[4:])],
         [(TCP80, ["x/b>x/a"])],
         [("x/b", "x/a", 80, "TCP", False), ("y/b", "x/a", 80, "TCP", True)]),
    case("cilium-deny-only-policy-default-denies",
         "A policy with only an ingressDeny rule still puts x/a in default deny at ingress: nothing gets in.",
         url(DENY_DOC, "Deny Policies"),
         [cnp("a-deny-b", "x", SEL_A + "  ingressDeny:\n  - " + FROM_B[4:])],
         [(TCP80, TO_XA_FROM_ALL)],
         [("y/a", "x/a", 80, "TCP", False)]),
    case("cilium-enable-default-deny-false",
         "The same deny rule with enableDefaultDeny.ingress false: only x/b is denied, the rest stays open.",
         url(INTRO_DOC, "Endpoint default policy"),
         [cnp("a-deny-b", "x", SEL_A + "  enableDefaultDeny:\n    ingress: false\n  ingressDeny:\n  - "
              + FROM_B[4:])],
         [(TCP80, ["x/b>x/a"])],
         [("x/b", "x/a", 80, "TCP", False), ("y/a", "x/a", 80, "TCP", True)]),
    case("cilium-to-ports-without-l3",
         "x/a allows ingress to port 80/TCP from anyone (toPorts without an L3 part): 81 is denied.",
         url(LANGUAGE_DOC, "Layer 4 Examples"),
         [cnp("a-port-80", "x", SEL_A + "  ingress:\n  - toPorts:\n    - ports:\n      - port: \"80\"\n"
              "        protocol: TCP\n")],
         [(TCP80, []), (TCP81, TO_XA_FROM_ALL)],
         [("y/a", "x/a", 80, "TCP", True), ("y/a", "x/a", 81, "TCP", False)]),
    case("cilium-l3-and-l4-together",
         "x/a allows ingress from pod=b on port 80/TCP only: both parts must match.",
         url(LANGUAGE_DOC, "Layer 4 Examples"),
         [cnp("a-b-80", "x", SEL_A + "  ingress:\n  - " + FROM_B[4:] + "    toPorts:\n    - ports:\n"
              "      - port: \"80\"\n        protocol: TCP\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a"]), (TCP81, TO_XA_FROM_ALL)],
         [("x/b", "x/a", 80, "TCP", True), ("x/b", "x/a", 81, "TCP", False)]),
    case("cilium-protocol-any",
         "x/a allows port 81 with protocol ANY: TCP and UDP 81 get in, 80 does not.",
         own("Subjects and peers: Ports"),
         [cnp("a-81-any", "x", SEL_A + "  ingress:\n  - toPorts:\n    - ports:\n      - port: \"81\"\n"
              "        protocol: ANY\n")],
         [(TCP80, TO_XA_FROM_ALL), (TCP81, []), (UDP81, [])],
         [("y/b", "x/a", 81, "UDP", True), ("y/b", "x/a", 80, "TCP", False)]),
    case("cilium-egress-to-endpoints",
         "x/a allows egress to pod=b of its namespace only: x/a reaches x/b but no pod of y.",
         url(LANGUAGE_DOC, "Layer 3 Examples"),
         [cnp("a-to-b", "x", SEL_A + "  egress:\n  - toEndpoints:\n    - matchLabels:\n        pod: b\n")],
         [(TCP80, ["x/a>y/a", "x/a>y/b"])],
         [("x/a", "x/b", 80, "TCP", True), ("x/a", "y/b", 80, "TCP", False)]),
    case("cilium-entity-world-excludes-pods",
         "x/a allows egress to entity world only: every pod is denied (pods are not world).",
         url(LANGUAGE_DOC, "Entities Based"),
         [cnp("a-to-world", "x", SEL_A + "  egress:\n  - toEntities:\n    - world\n")],
         [(TCP80, ["x/a>x/b", "x/a>y/a", "x/a>y/b"])],
         [("x/a", "y/a", 80, "TCP", False), ("y/a", "x/a", 80, "TCP", True)]),
    case("cilium-clusterwide-policy",
         "A CiliumClusterwideNetworkPolicy selects pod=a in every namespace and allows ingress from namespace x.",
         own("Subjects and peers"),
         [ccnp("a-from-x", SEL_A + "  ingress:\n  - fromEndpoints:\n    - matchLabels:\n"
               "        io.kubernetes.pod.namespace: x\n")],
         [(TCP80, ["y/a>x/a", "y/b>x/a", "y/b>y/a"])],
         [("x/b", "y/a", 80, "TCP", True), ("y/b", "y/a", 80, "TCP", False)]),
    case("cilium-allows-are-a-union-with-kubernetes",
         "A CiliumNetworkPolicy allows x/b into x/a and a Kubernetes NetworkPolicy allows y/a: both get in.",
         url(DENY_DOC, "Deny Policies"),
         [cnp("a-from-b", "x", SEL_A + "  ingress:\n  - " + FROM_B[4:]),
          knp("a-from-ya", "x", "  podSelector:\n    matchLabels:\n      pod: a\n  ingress:\n  - from:\n"
              "    - namespaceSelector:\n        matchLabels:\n          ns: y\n      podSelector:\n"
              "        matchLabels:\n          pod: a\n")],
         [(TCP80, ["y/b>x/a"])],
         [("y/a", "x/a", 80, "TCP", True), ("y/b", "x/a", 80, "TCP", False)]),
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
