package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Tier;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A value of {@code np_policy} (12 bytes): u8 action (1 ALLOW, 2 DENY, 3 PASS), u8 tier (0
 * ADMIN, 1 NETWORK_POLICY, 2 BASELINE), u16 zero, then little-endian u32 priority and u32 rule
 * (the index of the IR rule in {@code RuleGraph.rules()}, for tracing). The datapath reads only
 * the action; the rest says which rule decided. A verdict no rule gave is {@link #ISOLATION_DENY}
 * or {@link #DEFAULT_ALLOW}, with rule {@link #NO_RULE}.
 *
 * @param action   what a match does
 * @param tier     the deciding rule's tier
 * @param priority the deciding rule's priority within its tier
 * @param rule     the index of the deciding rule, or {@link #NO_RULE}
 */
public record PolicyValue(Action action, Tier tier, int priority, int rule) implements MapValue {
  /** The rule index of a verdict no rule gave: 0xffffffff. */
  public static final int NO_RULE = -1;
  /** The NetworkPolicy tier's default deny of an isolated group (no rule of it matched). */
  public static final PolicyValue ISOLATION_DENY = new PolicyValue(Action.DENY, Tier.NETWORK_POLICY, 0, NO_RULE);
  /** The allow past the last tier (no rule decided). */
  public static final PolicyValue DEFAULT_ALLOW = new PolicyValue(Action.ALLOW, Tier.BASELINE, 0, NO_RULE);

  public PolicyValue {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(tier, "tier");
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[12];
    b[0] = (byte) (action.ordinal() + 1);
    b[1] = (byte) tier.ordinal();
    ByteCodec.putU32Le(b, 4, priority);
    ByteCodec.putU32Le(b, 8, rule);
    return b;
  }

  static PolicyValue decode(byte[] b) {
    ByteCodec.requireLength(b, 12, "an np_policy value");
    int action = ByteCodec.u8(b, 0);
    if (action < 1 || action > Action.values().length) {
      throw new IllegalArgumentException("action must be 1 (ALLOW), 2 (DENY) or 3 (PASS), got " + action);
    }
    int tier = ByteCodec.u8(b, 1);
    if (tier >= Tier.values().length) {
      throw new IllegalArgumentException("tier must be 0 (ADMIN), 1 (NETWORK_POLICY) or 2 (BASELINE), got " + tier);
    }
    ByteCodec.requireZero(b, 2, 4, "the reserved u16 of a policy value");
    return new PolicyValue(Action.values()[action - 1], Tier.values()[tier], (int) ByteCodec.u32Le(b, 4),
        (int) ByteCodec.u32Le(b, 8));
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("action", action.name());
    m.put("tier", tier.name());
    m.put("priority", Integer.toUnsignedLong(priority));
    m.put("rule", rule == NO_RULE ? "none" : Integer.toUnsignedLong(rule));
    return m;
  }
}
