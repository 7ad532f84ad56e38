"""An independent oracle for the conformance corpus: SEMANTICS.md re-stated in Python.

It shares no code with the Java ReferenceEvaluator; it exists so that each case's expected
`allowed` matrices are derived from the written semantics, not pasted from the evaluator.
"""
import ipaddress

PROTOCOLS = ("TCP", "UDP", "SCTP")


def selector_matches(sel, labels):
    """A Kubernetes label selector; an empty dict matches everything."""
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


class World:
    def __init__(self, namespaces, pods, policies):
        self.ns_labels = {}
        for n in namespaces:
            labels = dict(n.get("labels") or {})
            labels["kubernetes.io/metadata.name"] = n["name"]
            self.ns_labels[n["name"]] = labels
        for p in pods:
            self.ns_labels.setdefault(p["namespace"], {"kubernetes.io/metadata.name": p["namespace"]})
        self.pods = pods
        self.policies = policies
        self.active = [p for p in pods if p["ips"] and p.get("phase") not in ("Succeeded", "Failed")]
        self.pod_by_ip = {}
        self.node_by_ip = {}
        for p in sorted(self.active, key=lambda q: q["namespace"] + "/" + q["name"]):
            for ip in p["ips"]:
                a = ipaddress.ip_address(ip)
                if p.get("hostNetwork"):
                    if p.get("nodeName"):
                        self.node_by_ip.setdefault(a, p["nodeName"])
                else:
                    self.pod_by_ip.setdefault(a, p)

    @staticmethod
    def types(pol):
        spec = pol["spec"]
        if spec.get("policyTypes"):
            return set(spec["policyTypes"])
        return {"Ingress", "Egress"} if spec.get("egress") else {"Ingress"}

    def selecting(self, pod, direction):
        out = []
        for pol in self.policies:
            if pol["metadata"].get("namespace", "default") != pod["namespace"]:
                continue
            if not selector_matches(pol["spec"].get("podSelector") or {}, pod.get("labels") or {}):
                continue
            if direction in self.types(pol):
                out.append(pol)
        return out

    def peer_matches(self, pol, peer, addr, pod):
        if "ipBlock" in peer:
            block = peer["ipBlock"]
            net = ipaddress.ip_network(block["cidr"], strict=False)
            if addr.version != net.version or addr not in net:
                return False
            for e in block.get("except") or []:
                en = ipaddress.ip_network(e, strict=False)
                if addr.version == en.version and addr in en:
                    return False
            return True
        if pod is None:
            return False
        pol_ns = pol["metadata"].get("namespace", "default")
        if "namespaceSelector" in peer:
            if not selector_matches(peer["namespaceSelector"] or {}, self.ns_labels[pod["namespace"]]):
                return False
        elif pod["namespace"] != pol_ns:
            return False
        if "podSelector" in peer:
            if not selector_matches(peer["podSelector"] or {}, pod.get("labels") or {}):
                return False
        return True

    @staticmethod
    def named_port(pod, name, proto):
        for cp in pod.get("ports") or []:
            if cp.get("name") == name and cp.get("protocol", "TCP") == proto:
                return cp["containerPort"]
        return None

    def port_matches(self, entry, proto, port, dst_pod):
        if entry.get("protocol", "TCP") != proto:
            return False
        if "port" not in entry:
            return True
        p = entry["port"]
        if isinstance(p, int):
            return p <= port <= entry.get("endPort", p)
        return dst_pod is not None and self.named_port(dst_pod, p, proto) == port

    def direction_allows(self, subject, direction, peer_addr, peer_pod, proto, port, dst_pod):
        pols = self.selecting(subject, direction)
        if not pols:
            return True
        key = "ingress" if direction == "Ingress" else "egress"
        peers_key = "from" if direction == "Ingress" else "to"
        for pol in pols:
            for rule in pol["spec"].get(key) or []:
                peers = rule.get(peers_key) or []
                if peers and not any(self.peer_matches(pol, pe, peer_addr, peer_pod) for pe in peers):
                    continue
                ports = rule.get("ports") or []
                if ports and not any(self.port_matches(e, proto, port, dst_pod) for e in ports):
                    continue
                return True
        return False

    def allows(self, src_ip, dst_ip, proto, port):
        s, d = ipaddress.ip_address(src_ip), ipaddress.ip_address(dst_ip)
        if s == d:
            return True
        sp, dp = self.pod_by_ip.get(s), self.pod_by_ip.get(d)
        if sp is not None and dp is not None and sp is dp:
            return True
        # A pod and the node it runs on.
        if dp is not None and dp.get("nodeName") and self.node_by_ip.get(s) == dp.get("nodeName"):
            return True
        if sp is not None and sp.get("nodeName") and self.node_by_ip.get(d) == sp.get("nodeName"):
            return True
        if sp is not None and not self.direction_allows(sp, "Egress", d, dp, proto, port, dp):
            return False
        if dp is not None and not self.direction_allows(dp, "Ingress", s, sp, proto, port, dp):
            return False
        return True

    def matrix(self, port, proto):
        keyed = sorted(self.active, key=lambda q: q["namespace"] + "/" + q["name"])
        out = {}
        for a in keyed:
            ka = a["namespace"] + "/" + a["name"]
            reach = []
            for b in keyed:
                kb = b["namespace"] + "/" + b["name"]
                if ka == kb:
                    reach.append(kb)
                    continue
                num = port if isinstance(port, int) else self.named_port(b, port, proto)
                if num is None:
                    continue
                pair = None
                for version in (4, 6):
                    sa = [ip for ip in a["ips"] if ipaddress.ip_address(ip).version == version]
                    sb = [ip for ip in b["ips"] if ipaddress.ip_address(ip).version == version]
                    if sa and sb:
                        pair = (sa[0], sb[0])
                        break
                if pair and self.allows(pair[0], pair[1], proto, num):
                    reach.append(kb)
            out[ka] = sorted(reach)
        return out
