"""An independent oracle for the tiered conformance cases: SEMANTICS-TIERS.md re-stated in Python.

It extends oracle.World (SEMANTICS.md, the NetworkPolicy tier) with ClusterNetworkPolicy
(v1alpha2) and AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1). It shares no code with
the Java evaluators; the expected matrices of ../cases/tiers*/ come from here, and every upstream
expectation recorded in a case is asserted against it when the cases are written.
"""
import ipaddress

from oracle import World, selector_matches

TIERS_GROUP = "policy.networking.k8s.io/"


def is_tiered(doc):
    return doc.get("apiVersion", "").startswith(TIERS_GROUP)


def lower(doc):
    """A tiered document as (tier, sort key, spec) in v1alpha2 form (SEMANTICS-TIERS.md, v1alpha1 lowering)."""
    kind = doc["kind"]
    spec = doc["spec"]
    name = doc["metadata"]["name"]
    if kind == "ClusterNetworkPolicy":
        # Within a tier: priority, then ClusterNetworkPolicy before AdminNetworkPolicy, then name.
        return spec["tier"], (0, spec["priority"], 0, name), spec
    if kind == "AdminNetworkPolicy":
        return "Admin", (0, spec["priority"], 1, name), lower_rules(spec)
    if kind == "BaselineAdminNetworkPolicy":
        # After every Baseline ClusterNetworkPolicy, whatever their priorities.
        return "Baseline", (1, 0, 0, name), lower_rules(spec)
    raise ValueError("not a tiered kind: " + kind)


def lower_rules(spec):
    out = {"subject": spec["subject"]}
    for direction in ("ingress", "egress"):
        rules = []
        for r in spec.get(direction) or []:
            q = {k: v for k, v in r.items() if k != "ports"}
            q["action"] = "Accept" if r["action"] == "Allow" else r["action"]
            if "ports" in r:
                q["protocols"] = [lower_port(p) for p in r["ports"]]
            rules.append(q)
        out[direction] = rules
    return out


def lower_port(p):
    if "namedPort" in p:
        return {"destinationNamedPort": p["namedPort"]}
    if "portNumber" in p:
        n = p["portNumber"]
        return {n.get("protocol", "TCP").lower(): {"destinationPort": {"number": n["port"]}}}
    r = p["portRange"]
    return {r.get("protocol", "TCP").lower(): {"destinationPort": {"range": {"start": r["start"], "end": r["end"]}}}}


class TieredWorld(World):
    """World plus the Admin and Baseline tiers and Node objects (name, labels, addresses)."""

    def __init__(self, namespaces, pods, policies, nodes=()):
        tiered = [d for d in policies if is_tiered(d)]
        super().__init__(namespaces, pods, [d for d in policies if not is_tiered(d)])
        self.tiers = {"Admin": [], "Baseline": []}
        for d in tiered:
            tier, key, spec = lower(d)
            self.tiers[tier].append((key, spec))
        for t in self.tiers.values():
            t.sort(key=lambda e: e[0])
        self.nodes = list(nodes)
        for n in self.nodes:
            for a in n.get("addresses") or []:
                self.node_by_ip.setdefault(ipaddress.ip_address(a), n["name"])

    # ------------------------------------------------------------------ matching
    def subject_selects(self, subject, pod):
        if "namespaces" in subject:
            return selector_matches(subject["namespaces"] or {}, self.ns_labels[pod["namespace"]])
        sel = subject["pods"]
        return (selector_matches(sel.get("namespaceSelector") or {}, self.ns_labels[pod["namespace"]])
                and selector_matches(sel.get("podSelector") or {}, pod.get("labels") or {}))

    def cluster_peer_matches(self, peer, addr, pod):
        if "namespaces" in peer:
            return pod is not None and selector_matches(peer["namespaces"] or {}, self.ns_labels[pod["namespace"]])
        if "pods" in peer:
            sel = peer["pods"]
            return (pod is not None
                    and selector_matches(sel.get("namespaceSelector") or {}, self.ns_labels[pod["namespace"]])
                    and selector_matches(sel.get("podSelector") or {}, pod.get("labels") or {}))
        if "networks" in peer:
            for cidr in peer["networks"]:
                net = ipaddress.ip_network(cidr, strict=False)  # host bits are masked
                if addr.version == net.version and addr in net:
                    return True
            return False
        if "nodes" in peer:
            for n in self.nodes:
                if selector_matches(peer["nodes"] or {}, n.get("labels") or {}):
                    if any(ipaddress.ip_address(a) == addr for a in n.get("addresses") or []):
                        return True
            return False
        if "domainNames" in peer:
            return False  # cannot be decided from the cluster: matches nothing
        raise ValueError("unknown peer %r" % peer)

    @staticmethod
    def protocol_matches(entry, proto, port, dst_pod):
        if "destinationNamedPort" in entry:
            if dst_pod is None:
                return False  # a named port never matches a non-pod destination
            for cp in dst_pod.get("ports") or []:
                if (cp.get("name") == entry["destinationNamedPort"] and cp.get("protocol", "TCP") == proto
                        and cp["containerPort"] == port):
                    return True
            return False
        (key, body), = entry.items()
        if key.upper() != proto:
            return False
        dp = (body or {}).get("destinationPort")
        if not dp:
            return True
        if "number" in dp:
            return dp["number"] == port
        return dp["range"]["start"] <= port <= dp["range"]["end"]

    def tier_action(self, tier, pod, direction, peer_addr, peer_pod, proto, port, dst_pod):
        """The action of the first matching rule of `tier` for `pod` in `direction`, or None."""
        key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
        for _, spec in self.tiers[tier]:
            if not self.subject_selects(spec["subject"], pod):
                continue
            for rule in spec.get(key) or []:
                if not any(self.cluster_peer_matches(p, peer_addr, peer_pod) for p in rule[peers_key]):
                    continue
                if "protocols" in rule and not any(
                        self.protocol_matches(e, proto, port, dst_pod) for e in rule["protocols"]):
                    continue
                return rule["action"]
        return None

    def decide(self, pod, direction, peer_addr, peer_pod, proto, port, dst_pod, skip_np=False):
        admin = self.tier_action("Admin", pod, direction, peer_addr, peer_pod, proto, port, dst_pod)
        if admin == "Accept":
            return True
        if admin == "Deny":
            return False
        if not skip_np and self.selecting(pod, direction):
            return self.direction_allows(pod, direction, peer_addr, peer_pod, proto, port, dst_pod)
        return self.tier_action("Baseline", pod, direction, peer_addr, peer_pod, proto, port, dst_pod) != "Deny"

    def allows(self, src_ip, dst_ip, proto, port):
        s, d = ipaddress.ip_address(src_ip), ipaddress.ip_address(dst_ip)
        if s == d:
            return True
        sp, dp = self.pod_by_ip.get(s), self.pod_by_ip.get(d)
        if sp is not None and sp is dp:
            return True
        if sp is not None:
            # Egress to the pod's own node skips only the NetworkPolicy tier.
            own_node = sp.get("nodeName") is not None and self.node_by_ip.get(d) == sp.get("nodeName")
            if not self.decide(sp, "Egress", d, dp, proto, port, dp, skip_np=own_node):
                return False
        if dp is not None:
            # Ingress from the pod's own node is allowed in every tier.
            from_own_node = dp.get("nodeName") is not None and self.node_by_ip.get(s) == dp.get("nodeName")
            if not from_own_node and not self.decide(dp, "Ingress", s, sp, proto, port, dp):
                return False
        return True
