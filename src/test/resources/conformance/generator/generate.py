#!/usr/bin/env python3
"""Writes ../cases/*.json: the netpolc conformance corpus.

Each case is authored here as a cluster, policies (YAML text) and probes, with a description of
its intent; the expected `allowed` matrices come from oracle.py, an independent Python
re-statement of SEMANTICS.md (never from the Java evaluator). Run from anywhere:
    python3 src/test/resources/conformance/generator/generate.py
"""
import copy
import ipaddress
import json
import os
import sys
import textwrap

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import World  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases")

SERVE = [{"name": "serve-%d-%s" % (port, proto.lower()), "containerPort": port, "protocol": proto}
         for port in (80, 81) for proto in ("TCP", "UDP", "SCTP")]
TCP80_81 = [(80, "TCP"), (81, "TCP")]


def xyz_namespaces():
    return [{"name": n, "labels": {"ns": n}} for n in ("x", "y", "z")]


def xyz_pods(ips=False, v6=False):
    """Pods a, b, c in x, y, z; explicit addresses when `ips` (198.18.0.10.. and/or fd00::10..)."""
    pods = []
    i = 0
    for n in ("x", "y", "z"):
        for p in ("a", "b", "c"):
            pod = {"namespace": n, "name": p, "labels": {"pod": p}, "ports": copy.deepcopy(SERVE)}
            if ips or v6:
                addrs = []
                if ips:
                    addrs.append("198.18.0.%d" % (10 + i))
                if v6:
                    addrs.append("fd00::%x" % (0x10 + i))
                pod["ips"] = addrs
            pods.append(pod)
            i += 1
    return pods


def pol(ns, name, spec):
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
    return ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: %s\n"
            "  namespace: %s\nspec:\n%s\n" % (name, ns, body))


def default_ips(pods):
    """The runner's rule for pods without `ips`: 198.18.0.0+10+i and fd00::(10+i), i = pod index."""
    out = []
    base4 = int(ipaddress.ip_address("198.18.0.0"))
    base6 = int(ipaddress.ip_address("fd00::"))
    for i, p in enumerate(pods):
        q = dict(p)
        if "ips" not in q:
            q["ips"] = [str(ipaddress.ip_address(base4 + 10 + i)), str(ipaddress.ip_address(base6 + 10 + i))]
        out.append(q)
    return out


CASES = []


def case(name, description, policies, probes=TCP80_81, namespaces=None, pods=None):
    CASES.append({
        "name": name,
        "description": description,
        "namespaces": namespaces if namespaces is not None else xyz_namespaces(),
        "pods": pods if pods is not None else xyz_pods(),
        "policies": policies,
        "probes": probes,
    })


DENY_IN_X = pol("x", "deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]")
DENY_OUT_X = pol("x", "deny-egress", "podSelector: {}\npolicyTypes: [Egress]")

# ---------------------------------------------------------------- isolation and deny/allow-all
case("no-policies-everything-reachable",
     "No NetworkPolicy: no pod is isolated, every pod reaches every pod on every port.", [],
     probes=[(80, "TCP"), (81, "UDP"), (80, "SCTP")])
case("deny-all-ingress-explicit-empty-list-in-y",
     "`ingress: []` with policyTypes [Ingress] on every pod of y: nothing reaches y but y's pods themselves.",
     [pol("y", "deny", "podSelector: {}\npolicyTypes: [Ingress]\ningress: []")])
case("deny-all-egress-in-x",
     "policyTypes [Egress] with no egress rules on every pod of x: x reaches nothing but itself; x stays reachable.",
     [DENY_OUT_X], probes=[(80, "TCP"), (80, "UDP")])
case("deny-all-both-directions-in-x",
     "policyTypes [Ingress, Egress] with no rules: x pods are cut off both ways; other namespaces talk freely.",
     [pol("x", "deny-both", "podSelector: {}\npolicyTypes: [Ingress, Egress]")])
