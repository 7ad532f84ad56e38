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
 * <p>Per direction a group is <em>isolated</em> (np_policy decides; a lookup that finds nothing
 * denies), <em>denies</em> (np_policy decides; a lookup that finds nothing allows: a group
 * whose default is allow but whose tiered rules deny something), or neither (everything
 * passes); never both. {@link #OWN_NODE_EGRESS} sends egress to the pod's own node through
 * np_policy's direction 2 (a miss allows); without it that egress passes.
 *
 * @param group the group index (groups sorted by id), or {@link #NO_GROUP}
 * @param flags {@link #INGRESS_ISOLATED} | {@link #EGRESS_ISOLATED} | {@link #HOST} |
 *              {@link #INGRESS_DENIES} | {@link #EGRESS_DENIES} | {@link #OWN_NODE_EGRESS}
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
  /** Flag: ingress is looked up although not isolated; a miss allows (bit 8). */
  public static final int INGRESS_DENIES = 0x100;
  /** Flag: egress is looked up although not isolated; a miss allows (bit 9). */
  public static final int EGRESS_DENIES = 0x200;
  /** Flag: egress to the pod's own node is looked up with direction 2; a miss allows (bit 10). */
  public static final int OWN_NODE_EGRESS = 0x400;
  private static final int ALL_FLAGS = INGRESS_ISOLATED | EGRESS_ISOLATED | HOST | INGRESS_DENIES | EGRESS_DENIES
      | OWN_NODE_EGRESS;

  public EndpointValue {
    if ((flags & ~ALL_FLAGS) != 0) {
      throw new IllegalArgumentException("unknown endpoint flags 0x" + Integer.toHexString(flags & ~ALL_FLAGS));
    }
    if (group == NO_GROUP && flags != HOST) {
      throw new IllegalArgumentException("an entry without a group is a node address: flags must be HOST only");
    }
    if ((flags & INGRESS_ISOLATED) != 0 && (flags & INGRESS_DENIES) != 0
        || (flags & EGRESS_ISOLATED) != 0 && (flags & EGRESS_DENIES) != 0) {
      throw new IllegalArgumentException("a direction is either isolated or denies, not both");
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

  /** True when the endpoint's group is isolated in {@code d}: looked up, a miss denies. */
  public boolean isolated(dev.netpolc.compiler.ir.Direction d) {
    return (flags & (d == dev.netpolc.compiler.ir.Direction.INGRESS ? INGRESS_ISOLATED : EGRESS_ISOLATED)) != 0;
  }

  /** True when {@code d} is looked up in np_policy though not isolated: a miss allows. */
  public boolean denies(dev.netpolc.compiler.ir.Direction d) {
    return (flags & (d == dev.netpolc.compiler.ir.Direction.INGRESS ? INGRESS_DENIES : EGRESS_DENIES)) != 0;
  }

  /** True when egress to the pod's own node is looked up (direction 2; a miss allows). */
  public boolean ownNodeEgress() {
    return (flags & OWN_NODE_EGRESS) != 0;
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
    if ((flags & ~(long) ALL_FLAGS) != 0) {
      throw new IllegalArgumentException("unknown endpoint flags 0x" + Long.toHexString(flags & ~(long) ALL_FLAGS));
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
    if ((flags & INGRESS_DENIES) != 0) {
      names.add("INGRESS_DENIES");
    }
    if ((flags & EGRESS_DENIES) != 0) {
      names.add("EGRESS_DENIES");
    }
    if ((flags & OWN_NODE_EGRESS) != 0) {
      names.add("OWN_NODE_EGRESS");
    }
    m.put("flags", String.join("|", names));
    return m;
  }
}
