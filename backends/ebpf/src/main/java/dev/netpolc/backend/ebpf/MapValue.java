package dev.netpolc.backend.ebpf;

import java.util.LinkedHashMap;

/**
 * The value of an entry of one of netpolc's eBPF maps, with its exact byte encoding.
 * {@link EbpfMap#decodeValue} is the inverse of {@link #encode()}.
 *
 * <pre>{@code
 * byte[] bytes = new IdentityValue(3).encode(); // 03 00 00 00
 * }</pre>
 */
public sealed interface MapValue permits IdentityValue, EndpointValue, PolicyValue, HostPodValue {
  /** The value as the kernel stores it. */
  byte[] encode();

  /** The fields, by name, as maps.json shows them (strings and numbers). */
  LinkedHashMap<String, Object> fields();
}
