// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * netpolc reference datapath: a tc (clsact) program for the host-side veth of each pod that
 * enforces the maps netpolc emits (layout v1, backends/ebpf/README.md).
 *
 *   veth ingress (packets leaving the pod)   -> the pod's egress policy  (stage 1)
 *   veth egress  (packets entering the pod)  -> the pod's ingress policy (stage 0)
 *
 * Tiers (Admin, NetworkPolicy, Baseline) are flattened by the emitter: np_policy holds final
 * verdicts, so one lookup sequence per packet decides. The first of the four lookups that finds
 * an entry decides (ALLOW passes, anything else drops); when none does, an isolated direction
 * drops and a "denies" direction passes. Egress to the pod's own node skips the NetworkPolicy
 * tier: with OWN_NODE_EGRESS it is looked up under direction 2, else it passes.
 *
 * Logging (LOG rules, "log and continue"): the emitter folds the LOG rules a connection passes
 * on its way to the verdict into the entry's u16 log set (0: none; the ids are listed with their
 * rules in the artifact's logsets.txt). When the deciding entry has one, the new connection is
 * counted in np_log_count[log set] (per CPU) and a struct log_event is sent to the np_log_events
 * ring buffer (dropped, but still counted, when the ring is full); the verdict is unchanged.
 *
 * Build: clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c netpolc.bpf.c -o netpolc.bpf.o
 * Map sizes are -D overridable (NP_IDENT4_MAX, NP_IDENT6_MAX, NP_ENDPOINTS_MAX, NP_POLICY_MAX,
 * NP_HOSTPODS_MAX, NP_CONNTRACK_MAX); the defaults equal the Java emitter's (EbpfMap): sized for a
 * 100,000-pod dual-stack cluster, in the range of Cilium's defaults (README "Map sizes"). Every map
 * but np_conntrack exists twice (two generations, for atomic updates: see the comment at the maps).
 *
 * What is parsed, and why (the README's "Reference datapath" section says the same):
 *  - Non-IP frames (ARP, ...) pass.
 *  - IPv4: the header (IHL honoured); a non-first fragment (offset != 0) passes: it carries no
 *    ports, and without the first fragment (which is checked) it cannot be reassembled; the
 *    kernel discards overlapping fragments.
 *  - IPv6: up to NP_IPV6_EXT_MAX extension headers among hop-by-hop (0), routing (43),
 *    fragment (44), destination options (60) and AH (51) are skipped; any other next header is
 *    the protocol (ESP 50 and "no next header" 59 included, they have no ports). More extension
 *    headers than that, or headers cut short, make the packet malformed.
 *  - TCP, UDP, SCTP: source and destination ports. ICMP (IPv4 protocol 1) and ICMPv6 (IPv6
 *    next header 58): np_policy is looked up with type << 8 | code in the port field, as the
 *    emitter keys ICMP types and codes; conntrack keys a query (echo, timestamp, information,
 *    address mask; ICMPv6 echo) by its identifier, kind and whether it is the reply, so that only
 *    the reply of a tracked query passes as established, and any other message by its type and
 *    code, so that an allowed type opens no way for another. Other protocols: protocol only (port 0).
 *  - ICMPv6 neighbour discovery (types 133..136) passes.
 *  - ICMP / ICMPv6 errors (v4 types 3, 4, 5, 11, 12; v6 types 1..4) whose embedded header
 *    belongs to a tracked connection pass (as conntrack's "related").
 *  - Malformed packets of a local endpoint drop when that direction is looked up (isolated,
 *    denies, or egress to the own node under OWN_NODE_EGRESS), and pass otherwise (nothing
 *    would have checked them).
 *  - TCP without state: only a SYN without ACK may open a connection of an isolated pod; other
 *    TCP packets with no state drop for isolated pods ("invalid dropped for isolated pods").
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef NP_IDENT4_MAX
#define NP_IDENT4_MAX 524288
#endif
#ifndef NP_IDENT6_MAX
#define NP_IDENT6_MAX 524288
#endif
#ifndef NP_ENDPOINTS_MAX
#define NP_ENDPOINTS_MAX 262144
#endif
#ifndef NP_POLICY_MAX
#define NP_POLICY_MAX 2097152
#endif
#ifndef NP_HOSTPODS_MAX
#define NP_HOSTPODS_MAX 262144
#endif
#ifndef NP_CONNTRACK_MAX
#define NP_CONNTRACK_MAX 65536
#endif
/* Idle time after which a conntrack entry no longer counts (seconds): TCP, then anything else. */
#ifndef NP_CT_TCP_IDLE_S
#define NP_CT_TCP_IDLE_S 7200
#endif
#ifndef NP_CT_OTHER_IDLE_S
#define NP_CT_OTHER_IDLE_S 180
#endif
/* np_log_count entries: every u16 log set id (512 KiB per CPU). */
#ifndef NP_LOG_SETS_MAX
#define NP_LOG_SETS_MAX 65536
#endif
#ifndef NP_LOG_RING_BYTES
#define NP_LOG_RING_BYTES (256 * 1024)
#endif
#ifndef NP_IPV6_EXT_MAX
#define NP_IPV6_EXT_MAX 6
#endif

#define NP_FLAG_INGRESS_ISOLATED 1u
#define NP_FLAG_EGRESS_ISOLATED 2u
#define NP_FLAG_HOST 4u
#define NP_FLAG_INGRESS_DENIES 0x100u  /* looked up although not isolated: a miss allows */
#define NP_FLAG_EGRESS_DENIES 0x200u
#define NP_FLAG_OWN_NODE_EGRESS 0x400u /* egress to the own node looked up (direction 2) */
#define NP_ANY 0xFFFFFFFFu
#define NP_ALLOW 1
#define NP_DIR_OWN_NODE 2 /* np_policy direction of egress to the pod's own node */
#define NP_STAGE_INGRESS 0 /* a pod's ingress check: veth egress */
#define NP_STAGE_EGRESS 1  /* a pod's egress check: veth ingress */

struct ident4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct ident6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct endpoint_key {
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

struct endpoint_value {
	__u32 group;
	__u32 flags;
};

/* np_hostpods (cluster-wide artifacts): a node address and a pod on that node. */
struct hostpod_key {
	__u8 family;
	__u8 pad[3];
	__u8 host[16];
	__u8 pod[16];
};

struct policy_key {
	__u32 prefixlen;
	__u32 group; /* big-endian */
	__u32 peer;  /* big-endian */
	__u8 direction;
	__u8 protocol;
	__u16 port; /* big-endian */
};

struct policy_value {
	__u8 action;
	__u8 tier;
	__u16 logs; /* little-endian: the log set, 0 for none */
	__u32 priority;
	__u32 rule;
};

/* One logged new connection, as np_log_events carries it. */
struct log_event {
	__u16 logs;    /* the log set (host order) */
	__u8 stage;    /* 0: the pod's ingress check, 1: its egress check */
	__u8 family;   /* 4 or 6 */
	__u8 protocol;
	__u8 allowed;  /* the verdict: 1 passes, 0 drops */
	__u16 dport;   /* big-endian */
	__u16 sport;   /* big-endian */
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct ct_key {
	__u8 family;
	__u8 protocol;
	__u8 stage;
	__u8 query; /* ICMP query or reply (icmp_query; sport = dport = identifier); else 0 */
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport; /* big-endian */
	__u16 dport; /* big-endian */
};

_Static_assert(sizeof(struct ident4_key) == 8, "np_ident4 key");
_Static_assert(sizeof(struct ident6_key) == 20, "np_ident6 key");
_Static_assert(sizeof(struct endpoint_key) == 20, "np_endpoints key");
_Static_assert(sizeof(struct endpoint_value) == 8, "np_endpoints value");
_Static_assert(sizeof(struct hostpod_key) == 36, "np_hostpods key");
_Static_assert(sizeof(struct policy_key) == 16, "np_policy key");
_Static_assert(sizeof(struct policy_value) == 12, "np_policy value");
_Static_assert(sizeof(struct ct_key) == 40, "np_conntrack key");
_Static_assert(sizeof(struct log_event) == 44, "np_log_events record");

/*
 * Atomic updates: the decision maps (every map a new connection's verdict reads: np_ident4,
 * np_ident6, np_endpoints, np_policy, np_hostpods) exist twice, generation 0 and 1, pinned as
 * np_<map>_0 and np_<map>_1. np_gen, an array of maps with one slot, points at np_gen_0 or np_gen_1,
 * one-entry arrays holding 0 and 1: the active generation. A packet reads it once, first, and
 * makes every lookup in that generation, so it is decided wholly by one generation.
 * `netpolc-ebpf update` fills the inactive generation, then flips np_gen's slot; the kernel
 * returns from an update of an array of maps only after an RCU grace period, so when the flip
 * returns no program still runs on the old generation, and the updater may then bring the old
 * generation up to date for the next update. np_conntrack is one map for both, so established
 * flows survive. The cost: the decision maps' memory twice (backends/ebpf/README.md).
 */
struct np_ident4_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NP_IDENT4_MAX);
	__type(key, struct ident4_key);
	__type(value, __u32);
};

struct np_ident6_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NP_IDENT6_MAX);
	__type(key, struct ident6_key);
	__type(value, __u32);
};

