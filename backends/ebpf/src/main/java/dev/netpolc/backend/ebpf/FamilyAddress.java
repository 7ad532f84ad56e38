package dev.netpolc.backend.ebpf;

import dev.netpolc.model.IpAddress;

/** The shared "u8 family | u8 pad[3] | u8 addr[16]" part of the hash keys. */
final class FamilyAddress {
  private FamilyAddress() {}

  /** Reads the family byte at {@code at}, checks the padding, and reads the address after it. */
  static IpAddress decode(byte[] b, int at, String what) {
    int family = ByteCodec.u8(b, at);
    if (family != 4 && family != 6) {
      throw new IllegalArgumentException(what + ": family must be 4 or 6, got " + family);
    }
    ByteCodec.requireZero(b, at + 1, at + 4, what + " padding");
    return address(b, at + 4, family == 6, what);
  }

  /** Reads a 16-byte address slot: an IPv4 address uses the first 4 bytes, the rest are zero. */
  static IpAddress address(byte[] b, int at, boolean v6, String what) {
    if (!v6) {
      ByteCodec.requireZero(b, at + 4, at + 16, what + " bytes after an IPv4 address");
    }
    return ByteCodec.address(b, at, v6);
  }
}
