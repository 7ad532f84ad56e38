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
                case["name"], i, c["from"], c["to"], c["protocol"], c["port"], got, c["allowed"], c["subtest"])
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
OWN = []

if __name__ == "__main__":
    write("tiers-upstream", UPSTREAM)
    write("tiers", OWN)
