package dev.netpolc.model.generate;

import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where generated addresses come from. Pods get random-looking but unique IPv4 addresses in
 * {@code 10.0.0.0/8} (a keyed permutation of the pod's index over the 2^24 addresses, so no two
 * pods ever share one) and, when dual-stack, {@code fd00::} plus the same 32 bits (inside
 * {@code fd00::/64}). Nodes get {@code 192.168.0.0/16} and {@code fd01::/64}. None of these
 * overlap the kernel tests' {@code 198.18.0.0/15}.
 */
final class AddressPlan {
  /** The IPv4 pod range. */
  static final String POD_V4_RANGE = "10.0.0.0/8";
  /** The IPv6 pod range. */
  static final String POD_V6_RANGE = "fd00::/64";
  /** The IPv4 node range. */
  static final String NODE_V4_RANGE = "192.168.0.0/16";

  private static final long POD_V4_BASE = 0x0A000000L;
  private static final long NODE_V4_BASE = 0xC0A80000L;
  private static final long POD_V6_HI = 0xFD00_0000_0000_0000L;
  private static final long NODE_V6_HI = 0xFD01_0000_0000_0000L;
  private static final int ROUNDS = 4;

  private final int[] roundKeys = new int[ROUNDS];
  private final boolean dualStack;

  AddressPlan(long seed, boolean dualStack) {
    this.dualStack = dualStack;
    java.util.Random keys = new java.util.Random(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < ROUNDS; i++) {
      roundKeys[i] = keys.nextInt();
    }
  }

  /** The addresses of pod number {@code index} (0 ≤ index &lt; 2^24). */
  List<IpAddress> pod(int index) {
    long offset = permute(index);
    List<IpAddress> out = new ArrayList<>(2);
    out.add(IpAddress.v4(POD_V4_BASE + offset));
    if (dualStack) {
      out.add(IpAddress.v6(POD_V6_HI, POD_V4_BASE + offset));
    }
    return out;
  }

  /** The addresses of node number {@code index} (0 ≤ index &lt; 65,000). */
  List<IpAddress> node(int index) {
    List<IpAddress> out = new ArrayList<>(2);
    out.add(IpAddress.v4(NODE_V4_BASE + 1 + index));
    if (dualStack) {
      out.add(IpAddress.v6(NODE_V6_HI, 1 + index));
    }
    return out;
  }

  /** A Feistel network over 24 bits (two 12-bit halves): a bijection, so pod addresses are unique. */
  private int permute(int index) {
    int left = (index >>> 12) & 0xFFF;
    int right = index & 0xFFF;
    for (int k : roundKeys) {
      int mixed = (right * 0x9E37 + k) ^ (k >>> 13);
      mixed ^= mixed >>> 7;
      int next = left ^ (mixed & 0xFFF);
      left = right;
      right = next;
    }
    return (left << 12) | right;
  }
}