struct np_endpoints_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NP_ENDPOINTS_MAX);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_value);
};

struct np_policy_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NP_POLICY_MAX);
	__type(key, struct policy_key);
	__type(value, struct policy_value);
};

struct np_hostpods_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NP_HOSTPODS_MAX);
	__type(key, struct hostpod_key);
	__type(value, __u32);
};

struct np_ident4_map np_ident4_0 SEC(".maps");
struct np_ident4_map np_ident4_1 SEC(".maps");
struct np_ident6_map np_ident6_0 SEC(".maps");
struct np_ident6_map np_ident6_1 SEC(".maps");
struct np_endpoints_map np_endpoints_0 SEC(".maps");
struct np_endpoints_map np_endpoints_1 SEC(".maps");
struct np_policy_map np_policy_0 SEC(".maps");
struct np_policy_map np_policy_1 SEC(".maps");
struct np_hostpods_map np_hostpods_0 SEC(".maps");
struct np_hostpods_map np_hostpods_1 SEC(".maps");

struct np_gen_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

struct np_gen_map np_gen_0 SEC(".maps"); /* holds 0 */
struct np_gen_map np_gen_1 SEC(".maps"); /* holds 1 (written by attach) */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct np_gen_map);
} np_gen SEC(".maps") = {
	.values = {[0] = &np_gen_0},
};

