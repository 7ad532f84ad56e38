package dev.netpolc.backend.ebpf;

import dev.netpolc.backend.BackendException;
import dev.netpolc.compiler.ir.Action;
import dev.netpolc.compiler.ir.Tier;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A value of {@code np_policy} (12 bytes): u8 action (1 ALLOW, 2 DENY, 3 PASS), u8 tier (0
 * ADMIN, 1 NETWORK_POLICY, 2 BASELINE, 3 and up the graph's other tiers in rank order: see
 * {@link #tierBytes}), little-endian u16 log set (0: none; else the {@link LogSets} id of the LOG
 * rules a connection of the entry passes on its way to the verdict), then little-endian u32
 * priority and u32 rule (the index of the IR rule in {@code RuleGraph.rules()}, for tracing). The
 * datapath reads the action, and the log set to count and report the connection; the rest says
 * which rule decided. A verdict no rule gave is {@link #ISOLATION_DENY} or {@link #DEFAULT_ALLOW},
 * with rule {@link #NO_RULE} (and with a log set when LOG rules matched on the way).
 *
 * @param action   what a match does (never {@link Action#LOG})
 * @param tier     the deciding rule's tier byte (0 to 255)
 * @param priority the deciding rule's priority within its tier
 * @param rule     the index of the deciding rule, or {@link #NO_RULE}
 * @param logs     the log set id, 0 to {@value LogSets#MAX_ID}; 0 for none
 */
public record PolicyValue(Action action, int tier, int priority, int rule, int logs) implements MapValue {
  /** The rule index of a verdict no rule gave: 0xffffffff. */
  public static final int NO_RULE = -1;
  /** The tier byte of {@link Tier#ADMIN}. */
  public static final int ADMIN_TIER = 0;
  /** The tier byte of {@link Tier#NETWORK_POLICY}. */
  public static final int NETWORK_POLICY_TIER = 1;
  /** The tier byte of {@link Tier#BASELINE}. */
  public static final int BASELINE_TIER = 2;
  /** The NetworkPolicy tier's default deny of an isolated group (no rule of it matched). */
  public static final PolicyValue ISOLATION_DENY = new PolicyValue(Action.DENY, NETWORK_POLICY_TIER, 0, NO_RULE);
  /** The allow past the last tier (no rule decided), recorded with Baseline's tier byte. */
  public static final PolicyValue DEFAULT_ALLOW = new PolicyValue(Action.ALLOW, BASELINE_TIER, 0, NO_RULE);

  private static final List<String> STANDARD_NAMES = List.of("ADMIN", "NETWORK_POLICY", "BASELINE");

  /** A value without a log set. */
  public PolicyValue(Action action, int tier, int priority, int rule) {
    this(action, tier, priority, rule, 0);
  }

  public PolicyValue {
    Objects.requireNonNull(action, "action");
    if (action == Action.LOG) {
      throw new IllegalArgumentException("LOG is never a verdict: it sets the log set of one");
    }
    if (logs < 0 || logs > LogSets.MAX_ID) {
      throw new IllegalArgumentException("log set must be 0 to " + LogSets.MAX_ID + ", got " + logs);
    }
    if (tier < 0 || tier > 255) {
      throw new IllegalArgumentException("tier byte must be 0 to 255, got " + tier);
    }
  }

  /**
   * The tier byte of every tier of a graph ({@code RuleGraph.tiers()}): the standard tiers keep
   * 0, 1 and 2 whatever else the graph has, so a maps file decodes them alone; the others get 3
   * and up, in rank order. (The datapath never compares tier bytes: the flattened entries
   * already hold the final verdict.)
   *
   * @throws BackendException when the graph has more than 253 other tiers
   */
  public static Map<Tier, Integer> tierBytes(List<Tier> graphTiers) throws BackendException {
    Map<Tier, Integer> m = new HashMap<>();
    m.put(Tier.ADMIN, ADMIN_TIER);
    m.put(Tier.NETWORK_POLICY, NETWORK_POLICY_TIER);
    m.put(Tier.BASELINE, BASELINE_TIER);
    int next = BASELINE_TIER + 1;
    for (Tier t : graphTiers) {
      if (!t.isStandard() && !m.containsKey(t)) {
        if (next > 255) {
          throw new BackendException("ebpf: the graph has more than " + (256 - BASELINE_TIER - 1)
              + " tiers besides Admin, NetworkPolicy and Baseline; np_policy's u8 tier holds no more");
        }
        m.put(t, next++);
      }
    }
    return Map.copyOf(m);
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[12];
    b[0] = (byte) (action.ordinal() + 1);
    b[1] = (byte) tier;
    b[2] = (byte) logs;
    b[3] = (byte) (logs >>> 8);
    ByteCodec.putU32Le(b, 4, priority);
    ByteCodec.putU32Le(b, 8, rule);
    return b;
  }

  static PolicyValue decode(byte[] b) {
    ByteCodec.requireLength(b, 12, "an np_policy value");
    int action = ByteCodec.u8(b, 0);
    if (action < 1 || action > Action.PASS.ordinal() + 1) {
      throw new IllegalArgumentException("action must be 1 (ALLOW), 2 (DENY) or 3 (PASS), got " + action);
    }
    int tier = ByteCodec.u8(b, 1);
    int logs = ByteCodec.u8(b, 2) | ByteCodec.u8(b, 3) << 8;
    return new PolicyValue(Action.values()[action - 1], tier, (int) ByteCodec.u32Le(b, 4),
        (int) ByteCodec.u32Le(b, 8), logs);
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("action", action.name());
    // The standard tiers by name, as ever; another tier by its byte (the graph says which it is).
    m.put("tier", tier < STANDARD_NAMES.size() ? STANDARD_NAMES.get(tier) : "TIER_" + tier);
    m.put("priority", Integer.toUnsignedLong(priority));
    m.put("rule", rule == NO_RULE ? "none" : Integer.toUnsignedLong(rule));
    if (logs != 0) {
      m.put("logs", logs); // only with LOG rules, so graphs without them decode as ever
    }
    return m;
  }
}
