package dev.netpolc.backend.ebpf;

import dev.netpolc.model.IpAddress;
import java.util.HexFormat;

/** Little helpers for the fixed-layout byte encodings: integers in either order, addresses, hex. */
final class ByteCodec {
  private static final HexFormat HEX = HexFormat.of();

  private ByteCodec() {}

  static void putU32Le(byte[] b, int at, long v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putU32Be(byte[] b, int at, long v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (24 - 8 * i));
    }
  }

  static void putU16Be(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void putU16Le(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static long u32Le(byte[] b, int at) {
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  static long u32Be(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  static int u16Be(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  static int u16Le(byte[] b, int at) {
    return ((b[at + 1] & 0xFF) << 8) | (b[at] & 0xFF);
  }

  static int u8(byte[] b, int at) {
    return b[at] & 0xFF;
  }

  /** Writes {@code ip} at {@code at}: 4 or 16 bytes in network order. */
  static void putAddress(byte[] b, int at, IpAddress ip) {
    byte[] a = ip.toBytes();
    System.arraycopy(a, 0, b, at, a.length);
  }

  /** Reads a network-order address of 4 or 16 bytes. */
  static IpAddress address(byte[] b, int at, boolean v6) {
    if (!v6) {
      return IpAddress.v4(u32Be(b, at));
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[at + i] & 0xFF);
      lo = (lo << 8) | (b[at + 8 + i] & 0xFF);
    }
    return IpAddress.v6(hi, lo);
  }

  /** Throws unless bytes {@code from..to-1} are zero (padding and unused address bytes). */
  static void requireZero(byte[] b, int from, int to, String what) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        throw new IllegalArgumentException(what + " must be zero (byte " + i + " is " + hex2(b[i]) + ")");
      }
    }
  }

  static void requireLength(byte[] b, int n, String what) {
    if (b.length != n) {
      throw new IllegalArgumentException(what + " is " + n + " bytes, got " + b.length);
    }
  }

  /** Lower-case hex without separators: {@code 0a000001}. */
  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  /** Lower-case hex bytes separated by spaces, as bpftool takes them: {@code 0a 00 00 01}. */
  static String spacedHex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 3);
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(hex2(b[i]));
    }
    return sb.toString();
  }

  private static String hex2(byte x) {
    return HEX.toHexDigits(x);
  }

  /** Parses hex without separators; throws {@link IllegalArgumentException} when malformed. */
  static byte[] parseHex(String s) {
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        throw new IllegalArgumentException("not a hex digit: '" + s.charAt(i) + "'");
      }
    }
    return HEX.parseHex(s);
  }

  /** Unsigned lexicographic comparison. */
  static int compare(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b);
  }
}
