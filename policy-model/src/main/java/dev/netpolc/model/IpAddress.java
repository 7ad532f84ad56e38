package dev.netpolc.model;

import java.util.Optional;

/**
 * An IPv4 or IPv6 address as two unsigned 64-bit halves. IPv4 addresses live in {@code lo}'s low
 * 32 bits. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) stay IPv6, as SEMANTICS.md
 * requires; {@link java.net.InetAddress} would silently turn them into IPv4, which is why this
 * type exists. Addresses order IPv4 before IPv6, then numerically.
 *
 * @param v6 true for IPv6
 * @param hi the high 64 bits (always 0 for IPv4)
 * @param lo the low 64 bits (the 32-bit value for IPv4)
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {

  public IpAddress {
    if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
      throw new IllegalArgumentException("IPv4 address out of range");
    }
  }

  /** The width of the family in bits: 32 or 128. */
  public int bits() {
    return v6 ? 128 : 32;
  }

  /** An IPv4 address from its 32-bit value. */
  public static IpAddress v4(long value) {
    return new IpAddress(false, 0, value & 0xFFFF_FFFFL);
  }

  /** An IPv6 address from its two halves. */
  public static IpAddress v6(long hi, long lo) {
    return new IpAddress(true, hi, lo);
  }

  /** Parses an address; throws {@link IllegalArgumentException} with a reason when invalid. */
  public static IpAddress parse(String text) {
    return tryParse(text).orElseThrow(() -> new IllegalArgumentException("invalid IP address: " + text));
  }

  /** Parses an address, or answers empty. Accepts IPv4 leading zeros as decimal (as the API's legacy parser). */
  public static Optional<IpAddress> tryParse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    long v = parseV4(text);
    return v < 0 ? Optional.empty() : Optional.of(v4(v));
  }

  /** True when the dotted IPv4 text (or the IPv4 tail of an IPv6 text) has a leading zero. */
  public static boolean hasLeadingZeros(String text) {
    String tail = text.substring(text.lastIndexOf(':') + 1);
    if (tail.indexOf('.') < 0) {
      return false;
    }
    for (String part : tail.split("\\.", -1)) {
      if (part.length() > 1 && part.charAt(0) == '0') {
        return true;
      }
    }
    return false;
  }

  /** True for {@code ::ffff:0:0/96} addresses. */
  public boolean isIpv4Mapped() {
    return v6 && hi == 0 && (lo >>> 32) == 0xFFFFL;
  }

  private static long parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    long v = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3) {
        return -1;
      }
      int octet = 0;
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        octet = octet * 10 + (c - '0');
      }
      if (octet > 255) {
        return -1;
      }
      v = (v << 8) | octet;
    }
    return v;
  }

  private static Optional<IpAddress> parseV6(String text) {
    int[] groups = new int[8];
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return Optional.empty();
    }
    String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
    String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
    int[] headGroups = parseGroups(head, doubleColon < 0 && head.contains("."));
    int[] tailGroups = parseGroups(tail, tail.contains("."));
    if (headGroups == null || tailGroups == null) {
      return Optional.empty();
    }
    int total = headGroups.length + tailGroups.length;
    if (doubleColon < 0 ? total != 8 : total > 7) {
      return Optional.empty();
    }
    System.arraycopy(headGroups, 0, groups, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, groups, 8 - tailGroups.length, tailGroups.length);
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | groups[i];
      lo = (lo << 16) | groups[i + 4];
    }
    return Optional.of(v6(hi, lo));
  }

  /** Parses colon-separated hex groups; the last may be a dotted IPv4 (two groups). Null if invalid. */
  private static int[] parseGroups(String s, boolean ipv4Tail) {
    if (s.isEmpty()) {
      return new int[0];
    }
    String[] parts = s.split(":", -1);
    int n = parts.length + (ipv4Tail ? 1 : 0);
    int[] out = new int[n];
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (ipv4Tail && i == parts.length - 1) {
        long v4 = parseV4(part);
        if (v4 < 0) {
          return null;
        }
        out[i] = (int) (v4 >>> 16);
        out[i + 1] = (int) (v4 & 0xFFFF);
        continue;
      }
      if (part.isEmpty() || part.length() > 4) {
        return null;
      }
      int g = 0;
      for (int j = 0; j < part.length(); j++) {
        int d = Character.digit(part.charAt(j), 16);
        if (d < 0) {
          return null;
        }
        g = (g << 4) | d;
      }
      out[i] = g;
    }
    return out;
  }

  /** The address {@code n} steps above this one, or empty past the family's end. */
  public Optional<IpAddress> plus(long n) {
    if (!v6) {
      long v = lo + n;
      return v > 0xFFFF_FFFFL ? Optional.empty() : Optional.of(v4(v));
    }
    long newLo = lo + n;
    boolean carry = Long.compareUnsigned(newLo, lo) < 0;
    if (carry && hi == -1L) {
      return Optional.empty();
    }
    long newHi = hi + (carry ? 1 : 0);
    return Optional.of(v6(newHi, newLo));
  }

  /** The next address, or empty at the family's last address. */
  public Optional<IpAddress> next() {
    return plus(1);
  }

  /** The previous address, or empty at the family's first address. */
  public Optional<IpAddress> previous() {
    if (!v6) {
      return lo == 0 ? Optional.empty() : Optional.of(v4(lo - 1));
    }
    if (hi == 0 && lo == 0) {
      return Optional.empty();
    }
    long newLo = lo - 1;
    long newHi = lo == 0 ? hi - 1 : hi;
    return Optional.of(v6(newHi, newLo));
  }

  /** Bit {@code i} counted from the most significant bit of the family (0-based). */
  public boolean bit(int i) {
    if (!v6) {
      return ((lo >>> (31 - i)) & 1) != 0;
    }
    return i < 64 ? ((hi >>> (63 - i)) & 1) != 0 : ((lo >>> (127 - i)) & 1) != 0;
  }

  /** This address with all bits after the first {@code prefix} cleared. */
  public IpAddress mask(int prefix) {
    if (!v6) {
      long m = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
      return v4(lo & m);
    }
    return v6(hi & highMask(prefix), lo & highMask(prefix - 64));
  }

  /** This address with all bits after the first {@code prefix} set. */
  public IpAddress fill(int prefix) {
    if (!v6) {
      long m = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
      return v4(lo | (~m & 0xFFFF_FFFFL));
    }
    return v6(hi | ~highMask(prefix), lo | ~highMask(prefix - 64));
  }

  private static long highMask(int prefix) {
    if (prefix <= 0) {
      return 0;
    }
    if (prefix >= 64) {
      return -1L;
    }
    return -1L << (64 - prefix);
  }

  /** The address as bytes in network order (4 or 16). */
  public byte[] toBytes() {
    byte[] out = new byte[v6 ? 16 : 4];
    if (!v6) {
      for (int i = 0; i < 4; i++) {
        out[i] = (byte) (lo >>> (24 - 8 * i));
      }
    } else {
      for (int i = 0; i < 8; i++) {
        out[i] = (byte) (hi >>> (56 - 8 * i));
        out[i + 8] = (byte) (lo >>> (56 - 8 * i));
      }
    }
    return out;
  }

  @Override
  public int compareTo(IpAddress o) {
    if (v6 != o.v6) {
      return v6 ? 1 : -1;
    }
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run compressed). */
  @Override
  public String toString() {
    if (!v6) {
      return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
    }
    int[] g = new int[8];
    for (int i = 0; i < 4; i++) {
      g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
      g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
