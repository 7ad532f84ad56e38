#!/usr/bin/env python3
"""Writes ../cases/tiers-upstream/*.json and ../cases/tiers/*.json: the tiered conformance corpus.

tiers-upstream/: the conformance suite of kubernetes-sigs/network-policy-api (UPSTREAM_COMMIT),
one case per upstream test. Its policies are the suite's manifests (upstream-npa/, see the README
there); each subtest that edits a policy or a namespace becomes a step with the edited objects,
and every connection the upstream test pokes is kept as a `check` naming its subtest. The full
matrices come from tiers_oracle.py, and each check must agree with them, or nothing is written.

tiers/: cases written from SEMANTICS-TIERS.md, one behaviour each.

Run from anywhere:
    python3 src/test/resources/conformance/generator/generate_tiers.py
"""
import copy
import ipaddress
import json
import os
import sys
import textwrap

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tiers_oracle import TieredWorld  # noqa: E402

CASES_DIR = os.path.join(HERE, "..", "cases")
UPSTREAM_DIR = os.path.join(HERE, "upstream-npa")
UPSTREAM_REPO = "kubernetes-sigs/network-policy-api"
UPSTREAM_COMMIT = "0eec1b0e5fa92715b4c0f4c48d3c8d2913ed2159"
PROTO_ORDER = {"TCP": 0, "UDP": 1, "SCTP": 2}


