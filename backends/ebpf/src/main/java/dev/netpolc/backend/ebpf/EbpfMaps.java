package dev.netpolc.backend.ebpf;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of every map netpolc fills, typed: what a CNI embedding the library loads with its
 * own BPF calls, and what maps.json and maps.batch hold. Each list is sorted by key (data bytes,
 * then prefix length) and holds each key once.
 *
 * <pre>{@code
 * EbpfMaps maps = new EbpfBackend().maps(graph, BackendOptions.DEFAULTS);
 * for (MapEntry<PolicyKey, PolicyValue> e : maps.policy()) {
 *   bpfMapUpdate(policyFd, e.key().encode(), e.value().encode());
 * }
 * }</pre>
 *
 * @param ident4    np_ident4: IPv4 prefix → identity
 * @param ident6    np_ident6: IPv6 prefix → identity
 * @param endpoints np_endpoints: address → group and flags
 * @param policy    np_policy: (group, peer, direction, protocol, port block) → verdict
 * @param hostPods  np_hostpods: (node address, pod on it); empty except in cluster-wide artifacts
 */
public record EbpfMaps(List<MapEntry<IdentityKey, IdentityValue>> ident4,
    List<MapEntry<IdentityKey, IdentityValue>> ident6, List<MapEntry<EndpointKey, EndpointValue>> endpoints,
    List<MapEntry<PolicyKey, PolicyValue>> policy, List<MapEntry<HostPodKey, HostPodValue>> hostPods) {

  /** No entries at all. */
  public static final EbpfMaps EMPTY = new EbpfMaps(List.of(), List.of(), List.of(), List.of(), List.of());

  public EbpfMaps {
    ident4 = sorted(ident4, EbpfMap.IDENT4);
    ident6 = sorted(ident6, EbpfMap.IDENT6);
    endpoints = sorted(endpoints, EbpfMap.ENDPOINTS);
    policy = sorted(policy, EbpfMap.POLICY);
    hostPods = sorted(hostPods, EbpfMap.HOST_PODS);
    for (MapEntry<IdentityKey, IdentityValue> e : ident4) {
      if (e.key().prefix().v6()) {
        throw new IllegalArgumentException("np_ident4 holds an IPv6 prefix: " + e.key().prefix());
      }
    }
    for (MapEntry<IdentityKey, IdentityValue> e : ident6) {
      if (!e.key().prefix().v6()) {
        throw new IllegalArgumentException("np_ident6 holds an IPv4 prefix: " + e.key().prefix());
      }
    }
  }

  private static <K extends MapKey, V extends MapValue> List<MapEntry<K, V>> sorted(List<MapEntry<K, V>> in,
      EbpfMap map) {
    // Each sort key once: they are built from the key's fields.
    List<Map.Entry<byte[], MapEntry<K, V>>> keyed = new ArrayList<>(in.size());
    for (MapEntry<K, V> e : in) {
      keyed.add(Map.entry(e.key().sortKey(), e));
    }
    keyed.sort((a, b) -> ByteCodec.compare(a.getKey(), b.getKey()));
    ImmutableList.Builder<MapEntry<K, V>> out = ImmutableList.builderWithExpectedSize(in.size());
    for (int i = 0; i < keyed.size(); i++) {
      if (i > 0 && ByteCodec.compare(keyed.get(i).getKey(), keyed.get(i - 1).getKey()) == 0) {
        throw new IllegalArgumentException(map + " holds key " + keyed.get(i).getValue().key() + " twice");
      }
      out.add(keyed.get(i).getValue());
    }
    return out.build();
  }

  /** A builder that checks key and value types per map. */
  public static Builder builder() {
    return new Builder();
  }

  /** The entries of {@code map}, in key order. */
  public List<MapEntry<?, ?>> entries(EbpfMap map) {
    return switch (map) {
      case IDENT4 -> List.copyOf(ident4);
      case IDENT6 -> List.copyOf(ident6);
      case ENDPOINTS -> List.copyOf(endpoints);
      case POLICY -> List.copyOf(policy);
      case HOST_PODS -> List.copyOf(hostPods);
    };
  }

  /** The number of entries of {@code map}. */
  public int count(EbpfMap map) {
    return switch (map) {
      case IDENT4 -> ident4.size();
      case IDENT6 -> ident6.size();
      case ENDPOINTS -> endpoints.size();
      case POLICY -> policy.size();
      case HOST_PODS -> hostPods.size();
    };
  }

  /** The number of entries of every map, in map order. */
  public Map<EbpfMap, Integer> counts() {
    Map<EbpfMap, Integer> out = new EnumMap<>(EbpfMap.class);
    for (EbpfMap m : EbpfMap.values()) {
      out.put(m, count(m));
    }
    return out;
  }

  /** The value of {@code key} in {@code map}. */
  public Optional<MapValue> get(EbpfMap map, MapKey key) {
    for (MapEntry<?, ?> e : entries(map)) {
      if (e.key().equals(key)) {
        return Optional.of(e.value());
      }
    }
    return Optional.empty();
  }

  /**
   * Collects entries map by map. {@link #put} rejects a key given twice; {@link #putIfAbsent}
   * keeps the first value.
   */
  public static final class Builder {
    private final Map<EbpfMap, Map<MapKey, MapValue>> entries = new EnumMap<>(EbpfMap.class);

    private Builder() {
      for (EbpfMap m : EbpfMap.values()) {
        entries.put(m, new HashMap<>());
      }
    }

    /**
     * Adds an entry.
     *
     * @throws IllegalArgumentException when the key or value is not of {@code map}'s types, or
     *                                  the key is already there
     */
    public Builder put(EbpfMap map, MapKey key, MapValue value) {
      if (putIfAbsent(map, key, value).isPresent()) {
        throw new IllegalArgumentException(map + " holds key " + key + " twice");
      }
      return this;
    }

    /** Adds an entry unless the key is there; answers the value already there, if any. */
    public Optional<MapValue> putIfAbsent(EbpfMap map, MapKey key, MapValue value) {
      checkTypes(map, key, value);
      return Optional.ofNullable(entries.get(map).putIfAbsent(key, value));
    }

    /** The value of {@code key} in {@code map} so far. */
    public Optional<MapValue> get(EbpfMap map, MapKey key) {
      return Optional.ofNullable(entries.get(map).get(key));
    }

    /** Replaces (or adds) the value of {@code key}. */
    public Builder replace(EbpfMap map, MapKey key, MapValue value) {
      checkTypes(map, key, value);
      entries.get(map).put(key, value);
      return this;
    }

    /** Removes {@code key}; answers whether it was there. */
    public boolean remove(EbpfMap map, MapKey key) {
      return entries.get(map).remove(key) != null;
    }

    /** The number of entries of {@code map} so far. */
    public int count(EbpfMap map) {
      return entries.get(map).size();
    }

    /** The maps. */
    public EbpfMaps build() {
      return new EbpfMaps(typed(EbpfMap.IDENT4, IdentityKey.class, IdentityValue.class),
          typed(EbpfMap.IDENT6, IdentityKey.class, IdentityValue.class),
          typed(EbpfMap.ENDPOINTS, EndpointKey.class, EndpointValue.class),
          typed(EbpfMap.POLICY, PolicyKey.class, PolicyValue.class),
          typed(EbpfMap.HOST_PODS, HostPodKey.class, HostPodValue.class));
    }

    private <K extends MapKey, V extends MapValue> List<MapEntry<K, V>> typed(EbpfMap map, Class<K> k, Class<V> v) {
      List<MapEntry<K, V>> out = new ArrayList<>();
      entries.get(map).forEach((key, value) -> out.add(new MapEntry<>(k.cast(key), v.cast(value))));
      return out;
    }

    private static void checkTypes(EbpfMap map, MapKey key, MapValue value) {
      boolean ok = switch (map) {
        case IDENT4 -> key instanceof IdentityKey ik && !ik.prefix().v6() && value instanceof IdentityValue;
        case IDENT6 -> key instanceof IdentityKey ik && ik.prefix().v6() && value instanceof IdentityValue;
        case ENDPOINTS -> key instanceof EndpointKey && value instanceof EndpointValue;
        case POLICY -> key instanceof PolicyKey && value instanceof PolicyValue;
        case HOST_PODS -> key instanceof HostPodKey && value instanceof HostPodValue;
      };
      if (!ok) {
        throw new IllegalArgumentException("not an entry of " + map + ": " + key + " = " + value);
      }
    }
  }
}
