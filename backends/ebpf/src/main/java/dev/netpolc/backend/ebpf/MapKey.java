package dev.netpolc.backend.ebpf;

import java.util.LinkedHashMap;

/**
 * The key of an entry of one of netpolc's eBPF maps, with its exact byte encoding (see
 * {@code backends/ebpf/README.md} for the layout). {@link EbpfMap#decodeKey} is the inverse of
 * {@link #encode()}.
 *
 * <pre>{@code
 * byte[] bytes = new EndpointKey(IpAddress.parse("10.0.0.7")).encode(); // 20 bytes
 * MapKey back = EbpfMap.ENDPOINTS.decodeKey(bytes);
 * }</pre>
 */
public sealed interface MapKey permits IdentityKey, EndpointKey, PolicyKey, HostPodKey {
  /** The key as the kernel stores it. */
  byte[] encode();

  /** The fields, by name, as maps.json shows them (strings and numbers). */
  LinkedHashMap<String, Object> fields();

  /**
   * The order entries are listed in: the data bytes, then (for LPM keys) the prefix length, so
   * that output reads in address, then group order.
   */
  byte[] sortKey();
}