# ====================================================================== output
def dumps(v, ind=0):
    """JSON with one line per scalar-only object or list, so matrices and pods stay readable."""
    pad, inner = " " * ind, " " * (ind + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        if all(not isinstance(x, (dict, list)) for x in v.values()):
            return json.dumps(v, ensure_ascii=False)
        return "{\n" + ",\n".join(inner + json.dumps(k) + ": " + dumps(x, ind + 1) for k, x in v.items()) + "\n" + pad + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        if all(not isinstance(x, (dict, list)) for x in v):
            return json.dumps(v, ensure_ascii=False)
        return "[\n" + ",\n".join(inner + dumps(x, ind + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v, ensure_ascii=False)


def to_yaml(doc):
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=1000)


def key(p):
    return p["namespace"] + "/" + p["name"]


def build(case):
    """Computes every step's matrices with the oracle, checks the recorded expectations, returns the JSON object."""
    nodes = case.get("nodes", [])
    pods = case["pods"]
    active = [ip for p in pods if p.get("ips") and p.get("phase") not in ("Succeeded", "Failed") for ip in p["ips"]]
    assert len(active) == len(set(active)), "duplicate address in " + case["name"]
    namespaces = case["namespaces"]
    steps_out = []
    for i, step in enumerate(case["steps"]):
        namespaces = step.get("namespaces", namespaces)
        docs = [d for text in step["policies"] for d in yaml.safe_load_all(text) if d]
        world = TieredWorld(namespaces, pods, docs, nodes)
        probes = []
        for port, proto in case["probes"]:
            probes.append({"port": port, "protocol": proto, "allowed": world.matrix(port, proto)})
        for c in step.get("checks", []):
            m = next(p for p in probes if p["port"] == c["port"] and p["protocol"] == c["protocol"])
            got = c["to"] in m["allowed"][c["from"]]
            assert got == c["allowed"], "%s step %d: %s -> %s %s/%d: oracle says %s, upstream %s (%s)" % (
                case["name"], i, c["from"], c["to"], c["protocol"], c["port"], got, c["allowed"], c.get("subtest", "own expectation"))
        out = {"description": step["description"]}
        if "namespaces" in step:
            out["namespaces"] = step["namespaces"]
        out["policies"] = step["policies"]
        if "checks" in step:
            out["checks"] = step["checks"]
        out["probes"] = probes
        steps_out.append(out)
    first = steps_out[0]
    obj = {"name": case["name"], "description": case["description"], "source": case["source"],
           "requires": case.get("requires", ["tiers"]), "namespaces": case["namespaces"]}
    if nodes:
        obj["nodes"] = nodes
    obj["pods"] = pods
    obj["policies"] = first["policies"]
    if first.get("checks"):
        obj["checks"] = first["checks"]
    obj["probes"] = first["probes"]
    if len(steps_out) > 1:
        obj["steps"] = steps_out[1:]
    return obj


def write(folder, cases):
    out_dir = os.path.join(CASES_DIR, folder)
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if name.endswith(".json"):
            os.remove(os.path.join(out_dir, name))
    names = set()
    for c in cases:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        with open(os.path.join(out_dir, c["name"] + ".json"), "w") as f:
            f.write(dumps(build(c)) + "\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(out_dir)))


# ====================================================================== upstream cluster
# conformance/base/manifests.yaml: four houses, a StatefulSet of two pods each (label
# conformance-house; container ports web 80/TCP and dns 53/UDP; servers also on TCP 8080,
# UDP 5353, SCTP 9003 and 9005 without declared ports), and the host-network StatefulSet centaur
# in forbidden-forrest (ports from the suite's HostNetworkPorts, default 34345-34352). The pods
# are spread over two nodes; each centaur pod is its node's address.
HOUSES = [("gryffindor", "harry-potter"), ("slytherin", "draco-malfoy"), ("hufflepuff", "cedric-diggory"),
          ("ravenclaw", "luna-lovegood")]
FOREST = "forbidden-forrest"
HOST_PORTS = list(range(34345, 34353))


def ns_name(house):
    return "network-policy-conformance-" + house


UP_NAMESPACES = [{"name": ns_name(h), "labels": {"conformance-house": h}} for h, _ in HOUSES + [(FOREST, None)]]
UP_NODES = [{"name": "n%d" % i, "labels": {"kubernetes.io/hostname": "n%d" % i, "kubernetes.io/os": "linux"},
             "addresses": ["198.18.1.%d" % i]} for i in (1, 2)]
UP_PODS = []
ALIAS = {}
for hi, (house, sts) in enumerate(HOUSES):
    for r in (0, 1):
        UP_PODS.append({"namespace": ns_name(house), "name": "%s-%d" % (sts, r), "labels": {"conformance-house": house},
                        "ports": [{"name": "web", "containerPort": 80, "protocol": "TCP"},
                                  {"name": "dns", "containerPort": 53, "protocol": "UDP"}],
                        "ips": ["198.18.0.%d" % (10 + 2 * hi + r)], "nodeName": "n%d" % (r + 1)})
        ALIAS["".join(w[0] for w in sts.split("-")) + str(r)] = key(UP_PODS[-1])
for r in (0, 1):
    UP_PODS.append({"namespace": ns_name(FOREST), "name": "centaur-%d" % r, "labels": {"conformance-house": FOREST},
                    "ports": [{"name": "web-%d" % HOST_PORTS[0], "containerPort": HOST_PORTS[0], "protocol": "TCP"},
                              {"name": "web-%d" % HOST_PORTS[1], "containerPort": HOST_PORTS[1], "protocol": "TCP"},
                              {"name": "dns-%d" % HOST_PORTS[2], "containerPort": HOST_PORTS[2], "protocol": "UDP"},
                              {"name": "dns-%d" % HOST_PORTS[4], "containerPort": HOST_PORTS[4], "protocol": "UDP"}],
                    "ips": UP_NODES[r]["addresses"], "hostNetwork": True, "nodeName": UP_NODES[r]["name"]})
    ALIAS["c%d" % r] = key(UP_PODS[-1])
# ALIAS: hp0/hp1 harry-potter, dm0/dm1 draco-malfoy, cd0/cd1 cedric-diggory, ll0/ll1 luna-lovegood, c0/c1 centaur.
IP = {key(p): p["ips"][0] for p in UP_PODS}


def load_manifest(rel):
    with open(os.path.join(UPSTREAM_DIR, rel)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


# ---- edits, each applied to the cumulative state (upstream subtests run in order on one cluster)
def find(state, kind, name):
    return next(d for d in state["docs"] if d["kind"] == kind and d["metadata"]["name"] == name)


def swap(name, direction, i, j):
    def edit(state):
        rules = find(state, "ClusterNetworkPolicy", name)["spec"][direction]
        rules[i], rules[j] = rules[j], rules[i]
    return edit


def set_action(name, direction, i, action):
    def edit(state):
        find(state, "ClusterNetworkPolicy", name)["spec"][direction][i]["action"] = action
    return edit


def set_priority(name, priority):
    def edit(state):
        find(state, "ClusterNetworkPolicy", name)["spec"]["priority"] = priority
    return edit


def named_port(name, direction, i, port_name):
    def edit(state):
        find(state, "ClusterNetworkPolicy", name)["spec"][direction][i]["protocols"] = [
            {"destinationNamedPort": port_name}]
    return edit


def insert_rule(name, direction, i, rule):
    def edit(state):
        find(state, "ClusterNetworkPolicy", name)["spec"][direction].insert(i, rule)
    return edit


def delete(kind, name):
    def edit(state):
        state["docs"].remove(find(state, kind, name))
    return edit


def relabel(house, labels):
    def edit(state):
        for n in state["namespaces"]:
            if n["name"] == ns_name(house):
                n["labels"] = dict(labels)
    return edit


def poke(subtest, pairs):
    """Upstream PokeServer calls of one subtest: (client alias, server alias, protocol, port, should connect)."""
    return [{"subtest": subtest, "from": ALIAS[a], "to": ALIAS[b], "protocol": proto.upper(), "port": port,
             "allowed": ok} for a, b, proto, port, ok in pairs]


def upstream_case(name, test, go_file, manifest, features, description, steps):
    """steps: [(edits, description, checks)]; step 0 has no edits (the manifest as applied)."""
    state = {"docs": load_manifest(manifest), "namespaces": copy.deepcopy(UP_NAMESPACES)}
    out_steps = []
    probes = set()
    for edits, what, checks in steps:
        before = copy.deepcopy(state["namespaces"])
        for e in edits:
            e(state)
        s = {"description": what, "policies": [to_yaml(d) for d in state["docs"]], "checks": checks}
        if state["namespaces"] != before:
            s["namespaces"] = copy.deepcopy(state["namespaces"])
        out_steps.append(s)
        probes.update((c["port"], c["protocol"]) for c in checks)
    return {"name": name, "description": description,
            "source": {"repository": UPSTREAM_REPO, "commit": UPSTREAM_COMMIT, "file": "conformance/tests/" + go_file,
                       "test": test, "manifest": "conformance/base/" + manifest, "features": ", ".join(features)},
            "namespaces": copy.deepcopy(UP_NAMESPACES), "nodes": UP_NODES, "pods": UP_PODS, "steps": out_steps,
            "probes": sorted(probes, key=lambda p: (PROTO_ORDER[p[1]], p[0]))}


def sub(n, d, proto):
    """The names of the six subtests shared by the per-protocol ingress/egress tests (n = 1..6)."""
    return {
        1: "Should support an 'allow-%s' policy for %s protocol; ensure rule ordering is respected",
        2: "Should support an 'allow-%s' policy for %s protocol at the specified port",
        3: "Should support an 'deny-%s' policy for %s protocol; ensure rule ordering is respected",
        4: "Should support a 'deny-%s' policy for %s protocol at the specified port",
        5: "Should support an 'pass-%s' policy for %s protocol; ensure rule ordering is respected",
        6: "Should support a 'pass-%s' policy for %s protocol at the specified port",
    }[n] % (d, proto)


AS_APPLIED = "The manifest as applied."
SWAP01 = "Rules 0 and 1 swapped: Deny now comes before Accept."
SWAP02 = "Rules 0 and 2 swapped (after the previous swap): Pass now comes first."
SWAP34 = "Rules 3 and 4 swapped: the port-specific Pass now comes before the port-specific Deny."
CNP = ["ClusterNetworkPolicy"]

UPSTREAM = []

# ---------------------------------------------------------------- Admin tier, one protocol each
UPSTREAM.append(upstream_case(
    "upstream-admin-ingress-tcp", "CNPAdminTierIngressTCP", "admin-network-policy-standard-ingress-tcp-rules.go",
    "admin_tier/standard-ingress-tcp-rules.yaml", CNP,
    "Admin CNP ingress-tcp on gryffindor: Accept/Deny/Pass from ravenclaw in rule order, TCP 80 Deny/Pass from slytherin, TCP 80 Accept then Deny-all from hufflepuff; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "TCP"), [("ll0", "hp0", "tcp", 80, True), ("ll1", "hp0", "tcp", 8080, True)])
      + poke(sub(2, "ingress", "TCP"), [("cd0", "hp1", "tcp", 80, True), ("cd1", "hp1", "tcp", 8080, False)])),
     ([swap("ingress-tcp", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "TCP"), [("ll0", "hp1", "tcp", 80, False), ("ll1", "hp1", "tcp", 8080, False)])
      + poke(sub(4, "ingress", "TCP"), [("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, True)])),
     ([swap("ingress-tcp", "ingress", 0, 2)], SWAP02,
      poke(sub(5, "ingress", "TCP"), [("ll0", "hp0", "tcp", 80, True), ("ll1", "hp0", "tcp", 8080, True)])),
     ([swap("ingress-tcp", "ingress", 3, 4)], SWAP34,
      poke(sub(6, "ingress", "TCP"), [("dm0", "hp0", "tcp", 80, True), ("dm1", "hp0", "tcp", 8080, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-ingress-udp", "CNPAdminTierIngressUDP", "admin-network-policy-standard-ingress-udp-rules.go",
    "admin_tier/standard-ingress-udp-rules.yaml", CNP,
    "Admin CNP ingress-udp on hufflepuff: Accept/Deny/Pass from ravenclaw in rule order, UDP 5353 Deny/Pass from slytherin, UDP 53 Accept then Deny-all from gryffindor; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "UDP"), [("ll0", "cd0", "udp", 53, True), ("ll1", "cd0", "udp", 5353, True)])
      + poke(sub(2, "ingress", "UDP"), [("hp0", "cd1", "udp", 53, True), ("hp1", "cd1", "udp", 5353, False)])),
     ([swap("ingress-udp", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "UDP"), [("ll0", "cd1", "udp", 53, False), ("ll1", "cd1", "udp", 5353, False)])
      + poke(sub(4, "ingress", "UDP"), [("dm0", "cd0", "udp", 5353, False), ("dm1", "cd0", "udp", 53, True)])),
     ([swap("ingress-udp", "ingress", 0, 2)], SWAP02,
      poke(sub(5, "ingress", "UDP"), [("ll0", "cd1", "udp", 5353, True), ("ll1", "cd1", "udp", 53, True)])),
     ([swap("ingress-udp", "ingress", 3, 4)], SWAP34,
      poke(sub(6, "ingress", "UDP"), [("dm0", "cd0", "udp", 5353, True), ("dm1", "cd0", "udp", 53, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-ingress-sctp", "CNPAdminTierIngressSCTP", "admin-network-policy-standard-ingress-sctp-rules.go",
    "admin_tier/standard-ingress-sctp-rules.yaml", CNP,
    "Admin CNP ingress-sctp on ravenclaw: Accept/Deny/Pass from gryffindor in rule order, SCTP 9003 Deny/Pass from slytherin, SCTP 9003 Accept then Deny-all from hufflepuff; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "SCTP"), [("hp0", "ll0", "sctp", 9003, True), ("hp1", "ll0", "sctp", 9005, True)])
      + poke(sub(2, "ingress", "SCTP"), [("cd0", "ll1", "sctp", 9003, True), ("cd1", "ll1", "sctp", 9005, False)])),
     ([swap("ingress-sctp", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "SCTP"), [("hp0", "ll1", "sctp", 9003, False), ("hp1", "ll1", "sctp", 9005, False)])
      + poke(sub(4, "ingress", "SCTP"), [("dm0", "ll0", "sctp", 9003, False), ("dm1", "ll0", "sctp", 9005, True)])),
     ([swap("ingress-sctp", "ingress", 0, 2)], SWAP02,
      poke(sub(5, "ingress", "SCTP"), [("hp0", "ll1", "sctp", 9003, True), ("hp1", "ll1", "sctp", 9005, True)])),
     ([swap("ingress-sctp", "ingress", 3, 4)], SWAP34,
      poke(sub(6, "ingress", "SCTP"), [("dm0", "ll0", "sctp", 9003, True), ("dm1", "ll0", "sctp", 9005, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-egress-tcp", "CNPAdminTierEgressTCP", "admin-network-policy-standard-egress-tcp-rules.go",
    "admin_tier/standard-egress-tcp-rules.yaml", CNP,
    "Admin CNP egress-tcp on gryffindor: Accept/Deny/Pass to ravenclaw in rule order, TCP 80 Deny/Pass to slytherin, TCP 8080 Accept then Deny-all to hufflepuff; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "TCP"), [("hp0", "ll0", "tcp", 80, True), ("hp1", "ll0", "tcp", 8080, True)])
      + poke(sub(2, "egress", "TCP"), [("hp0", "cd1", "tcp", 8080, True), ("hp1", "cd1", "tcp", 80, False)])),
     ([swap("egress-tcp", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "TCP"), [("hp0", "ll1", "tcp", 80, False), ("hp1", "ll1", "tcp", 8080, False)])
      + poke(sub(4, "egress", "TCP"), [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, True)])),
     ([swap("egress-tcp", "egress", 0, 2)], SWAP02,
      poke(sub(5, "egress", "TCP"), [("hp0", "ll0", "tcp", 80, True), ("hp1", "ll0", "tcp", 8080, True)])),
     ([swap("egress-tcp", "egress", 3, 4)], SWAP34,
      poke(sub(6, "egress", "TCP"), [("hp0", "dm0", "tcp", 80, True), ("hp1", "dm0", "tcp", 8080, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-egress-udp", "CNPAdminTierEgressUDP", "admin-network-policy-standard-egress-udp-rules.go",
    "admin_tier/standard-egress-udp-rules.yaml", CNP,
    "Admin CNP egress-udp on hufflepuff: Accept/Deny/Pass to ravenclaw in rule order, UDP 5353 Deny/Pass to slytherin, UDP 53 Accept then Deny-all to gryffindor; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "UDP"), [("cd0", "ll0", "udp", 53, True), ("cd1", "ll0", "udp", 5353, True)])
      + poke(sub(2, "egress", "UDP"), [("cd0", "hp1", "udp", 53, True), ("cd1", "hp1", "udp", 5353, False)])),
     ([swap("egress-udp", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "UDP"), [("cd0", "ll1", "udp", 53, False), ("cd1", "ll1", "udp", 5353, False)])
      + poke(sub(4, "egress", "UDP"), [("cd0", "dm0", "udp", 5353, False), ("cd1", "dm0", "udp", 53, True)])),
     ([swap("egress-udp", "egress", 0, 2)], SWAP02,
      poke(sub(5, "egress", "UDP"), [("cd0", "ll1", "udp", 5353, True), ("cd1", "ll1", "udp", 53, True)])),
     ([swap("egress-udp", "egress", 3, 4)], SWAP34,
      poke(sub(6, "egress", "UDP"), [("cd0", "dm0", "udp", 5353, True), ("cd1", "dm0", "udp", 53, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-egress-sctp", "CNPAdminTierEgressSCTP", "admin-network-policy-standard-egress-sctp-rules.go",
    "admin_tier/standard-egress-sctp-rules.yaml", CNP,
    "Admin CNP egress-sctp on ravenclaw: Accept/Deny/Pass to gryffindor in rule order, SCTP 9003 Deny/Pass to slytherin, SCTP 9003 Accept then Deny-all to hufflepuff; rules reordered step by step.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "SCTP"), [("ll0", "hp0", "sctp", 9003, True), ("ll1", "hp0", "sctp", 9005, True)])
      + poke(sub(2, "egress", "SCTP"), [("ll0", "cd1", "sctp", 9003, True), ("ll1", "cd1", "sctp", 9005, False)])),
     ([swap("egress-sctp", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "SCTP"), [("ll0", "hp1", "sctp", 9003, False), ("ll1", "hp1", "sctp", 9005, False)])
      + poke(sub(4, "egress", "SCTP"), [("ll0", "dm0", "sctp", 9003, False), ("ll1", "dm0", "sctp", 9005, True)])),
     ([swap("egress-sctp", "egress", 0, 2)], SWAP02,
      poke(sub(5, "egress", "SCTP"), [("ll0", "hp1", "sctp", 9003, True), ("ll1", "hp1", "sctp", 9005, True)])),
     ([swap("egress-sctp", "egress", 3, 4)], SWAP34,
      poke(sub(6, "egress", "SCTP"), [("ll0", "dm0", "sctp", 9003, True), ("ll1", "dm0", "sctp", 9005, True)]))]))

# ---------------------------------------------------------------- Admin tier, both directions
GRESS = [
    "Should support an 'allow-gress' policy across different protocols",
    "Should support an 'allow-gress' policy across different protocols at the specified ports",
    "Should support an 'deny-gress' policy across different protocols",
    "Should support a 'deny-gress' policy across different protocols at the specified ports",
    "Should support an 'pass-gress' policy across different protocols",
    "Should support a 'pass-gress' policy across different protocols at the specified ports",
]
GRESS_CHECKS = [
    poke(GRESS[0], [("hp0", "ll0", "tcp", 80, True), ("hp1", "ll0", "udp", 53, True), ("hp0", "ll0", "sctp", 9003, True),
                    ("ll0", "hp0", "tcp", 80, True), ("ll1", "hp0", "udp", 53, True), ("ll1", "hp0", "sctp", 9003, True)])
    + poke(GRESS[1], [("hp0", "cd1", "tcp", 8080, True), ("hp1", "cd1", "tcp", 80, False),
                      ("hp0", "cd1", "udp", 5353, True), ("hp1", "cd1", "udp", 53, False),
                      ("hp0", "cd1", "sctp", 9003, True), ("hp1", "cd1", "sctp", 9005, False),
                      ("cd0", "hp1", "tcp", 80, True), ("cd1", "hp1", "tcp", 8080, False),
                      ("cd0", "hp1", "udp", 5353, True), ("cd1", "hp1", "udp", 53, False),
                      ("cd0", "hp1", "sctp", 9003, True), ("cd1", "hp1", "sctp", 9005, False)]),
    poke(GRESS[2], [("hp0", "ll1", "tcp", 80, False), ("hp1", "ll1", "udp", 53, False),
                    ("hp0", "ll1", "sctp", 9003, False), ("ll0", "hp1", "tcp", 80, False),
                    ("ll1", "hp1", "udp", 53, False), ("ll1", "hp1", "sctp", 9003, False)])
    + poke(GRESS[3], [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, True),
                      ("hp0", "dm0", "udp", 53, False), ("hp1", "dm0", "udp", 5353, True),
                      ("hp0", "dm0", "sctp", 9003, False), ("hp1", "dm0", "sctp", 9005, True),
                      ("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, True),
                      ("dm0", "hp0", "udp", 53, False), ("dm1", "hp0", "udp", 5353, True),
                      ("dm0", "hp0", "sctp", 9003, False), ("dm1", "hp0", "sctp", 9005, True)]),
    poke(GRESS[4], [("hp0", "ll0", "tcp", 80, True), ("hp0", "ll0", "udp", 5353, True), ("hp0", "ll0", "sctp", 9003, True),
                    ("ll0", "hp0", "tcp", 80, True), ("ll1", "hp0", "udp", 53, True), ("ll1", "hp0", "sctp", 9003, True)]),
    poke(GRESS[5], [("hp0", "dm0", "tcp", 80, True), ("hp1", "dm0", "tcp", 8080, True),
                    ("hp0", "dm0", "udp", 53, True), ("hp1", "dm0", "udp", 5353, True),
                    ("hp0", "dm0", "sctp", 9003, True), ("hp1", "dm0", "sctp", 9005, True),
                    ("dm0", "hp0", "tcp", 80, True), ("dm1", "hp0", "tcp", 8080, True),
                    ("dm0", "hp0", "udp", 53, True), ("dm1", "hp0", "udp", 5353, True),
                    ("dm0", "hp0", "sctp", 9003, True), ("dm1", "hp0", "sctp", 9005, True)]),
]
UPSTREAM.append(upstream_case(
    "upstream-admin-gress", "CNPAdminTierGress", "admin-network-policy-standard-gress-rules.go",
    "admin_tier/standard-gress-rules-combined.yaml", CNP,
    "Admin CNP gress-rules on gryffindor with ingress and egress rules over TCP, UDP and SCTP; both rule lists reordered step by step.",
    [([], AS_APPLIED, GRESS_CHECKS[0]),
     ([swap("gress-rules", "egress", 0, 1), swap("gress-rules", "ingress", 0, 1)],
      "Egress and ingress rules 0 and 1 swapped: Deny now comes before Accept.", GRESS_CHECKS[1]),
     ([swap("gress-rules", "egress", 0, 2), swap("gress-rules", "ingress", 0, 2)],
      "Egress and ingress rules 0 and 2 swapped (after the previous swap): Pass now comes first.", GRESS_CHECKS[2]),
     ([swap("gress-rules", "egress", 3, 4), swap("gress-rules", "ingress", 3, 4)],
      "Egress and ingress rules 3 and 4 swapped: the port-specific Pass now comes before the port-specific Deny.",
      GRESS_CHECKS[3])]))

# ---------------------------------------------------------------- Admin tier, CIDR peers
CIDR_SUB = ["Should support a 'deny-egress' rule policy for egress-cidr-peer",
            "Should support an 'allow-egress' rule policy for egress-cidr-peer"]


def every_protocol(a, b, ok):
    return [(a, b, "tcp", 80, ok), (a, b, "udp", 53, ok), (a, b, "sctp", 9003, ok)]


def cidr_steps(policy):
    return [
        ([], AS_APPLIED,
         poke(CIDR_SUB[0], every_protocol("hp1", "ll0", False) + every_protocol("hp1", "cd0", False)
              + every_protocol("hp1", "dm0", True))),
        ([relabel("slytherin", {"conformance-house": "denied-namespace-label"})],
         "Namespace slytherin relabelled conformance-house=denied-namespace-label: the Accept to slytherin no longer matches.",
         poke(CIDR_SUB[0], every_protocol("hp1", "dm0", False))),
        ([relabel("slytherin", {"conformance-house": "slytherin"})],
         "Namespace slytherin labelled conformance-house=slytherin again.",
         poke(CIDR_SUB[0], every_protocol("hp1", "dm0", True))),
        ([insert_rule(policy, "egress", 0, {"name": "allow-egress-to-specific-podIPs", "action": "Accept",
                                            "to": [{"networks": [IP[ALIAS["ll0"]] + "/32", IP[ALIAS["cd0"]] + "/32"]}]})],
         "A rule inserted first: Accept to networks luna-lovegood-0/32 and cedric-diggory-0/32.",
         poke(CIDR_SUB[1], every_protocol("hp1", "ll0", True) + every_protocol("hp1", "cd0", True)
              + every_protocol("hp1", "ll1", False) + every_protocol("hp1", "cd1", False))),
    ]


UPSTREAM.append(upstream_case(
    "upstream-admin-egress-inline-cidr", "CNPAdminTierEgressInlineCIDRPeers",
    "admin-network-policy-standard-egress-inline-cidr-rules.go", "admin_tier/standard-egress-inline-cidr-rules.yaml", CNP,
    "Admin CNP inline-cidr-as-peers-example on gryffindor pods: Accept to slytherin pods, then Deny to 0.0.0.0/0 and ::/0 (which covers every pod and node); a namespace relabel and an inserted networks Accept change it.",
    cidr_steps("inline-cidr-as-peers-example")))

# ---------------------------------------------------------------- Admin tier, experimental features
UPSTREAM.append(upstream_case(
    "upstream-admin-ingress-named-port", "CNPAdminTierIngressNamedPort", "admin-network-policy-experimental-ingress-rules.go",
    "admin_tier/standard-ingress-udp-rules.yaml", CNP + ["ClusterNetworkPolicyNamedPorts"],
    "Admin CNP ingress-udp on hufflepuff with its UDP 53 Accept from gryffindor rewritten as destinationNamedPort dns (UDP 53 on these pods).",
    [([], AS_APPLIED + " The upstream test probes only after its edit.", []),
     ([named_port("ingress-udp", "ingress", 5, "dns")], "Ingress rule 5 matches destinationNamedPort dns instead of UDP 53.",
      poke("Should support an 'allow-ingress' policy for named port",
           [("hp0", "cd1", "udp", 53, True), ("hp1", "cd1", "udp", 5353, False)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-egress-named-port", "CNPAdminTierEgressNamedPort", "admin-network-policy-experimental-egress-rules.go",
    "admin_tier/standard-egress-tcp-rules.yaml", CNP + ["ClusterNetworkPolicyNamedPorts"],
    "Admin CNP egress-tcp on gryffindor with its TCP 8080 Accept to hufflepuff rewritten as destinationNamedPort web (TCP 80 on these pods).",
    [([], AS_APPLIED + " The upstream test probes only after its edit.", []),
     ([named_port("egress-tcp", "egress", 5, "web")], "Egress rule 5 matches destinationNamedPort web instead of TCP 8080.",
      poke("Should support an 'allow-egress' policy for named port",
           [("hp0", "cd1", "tcp", 80, True), ("hp1", "cd1", "tcp", 8080, False)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-egress-node-peers", "CNPAdminTierEgressNodePeers", "admin-network-policy-experimental-egress-rules.go",
    "admin_tier/experimental-egress-selector-rules.yaml", CNP + ["ClusterNetworkPolicyEgressNodePeers"],
    "Admin CNP node-and-cidr-as-peers-example on gryffindor pods: Accept TCP %d and Pass UDP %d to nodes labelled kubernetes.io/os=linux, then Deny to slytherin pods, those nodes and 0.0.0.0/0 and ::/0. The centaur pods are the nodes' addresses." % (HOST_PORTS[0], HOST_PORTS[2]),
    [([], AS_APPLIED,
      poke("Should support an 'allow-egress' rule policy for egress-node-peer", [("hp1", "c1", "tcp", HOST_PORTS[0], True)])
      + poke("Should support a 'pass-egress' rule policy for egress-node-peer", [("hp1", "c1", "udp", HOST_PORTS[2], True)])
      + poke("Should support a 'deny-egress' rule policy for egress-node-peer",
             [("hp1", "c1", "tcp", HOST_PORTS[1], False), ("hp1", "c1", "udp", HOST_PORTS[4], False),
              ("hp1", "c1", "sctp", HOST_PORTS[6], False)]))]))

# ---------------------------------------------------------------- Admin tier with the other tiers
UPSTREAM.append(upstream_case(
    "upstream-admin-priority-field", "CNPAdminTierPriorityField", "admin-network-policy-standard-priority.go",
    "admin_tier/standard-priority-field.yaml", CNP,
    "Admin CNPs on gryffindor pods: priority 50 denies slytherin both ways, priority 60 passes it; Baseline accepts it. Lowering the Pass policy to priority 40 hands the traffic to the Baseline Accept.",
    [([], AS_APPLIED,
      poke("Should Deny traffic from slytherin to gryffindor respecting admin CNP",
           [("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, False)])
      + poke("Should Deny traffic to slytherin from gryffindor respecting admin CNP",
             [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, False)])),
     ([set_priority("old-priority-60-new-priority-40-example", 40)],
      "old-priority-60-new-priority-40-example now has priority 40: its Pass comes before the priority-50 Deny.",
      poke("Should respect admin CNP priority field; thus passing both ingress and egress traffic over to baseline CNP",
           [("dm0", "hp0", "tcp", 80, True), ("dm1", "hp0", "tcp", 8080, True),
            ("hp0", "dm0", "tcp", 80, True), ("hp1", "dm0", "tcp", 8080, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-admin-integration", "CNPAdminTierIntegration", "admin-network-policy-standard-integration.go",
    "api_integration/standard-anp-np-banp.yaml", CNP,
    "Admin CNP pass-example denies slytherin to and from gryffindor; a NetworkPolicy in gryffindor allows only slytherin both ways (isolating gryffindor); Baseline CNP default denies slytherin. The Admin Denies become Passes, then the NetworkPolicy is deleted.",
    [([], AS_APPLIED,
      poke("Should Deny traffic from slytherin to gryffindor respecting admin CNP",
           [("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, False)])
      + poke("Should Deny traffic to slytherin from gryffindor respecting admin CNP",
             [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, False)])),
     ([set_action("pass-example", "ingress", 0, "Pass")], "pass-example's ingress rule is now Pass: the NetworkPolicy decides.",
      poke("Should support a 'pass-ingress' policy for admin CNP and respect the match for network policy",
           [("dm0", "hp0", "tcp", 80, True), ("dm1", "hp0", "tcp", 8080, True)])),
     ([set_action("pass-example", "egress", 0, "Pass")], "pass-example's egress rule is now Pass as well.",
      poke("Should support a 'pass-egress' policy for admin CNP and respect the match for network policy",
           [("hp0", "dm0", "tcp", 80, True), ("hp1", "dm0", "tcp", 8080, True)])),
     ([delete("NetworkPolicy", "allow-gress-from-to-slytherin-to-gryffindor")],
      "The NetworkPolicy is deleted: passed traffic reaches the Baseline Deny.",
      poke("Should support a 'pass-ingress' policy for admin CNP and respect the match for baseline cluster network policy",
           [("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, False)])
      + poke("Should support a 'pass-egress' policy for admin CNP and respect the match for baseline cluster network policy",
             [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, False)]))]))

# ---------------------------------------------------------------- Baseline tier
UPSTREAM.append(upstream_case(
    "upstream-baseline-ingress-tcp", "CNPBaselineTierIngressTCP", "baseline-admin-network-policy-standard-ingress-tcp-rules.go",
    "baseline_tier/standard-ingress-tcp-rules.yaml", CNP,
    "Baseline CNP default on gryffindor: Accept then Deny from ravenclaw, TCP 80 Deny from slytherin, TCP 80 Accept then Deny-all from hufflepuff; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "TCP"), [("ll0", "hp0", "tcp", 80, True), ("ll1", "hp0", "tcp", 8080, True)])
      + poke(sub(2, "ingress", "TCP"), [("cd0", "hp1", "tcp", 80, True), ("cd1", "hp1", "tcp", 8080, False)])),
     ([swap("default", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "TCP"), [("ll0", "hp1", "tcp", 80, False), ("ll1", "hp1", "tcp", 8080, False)])
      + poke(sub(4, "ingress", "TCP"), [("dm0", "hp0", "tcp", 80, False), ("dm1", "hp0", "tcp", 8080, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-ingress-udp", "CNPBaselineTierIngressUDP", "baseline-admin-network-policy-standard-ingress-udp-rules.go",
    "baseline_tier/standard-ingress-udp-rules.yaml", CNP,
    "Baseline CNP default on hufflepuff: Accept then Deny from ravenclaw, UDP 5353 Deny from slytherin, UDP 53 Accept then Deny-all from gryffindor; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "UDP"), [("ll0", "cd0", "udp", 53, True), ("ll1", "cd0", "udp", 5353, True)])
      + poke(sub(2, "ingress", "UDP"), [("hp0", "cd1", "udp", 53, True), ("hp1", "cd1", "udp", 5353, False)])),
     ([swap("default", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "UDP"), [("ll0", "cd1", "udp", 53, False), ("ll1", "cd1", "udp", 5353, False)])
      + poke(sub(4, "ingress", "UDP"), [("dm0", "cd0", "udp", 5353, False), ("dm1", "cd0", "udp", 53, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-ingress-sctp", "CNPBaselineTierIngressSCTP", "baseline-admin-network-policy-standard-ingress-sctp-rules.go",
    "baseline_tier/standard-ingress-sctp-rules.yaml", CNP,
    "Baseline CNP default on ravenclaw: Accept then Deny from gryffindor, SCTP 9003 Deny from slytherin, SCTP 9003 Accept then Deny-all from hufflepuff; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "ingress", "SCTP"), [("hp0", "ll0", "sctp", 9003, True), ("hp1", "ll0", "sctp", 9005, True)])
      + poke(sub(2, "ingress", "SCTP"), [("cd0", "ll1", "sctp", 9003, True), ("cd1", "ll1", "sctp", 9005, False)])),
     ([swap("default", "ingress", 0, 1)], SWAP01,
      poke(sub(3, "ingress", "SCTP"), [("hp0", "ll1", "sctp", 9003, False), ("hp1", "ll1", "sctp", 9005, False)])
      + poke(sub(4, "ingress", "SCTP"), [("dm0", "ll0", "sctp", 9003, False), ("dm1", "ll0", "sctp", 9005, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-tcp", "CNPBaselineTierEgressTCP", "baseline-admin-network-policy-standard-egress-tcp-rules.go",
    "baseline_tier/standard-egress-tcp-rules.yaml", CNP,
    "Baseline CNP default on gryffindor: Accept then Deny to ravenclaw, TCP 80 Deny to slytherin, TCP 8080 Accept then Deny-all to hufflepuff; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "TCP"), [("hp0", "ll0", "tcp", 80, True), ("hp1", "ll0", "tcp", 8080, True)])
      + poke(sub(2, "egress", "TCP"), [("hp0", "cd1", "tcp", 8080, True), ("hp1", "cd1", "tcp", 80, False)])),
     ([swap("default", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "TCP"), [("hp0", "ll1", "tcp", 80, False), ("hp1", "ll1", "tcp", 8080, False)])
      + poke(sub(4, "egress", "TCP"), [("hp0", "dm0", "tcp", 80, False), ("hp1", "dm0", "tcp", 8080, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-udp", "CNPBaselineTierEgressUDP", "baseline-admin-network-policy-standard-egress-udp-rules.go",
    "baseline_tier/standard-egress-udp-rules.yaml", CNP,
    "Baseline CNP default on hufflepuff: Accept then Deny to ravenclaw, UDP 5353 Deny to slytherin, UDP 53 Accept then Deny-all to gryffindor; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "UDP"), [("cd0", "ll0", "udp", 53, True), ("cd1", "ll0", "udp", 5353, True)])
      + poke(sub(2, "egress", "UDP"), [("cd0", "hp1", "udp", 53, True), ("cd1", "hp1", "udp", 5353, False)])),
     ([swap("default", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "UDP"), [("cd0", "ll1", "udp", 53, False), ("cd1", "ll1", "udp", 5353, False)])
      + poke(sub(4, "egress", "UDP"), [("cd0", "dm0", "udp", 5353, False), ("cd1", "dm0", "udp", 53, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-sctp", "CNPBaselineTierEgressSCTP", "baseline-admin-network-policy-standard-egress-sctp-rules.go",
    "baseline_tier/standard-egress-sctp-rules.yaml", CNP,
    "Baseline CNP default on ravenclaw: Accept then Deny to gryffindor, SCTP 9003 Deny to slytherin, SCTP 9003 Accept then Deny-all to hufflepuff; rules 0 and 1 swapped.",
    [([], AS_APPLIED,
      poke(sub(1, "egress", "SCTP"), [("ll0", "hp0", "sctp", 9003, True), ("ll1", "hp0", "sctp", 9005, True)])
      + poke(sub(2, "egress", "SCTP"), [("ll0", "cd1", "sctp", 9003, True), ("ll1", "cd1", "sctp", 9005, False)])),
     ([swap("default", "egress", 0, 1)], SWAP01,
      poke(sub(3, "egress", "SCTP"), [("ll0", "hp1", "sctp", 9003, False), ("ll1", "hp1", "sctp", 9005, False)])
      + poke(sub(4, "egress", "SCTP"), [("ll0", "dm0", "sctp", 9003, False), ("ll1", "dm0", "sctp", 9005, True)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-gress", "CNPBaselineTierGress", "baseline-admin-network-policy-standard-gress-rules.go",
    "baseline_tier/standard-gress-rules-combined.yaml", CNP,
    "Baseline CNP default on gryffindor with ingress and egress rules over TCP, UDP and SCTP; both rule lists' first two rules swapped.",
    [([], AS_APPLIED, GRESS_CHECKS[0]),
     ([swap("default", "egress", 0, 1), swap("default", "ingress", 0, 1)],
      "Egress and ingress rules 0 and 1 swapped: Deny now comes before Accept.", GRESS_CHECKS[1])]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-inline-cidr", "CNPBaselineTierEgressInlineCIDRPeers",
    "baseline-admin-network-policy-standard-egress-inline-cidr-rules.go",
    "baseline_tier/standard-egress-inline-cidr-rules.yaml", CNP,
    "Baseline CNP default on gryffindor: Accept to slytherin pods, then Deny to 0.0.0.0/0 and ::/0 (which covers every pod and node); a namespace relabel and an inserted networks Accept change it.",
    cidr_steps("default")))

UPSTREAM.append(upstream_case(
    "upstream-baseline-ingress-named-port", "CNPBaselineTierIngressNamedPort",
    "baseline-admin-network-policy-experimental-ingress-rules.go", "baseline_tier/standard-ingress-tcp-rules.yaml",
    CNP + ["ClusterNetworkPolicyNamedPorts"],
    "Baseline CNP default on gryffindor with its TCP 80 Accept from hufflepuff rewritten as destinationNamedPort web (TCP 80 on these pods).",
    [([], AS_APPLIED + " The upstream test probes only after its edit.", []),
     ([named_port("default", "ingress", 3, "web")], "Ingress rule 3 matches destinationNamedPort web instead of TCP 80.",
      poke("Should support an 'allow-ingress' policy for named port",
           [("cd0", "hp1", "tcp", 80, True), ("cd1", "hp1", "tcp", 8080, False)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-named-port", "CNPBaselineTierEgressNamedPort",
    "baseline-admin-network-policy-experimental-egress-rules.go", "baseline_tier/standard-egress-udp-rules.yaml",
    CNP + ["ClusterNetworkPolicyNamedPorts"],
    "Baseline CNP default on hufflepuff with its UDP 53 Accept to gryffindor rewritten as destinationNamedPort dns (UDP 53 on these pods).",
    [([], AS_APPLIED + " The upstream test probes only after its edit.", []),
     ([named_port("default", "egress", 3, "dns")], "Egress rule 3 matches destinationNamedPort dns instead of UDP 53.",
      poke("Should support an 'allow-egress' policy for named port",
           [("cd0", "hp1", "udp", 53, True), ("cd1", "hp1", "udp", 5353, False)]))]))

UPSTREAM.append(upstream_case(
    "upstream-baseline-egress-node-peers", "CNPBaselineTierEgressNodePeers",
    "baseline-admin-network-policy-experimental-egress-rules.go", "baseline_tier/experimental-egress-selector-rules.yaml",
    CNP + ["ClusterNetworkPolicyEgressNodePeers"],
    "Baseline CNP default on gryffindor: Accept TCP %d-%d to nodes labelled kubernetes.io/os=linux, then Deny to those nodes and 0.0.0.0/0 and ::/0. The centaur pods are the nodes' addresses." % (HOST_PORTS[0], HOST_PORTS[1]),
    [([], AS_APPLIED,
      poke("Should support an 'allow-egress' rule policy for egress-node-peer",
           [("hp0", "c1", "tcp", HOST_PORTS[0], True), ("hp1", "c1", "tcp", HOST_PORTS[1], True)])
      + poke("Should support a 'deny-egress' rule policy for egress-node-peer",
             [("hp1", "c1", "udp", HOST_PORTS[4], False), ("hp1", "c1", "sctp", HOST_PORTS[6], False)]))]))


# ====================================================================== own cases
# The classic model: namespaces x, y, z (label ns=<name>), pods a, b, c (label pod=<name>) serving
# 80 and 81 on TCP, UDP and SCTP (ports serve-<port>-<protocol>), at 198.18.0.10 + i. Where nodes
# matter: x and y run on n1 (zone a), z on n2 (zone b), and the hostNetwork pods x/h1 and x/h2
# are the nodes' addresses 198.18.1.1 and 198.18.1.2.
SERVE = [{"name": "serve-%d-%s" % (port, proto.lower()), "containerPort": port, "protocol": proto}
         for port in (80, 81) for proto in ("TCP", "UDP", "SCTP")]
TCP80_81 = [(80, "TCP"), (81, "TCP")]
NODES = [{"name": "n1", "labels": {"kubernetes.io/os": "linux", "zone": "a"}, "addresses": ["198.18.1.1"]},
         {"name": "n2", "labels": {"kubernetes.io/os": "linux", "zone": "b"}, "addresses": ["198.18.1.2"]}]


def xyz_namespaces():
    return [{"name": n, "labels": {"ns": n}} for n in "xyz"]


def xyz_pods(v4=True, v6=False, hosts=False):
    pods = []
    for i, (n, p) in enumerate((n, p) for n in "xyz" for p in "abc"):
        ips = (["198.18.0.%d" % (10 + i)] if v4 else []) + (["fd00::%x" % (0x10 + i)] if v6 else [])
        pod = {"namespace": n, "name": p, "labels": {"pod": p}, "ports": copy.deepcopy(SERVE), "ips": ips}
        if hosts:
            pod["nodeName"] = "n1" if n in "xy" else "n2"
        pods.append(pod)
    if hosts:
        for k in (1, 2):
            pods.append({"namespace": "x", "name": "h%d" % k, "labels": {"pod": "h"}, "ports": copy.deepcopy(SERVE),
                         "ips": NODES[k - 1]["addresses"], "hostNetwork": True, "nodeName": "n%d" % k})
    return pods


def doc(api, kind, name, spec, namespace=None):
    meta = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return to_yaml({"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec})


def rules_spec(spec, ingress, egress):
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return spec


def cnp(name, tier, priority, subject, ingress=None, egress=None):
    return doc("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", name,
               rules_spec({"tier": tier, "priority": priority, "subject": subject}, ingress, egress))


def anp(name, priority, subject, ingress=None, egress=None):
    return doc("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", name,
               rules_spec({"priority": priority, "subject": subject}, ingress, egress))


def banp(subject, ingress=None, egress=None):
    return doc("policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy", "default",
               rules_spec({"subject": subject}, ingress, egress))


def np(namespace, name, spec):
    return doc("networking.k8s.io/v1", "NetworkPolicy", name, spec, namespace)


def sel(**labels):
    return {"matchLabels": dict(labels)}


def ns(n):
    return {"namespaces": sel(ns=n)}


def pods_of(n, p):
    return {"pods": {"namespaceSelector": sel(ns=n), "podSelector": sel(pod=p)}}


ALL_PODS = {"namespaces": {}}
EVERYONE = {"namespaces": {}}


def rule(name, action, peers, protocols=None, ports=None, direction="from"):
    r = {"name": name, "action": action, direction: peers}
    if protocols is not None:
        r["protocols"] = protocols
    if ports is not None:
        r["ports"] = ports
    return r


def inr(name, action, peers, **kw):
    return rule(name, action, peers, **kw)


def outr(name, action, peers, **kw):
    return rule(name, action, peers, direction="to", **kw)


def tcp(n):
    return {"tcp": {"destinationPort": {"number": n}}}


def udp(n):
    return {"udp": {"destinationPort": {"number": n}}}


def expect(*pairs):
    """Hand-written expectations from SEMANTICS-TIERS.md: (from, to, allowed[, protocol, port])."""
    out = []
    for p in pairs:
        a, b, ok = p[:3]
        proto, port = (p[3], p[4]) if len(p) > 3 else ("TCP", 80)
        out.append({"from": a, "to": b, "protocol": proto, "port": port, "allowed": ok})
    return out


OWN = []


def own(name, section, description, steps, probes=TCP80_81, pods=None, namespaces=None, nodes=None,
        requires=("tiers",)):
    """steps: [(description, policies, checks)] or with a 4th element, the namespaces from that step on."""
    out = []
    for st in steps:
        s = {"description": st[0], "policies": st[1], "checks": st[2]}
        if len(st) > 3:
            s["namespaces"] = st[3]
        out.append(s)
    OWN.append({"name": name, "description": description,
                "source": {"document": "SEMANTICS-TIERS.md", "section": section},
                "requires": list(requires), "namespaces": namespaces or xyz_namespaces(),
                "nodes": nodes or [], "pods": pods or xyz_pods(), "steps": out, "probes": probes})


X = {"namespaces": sel(ns="x")}
Y = {"namespaces": sel(ns="y")}
Z = {"namespaces": sel(ns="z")}
DENY_IN = lambda n: np(n, "deny-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})  # noqa: E731
DENY_OUT = lambda n: np(n, "deny-egress", {"podSelector": {}, "policyTypes": ["Egress"]})  # noqa: E731
ORDER = "The decision, step 1 (order within a tier)"

# ---------------------------------------------------------------- order within a tier
own("cnp-before-anp-at-equal-priority", ORDER + " [choice]",
    "An Admin ClusterNetworkPolicy and an AdminNetworkPolicy at priority 10 on x: the CNP goes first although the ANP's name sorts first. Step 1 swaps their actions for y.",
    [("CNP accepts y, ANP denies y and z.",
      [cnp("z-cnp", "Admin", 10, X, ingress=[inr("accept-y", "Accept", [ns("y")])]),
       anp("a-anp", 10, X, ingress=[inr("deny-y", "Deny", [ns("y")]), inr("deny-z", "Deny", [ns("z")])])],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False), ("x/b", "x/a", True))),
     ("CNP denies y, ANP allows y (and still denies z).",
      [cnp("z-cnp", "Admin", 10, X, ingress=[inr("deny-y", "Deny", [ns("y")])]),
       anp("a-anp", 10, X, ingress=[inr("allow-y", "Allow", [ns("y")]), inr("deny-z", "Deny", [ns("z")])])],
      expect(("y/a", "x/a", False), ("z/a", "x/a", False)))])

own("equal-priority-same-kind-ordered-by-name", ORDER + " [choice]",
    "Two Admin ClusterNetworkPolicies at priority 10 on x disagree about y: the one whose name sorts first decides. Step 1 swaps the names.",
    [("a-deny-y denies, b-accept-y accepts: a-deny-y wins.",
      [cnp("b-accept-y", "Admin", 10, X, ingress=[inr("accept-y", "Accept", [ns("y")])]),
       cnp("a-deny-y", "Admin", 10, X, ingress=[inr("deny-y", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", False), ("z/a", "x/a", True))),
     ("a-accept-y accepts, b-deny-y denies: a-accept-y wins.",
      [cnp("b-deny-y", "Admin", 10, X, ingress=[inr("deny-y", "Deny", [ns("y")])]),
       cnp("a-accept-y", "Admin", 10, X, ingress=[inr("accept-y", "Accept", [ns("y")])])],
      expect(("y/a", "x/a", True)))])

own("admin-lower-priority-number-first", ORDER,
    "Admin policies on x: priority 50 denies y, priority 100 accepts y (its name sorts first): 50 goes first. Step 1 swaps the priorities.",
    [("Deny at 50, Accept at 100.",
      [cnp("a-accept-y", "Admin", 100, X, ingress=[inr("accept-y", "Accept", [ns("y")])]),
       cnp("b-deny-y", "Admin", 50, X, ingress=[inr("deny-y", "Deny", [ns("y")])])],
      expect(("y/b", "x/c", False))),
     ("Deny at 100, Accept at 50.",
      [cnp("a-accept-y", "Admin", 50, X, ingress=[inr("accept-y", "Accept", [ns("y")])]),
       cnp("b-deny-y", "Admin", 100, X, ingress=[inr("deny-y", "Deny", [ns("y")])])],
      expect(("y/b", "x/c", True)))])

own("banp-after-every-baseline-cnp", "v1alpha1 lowering: BaselineAdminNetworkPolicy [choice]",
    "A Baseline ClusterNetworkPolicy at priority 1000 (the last priority) accepts y into x; the BaselineAdminNetworkPolicy denies y and z. The BANP comes after every Baseline CNP: y gets in, z does not.",
    [("Baseline CNP and BANP.",
      [banp(X, ingress=[inr("deny-y", "Deny", [ns("y")]), inr("deny-z", "Deny", [ns("z")])]),
       cnp("last-cnp", "Baseline", 1000, X, ingress=[inr("accept-y", "Accept", [ns("y")])])],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False), ("x/b", "x/a", True)))])

own("baseline-cnps-ordered-by-priority", ORDER + " (Baseline tier, step 3)",
    "Baseline policies on x: priority 10 accepts y; priority 20 denies y and z. y gets in, z does not.",
    [("Two Baseline CNPs.",
      [cnp("deny-y-z", "Baseline", 20, X, ingress=[inr("deny", "Deny", [ns("y"), ns("z")])]),
       cnp("accept-y", "Baseline", 10, X, ingress=[inr("accept", "Accept", [ns("y")])])],
      expect(("y/c", "x/b", True), ("z/c", "x/b", False)))])

# ---------------------------------------------------------------- nodes
NODE_CASE = dict(pods=xyz_pods(hosts=True), nodes=NODES)
own("ingress-from-own-node-allowed-under-admin-deny-all", "Fixed points [choice]: ingress from the pod's node",
    "An Admin CNP denies all ingress from pods to every pod, and every namespace denies all ingress by NetworkPolicy. Pods reach only themselves; the node n1 (x/h1) still reaches the pods of x and y that run on it, and n2 (x/h2) the pods of z; neither reaches the pods of the other node.",
    [("Admin deny-all plus NetworkPolicy deny-all.",
      [cnp("deny-all-ingress", "Admin", 1, ALL_PODS, ingress=[inr("deny-pods", "Deny", [EVERYONE])])]
      + [DENY_IN(n) for n in "xyz"],
      expect(("x/h1", "x/a", True), ("x/h1", "y/c", True), ("x/h1", "z/a", False), ("x/h2", "z/b", True),
             ("x/h2", "x/a", False), ("y/a", "x/a", False), ("z/a", "z/b", False)))], **NODE_CASE)

own("egress-to-own-node-admin-deny-applies", "Fixed points [choice]: egress to the pod's node",
    "An Admin CNP on x denies egress to every node: x pods reach neither n2 (x/h2) nor their own node n1 (x/h1), unlike y pods, which are not its subjects. Pods still reach pods.",
    [("Admin Deny to nodes {}.",
      [cnp("no-nodes", "Admin", 1, X, egress=[outr("deny-nodes", "Deny", [{"nodes": {}}])])],
      expect(("x/a", "x/h1", False), ("x/a", "x/h2", False), ("y/a", "x/h1", True), ("x/a", "z/a", True)))],
    **NODE_CASE)

own("egress-to-own-node-exempt-only-from-networkpolicy-tier", "Fixed points [choice]: egress to the pod's node",
    "x is egress-isolated by NetworkPolicy: x pods still reach their own node n1 (x/h1), not n2 (x/h2) or any pod. Step 1 adds a Baseline Deny to 198.18.1.0/24: the NetworkPolicy exemption does not extend to Baseline, so n1 is closed too. Step 2 replaces it with an Admin Accept to nodes in zone b: n2 opens, n1 stays open through the exemption.",
    [("NetworkPolicy deny-all egress in x.", [DENY_OUT("x")],
      expect(("x/a", "x/h1", True), ("x/a", "x/h2", False), ("x/a", "y/a", False), ("y/a", "x/h1", True))),
     ("Plus a Baseline Deny to the nodes' network.",
      [DENY_OUT("x"), cnp("no-node-net", "Baseline", 1, X, egress=[outr("deny", "Deny", [{"networks": ["198.18.1.0/24"]}])])],
      expect(("x/a", "x/h1", False), ("x/a", "x/h2", False))),
     ("NetworkPolicy deny-all egress plus an Admin Accept to zone b nodes.",
      [DENY_OUT("x"), cnp("zone-b", "Admin", 1, X, egress=[outr("accept", "Accept", [{"nodes": sel(zone="b")}])])],
      expect(("x/a", "x/h1", True), ("x/a", "x/h2", True), ("x/a", "z/a", False)))], **NODE_CASE)

own("egress-nodes-peer-selects-nodes-by-label", "Who is a subject, who is a peer: nodes peers",
    "An Admin CNP on x denies egress to nodes labelled zone=b: x reaches n1 (x/h1) but not n2 (x/h2), and still reaches the pods running on n2. Step 1 widens the selector to every node.",
    [("Deny to zone b nodes.",
      [cnp("no-zone-b", "Admin", 1, X, egress=[outr("deny", "Deny", [{"nodes": sel(zone="b")}])])],
      expect(("x/a", "x/h1", True), ("x/a", "x/h2", False), ("x/a", "z/a", True))),
     ("Deny to every node.",
      [cnp("no-zone-b", "Admin", 1, X, egress=[outr("deny", "Deny", [{"nodes": {}}])])],
      expect(("x/a", "x/h1", False), ("x/a", "x/h2", False), ("x/a", "z/a", True)))], **NODE_CASE)

own("hostnetwork-pods-not-matched-by-pods-or-namespaces-peers", "Who is a subject, who is a peer",
    "Admin CNPs on every pod deny egress to namespaces {} and ingress from pods in every namespace. Pods reach no pod, but the hostNetwork pods x/h1 and x/h2 (in x, yet the nodes' traffic) match neither peer and are no subjects: pods reach them, and they reach every pod.",
    [("Deny all pods both ways.",
      [cnp("no-pods-out", "Admin", 1, ALL_PODS, egress=[outr("deny", "Deny", [EVERYONE])]),
       cnp("no-pods-in", "Admin", 2, ALL_PODS,
           ingress=[inr("deny", "Deny", [{"pods": {"namespaceSelector": {}, "podSelector": {}}}])])],
      expect(("x/a", "x/b", False), ("x/a", "x/h2", True), ("z/c", "x/h1", True), ("x/h2", "x/a", True),
             ("x/h1", "z/c", True)))], **NODE_CASE)

own("hostnetwork-pods-matched-by-networks", "Who is a subject, who is a peer: networks",
    "An Admin CNP on y denies egress to 198.18.1.0/24, the nodes' network: y reaches no hostNetwork pod (not even n1, its own node), and every pod.",
    [("Deny to the nodes' network.",
      [cnp("no-node-net", "Admin", 1, Y, egress=[outr("deny", "Deny", [{"networks": ["198.18.1.0/24"]}])])],
      expect(("y/a", "x/h1", False), ("y/a", "x/h2", False), ("y/a", "z/a", True), ("x/a", "x/h2", True)))],
    **NODE_CASE)

own("named-port-matches-only-pod-destinations", "Who is a subject, who is a peer: destinationNamedPort",
    "An Admin CNP on x accepts egress to destinationNamedPort serve-80-tcp, then denies 0.0.0.0/0. The hostNetwork pods declare serve-80-tcp too, but a named port never matches a non-pod destination: x reaches pods on TCP 80 only, and no node.",
    [("Named-port Accept, then Deny everything.",
      [cnp("web-only", "Admin", 1, X, egress=[outr("web", "Accept", [{"networks": ["0.0.0.0/0"]}],
                                                   protocols=[{"destinationNamedPort": "serve-80-tcp"}]),
                                              outr("rest", "Deny", [{"networks": ["0.0.0.0/0"]}])])],
      expect(("x/a", "y/a", True), ("x/a", "x/h2", False), ("x/a", "x/h1", False), ("x/a", "y/a", False, "TCP", 81)))],
    **NODE_CASE)

# ---------------------------------------------------------------- domainNames
own("domainnames-match-nothing", "Who is a subject, who is a peer: domainNames [choice]",
    "An Admin CNP on x accepts egress to domainNames *.example.com, then denies the z pods' block 198.18.0.16/30. For matrix and the evaluators a domainNames peer matches no address, so the Accept never applies: x cannot reach z and reaches y.",
    [("Accept domainNames, Deny z's block.",
      [cnp("dns-first", "Admin", 1, X, egress=[outr("names", "Accept", [{"domainNames": ["*.example.com"]}]),
                                               outr("deny-z", "Deny", [{"networks": ["198.18.0.16/30"]}])])],
      expect(("x/a", "z/a", False), ("x/a", "y/a", True)))], requires=("tiers", "domainNames"))

# ---------------------------------------------------------------- v1alpha1 lowering
LOWERING = "v1alpha1 lowering"
own("anp-allow-is-accept", LOWERING + ": Allow -> Accept",
    "x is ingress-isolated by NetworkPolicy; an AdminNetworkPolicy (priority 10) Allows y, another (priority 20) Denies y. Allow is Accept: it ends the decision before the NetworkPolicy tier, so y gets in and z does not.",
    [("ANP Allow over NetworkPolicy isolation.",
      [DENY_IN("x"), anp("allow-y", 10, X, ingress=[inr("allow", "Allow", [ns("y")])]),
       anp("deny-y", 20, X, ingress=[inr("deny", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False), ("x/b", "x/a", False)))])

own("anp-port-number-protocol-defaults-to-tcp", LOWERING + ": portNumber, protocol default TCP",
    "An AdminNetworkPolicy denies y into x on portNumber 80 without a protocol: that is TCP 80 only; UDP 80 and TCP 81 stay open.",
    [("portNumber without protocol.",
      [anp("deny-80", 10, X, ingress=[inr("deny", "Deny", [ns("y")], ports=[{"portNumber": {"port": 80}}])])],
      expect(("y/a", "x/a", False), ("y/a", "x/a", True, "UDP", 80), ("y/a", "x/a", True, "TCP", 81)))],
    probes=[(80, "TCP"), (81, "TCP"), (80, "UDP")])

own("anp-port-range", LOWERING + ": portRange",
    "An AdminNetworkPolicy denies y into x on portRange UDP 80-81 (inclusive): UDP 80 and 81 closed, UDP 82 and TCP 80 open.",
    [("portRange UDP 80-81.",
      [anp("deny-range", 10, X, ingress=[inr("deny", "Deny", [ns("y")],
                                             ports=[{"portRange": {"protocol": "UDP", "start": 80, "end": 81}}])])],
      expect(("y/b", "x/b", False, "UDP", 80), ("y/b", "x/b", False, "UDP", 81), ("y/b", "x/b", True, "UDP", 82),
             ("y/b", "x/b", True, "TCP", 80)))],
    probes=[(80, "TCP"), (80, "UDP"), (81, "UDP"), (82, "UDP")])

own("anp-named-port", LOWERING + ": namedPort",
    "An AdminNetworkPolicy denies z into x on namedPort serve-81-tcp: TCP 81 closed; TCP 80 and UDP 81 (other names) open.",
    [("namedPort serve-81-tcp.",
      [anp("deny-named", 10, X, ingress=[inr("deny", "Deny", [ns("z")], ports=[{"namedPort": "serve-81-tcp"}])])],
      expect(("z/a", "x/c", False, "TCP", 81), ("z/a", "x/c", True, "TCP", 80), ("z/a", "x/c", True, "UDP", 81)))],
    probes=[(80, "TCP"), (81, "TCP"), (81, "UDP")])

own("banp-rules-in-the-baseline-tier", LOWERING + ": BaselineAdminNetworkPolicy",
    "The BaselineAdminNetworkPolicy on x allows y and denies every pod; a NetworkPolicy isolates only x/a, allowing z. x/a follows its NetworkPolicy (z in, y and x out); x/b and x/c follow the BANP (y in, z and x out).",
    [("BANP plus a NetworkPolicy on x/a.",
      [banp(X, ingress=[inr("allow-y", "Allow", [ns("y")]), inr("deny-rest", "Deny", [EVERYONE])]),
       np("x", "a-from-z", {"podSelector": sel(pod="a"),
                            "ingress": [{"from": [{"namespaceSelector": sel(ns="z")}]}]})],
      expect(("z/a", "x/a", True), ("y/a", "x/a", False), ("x/b", "x/a", False), ("y/a", "x/b", True),
             ("z/a", "x/b", False), ("x/a", "x/b", False)))])

own("anp-egress-peers-lowered", LOWERING + ": egress peers and ports",
    "An AdminNetworkPolicy on x: Deny to nodes in zone b, Allow to networks 198.18.0.16/30 (z) on portNumber TCP 80, Deny to every pod. x reaches n1 (no rule matches the node), not n2, z on TCP 80 only, and no other pod.",
    [("ANP egress rules.",
      [anp("egress", 10, X, egress=[outr("no-zone-b", "Deny", [{"nodes": sel(zone="b")}]),
                                    outr("z-web", "Allow", [{"networks": ["198.18.0.16/30"]}],
                                         ports=[{"portNumber": {"protocol": "TCP", "port": 80}}]),
                                    outr("no-pods", "Deny", [EVERYONE])])],
      expect(("x/a", "x/h1", True), ("x/a", "x/h2", False), ("x/a", "z/a", True), ("x/a", "z/a", False, "TCP", 81),
             ("x/a", "y/a", False)))], **NODE_CASE)

own("mixed-v1alpha1-and-v1alpha2-share-the-tiers", "Objects: both versions may be present at once",
    "On x: an AdminNetworkPolicy (priority 5) denies z; an Admin CNP (priority 10) passes y; a Baseline CNP denies y; the BANP allows y and z. z is denied in the Admin tier; y is passed, meets no NetworkPolicy, and the Baseline CNP (before the BANP) denies it; x's own pods match nothing.",
    [("One object of each kind.",
      [anp("deny-z", 5, X, ingress=[inr("deny", "Deny", [ns("z")])]),
       cnp("pass-y", "Admin", 10, X, ingress=[inr("pass", "Pass", [ns("y")])]),
       cnp("deny-y", "Baseline", 10, X, ingress=[inr("deny", "Deny", [ns("y")])]),
       banp(X, ingress=[inr("allow", "Allow", [ns("y"), ns("z")])])],
      expect(("z/a", "x/a", False), ("y/a", "x/a", False), ("x/b", "x/a", True), ("y/a", "z/a", True)))])

# ---------------------------------------------------------------- Pass chains and tiers against each other
DECISION = "The decision"
own("admin-pass-then-networkpolicy-isolates", DECISION + ": Pass to step 2",
    "An Admin CNP passes y into x; x's NetworkPolicy allows only z; a Baseline CNP would accept y. The NetworkPolicy isolates x, so its decision is final: y out, z in, x's own pods out; the Baseline is never consulted.",
    [("Admin Pass, NetworkPolicy from z, Baseline Accept.",
      [cnp("pass-y", "Admin", 1, X, ingress=[inr("pass", "Pass", [ns("y")])]),
       np("x", "from-z", {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": sel(ns="z")}]}]}),
       cnp("accept-y", "Baseline", 1, X, ingress=[inr("accept", "Accept", [ns("y")])])],
      expect(("y/a", "x/a", False), ("z/a", "x/a", True), ("x/b", "x/a", False)))])

own("admin-pass-without-networkpolicy-reaches-baseline", DECISION + ": Pass to step 3",
    "An Admin CNP passes y into x; no NetworkPolicy; a Baseline CNP denies y and z. y and z are denied, x's own pods are not. Step 1 turns the Pass into Accept: y gets in.",
    [("Admin Pass, Baseline Deny.",
      [cnp("pass-y", "Admin", 1, X, ingress=[inr("pass", "Pass", [ns("y")])]),
       cnp("deny-y-z", "Baseline", 1, X, ingress=[inr("deny", "Deny", [ns("y"), ns("z")])])],
      expect(("y/a", "x/a", False), ("z/a", "x/a", False), ("x/b", "x/a", True))),
     ("Admin Accept, Baseline Deny.",
      [cnp("pass-y", "Admin", 1, X, ingress=[inr("pass", "Accept", [ns("y")])]),
       cnp("deny-y-z", "Baseline", 1, X, ingress=[inr("deny", "Deny", [ns("y"), ns("z")])])],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False)))])

own("baseline-pass-is-default-allow", DECISION + ": Baseline Pass to step 4",
    "A Baseline CNP on x passes y, then denies every pod: y falls through to the default and gets in; z and x's own pods are denied.",
    [("Baseline Pass then Deny.",
      [cnp("pass-then-deny", "Baseline", 1, X, ingress=[inr("pass", "Pass", [ns("y")]), inr("deny", "Deny", [EVERYONE])])],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False), ("x/b", "x/a", False)))])

own("admin-pass-egress-then-networkpolicy", DECISION + ": Pass to step 2 (egress)",
    "An Admin CNP passes x's egress to y; x's NetworkPolicy allows egress only to z. Isolated by the NetworkPolicy, x reaches z and not y or its own pods.",
    [("Admin Pass, NetworkPolicy egress to z.",
      [cnp("pass-y", "Admin", 1, X, egress=[outr("pass", "Pass", [ns("y")])]),
       np("x", "to-z", {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"namespaceSelector": sel(ns="z")}]}]})],
      expect(("x/a", "y/a", False), ("x/a", "z/a", True), ("x/a", "x/b", False), ("y/a", "x/a", True)))])

own("admin-deny-beats-networkpolicy-allow", DECISION + ": step 1 Deny",
    "x's NetworkPolicy allows every pod of y; an Admin CNP denies y/b. y/b is denied, y/a and y/c get in, z is denied by the NetworkPolicy.",
    [("NetworkPolicy allow, Admin Deny.",
      [np("x", "from-y", {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": sel(ns="y")}]}]}),
       cnp("deny-y-b", "Admin", 1, X, ingress=[inr("deny", "Deny", [pods_of("y", "b")])])],
      expect(("y/b", "x/a", False), ("y/a", "x/a", True), ("z/a", "x/a", False)))])

own("admin-accept-beats-networkpolicy-isolation", DECISION + ": step 1 Accept",
    "x denies all ingress by NetworkPolicy; an Admin CNP accepts z. z gets in, y does not.",
    [("NetworkPolicy deny-all, Admin Accept.",
      [DENY_IN("x"), cnp("accept-z", "Admin", 1, X, ingress=[inr("accept", "Accept", [ns("z")])])],
      expect(("z/c", "x/a", True), ("y/c", "x/a", False)))])

own("baseline-deny-overridden-by-networkpolicy-allow", DECISION + ": step 2 before step 3",
    "A Baseline CNP on x denies every pod; a NetworkPolicy isolates x/a and allows y. x/a: y in, z out (the NetworkPolicy decides); x/b and x/c: everyone out (the Baseline decides).",
    [("Baseline deny-all, NetworkPolicy on x/a.",
      [cnp("deny-all", "Baseline", 1, X, ingress=[inr("deny", "Deny", [EVERYONE])]),
       np("x", "a-from-y", {"podSelector": sel(pod="a"), "ingress": [{"from": [{"namespaceSelector": sel(ns="y")}]}]})],
      expect(("y/a", "x/a", True), ("z/a", "x/a", False), ("y/a", "x/b", False), ("x/c", "x/b", False),
             ("y/a", "y/b", True)))])

own("clusternetworkpolicy-has-no-implicit-isolation", DECISION + ": no implicit isolation",
    "Admin and Baseline CNPs select every pod with Accept rules only: nothing is denied, every pod reaches every pod.",
    [("Accept-only CNPs.",
      [cnp("accept-y-in-z-out", "Admin", 1, ALL_PODS, ingress=[inr("in", "Accept", [ns("y")])],
           egress=[outr("out", "Accept", [ns("z")])]),
       cnp("accept-x", "Baseline", 1, ALL_PODS, ingress=[inr("in", "Accept", [ns("x")])])],
      expect(("z/a", "x/a", True), ("x/a", "y/a", True), ("y/b", "z/c", True, "UDP", 81)))],
    probes=[(80, "TCP"), (81, "UDP")])

own("egress-accept-does-not-bypass-ingress-deny", DECISION + ": both directions must allow",
    "x's egress to y is accepted in the Admin tier, but y's ingress from x is denied there: x cannot reach y. Likewise z's egress to x is denied although x's ingress accepts z.",
    [("Accept on one side, Deny on the other.",
      [cnp("x-out-y", "Admin", 1, X, egress=[outr("accept", "Accept", [ns("y")])]),
       cnp("y-in-x", "Admin", 2, Y, ingress=[inr("deny", "Deny", [ns("x")])]),
       cnp("z-out-x", "Admin", 3, Z, egress=[outr("deny", "Deny", [ns("x")])]),
       cnp("x-in-z", "Admin", 4, X, ingress=[inr("accept", "Accept", [ns("z")])])],
      expect(("x/a", "y/a", False), ("z/a", "x/a", False), ("y/a", "x/a", True), ("x/a", "z/a", True)))])

own("pod-reaches-itself-under-admin-deny-all", "Fixed points: a pod's connection to itself",
    "Admin CNPs deny every pod's ingress from every pod and its egress to 0.0.0.0/0 and ::/0 (dual-stack pods): each pod still reaches itself, and nothing else.",
    [("Deny everything.",
      [cnp("deny-everything", "Admin", 1, ALL_PODS, ingress=[inr("in", "Deny", [EVERYONE])],
           egress=[outr("out", "Deny", [{"networks": ["0.0.0.0/0", "::/0"]}])])],
      expect(("x/a", "x/a", True), ("x/a", "x/b", False), ("z/c", "y/a", False)))],
    probes=[(80, "TCP"), (80, "UDP"), (80, "SCTP")], pods=xyz_pods(v6=True))

own("admin-subject-pods-selects-only-those-pods", "Objects: subject pods",
    "An Admin CNP with subject pods (namespace x, pod a) denies y: only x/a is closed to y; x/b and y/a are not subjects.",
    [("Subject x/a.",
      [cnp("x-a", "Admin", 1, {"pods": {"namespaceSelector": sel(ns="x"), "podSelector": sel(pod="a")}},
           ingress=[inr("deny", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", False), ("y/a", "x/b", True), ("z/a", "x/a", True)))])

own("namespace-relabel-moves-the-subject", "Objects: subject namespaces",
    "An Admin CNP denies y into namespaces labelled protected=true: first x, then (step 1, relabelled) z.",
    [("x is protected.",
      [cnp("protected", "Admin", 1, {"namespaces": sel(protected="true")}, ingress=[inr("deny", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", False), ("y/a", "z/a", True)),
      [{"name": "x", "labels": {"ns": "x", "protected": "true"}}, {"name": "y", "labels": {"ns": "y"}},
       {"name": "z", "labels": {"ns": "z"}}]),
     ("z is protected instead.",
      [cnp("protected", "Admin", 1, {"namespaces": sel(protected="true")}, ingress=[inr("deny", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", True), ("y/a", "z/a", False)),
      [{"name": "x", "labels": {"ns": "x"}}, {"name": "y", "labels": {"ns": "y"}},
       {"name": "z", "labels": {"ns": "z", "protected": "true"}}])],
    namespaces=[{"name": "x", "labels": {"ns": "x", "protected": "true"}}, {"name": "y", "labels": {"ns": "y"}},
                {"name": "z", "labels": {"ns": "z"}}])

# ---------------------------------------------------------------- networks, ports, protocols, families
PEERS = "Who is a subject, who is a peer: networks"
own("networks-cover-pod-addresses", PEERS,
    "An Admin CNP on x denies egress to 0.0.0.0/0: that covers every pod, so x reaches nothing but itself (x's own pods included); others still reach x. Step 1 narrows it to 198.18.0.16/30 (z).",
    [("Deny 0.0.0.0/0.",
      [cnp("no-v4", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["0.0.0.0/0"]}])])],
      expect(("x/a", "x/b", False), ("x/a", "y/a", False), ("y/a", "x/a", True))),
     ("Deny 198.18.0.16/30.",
      [cnp("no-v4", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["198.18.0.16/30"]}])])],
      expect(("x/a", "x/b", True), ("x/a", "z/c", False), ("x/a", "y/c", True)))])

own("networks-host-bits-masked", PEERS,
    "An Admin CNP on x denies egress to 198.18.0.13/30, which has host bits set and is read as 198.18.0.12/30: x/c (.12) and y/a, y/b, y/c (.13-.15) are closed to x; z is open.",
    [("Deny 198.18.0.13/30.",
      [cnp("host-bits", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["198.18.0.13/30"]}])])],
      expect(("x/a", "x/c", False), ("x/a", "y/a", False), ("x/a", "y/c", False), ("x/a", "x/b", True),
             ("x/a", "z/a", True)))])

WEB_PODS = xyz_pods()
for _p in WEB_PODS:
    _web = {("y", "a"): 80, ("y", "b"): 81}.get((_p["namespace"], _p["name"]), 80 if _p["namespace"] == "z" else None)
    if _web is not None:
        _p["ports"].append({"name": "web", "containerPort": _web, "protocol": "TCP"})
own("named-port-resolves-on-each-destination-pod", "Who is a subject, who is a peer: destinationNamedPort",
    "Port name web is TCP 80 on y/a and the z pods, TCP 81 on y/b, absent on y/c and x. An Admin CNP on x denies egress to destinationNamedPort web; one on z denies ingress from y on it. Each destination resolves the name itself.",
    [("Named-port Denies.",
      [cnp("x-no-web", "Admin", 1, X, egress=[outr("deny", "Deny", [EVERYONE], protocols=[{"destinationNamedPort": "web"}])]),
       cnp("z-no-web-from-y", "Admin", 2, Z,
           ingress=[inr("deny", "Deny", [ns("y")], protocols=[{"destinationNamedPort": "web"}])])],
      expect(("x/a", "y/a", False), ("x/a", "y/a", True, "TCP", 81), ("x/a", "y/b", True),
             ("x/a", "y/b", False, "TCP", 81), ("x/a", "y/c", True), ("x/a", "y/c", True, "TCP", 81),
             ("y/c", "z/a", False), ("y/c", "z/a", True, "TCP", 81), ("x/b", "x/a", True)))],
    pods=WEB_PODS)

own("port-range-inclusive-bounds", "Objects: protocols, destinationPort range",
    "An Admin CNP on x denies y on TCP range 80-81: TCP 80 and 81 closed (both ends included), TCP 79 and 82 and UDP 80 open.",
    [("TCP range 80-81.",
      [cnp("range", "Admin", 1, X, ingress=[inr("deny", "Deny", [ns("y")],
                                                protocols=[{"tcp": {"destinationPort": {"range": {"start": 80, "end": 81}}}}])])],
      expect(("y/a", "x/a", True, "TCP", 79), ("y/a", "x/a", False, "TCP", 80), ("y/a", "x/a", False, "TCP", 81),
             ("y/a", "x/a", True, "TCP", 82), ("y/a", "x/a", True, "UDP", 80)))],
    probes=[(79, "TCP"), (80, "TCP"), (81, "TCP"), (82, "TCP"), (80, "UDP")])

own("protocols-absent-match-every-protocol", "Objects: protocols",
    "An Admin CNP on x denies y without protocols: TCP, UDP and SCTP are all closed.",
    [("Deny without protocols.",
      [cnp("deny-y", "Admin", 1, X, ingress=[inr("deny", "Deny", [ns("y")])])],
      expect(("y/a", "x/a", False), ("y/a", "x/a", False, "UDP", 80), ("y/a", "x/a", False, "SCTP", 80),
             ("z/a", "x/a", True, "SCTP", 80)))],
    probes=[(80, "TCP"), (80, "UDP"), (80, "SCTP")])

own("protocols-entries-ored", "Objects: protocols",
    "An Admin CNP on x denies y on [TCP 80, UDP 81]: those two are closed; TCP 81 and UDP 80 open.",
    [("Two protocol entries.",
      [cnp("deny-y", "Admin", 1, X, ingress=[inr("deny", "Deny", [ns("y")], protocols=[tcp(80), udp(81)])])],
      expect(("y/a", "x/a", False), ("y/a", "x/a", False, "UDP", 81), ("y/a", "x/a", True, "TCP", 81),
             ("y/a", "x/a", True, "UDP", 80)))],
    probes=[(80, "TCP"), (81, "TCP"), (80, "UDP"), (81, "UDP")])

own("ipv6-only-networks-by-family", PEERS + " (families)",
    "IPv6-only pods. An Admin CNP on x denies egress to 0.0.0.0/0, which holds no IPv6 address: nothing changes. Step 1 denies ::/0 instead: x reaches only itself.",
    [("Deny 0.0.0.0/0.",
      [cnp("deny", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["0.0.0.0/0"]}])])],
      expect(("x/a", "y/a", True), ("x/a", "x/b", True))),
     ("Deny ::/0.",
      [cnp("deny", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["::/0"]}])])],
      expect(("x/a", "y/a", False), ("x/a", "x/b", False), ("y/a", "x/a", True)))],
    pods=xyz_pods(v4=False, v6=True))

own("dual-stack-pods-probed-over-ipv4", PEERS + " (families)",
    "Dual-stack pods, probed over IPv4. An Admin CNP on x denies egress to fd00::/64 (every pod's IPv6 address): IPv4 probes are unaffected. Step 1 denies 198.18.0.0/24 instead: x reaches only itself.",
    [("Deny fd00::/64.",
      [cnp("deny", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["fd00::/64"]}])])],
      expect(("x/a", "z/a", True))),
     ("Deny 198.18.0.0/24.",
      [cnp("deny", "Admin", 1, X, egress=[outr("deny", "Deny", [{"networks": ["198.18.0.0/24"]}])])],
      expect(("x/a", "z/a", False), ("x/a", "x/c", False)))],
    pods=xyz_pods(v6=True))


if __name__ == "__main__":
    write("tiers-upstream", UPSTREAM)
    write("tiers", OWN)