/* The lookup of key in generation gen's copy of map (np_policy, ...). */
#define NP_LOOKUP(gen, map, key) ((gen) ? bpf_map_lookup_elem(&map##_1, key) : bpf_map_lookup_elem(&map##_0, key))

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NP_CONNTRACK_MAX);
	__type(key, struct ct_key);
	__type(value, __u64);
} np_conntrack SEC(".maps");

/* Per log set, the new connections logged (per CPU: sum the CPUs' values). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NP_LOG_SETS_MAX);
	__type(key, __u32);
	__type(value, __u64);
} np_log_count SEC(".maps");

/* The logged new connections, as struct log_event records, for a reader in user space. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NP_LOG_RING_BYTES);
} np_log_events SEC(".maps");

/* What parsing found. */
enum parsed {
	P_OK,        /* addresses, protocol and ports known */
	P_NOT_IP,    /* pass */
	P_MALFORMED, /* addresses known, the rest cut short */
	P_PASS,      /* addresses known; neighbour discovery or a non-first fragment: pass */
	P_BROKEN,    /* not even the addresses: pass (cannot be a local endpoint's) */
};

struct packet {
	__u8 saddr[16] __attribute__((aligned(8)));
	__u8 daddr[16] __attribute__((aligned(8)));
	__u8 family; /* 4 or 6 */
	__u8 protocol;
	__u8 tcp_flags;
	__u8 related; /* an ICMP error whose embedded tuple is in inner */
	__u16 sport; /* big-endian */
	__u16 dport; /* big-endian */
	__u16 value; /* big-endian: np_policy's port: dport, ICMP type << 8 | code, else 0 */
	__u8 query;  /* as ct_key.query */
	struct ct_key inner; /* the embedded packet's tuple, stage unset */
};

#define NP_IPPROTO_ICMPV6 58
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10

static __always_inline int has_ports(__u8 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP;
}

static __always_inline int is_icmp(__u8 family, __u8 protocol)
{
	return (family == 4 && protocol == IPPROTO_ICMP) || (family == 6 && protocol == NP_IPPROTO_ICMPV6);
}

