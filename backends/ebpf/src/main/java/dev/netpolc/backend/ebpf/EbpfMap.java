package dev.netpolc.backend.ebpf;

import java.util.Optional;
import java.util.function.Function;

/**
 * The maps netpolc fills, with the definitions the datapath creates them with. The connection
 * tracking map {@code np_conntrack} is the datapath's own and not listed. {@link #HOST_PODS}
 * appears only in cluster-wide artifacts, which no datapath loads.
 *
 * <p>Default maximums fit a 100,000-pod dual-stack cluster, per node and cluster-wide, and sit in
 * the range Cilium uses (docs.cilium.io, "eBPF Maps": ipcache 512k per node, endpoints 64k per
 * node, policy 16k per endpoint). The tries are created without preallocation, so their maximum
 * is a cap; the hash maps are preallocated, so theirs is kernel memory held from load (measured
 * with {@code bpftool map show}: 24 MiB for np_endpoints and 28 MiB for np_hostpods). The
 * reference datapath holds each of these maps twice, as generations {@code np_<map>_0} and
 * {@code np_<map>_1} that an update fills in turn and switches between atomically, so its memory
 * is twice these figures; the entries and maximums here are per generation.
 */
public enum EbpfMap {
  /** IPv4 address prefix → identity. */
  IDENT4("np_ident4", "lpm_trie", 8, 4, EbpfMap.NO_PREALLOC, EbpfMap.IPCACHE_MAX, b -> IdentityKey.decode(b, false),
      IdentityValue::decode),
  /** IPv6 address prefix → identity. */
  IDENT6("np_ident6", "lpm_trie", 20, 4, EbpfMap.NO_PREALLOC, EbpfMap.IPCACHE_MAX, b -> IdentityKey.decode(b, true),
      IdentityValue::decode),
  /** Local endpoint or node address → group and flags. */
  ENDPOINTS("np_endpoints", "hash", EndpointKey.SIZE, 8, 0, EbpfMap.ENDPOINTS_MAX, EndpointKey::decode, EndpointValue::decode),
  /** (group, peer identity, direction, protocol, port prefix) → verdict. */
  POLICY("np_policy", "lpm_trie", PolicyKey.SIZE, 12, EbpfMap.NO_PREALLOC, EbpfMap.POLICY_MAX,
      PolicyKey::decode, PolicyValue::decode),
  /** (node address, pod on that node) pairs; cluster-wide artifacts only. */
  HOST_PODS("np_hostpods", "hash", HostPodKey.SIZE, 4, 0, EbpfMap.ENDPOINTS_MAX, HostPodKey::decode, HostPodValue::decode);

  /** Identity tries: Cilium's ipcache default (512k); 100,000 dual-stack pods need about 101,200 each. */
  private static final int IPCACHE_MAX = 524_288;
  /**
   * Endpoint and host-pod hashes: cluster-wide they hold every pod address (200,000 for 100,000
   * dual-stack pods), the ipcache's role; per node a few hundred. Preallocated, so no larger.
   */
  private static final int ENDPOINTS_MAX = 262_144;
  /**
   * The policy trie serves every group of a node: Cilium's 16k per endpoint times 128 endpoints
   * (above Kubernetes' default of 110 pods per node). Not preallocated.
   */
  private static final int POLICY_MAX = 2_097_152;
  /** BPF_F_NO_PREALLOC, required for LPM tries. */
  static final int NO_PREALLOC = 1;

  private final String mapName;
  private final String type;
  private final int keySize;
  private final int valueSize;
  private final int flags;
  private final int defaultMaxEntries;
  private final Function<byte[], MapKey> keyDecoder;
  private final Function<byte[], MapValue> valueDecoder;

  EbpfMap(String mapName, String type, int keySize, int valueSize, int flags, int defaultMaxEntries,
      Function<byte[], MapKey> keyDecoder, Function<byte[], MapValue> valueDecoder) {
    this.mapName = mapName;
    this.type = type;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.flags = flags;
    this.defaultMaxEntries = defaultMaxEntries;
    this.keyDecoder = keyDecoder;
    this.valueDecoder = valueDecoder;
  }

  /** The kernel object name (at most 15 characters) and pin file name. */
  public String mapName() {
    return mapName;
  }

  /** The map type as bpftool names it: {@code lpm_trie} or {@code hash}. */
  public String type() {
    return type;
  }

  /** The key size in bytes. */
  public int keySize() {
    return keySize;
  }

  /** The value size in bytes. */
  public int valueSize() {
    return valueSize;
  }

  /** The map flags ({@code BPF_F_NO_PREALLOC} = 1 for the tries). */
  public int flags() {
    return flags;
  }

  /**
   * The maximum number of entries when no {@code maxEntries.<map>} option says otherwise; the
   * datapath object's {@code NP_*_MAX} defaults are the same.
   */
  public int defaultMaxEntries() {
    return defaultMaxEntries;
  }

  /**
   * The key encoded in {@code bytes}.
   *
   * @throws IllegalArgumentException naming what is wrong when the bytes are no key of this map
   */
  public MapKey decodeKey(byte[] bytes) {
    return keyDecoder.apply(bytes);
  }

  /**
   * The value encoded in {@code bytes}.
   *
   * @throws IllegalArgumentException naming what is wrong when the bytes are no value of this map
   */
  public MapValue decodeValue(byte[] bytes) {
    return valueDecoder.apply(bytes);
  }

  /** The map called {@code name} ({@code np_policy}, ...). */
  public static Optional<EbpfMap> byName(String name) {
    for (EbpfMap m : values()) {
      if (m.mapName.equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return mapName;
  }
}
