package dev.netpolc.backend.ebpf;

import java.util.Optional;
import java.util.function.Function;

/**
 * The maps netpolc fills, with the definitions the datapath creates them with. The connection
 * tracking map {@code np_conntrack} is the datapath's own and not listed. {@link #HOST_PODS}
 * appears only in cluster-wide artifacts, which no datapath loads.
 */
public enum EbpfMap {
  /** IPv4 address prefix → identity. */
  IDENT4("np_ident4", "lpm_trie", 8, 4, EbpfMap.NO_PREALLOC, b -> IdentityKey.decode(b, false),
      IdentityValue::decode),
  /** IPv6 address prefix → identity. */
  IDENT6("np_ident6", "lpm_trie", 20, 4, EbpfMap.NO_PREALLOC, b -> IdentityKey.decode(b, true),
      IdentityValue::decode),
  /** Local endpoint or node address → group and flags. */
  ENDPOINTS("np_endpoints", "hash", EndpointKey.SIZE, 8, 0, EndpointKey::decode, EndpointValue::decode),
  /** (group, peer identity, direction, protocol, port prefix) → verdict. */
  POLICY("np_policy", "lpm_trie", PolicyKey.SIZE, 12, EbpfMap.NO_PREALLOC, PolicyKey::decode, PolicyValue::decode),
  /** (node address, pod on that node) pairs; cluster-wide artifacts only. */
  HOST_PODS("np_hostpods", "hash", HostPodKey.SIZE, 4, 0, HostPodKey::decode, HostPodValue::decode);

  /** The default maximum number of entries of every map. */
  public static final int DEFAULT_MAX_ENTRIES = 65_536;
  /** BPF_F_NO_PREALLOC, required for LPM tries. */
  static final int NO_PREALLOC = 1;

  private final String mapName;
  private final String type;
  private final int keySize;
  private final int valueSize;
  private final int flags;
  private final Function<byte[], MapKey> keyDecoder;
  private final Function<byte[], MapValue> valueDecoder;

  EbpfMap(String mapName, String type, int keySize, int valueSize, int flags, Function<byte[], MapKey> keyDecoder,
      Function<byte[], MapValue> valueDecoder) {
    this.mapName = mapName;
    this.type = type;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.flags = flags;
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