/*
 * An ICMP query or reply as conntrack's query byte, kind << 1 | reply, 0 for any other message:
 * v4 echo 8/0 (kind 1), timestamp 13/14 (2), information 15/16 (3), address mask 17/18 (4); v6
 * echo 128/129 (5). A reversed tuple flips the reply bit (reverse()), so a reply finds its
 * request's entry, but a "reply" sent the request's way does not.
 */
static __always_inline __u8 icmp_query(__u8 family, __u8 type)
{
	if (family == 6)
		return type == 128 ? 10 : type == 129 ? 11 : 0;
	if (type == 8)
		return 2;
	if (type == 0)
		return 3;
	if (type >= 13 && type <= 18)
		return type - 9;
	return 0;
}

/*
 * Conntrack ports of an ICMP message at l4 (type, code, checksum, then a query's identifier):
 * a query or reply is tracked by its identifier in both ports (reversing keeps them) and
 * icmp_query in query; any other message by type << 8 | code in dport. 0 when read.
 */
static __always_inline int icmp_tuple(struct __sk_buff *skb, __u32 l4, __u8 family, __u16 *sport, __u16 *dport,
				      __u8 *query)
{
	__u8 tc[2];
	__u16 id;

	if (bpf_skb_load_bytes(skb, l4, tc, 2) < 0)
		return -1;
	*query = icmp_query(family, tc[0]);
	if (*query) {
		if (bpf_skb_load_bytes(skb, l4 + 4, &id, 2) < 0)
			return -1;
		*sport = id;
		*dport = id;
	} else {
		*sport = 0;
		*dport = bpf_htons(((__u16)tc[0] << 8) | tc[1]);
	}
	return 0;
}

/* Reads the embedded header of an ICMP(v6) error at off into p->inner; 0 when complete. */
static __always_inline int parse_inner(struct __sk_buff *skb, __u32 off, __u8 family, struct packet *p)
{
	struct ct_key *in = &p->inner;
	__u8 proto;
	__u32 l4;

	in->family = family;
	if (family == 4) {
		__u8 vihl;
		if (bpf_skb_load_bytes(skb, off, &vihl, 1) < 0 || (vihl >> 4) != 4 || (vihl & 0xF) < 5)
			return -1;
		if (bpf_skb_load_bytes(skb, off + 9, &proto, 1) < 0 ||
		    bpf_skb_load_bytes(skb, off + 12, in->saddr, 4) < 0 ||
		    bpf_skb_load_bytes(skb, off + 16, in->daddr, 4) < 0)
			return -1;
		l4 = off + (vihl & 0xF) * 4;
	} else {
		if (bpf_skb_load_bytes(skb, off + 6, &proto, 1) < 0 ||
		    bpf_skb_load_bytes(skb, off + 8, in->saddr, 16) < 0 ||
		    bpf_skb_load_bytes(skb, off + 24, in->daddr, 16) < 0)
			return -1;
		l4 = off + 40;
	}
	in->protocol = proto;
	if (has_ports(proto)) {
		__u16 ports[2];
		if (bpf_skb_load_bytes(skb, l4, ports, 4) < 0)
			return -1;
		in->sport = ports[0];
		in->dport = ports[1];
	} else if (is_icmp(family, proto)) {
		/* an error about a query (ping to an unreachable host): the query's tuple */
		if (icmp_tuple(skb, l4, family, &in->sport, &in->dport, &in->query) < 0)
			return -1;
	}
	return 0;
}

