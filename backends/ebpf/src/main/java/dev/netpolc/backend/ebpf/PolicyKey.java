package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.ir.Direction;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A key of {@code np_policy} (LPM trie, 16 bytes): host-order u32 prefix length, then in network
 * order u32 group, u32 peer identity, u8 direction, u8 protocol, u16 destination port. The
 * prefix length counts data bits: 80 covers group to protocol, {@code 80 + k} also the top
 * {@code k} bits of the port. The direction byte is 0 (ingress), 1 (egress) or 2 (egress to the
 * pod's own node, decided without the NetworkPolicy tier: {@code ownNode}). The peer is an
 * identity, or the class key {@code ~c} of peer class {@code c} (0 to 254: {@code 0xffffffff}
 * to {@code 0xffffff01}), which stands for every identity of that class; class 0's key is
 * {@link #ANY_PEER}, every address in a graph without Admin or Baseline rules.
 *
 * @param prefixLength 80..96; exactly 80 when {@code protocol} is 0
 * @param group        the group index
 * @param peer         the peer identity, or a class key ({@link #ANY_PEER} for class 0)
 * @param direction    ingress (peer is the source) or egress (peer is the destination)
 * @param ownNode      egress to an address of the pod's own node (direction byte 2); only with
 *                     {@code EGRESS}
 * @param protocol     IP protocol number, 0 for every protocol
 * @param port         the first value of the block: a destination port, ICMP's
 *                     {@code type << 8 | code}, or 0 for a protocol without ports; bits past
 *                     the prefix are zero
 */
public record PolicyKey(int prefixLength, int group, int peer, Direction direction, boolean ownNode, int protocol,
    int port) implements MapKey {
  /**
   * The class key of peer class 0, 0xffffffff: every address when the graph has one class (no
   * Admin or Baseline rules), as in the first layout.
   */
  public static final int ANY_PEER = -1;
  /** The prefix length covering group, peer, direction and protocol. */
  public static final int BASE_PREFIX = 80;
  /** The prefix length covering every data bit, used for lookups. */
  public static final int FULL_PREFIX = 96;
  /** The encoded size. */
  public static final int SIZE = 16;

  /** The direction byte of egress to the pod's own node. */
  public static final int OWN_NODE_DIRECTION = 2;

  public PolicyKey {
    Objects.requireNonNull(direction, "direction");
    if (ownNode && direction != Direction.EGRESS) {
      throw new IllegalArgumentException("only egress keys can be for the pod's own node");
    }
    if (prefixLength < BASE_PREFIX || prefixLength > FULL_PREFIX) {
      throw new IllegalArgumentException("policy prefix length must be 80..96, got " + prefixLength);
    }
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol out of range: " + protocol);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (protocol == 0 && (prefixLength != BASE_PREFIX || port != 0)) {
      throw new IllegalArgumentException("protocol 0 (every protocol) needs prefix length 80 and port 0");
    }
    int portBits = prefixLength - BASE_PREFIX;
    if (portBits < 16 && (port & (0xFFFF >>> portBits)) != 0) {
      throw new IllegalArgumentException("port " + port + " has bits set past prefix length " + prefixLength);
    }
  }

  /** A key of an ingress or egress entry (not for the pod's own node). */
  public PolicyKey(int prefixLength, int group, int peer, Direction direction, int protocol, int port) {
    this(prefixLength, group, peer, direction, false, protocol, port);
  }

  /** A lookup key: every bit significant. */
  public static PolicyKey lookup(int group, int peer, Direction direction, int protocol, int port) {
    return lookup(group, peer, direction, false, protocol, port);
  }

  /** A lookup key, for the pod's own node when {@code ownNode}: every bit significant. */
  public static PolicyKey lookup(int group, int peer, Direction direction, boolean ownNode, int protocol, int port) {
    return new PolicyKey(protocol == 0 ? BASE_PREFIX : FULL_PREFIX, group, peer, direction, ownNode, protocol,
        protocol == 0 ? 0 : port);
  }

  /** The direction byte: 0 ingress, 1 egress, 2 egress to the pod's own node. */
  public int directionByte() {
    return ownNode ? OWN_NODE_DIRECTION : direction == Direction.INGRESS ? 0 : 1;
  }

  /** The number of ports this key's block covers (1 to 65536). */
  public int portCount() {
    return 1 << (FULL_PREFIX - prefixLength);
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[SIZE];
    ByteCodec.putU32Le(b, 0, prefixLength);
    writeData(b, 4);
    return b;
  }

  /** The 12 data bytes (group to port), network order. */
  byte[] data() {
    byte[] b = new byte[12];
    writeData(b, 0);
    return b;
  }

  private void writeData(byte[] b, int at) {
    ByteCodec.putU32Be(b, at, group);
    ByteCodec.putU32Be(b, at + 4, peer);
    b[at + 8] = (byte) directionByte();
    b[at + 9] = (byte) protocol;
    ByteCodec.putU16Be(b, at + 10, port);
  }

  static PolicyKey decode(byte[] b) {
    ByteCodec.requireLength(b, SIZE, "an np_policy key");
    long len = ByteCodec.u32Le(b, 0);
    if (len < BASE_PREFIX || len > FULL_PREFIX) {
      throw new IllegalArgumentException("policy prefix length must be 80..96, got " + len);
    }
    int dir = ByteCodec.u8(b, 12);
    if (dir > OWN_NODE_DIRECTION) {
      throw new IllegalArgumentException("direction must be 0 (ingress), 1 (egress) or 2 (egress to the own node), got "
          + dir);
    }
    return new PolicyKey((int) len, (int) ByteCodec.u32Be(b, 4), (int) ByteCodec.u32Be(b, 8),
        dir == 0 ? Direction.INGRESS : Direction.EGRESS, dir == OWN_NODE_DIRECTION, ByteCodec.u8(b, 13),
        ByteCodec.u16Be(b, 14));
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("prefixLength", prefixLength);
    m.put("group", Integer.toUnsignedLong(group));
    int peerClass = ~peer;
    m.put("peer", peer == ANY_PEER ? "any" : peerClass > 0 && peerClass < Identities.MAX_CLASSES ? "class " + peerClass
        : Integer.toUnsignedLong(peer));
    m.put("direction", ownNode ? "egress-own-node" : direction.apiName());
    m.put("protocol", protocol);
    int last = port + portCount() - 1;
    m.put("ports", protocol == 0 ? "any" : port == last ? Integer.toString(port) : port + "-" + last);
    return m;
  }

  @Override
  public byte[] sortKey() {
    byte[] d = data();
    byte[] out = java.util.Arrays.copyOf(d, d.length + 1);
    out[d.length] = (byte) prefixLength;
    return out;
  }
}
