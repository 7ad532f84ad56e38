package dev.netpolc.backend.ebpf;

import dev.netpolc.model.Cidr;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A key of {@code np_ident4} (8 bytes) or {@code np_ident6} (20 bytes), LPM tries: a host-order
 * (little-endian) u32 prefix length, then the address in network order.
 *
 * @param prefix the address block
 */
public record IdentityKey(Cidr prefix) implements MapKey {
  public IdentityKey {
    Objects.requireNonNull(prefix, "prefix");
  }

  /** The map this key belongs to: {@link EbpfMap#IDENT4} or {@link EbpfMap#IDENT6}. */
  public EbpfMap map() {
    return prefix.v6() ? EbpfMap.IDENT6 : EbpfMap.IDENT4;
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[prefix.v6() ? 20 : 8];
    ByteCodec.putU32Le(b, 0, prefix.prefix());
    ByteCodec.putAddress(b, 4, prefix.address());
    return b;
  }

  /** Decodes an 8-byte (IPv4) or 20-byte (IPv6) key; host bits beyond the prefix must be zero. */
  static IdentityKey decode(byte[] b, boolean v6) {
    ByteCodec.requireLength(b, v6 ? 20 : 8, (v6 ? "an np_ident6" : "an np_ident4") + " key");
    long len = ByteCodec.u32Le(b, 0);
    int bits = v6 ? 128 : 32;
    if (len > bits) {
      throw new IllegalArgumentException("prefix length " + len + " exceeds " + bits);
    }
    try {
      return new IdentityKey(new Cidr(ByteCodec.address(b, 4, v6), (int) len));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("address bits beyond the prefix length must be zero: " + e.getMessage(), e);
    }
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("prefix", prefix.toString());
    return m;
  }

  @Override
  public byte[] sortKey() {
    byte[] a = prefix.address().toBytes();
    byte[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = (byte) prefix.prefix();
    return out;
  }
}