static __always_inline int is_icmp_error(__u8 family, __u8 type)
{
	if (family == 4)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

static __always_inline enum parsed parse_l4(struct __sk_buff *skb, __u32 l4, struct packet *p)
{
	if (has_ports(p->protocol)) {
		__u16 ports[2];
		if (bpf_skb_load_bytes(skb, l4, ports, 4) < 0)
			return P_MALFORMED;
		p->sport = ports[0];
		p->dport = ports[1];
		p->value = ports[1];
		if (p->protocol == IPPROTO_TCP && bpf_skb_load_bytes(skb, l4 + 13, &p->tcp_flags, 1) < 0)
			return P_MALFORMED;
		return P_OK;
	}
	if (is_icmp(p->family, p->protocol)) {
		__u8 type;
		/* type and code, big-endian: type << 8 | code, the emitter's ICMP key */
		if (bpf_skb_load_bytes(skb, l4, &p->value, 2) < 0)
			return P_MALFORMED;
		type = bpf_ntohs(p->value) >> 8;
		if (p->family == 6 && type >= 133 && type <= 136)
			return P_PASS;
		if (icmp_tuple(skb, l4, p->family, &p->sport, &p->dport, &p->query) < 0)
			return P_MALFORMED;
		if (is_icmp_error(p->family, type) && parse_inner(skb, l4 + 8, p->family, p) == 0)
			p->related = 1;
	}
	return P_OK;
}

static __always_inline enum parsed parse(struct __sk_buff *skb, struct packet *p)
{
	__u16 proto = skb->protocol;
	__u32 off = ETH_HLEN;

	if (proto == bpf_htons(ETH_P_IP)) {
		__u8 vihl;
		__u16 frag;
		p->family = 4;
		if (bpf_skb_load_bytes(skb, off + 12, p->saddr, 4) < 0 ||
		    bpf_skb_load_bytes(skb, off + 16, p->daddr, 4) < 0)
			return P_BROKEN;
		if (bpf_skb_load_bytes(skb, off, &vihl, 1) < 0 || (vihl & 0xF) < 5 ||
		    bpf_skb_load_bytes(skb, off + 6, &frag, 2) < 0 ||
		    bpf_skb_load_bytes(skb, off + 9, &p->protocol, 1) < 0)
			return P_MALFORMED;
		if (bpf_ntohs(frag) & 0x1FFF)
			return P_PASS;
		return parse_l4(skb, off + (vihl & 0xF) * 4, p);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		__u8 next;
		p->family = 6;
		if (bpf_skb_load_bytes(skb, off + 8, p->saddr, 16) < 0 ||
		    bpf_skb_load_bytes(skb, off + 24, p->daddr, 16) < 0)
			return P_BROKEN;
		if (bpf_skb_load_bytes(skb, off + 6, &next, 1) < 0)
			return P_MALFORMED;
		off += 40;
#pragma unroll
		for (int i = 0; i < NP_IPV6_EXT_MAX; i++) {
			__u8 hdr[4];
			if (next != 0 && next != 43 && next != 44 && next != 60 && next != 51)
				break;
			if (bpf_skb_load_bytes(skb, off, hdr, 4) < 0)
				return P_MALFORMED;
			if (next == 44) {
				if ((((__u16)hdr[2] << 8) | hdr[3]) & 0xFFF8)
					return P_PASS; /* a non-first fragment */
				off += 8;
			} else if (next == 51) {
				off += ((__u32)hdr[1] + 2) * 4;
			} else {
				off += ((__u32)hdr[1] + 1) * 8;
			}
			next = hdr[0];
		}
		if (next == 0 || next == 43 || next == 44 || next == 60 || next == 51)
			return P_MALFORMED; /* more extension headers than we walk */
		p->protocol = next;
		return parse_l4(skb, off, p);
	}
	return P_NOT_IP;
}

static __always_inline void copy_addr(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, 16);
}

static __always_inline int same_addr(const __u8 *a, const __u8 *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;
	return x[0] == y[0] && x[1] == y[1];
}

/* The active generation (0 or 1): read once per packet, before any other decision map. */
static __always_inline __u32 generation(void)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(&np_gen, &zero);
	__u32 *g;

	if (!inner)
		return 0;
	g = bpf_map_lookup_elem(inner, &zero);
	return g && *g ? 1 : 0;
}

static __always_inline struct endpoint_value *endpoint(__u32 gen, __u8 family, const __u8 *addr)
{
	struct endpoint_key k = {.family = family};
	copy_addr(k.addr, addr);
	return NP_LOOKUP(gen, np_endpoints, &k);
}

/* A cluster-wide artifact's "this pod and its own node" pair. */
static __always_inline int host_pod(__u32 gen, __u8 family, const __u8 *host, const __u8 *pod)
{
	struct hostpod_key k = {.family = family};
	copy_addr(k.host, host);
	copy_addr(k.pod, pod);
	return NP_LOOKUP(gen, np_hostpods, &k) != 0;
}

static __always_inline __u64 idle_limit(__u8 protocol)
{
	return (protocol == IPPROTO_TCP ? NP_CT_TCP_IDLE_S : NP_CT_OTHER_IDLE_S) * 1000000000ull;
}

