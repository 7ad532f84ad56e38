package dev.netpolc.backend.ebpf;

import java.util.LinkedHashMap;

/**
 * A value of {@code np_ident4}/{@code np_ident6} (4 bytes): the identity (atom id of the
 * compiler's address-space partition) as a little-endian u32.
 *
 * @param identity the identity, 0 ≤ identity &lt; {@link PolicyKey#ANY_PEER} (unsigned)
 */
public record IdentityValue(int identity) implements MapValue {
  public IdentityValue {
    if (identity == PolicyKey.ANY_PEER) {
      throw new IllegalArgumentException("identity 0xffffffff is reserved for 'any peer'");
    }
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[4];
    ByteCodec.putU32Le(b, 0, identity);
    return b;
  }

  static IdentityValue decode(byte[] b) {
    ByteCodec.requireLength(b, 4, "an identity value");
    return new IdentityValue((int) ByteCodec.u32Le(b, 0));
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("identity", Integer.toUnsignedLong(identity));
    return m;
  }
}
