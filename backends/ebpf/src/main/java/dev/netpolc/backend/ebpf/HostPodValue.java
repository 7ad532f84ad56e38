package dev.netpolc.backend.ebpf;

import java.util.LinkedHashMap;

/** The value of {@code np_hostpods} (4 bytes, zero): the key's presence is the information. */
public record HostPodValue() implements MapValue {
  /** The one value. */
  public static final HostPodValue PRESENT = new HostPodValue();

  @Override
  public byte[] encode() {
    return new byte[4];
  }

  static HostPodValue decode(byte[] b) {
    ByteCodec.requireLength(b, 4, "an np_hostpods value");
    ByteCodec.requireZero(b, 0, 4, "an np_hostpods value");
    return PRESENT;
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    return new LinkedHashMap<>();
  }
}