/* True (and the entry refreshed) when k is tracked and not idle too long. */
static __always_inline int tracked(struct ct_key *k, __u64 now)
{
	__u64 *seen = bpf_map_lookup_elem(&np_conntrack, k);
	if (!seen || now - *seen > idle_limit(k->protocol))
		return 0;
	*seen = now;
	return 1;
}

static __always_inline void reverse(struct ct_key *r, const struct ct_key *k, __u8 stage)
{
	r->family = k->family;
	r->protocol = k->protocol;
	r->stage = stage;
	r->query = k->query ? k->query ^ 1 : 0; /* a query's reply, a reply's query */
	copy_addr(r->saddr, k->daddr);
	copy_addr(r->daddr, k->saddr);
	r->sport = k->dport;
	r->dport = k->sport;
}

/* An ICMP error about a tracked connection, in either direction, at either stage. */
static __always_inline int related(struct packet *p, __u64 now)
{
	struct ct_key r = {};
	p->inner.stage = NP_STAGE_INGRESS;
	if (tracked(&p->inner, now))
		return 1;
	p->inner.stage = NP_STAGE_EGRESS;
	if (tracked(&p->inner, now))
		return 1;
	reverse(&r, &p->inner, NP_STAGE_INGRESS);
	if (tracked(&r, now))
		return 1;
	r.stage = NP_STAGE_EGRESS;
	return tracked(&r, now);
}

/* The action of the entry k finds, 0 when none; its log set goes to *logs. */
static __always_inline int action_of(__u32 gen, struct policy_key *k, __u16 *logs)
{
	struct policy_value *v = NP_LOOKUP(gen, np_policy, k);
	if (!v)
		return 0;
	*logs = v->logs;
	return v->action;
}

/*
 * The four lookups of the layout, in its order: the first that finds an entry gives the action (0: none).
 * The second and fourth use the key of the identity's peer class, ~(identity >> 24): class 0's is NP_ANY,
 * the only class of maps without tiers. A peer without identity has class 0.
 */
static __always_inline int policy_action(__u32 gen, __u32 group, __u32 identity, __u8 direction, __u8 protocol, __u16 port,
					 __u16 *logs)
{
	__u32 class_key = identity == NP_ANY ? NP_ANY : ~(identity >> 24);
	struct policy_key k = {
		.prefixlen = 96,
		.group = bpf_htonl(group),
		.peer = bpf_htonl(identity),
		.direction = direction,
		.protocol = protocol,
		.port = port,
	};
	int a = action_of(gen, &k, logs);
	if (a)
		return a;
	k.peer = bpf_htonl(class_key);
	a = action_of(gen, &k, logs);
	if (a)
		return a;
	k.peer = bpf_htonl(identity);
	k.protocol = 0;
	k.port = 0;
	a = action_of(gen, &k, logs);
	if (a)
		return a;
	k.peer = bpf_htonl(class_key);
	return action_of(gen, &k, logs);
}

