package dev.netpolc.backend.ebpf;

import dev.netpolc.model.IpAddress;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A key of {@code np_endpoints} (hash, 20 bytes): u8 family (4 or 6), three zero bytes, the
 * address in network order in 16 bytes (an IPv4 address in the first 4, the rest zero).
 *
 * @param address a local endpoint's or the node's address
 */
public record EndpointKey(IpAddress address) implements MapKey {
  /** The encoded size. */
  public static final int SIZE = 20;

  public EndpointKey {
    Objects.requireNonNull(address, "address");
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[SIZE];
    b[0] = (byte) (address.v6() ? 6 : 4);
    ByteCodec.putAddress(b, 4, address);
    return b;
  }

  static EndpointKey decode(byte[] b) {
    ByteCodec.requireLength(b, SIZE, "an np_endpoints key");
    return new EndpointKey(FamilyAddress.decode(b, 0, "np_endpoints key"));
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("address", address.toString());
    return m;
  }

  @Override
  public byte[] sortKey() {
    return encode();
  }
}