case("deny-all-ingress-every-namespace",
     "A deny-all-ingress policy in each of x, y, z: only self-connections remain.",
     [pol(n, "deny", "podSelector: {}") for n in ("x", "y", "z")])
case("allow-all-ingress-overrides-deny",
     "Deny-all ingress plus `ingress: [{}]` on the same pods: policies are additive, the allow-all wins.",
     [DENY_IN_X, pol("x", "allow-all", "podSelector: {}\ningress:\n- {}")])
case("allow-all-egress-overrides-deny",
     "Deny-all egress plus `egress: [{}]` with policyTypes [Egress]: every connection from x is allowed.",
     [DENY_OUT_X, pol("x", "allow-all-out", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- {}")])
case("ingress-isolation-leaves-egress-open",
     "x is ingress-isolated only: x pods still reach every pod, nobody else reaches x.",
     [DENY_IN_X], probes=[(80, "TCP"), (81, "SCTP")])
case("egress-isolation-leaves-ingress-open",
     "x/a is egress-isolated only (podSelector pod=a): x/a reaches nothing, every pod reaches x/a.",
     [pol("x", "a-no-egress", "podSelector:\n  matchLabels: {pod: a}\npolicyTypes: [Egress]")])
case("policy-selects-only-its-own-namespace",
     "A deny policy in x selecting pod=a isolates x/a only, not y/a or z/a.",
     [pol("x", "deny-a", "podSelector:\n  matchLabels: {pod: a}")])

# ---------------------------------------------------------------- peers
case("peer-podselector-alone-same-namespace",
     "x/a accepts only from podSelector pod=b: that is x/b only (pods in the policy's namespace), not y/b or z/b.",
     [pol("x", "a-from-b", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - podSelector:\n      matchLabels: {pod: b}")])
case("peer-empty-podselector-alone",
     "`podSelector: {}` as a peer: every pod of the policy's namespace x, and nothing from y or z.",
     [pol("x", "from-x", "podSelector: {}\ningress:\n- from:\n  - podSelector: {}")])
case("peer-namespaceselector-alone",
     "x accepts from namespaceSelector ns=y: every pod of y, none of z, and x's own pods are not allowed either.",
     [pol("x", "from-y", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}")])
case("peer-empty-namespaceselector-alone",
     "`namespaceSelector: {}` as a peer: every pod in every namespace.",
     [pol("x", "from-all-pods", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}")])
case("peer-both-selectors-anded",
     "One peer with namespaceSelector ns=z AND podSelector pod=b: only z/b reaches x.",
     [pol("x", "from-z-b", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}\n    podSelector:\n      matchLabels: {pod: b}")])
case("peer-both-selectors-empty-podselector",
     "namespaceSelector ns=y with `podSelector: {}` in the same peer: every pod of y.",
     [pol("x", "from-y-all", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}\n    podSelector: {}")])
case("peer-two-separate-peers-ored",
     "Two peers (namespaceSelector ns=z) and (podSelector pod=b) are OR-ed: all of z plus x/b reach x.",
     [pol("x", "or", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}\n  - podSelector:\n      matchLabels: {pod: b}")])
case("peer-from-absent-matches-all",
     "A rule with ports but no `from`: every source, on port 80 only.",
     [pol("x", "port-80-from-anyone", "podSelector: {}\ningress:\n- ports:\n  - port: 80")])
case("peer-from-empty-list-matches-all",
     "`from: []` is the same as an absent from: every source, on port 81 only.",
     [pol("x", "port-81-from-anyone", "podSelector: {}\ningress:\n- from: []\n  ports:\n  - port: 81")])
case("peer-to-absent-matches-all",
     "Egress rule with ports only and no `to`: x reaches everybody on 80 and nobody on 81.",
     [pol("x", "out-80", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: 80")])
case("peer-to-empty-list-matches-all",
     "`to: []` matches every destination: x reaches everybody on 81 and nobody on 80.",
     [pol("x", "out-81", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to: []\n  ports:\n  - port: 81")])
case("egress-to-namespaceselector",
     "x may only talk to namespace y (egress namespaceSelector ns=y).",
     [pol("x", "to-y", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector:\n      matchLabels: {ns: y}")])
case("egress-to-podselector-same-namespace",
     "x pods may only talk to x/c (egress podSelector pod=c in x): not to y/c or z/c.",
     [pol("x", "to-c", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - podSelector:\n      matchLabels: {pod: c}")])

IP_PODS = xyz_pods(ips=True)
case("ipblock-matches-pod-ips",
     "ipBlock 198.18.0.13/32 and 198.18.0.14/31 are y/a, y/b and y/c: ipBlock matches pod IPs, so they reach x.",
     [pol("x", "from-block", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.0.13/32\n  - ipBlock:\n      cidr: 198.18.0.14/31")],
     pods=IP_PODS)
case("ipblock-except-carves-a-pod-out",
     "ipBlock 198.18.0.0/24 except 198.18.0.17/32 (z/b): every pod but z/b reaches x (x's own pods included).",
     [pol("x", "all-but-z-b", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.0.0/24\n      except: [198.18.0.17/32]")],
     pods=IP_PODS)
case("ipblock-except-is-not-a-deny",
     "Peer 1 is 198.18.0.0/24 except y's block 198.18.0.12/30 (x/c, y/a, y/b, y/c); peer 2 podSelector pod=c allows x/c back. The except only shrinks its own peer.",
     [pol("x", "except-not-deny", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.0.0/24\n      except: [198.18.0.12/30]\n  - podSelector:\n      matchLabels: {pod: c}")],
     pods=IP_PODS)
case("ipblock-egress-with-except",
     "x reaches 198.18.0.16/30 (z/a, z/b, z/c, and .19 which is nobody) except 198.18.0.18/32 (z/c).",
     [pol("x", "to-z-block", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - ipBlock:\n      cidr: 198.18.0.16/30\n      except: [198.18.0.18/32]")],
     pods=IP_PODS)
case("ipblock-host-bits-normalised",
     "cidr 198.18.0.13/30 has host bits set; it is read as 198.18.0.12/30: x/c, y/a, y/b, y/c reach y/a.",
     [pol("y", "host-bits", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.0.13/30")],
     pods=IP_PODS)
case("ipblock-outside-cluster-matches-no-pod",
     "x accepts only from 203.0.113.0/24, where no pod lives: no pod reaches x.",
     [pol("x", "from-outside", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 203.0.113.0/24")],
     pods=IP_PODS)

V6_PODS = xyz_pods(v6=True)
case("ipv6-only-ipblock",
     "IPv6-only pods; x accepts from fd00::10/124 (every pod: fd00::10..fd00::18) except fd00::14/127 (y/b, y/c).",
     [pol("x", "v6-block", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: fd00::10/124\n      except: ['fd00::14/127']")],
     pods=V6_PODS)
case("ipv4-block-never-matches-ipv6",
     "IPv6-only pods; x accepts only from 0.0.0.0/0, which holds no IPv6 address: nobody reaches x.",
     [pol("x", "v4-everything", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 0.0.0.0/0")],
     pods=V6_PODS)
case("ipv6-selectors-work-as-ipv4",
     "IPv6-only pods; selectors do not care about families: y accepts from namespace z.",
     [pol("y", "from-z", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}")],
     pods=V6_PODS)
DUAL_PODS = xyz_pods(ips=True, v6=True)
case("dual-stack-probes-use-ipv4",
     "Dual-stack pods: a probe uses IPv4, so an IPv6-only block (::/0) allows nothing and an IPv4 block for z allows z.",
     [pol("x", "v6-all", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: ::/0"),
      pol("x", "v4-z", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.0.16/30")],
     pods=DUAL_PODS)
MIXED = xyz_pods(ips=True)
for p in MIXED:
    if p["namespace"] == "z":
        p["ips"] = ["fd00::%x" % (0x20 + "abc".index(p["name"]))]
    if p["namespace"] == "y" and p["name"] == "a":
        p["ips"] = ["198.18.0.13", "fd00::13"]
case("mixed-families-no-common-family",
     "z pods are IPv6-only, y/a is dual-stack, x and y/b, y/c IPv4-only: pods with no common family never reach each other. y accepts only from ipBlock ::/0, so only IPv6 connections enter y: z pods reach y/a; nobody else reaches y/a, y/b or y/c.",
     [pol("y", "v6-only", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: ::/0")],
     pods=MIXED)

# ---------------------------------------------------------------- ports
case("port-number-tcp",
     "x accepts TCP 80 from anyone: 81 and UDP 80 are denied.",
     [pol("x", "tcp-80", "podSelector: {}\ningress:\n- ports:\n  - port: 80\n    protocol: TCP")],
     probes=[(80, "TCP"), (81, "TCP"), (80, "UDP")])
case("port-protocol-absent-defaults-to-tcp",
     "A port entry without protocol is TCP: UDP 81 is denied, TCP 81 allowed.",
     [pol("x", "port-81", "podSelector: {}\ningress:\n- ports:\n  - port: 81")],
     probes=[(81, "TCP"), (81, "UDP"), (81, "SCTP")])
case("port-endport-range",
     "TCP 80-81 by endPort: 80 and 81 pass, 82 and 79 do not.",
     [pol("x", "range", "podSelector: {}\ningress:\n- ports:\n  - port: 80\n    endPort: 81\n    protocol: TCP")],
     probes=[(79, "TCP"), (80, "TCP"), (81, "TCP"), (82, "TCP")])
case("port-empty-entry-is-all-tcp",
     "`ports: [{}]` is every TCP port, not every protocol: TCP passes, UDP and SCTP do not.",
     [pol("x", "all-tcp", "podSelector: {}\ningress:\n- ports:\n  - {}")],
     probes=[(80, "TCP"), (81, "TCP"), (80, "UDP"), (81, "SCTP")])
case("port-protocol-without-port-is-all-ports",
     "`- protocol: UDP` is every UDP port: UDP 80 and 81 pass, TCP does not.",
     [pol("x", "all-udp", "podSelector: {}\ningress:\n- ports:\n  - protocol: UDP")],
     probes=[(80, "UDP"), (81, "UDP"), (80, "TCP")])
case("port-udp-number",
     "y accepts only UDP 81 from x.",
     [pol("y", "udp-81", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: x}\n  ports:\n  - port: 81\n    protocol: UDP")],
     probes=[(81, "UDP"), (80, "UDP"), (81, "TCP")])
case("port-sctp-number",
     "z accepts only SCTP 80: TCP 80 is denied.",
     [pol("z", "sctp-80", "podSelector: {}\ningress:\n- ports:\n  - port: 80\n    protocol: SCTP")],
     probes=[(80, "SCTP"), (81, "SCTP"), (80, "TCP")])
case("port-no-ports-all-protocols",
     "A rule with peers and no ports allows every protocol and port from y.",
     [pol("x", "from-y-anything", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}")],
     probes=[(80, "TCP"), (81, "UDP"), (80, "SCTP"), (9999, "TCP")])
case("port-several-entries-ored",
     "ports TCP 80 and UDP 81 in one rule: either passes, TCP 81 and UDP 80 do not.",
     [pol("x", "two", "podSelector: {}\ningress:\n- ports:\n  - port: 80\n  - port: 81\n    protocol: UDP")],
     probes=[(80, "TCP"), (81, "TCP"), (80, "UDP"), (81, "UDP")])
case("port-named-ingress",
     "x/a accepts from y on the port named serve-81-udp, which is UDP 81 on x/a.",
     [pol("x", "named", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}\n  ports:\n  - port: serve-81-udp\n    protocol: UDP")],
     probes=[(81, "UDP"), (81, "TCP"), (80, "UDP")])
case("port-named-wrong-protocol-matches-nothing",
     "The entry names serve-80-udp with the default protocol TCP; x/a has no TCP port of that name, so nothing reaches x/a.",
     [pol("x", "named-tcp", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- ports:\n  - port: serve-80-udp")],
     probes=[(80, "TCP"), (80, "UDP")])
case("port-named-egress",
     "x may only send to ports named serve-80-tcp on the destination (every pod has it, as TCP 80).",
     [pol("x", "out-named", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: serve-80-tcp")],
     probes=[(80, "TCP"), (81, "TCP"), ("serve-80-tcp", "TCP")])

WEB_PODS = xyz_pods()
for p in WEB_PODS:
    if p["name"] == "a":
        p["ports"].append({"name": "http", "containerPort": 8080, "protocol": "TCP"})
    if p["name"] == "b":
        p["ports"].append({"name": "http", "containerPort": 8081, "protocol": "TCP"})
case("port-named-resolves-per-pod",
     "'http' is 8080 on the a pods and 8081 on the b pods and absent on the c pods; every pod is ingress-isolated and allows port http: 8080 reaches only a pods, 8081 only b pods, c pods nothing.",
     [pol(n, "http", "podSelector: {}\ningress:\n- ports:\n  - port: http") for n in ("x", "y", "z")],
     probes=[(8080, "TCP"), (8081, "TCP"), ("http", "TCP"), (80, "TCP")], pods=WEB_PODS)
case("port-named-egress-resolves-on-the-peer",
     "x may send only to port 'http' of the destination: 8080 towards a pods, 8081 towards b pods, never towards c pods.",
     [pol("x", "out-http", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: http")],
     probes=[(8080, "TCP"), (8081, "TCP"), ("http", "TCP")], pods=WEB_PODS)
case("probe-by-port-name",
     "A probe by name (serve-81-tcp) resolves on each destination; x accepts only TCP 81.",
     [pol("x", "tcp-81", "podSelector: {}\ningress:\n- ports:\n  - port: 81")],
     probes=[("serve-81-tcp", "TCP"), ("serve-80-tcp", "TCP")])
case("probe-by-name-missing-on-some-pods",
     "No policies; probing the name 'http' reaches only pods that declare it (a and b pods), plus each pod itself.",
     [], probes=[("http", "TCP")], pods=WEB_PODS)
case("egress-endport-range",
     "x may send TCP 81-90 only: 80 is denied, 81 allowed.",
     [pol("x", "out-range", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: 81\n    endPort: 90")],
     probes=[(80, "TCP"), (81, "TCP"), (90, "TCP"), (91, "TCP")])
case("egress-dns-only",
     "x may only send UDP 53 anywhere: a typical lock-down; TCP 80 and UDP 80 are denied.",
     [pol("x", "dns-only", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports:\n  - port: 53\n    protocol: UDP")],
     probes=[(53, "UDP"), (80, "UDP"), (80, "TCP")])

# ---------------------------------------------------------------- policyTypes
case("policytypes-absent-with-egress-rules-isolates-both",
     "No policyTypes but an egress rule: the API defaults to [Ingress, Egress]; x reaches only y and nobody reaches x.",
     [pol("x", "defaulted", "podSelector: {}\negress:\n- to:\n  - namespaceSelector:\n      matchLabels: {ns: y}")])
case("policytypes-absent-without-egress-isolates-ingress",
     "No policyTypes and only ingress rules: [Ingress]; x accepts only z, and x still reaches everybody.",
     [pol("x", "defaulted", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}")])
case("policytypes-ingress-ignores-egress-rules",
     "policyTypes [Ingress] with a restrictive egress rule: the egress rule is ignored, x egress stays open.",
     [pol("x", "ingress-only", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}\negress:\n- to:\n  - namespaceSelector:\n      matchLabels: {ns: y}")])
case("policytypes-egress-ignores-ingress-rules",
     "policyTypes [Egress] with an ingress rule: ingress is not isolated; egress allows only port 81.",
     [pol("x", "egress-only", "podSelector: {}\npolicyTypes: [Egress]\ningress:\n- from:\n  - podSelector: {}\negress:\n- ports:\n  - port: 81")])
case("policytypes-both-with-ingress-rules-only",
     "policyTypes [Ingress, Egress] and only ingress rules: x/b accepts from y, and x/b can send nowhere.",
     [pol("x", "b-both", "podSelector:\n  matchLabels: {pod: b}\npolicyTypes: [Ingress, Egress]\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}")])
case("egress-and-ingress-must-both-allow",
     "x may send only to y; y/a accepts only from x/a and z. x/a to y/a passes both; x/b to y/a fails ingress; x to z fails egress.",
     [pol("x", "to-y", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector:\n      matchLabels: {ns: y}"),
      pol("y", "a-from", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: x}\n    podSelector:\n      matchLabels: {pod: a}\n  - namespaceSelector:\n      matchLabels: {ns: z}")])

# ---------------------------------------------------------------- unions
case("union-of-two-policies-on-one-pod",
     "x/a has two policies: one allows y, one allows z/c. The union applies; x/b and x/c stay unisolated.",
     [pol("x", "a-from-y", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}"),
      pol("x", "a-from-z-c", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}\n    podSelector:\n      matchLabels: {pod: c}")])
case("union-of-rules-in-one-policy",
     "Two rules: (from y, port 80) and (from z, port 81). y reaches x on 80 only, z on 81 only.",
     [pol("x", "two-rules", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}\n  ports:\n  - port: 80\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}\n  ports:\n  - port: 81")])
case("union-overlapping-subjects",
     "Policy 1 selects every x pod (allow from y); policy 2 selects x/c (allow from z). x/c accepts y and z; x/a, x/b accept y only.",
     [pol("x", "all-from-y", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}"),
      pol("x", "c-from-z", "podSelector:\n  matchLabels: {pod: c}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}")])
case("union-deny-and-narrow-allow",
     "Deny-all ingress in y plus a policy letting x/a into y/b on 81: only that pair (and selves) cross into y.",
     [pol("y", "deny", "podSelector: {}"),
      pol("y", "b-from-x-a", "podSelector:\n  matchLabels: {pod: b}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: x}\n    podSelector:\n      matchLabels: {pod: a}\n  ports:\n  - port: 81")])

# ---------------------------------------------------------------- selectors
LAB_PODS = xyz_pods()
EXTRA = {("x", "a"): {"tier": "web", "env": "prod"}, ("x", "b"): {"tier": "db"},
         ("y", "a"): {"tier": "web"}, ("y", "c"): {"env": "dev"}, ("z", "b"): {"tier": "cache", "env": "prod"}}
for p in LAB_PODS:
    p["labels"].update(EXTRA.get((p["namespace"], p["name"]), {}))
LAB_NS = [{"name": "x", "labels": {"ns": "x", "stage": "prod"}}, {"name": "y", "labels": {"ns": "y", "stage": "dev"}},
          {"name": "z", "labels": {"ns": "z"}}]


def from_all_ns_pods(expr):
    return pol("x", "expr", "podSelector:\n  matchLabels: {pod: c}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector:\n      matchExpressions:\n" + textwrap.indent(expr, "      "))


case("selector-matchexpressions-in",
     "x/c accepts pods whose tier is In (web, cache): x/a, y/a, z/b.",
     [from_all_ns_pods("- {key: tier, operator: In, values: [web, cache]}")], pods=LAB_PODS, namespaces=LAB_NS)
case("selector-matchexpressions-notin",
     "x/c accepts pods whose tier is NotIn (web): pods without a tier label match too; x/a and y/a do not.",
     [from_all_ns_pods("- {key: tier, operator: NotIn, values: [web]}")], pods=LAB_PODS, namespaces=LAB_NS)
case("selector-matchexpressions-exists",
     "x/c accepts pods that have an env label: x/a, y/c, z/b.",
     [from_all_ns_pods("- {key: env, operator: Exists}")], pods=LAB_PODS, namespaces=LAB_NS)
case("selector-matchexpressions-doesnotexist",
     "x/c accepts pods without a tier label: every pod but x/a, x/b, y/a, z/b.",
     [from_all_ns_pods("- {key: tier, operator: DoesNotExist}")], pods=LAB_PODS, namespaces=LAB_NS)
case("selector-matchlabels-and-expressions",
     "x/c accepts tier=web pods that also have env Exists: only x/a.",
     [pol("x", "both", "podSelector:\n  matchLabels: {pod: c}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector:\n      matchLabels: {tier: web}\n      matchExpressions:\n      - {key: env, operator: Exists}")],
     pods=LAB_PODS, namespaces=LAB_NS)
case("selector-namespace-expressions",
     "y accepts from namespaces whose stage is NotIn (dev): x (prod) and z (no stage), not y itself.",
     [pol("y", "ns-expr", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchExpressions:\n      - {key: stage, operator: NotIn, values: [dev]}")],
     pods=LAB_PODS, namespaces=LAB_NS)
case("selector-namespace-by-metadata-name",
     "Every namespace carries kubernetes.io/metadata.name: y accepts from the namespace named z.",
     [pol("y", "by-name", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: z")])
case("selector-subject-by-expression",
     "The subject selector uses matchExpressions: x pods with tier In (web, db) (x/a, x/b) are ingress-isolated; x/c is open.",
     [pol("x", "isolate-tiers", "podSelector:\n  matchExpressions:\n  - {key: tier, operator: In, values: [web, db]}\npolicyTypes: [Ingress]")],
     pods=LAB_PODS, namespaces=LAB_NS)

# ---------------------------------------------------------------- pod kinds and nodes
def on_nodes(pods):
    for p in pods:
        p["nodeName"] = "n1" if p["namespace"] in ("x", "y") else "n2"
    return pods


def host_pod(name, node, ip):
    return {"namespace": "x", "name": name, "labels": {"pod": "h"}, "ports": copy.deepcopy(SERVE),
            "ips": [ip], "hostNetwork": True, "nodeName": node}


NODE_PODS = on_nodes(xyz_pods(ips=True)) + [host_pod("h", "n2", "198.18.1.2")]
case("hostnetwork-pod-is-not-a-subject",
     "x/h is a hostNetwork pod on node n2 (z's node). Deny-all ingress in x does not isolate it: everyone reaches x/h; z pods reach x/h as its local node, the rest as ordinary traffic.",
     [DENY_IN_X], pods=NODE_PODS)
case("hostnetwork-pod-not-matched-by-podselector",
     "y accepts from podSelector pod=h in every namespace. x/h is hostNetwork so it matches no selector: it reaches no y pod (y runs on n1, x/h on n2).",
     [pol("y", "from-h", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector:\n      matchLabels: {pod: h}")],
     pods=NODE_PODS)
case("hostnetwork-pod-matched-by-ipblock",
     "y accepts from ipBlock 198.18.1.0/24, where the node-network address of x/h is: x/h reaches y, pods do not.",
     [pol("y", "from-nodes", "podSelector: {}\ningress:\n- from:\n  - ipBlock:\n      cidr: 198.18.1.0/24")],
     pods=NODE_PODS)
case("node-local-traffic-always-allowed",
     "Deny-all both ways in x, y and z. x/h (hostNetwork on n2) still reaches z pods, which run on n2, and they reach it; x and y pods on n1 are cut off from it.",
     [pol(n, "deny-both", "podSelector: {}\npolicyTypes: [Ingress, Egress]") for n in ("x", "y", "z")],
     pods=NODE_PODS)
case("egress-to-other-node-is-ordinary-traffic",
     "x pods (on n1) may only send to 198.18.0.0/24 (pods): the hostNetwork pod x/h on n2 at 198.18.1.2 is outside, so x cannot reach it.",
     [pol("x", "to-pods", "podSelector:\n  matchExpressions:\n  - {key: pod, operator: In, values: [a, b, c]}\npolicyTypes: [Egress]\negress:\n- to:\n  - ipBlock:\n      cidr: 198.18.0.0/24")],
     pods=NODE_PODS)
SPREAD = on_nodes(xyz_pods())
case("pods-on-other-nodes-are-ordinary-peers",
     "Pods spread over nodes n1 (x, y) and n2 (z), no hostNetwork pods: nodes change nothing; x accepts only z/a.",
     [pol("x", "from-z-a", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}\n    podSelector:\n      matchLabels: {pod: a}")],
     pods=SPREAD)
DONE_PODS = xyz_pods(ips=True) + [
    {"namespace": "x", "name": "done", "labels": {"pod": "a"}, "ports": copy.deepcopy(SERVE), "ips": ["198.18.0.30"],
     "phase": "Succeeded"},
    {"namespace": "y", "name": "failed", "labels": {"pod": "a"}, "ports": copy.deepcopy(SERVE),
     "ips": ["198.18.0.31"], "phase": "Failed"},
    {"namespace": "z", "name": "pending", "labels": {"pod": "a"}, "ports": copy.deepcopy(SERVE), "ips": [],
     "phase": "Pending"}]
case("terminated-and-unaddressed-pods-take-no-part",
     "x/done (Succeeded), y/failed (Failed) and z/pending (no IP) are not in the matrix; y accepts only pod=a pods, which are x/a, y/a and z/a.",
     [pol("y", "from-a", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}\n    podSelector:\n      matchLabels: {pod: a}")],
     pods=DONE_PODS)
REUSED = xyz_pods(ips=True) + [
    {"namespace": "x", "name": "old", "labels": {"pod": "old"}, "ports": [], "ips": ["198.18.0.14"],
     "phase": "Succeeded"}]
case("terminated-pod-ip-reused-by-running-pod",
     "x/old finished with 198.18.0.14, now y/b's address. x accepts only from pod=b pods in y: 198.18.0.14 is y/b, so y/b reaches x.",
     [pol("x", "from-y-b", "podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: y}\n    podSelector:\n      matchLabels: {pod: b}")],
     pods=REUSED)
case("implicit-namespace-without-object",
     "Namespace z has no Namespace object; it still carries kubernetes.io/metadata.name=z but not ns=z, so namespaceSelector ns=z matches nothing and the name label matches z.",
     [pol("x", "from-ns-z-label", "podSelector:\n  matchLabels: {pod: a}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels: {ns: z}"),
      pol("x", "from-z-by-name", "podSelector:\n  matchLabels: {pod: b}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: z")],
     namespaces=[{"name": "x", "labels": {"ns": "x"}}, {"name": "y", "labels": {"ns": "y"}}])


def main():
    os.makedirs(OUT, exist_ok=True)
    names = set()
    for c in CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        pods = default_ips(c["pods"])
        active_ips = [ip for p in pods if p["ips"] and p.get("phase") not in ("Succeeded", "Failed") for ip in p["ips"]]
        assert len(active_ips) == len(set(active_ips)), "duplicate address in " + c["name"]
        policies = [d for text in c["policies"] for d in yaml.safe_load_all(text) if d]
        world = World(c["namespaces"], pods, policies)
        out = {"name": c["name"], "description": c["description"], "namespaces": c["namespaces"],
               "pods": c["pods"], "policies": c["policies"], "probes": []}
        for port, proto in c["probes"]:
            out["probes"].append({"port": port, "protocol": proto, "allowed": world.matrix(port, proto)})
        with open(os.path.join(OUT, c["name"] + ".json"), "w") as f:
            json.dump(out, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print("wrote %d cases to %s" % (len(CASES), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