/* Counts a new connection under its log set and reports it to np_log_events. */
static __always_inline void log_connection(__u16 logs, __u8 stage, const struct packet *p, int allowed)
{
	__u32 key = logs;
	__u64 *n = bpf_map_lookup_elem(&np_log_count, &key);
	struct log_event *e;

	if (n)
		*n += 1; /* this CPU's slot: no other writer */
	e = bpf_ringbuf_reserve(&np_log_events, sizeof(*e), 0);
	if (!e)
		return; /* ring full: counted, not reported */
	e->logs = logs;
	e->stage = stage;
	e->family = p->family;
	e->protocol = p->protocol;
	e->allowed = allowed ? 1 : 0;
	e->dport = p->dport;
	e->sport = p->sport;
	e->pad = 0;
	__builtin_memcpy(e->saddr, p->saddr, 16);
	__builtin_memcpy(e->daddr, p->daddr, 16);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int identity_of(__u32 gen, __u8 family, const __u8 *addr, __u32 *out)
{
	__u32 *id;
	if (family == 4) {
		struct ident4_key k = {.prefixlen = 32};
		__builtin_memcpy(k.addr, addr, 4);
		id = NP_LOOKUP(gen, np_ident4, &k);
	} else {
		struct ident6_key k = {.prefixlen = 128};
		copy_addr(k.addr, addr);
		id = NP_LOOKUP(gen, np_ident6, &k);
	}
	if (!id)
		return -1;
	*out = *id;
	return 0;
}

static __always_inline int decide(struct __sk_buff *skb, __u8 stage)
{
	struct packet p = {};
	enum parsed what = parse(skb, &p);
	const __u8 *local, *peer;
	struct endpoint_value *ep, *other;
	struct ct_key k = {}, r = {};
	__u64 now;
	__u32 identity, gen;
	__u32 isolated, checked;
	__u8 direction = stage; /* np_policy: 0 ingress, 1 egress, as the stages */
	int own_node;

	if (what == P_NOT_IP || what == P_BROKEN || what == P_PASS)
		return TC_ACT_OK;
	local = stage == NP_STAGE_EGRESS ? p.saddr : p.daddr;
	peer = stage == NP_STAGE_EGRESS ? p.daddr : p.saddr;
	gen = generation();
	ep = endpoint(gen, p.family, local);
	if (!ep || ep->group == NP_ANY)
		return TC_ACT_OK; /* not one of this node's endpoints (or only the node's own address) */
	if (same_addr(local, peer))
		return TC_ACT_OK;
	other = endpoint(gen, p.family, peer);
	own_node = (other && (other->flags & NP_FLAG_HOST)) || host_pod(gen, p.family, peer, local);
	if (own_node && !(ep->flags & NP_FLAG_OWN_NODE_EGRESS))
		return TC_ACT_OK; /* a pod and its own node, exempt from every tier */
	if (own_node) {
		/*
		 * Admin/Baseline rules apply to the pod's egress to its own node (direction 2, without
		 * the NetworkPolicy tier; a miss allows). Ingress from the own node is always allowed,
		 * but recorded, so that the pod's replies (to kubelet probes) pass its egress check.
		 */
		direction = NP_DIR_OWN_NODE;
		isolated = 0;
		checked = stage == NP_STAGE_EGRESS;
	} else {
		isolated = ep->flags & (stage == NP_STAGE_EGRESS ? NP_FLAG_EGRESS_ISOLATED : NP_FLAG_INGRESS_ISOLATED);
		checked = isolated || (ep->flags & (stage == NP_STAGE_EGRESS ? NP_FLAG_EGRESS_DENIES : NP_FLAG_INGRESS_DENIES));
	}
	if (what == P_MALFORMED)
		return checked ? TC_ACT_SHOT : TC_ACT_OK;

	now = bpf_ktime_get_ns();
	k.family = p.family;
	k.protocol = p.protocol;
	k.stage = stage;
	copy_addr(k.saddr, p.saddr);
	copy_addr(k.daddr, p.daddr);
	k.query = p.query;
	k.sport = p.sport;
	k.dport = p.dport;
	if (tracked(&k, now))
		return TC_ACT_OK;
	reverse(&r, &k, stage ^ 1);
	if (tracked(&r, now))
		return TC_ACT_OK; /* a reply of a connection this pod opened or accepted */
	if (p.related && related(&p, now))
		return TC_ACT_OK;
	if (checked) {
		int action;
		__u16 logs = 0;
		if (isolated && p.protocol == IPPROTO_TCP && (p.tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN)
			return TC_ACT_SHOT; /* no state and not an opening SYN */
		if (identity_of(gen, p.family, peer, &identity) < 0)
			identity = NP_ANY; /* no identity (the partition covers everything): only "any peer" entries */
		action = policy_action(gen, ep->group, identity, direction, p.protocol, p.value, &logs);
		if (!action)
			action = isolated ? 0 : NP_ALLOW; /* the miss value: isolated denies, else allows */
		if (logs)
			log_connection(logs, stage, &p, action == NP_ALLOW);
		if (action != NP_ALLOW)
			return TC_ACT_SHOT;
	}
	bpf_map_update_elem(&np_conntrack, &k, &now, BPF_ANY);
	return TC_ACT_OK;
}

/* Attached at the host-side veth's ingress: packets the pod sends. */
SEC("tc")
int netpolc_from_pod(struct __sk_buff *skb)
{
	return decide(skb, NP_STAGE_EGRESS);
}

/* Attached at the host-side veth's egress: packets delivered to the pod. */
SEC("tc")
int netpolc_to_pod(struct __sk_buff *skb)
{
	return decide(skb, NP_STAGE_INGRESS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
