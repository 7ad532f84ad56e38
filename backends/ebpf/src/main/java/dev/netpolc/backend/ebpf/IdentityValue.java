package dev.netpolc.backend.ebpf;

import java.util.LinkedHashMap;

/**
 * A value of {@code np_ident4}/{@code np_ident6} (4 bytes): the identity as a little-endian u32,
 * whose top byte is the identity's peer class (0 to 254) and whose low 24 bits number the parts
 * of the address-space partition ({@link Identities}). In maps of graphs without Admin or
 * Baseline rules every class is 0, so the identity is the compiler's atom id.
 *
 * @param identity the identity, below {@code 0xff000000} (unsigned): class 255 is never used,
 *                 so that no identity equals a class key ({@code ~class}) or "any peer"
 */
public record IdentityValue(int identity) implements MapValue {
  public IdentityValue {
    if (identity >>> Identities.CLASS_SHIFT >= Identities.MAX_CLASSES) {
      throw new IllegalArgumentException("identity 0x" + Integer.toHexString(identity)
          + " has class 255 (top byte 0xff), which the layout reserves for class keys and 'any peer'");
    }
  }

  /** The identity's peer class: its top byte. */
  public int peerClass() {
    return identity >>> Identities.CLASS_SHIFT;
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
    if (peerClass() != 0) { // class 0 (every identity of a graph without tiers) shows as before
      m.put("class", peerClass());
    }
    return m;
  }
}
