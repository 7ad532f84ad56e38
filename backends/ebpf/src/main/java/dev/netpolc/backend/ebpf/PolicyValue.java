package dev.netpolc.backend.ebpf;

import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Tier;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A value of {@code np_policy} (12 bytes): u8 action (1 ALLOW, 2 DENY, 3 PASS), u8 tier (0
 * ADMIN, 1 NETWORK_POLICY, 2 BASELINE), u16 zero, then little-endian u32 priority and u32 rule
 * (the index of the IR rule in {@code RuleGraph.rules()}, for tracing).
 *
 * @param action   what a match does
 * @param tier     the rule's tier
 * @param priority the rule's priority within its tier
 * @param rule     the index of the rule that produced the entry
 */
public record PolicyValue(Action action, Tier tier, int priority, int rule) implements MapValue {
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
    m.put("rule", Integer.toUnsignedLong(rule));
    return m;
  }
}
