package dev.netpolc.backend.ebpf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A value of {@code np_endpoints} (8 bytes): the endpoint group's dense index and the flags,
 * both little-endian u32. The compiled node's own addresses have group {@link #NO_GROUP} and
 * flag {@link #HOST}; an address that is both (a hostNetwork pod made a policy target) has its
 * group and {@link #HOST}.
 *
 * @param group the group index (groups sorted by id), or {@link #NO_GROUP}
 * @param flags {@link #INGRESS_ISOLATED} | {@link #EGRESS_ISOLATED} | {@link #HOST}
 */
public record EndpointValue(int group, int flags) implements MapValue {
  /** The group of a node address that is no endpoint: 0xffffffff. */
  public static final int NO_GROUP = -1;
  /** Flag: the group is isolated for ingress (bit 0). */
  public static final int INGRESS_ISOLATED = 1;
  /** Flag: the group is isolated for egress (bit 1). */
  public static final int EGRESS_ISOLATED = 2;
  /** Flag: the address is the compiled node's own (bit 2). */
  public static final int HOST = 4;
  private static final int ALL_FLAGS = INGRESS_ISOLATED | EGRESS_ISOLATED | HOST;

  public EndpointValue {
    if ((flags & ~ALL_FLAGS) != 0) {
      throw new IllegalArgumentException("unknown endpoint flags 0x" + Integer.toHexString(flags & ~ALL_FLAGS));
    }
    if (group == NO_GROUP && flags != HOST) {
      throw new IllegalArgumentException("an entry without a group is a node address: flags must be HOST only");
    }
  }

  /** The value of a node address that is not an endpoint. */
  public static EndpointValue host() {
    return new EndpointValue(NO_GROUP, HOST);
  }

  /** True when this is a local endpoint (it has a group). */
  public boolean isEndpoint() {
    return group != NO_GROUP;
  }

  /** True when the address is the compiled node's own. */
  public boolean isHost() {
    return (flags & HOST) != 0;
  }

  /** True when the endpoint's group is isolated in {@code d}. */
  public boolean isolated(dev.netpolc.compiler.ir.Direction d) {
    return (flags & (d == dev.netpolc.compiler.ir.Direction.INGRESS ? INGRESS_ISOLATED : EGRESS_ISOLATED)) != 0;
  }

  /** This value with {@link #HOST} added. */
  public EndpointValue withHost() {
    return new EndpointValue(group, flags | HOST);
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[8];
    ByteCodec.putU32Le(b, 0, group);
    ByteCodec.putU32Le(b, 4, flags);
    return b;
  }

  static EndpointValue decode(byte[] b) {
    ByteCodec.requireLength(b, 8, "an np_endpoints value");
    long flags = ByteCodec.u32Le(b, 4);
    if (flags > ALL_FLAGS) {
      throw new IllegalArgumentException("unknown endpoint flags 0x" + Long.toHexString(flags));
    }
    return new EndpointValue((int) ByteCodec.u32Le(b, 0), (int) flags);
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("group", group == NO_GROUP ? "none" : Integer.toUnsignedLong(group));
    List<String> names = new ArrayList<>();
    if ((flags & INGRESS_ISOLATED) != 0) {
      names.add("INGRESS_ISOLATED");
    }
    if ((flags & EGRESS_ISOLATED) != 0) {
      names.add("EGRESS_ISOLATED");
    }
    if ((flags & HOST) != 0) {
      names.add("HOST");
    }
    m.put("flags", String.join("|", names));
    return m;
  }
}
