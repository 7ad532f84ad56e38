package dev.netpolc.backend.iptables.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Walks a packet through one built-in chain of an {@link IptRuleset} as the kernel does: rules in
 * order, {@code -j} calls a user chain, {@code -g} continues in one without coming back,
 * {@code RETURN} or the end of a user chain goes back to the caller, the end of a built-in chain
 * (or a {@code RETURN} in it) applies its policy; {@code LOG} and target-less rules continue;
 * {@code MARK} and {@code SET --map-mark} change the packet mark, which later rules see.
 */
public final class IptInterpreter {
  /** Deeper nesting than the kernel's own limit is a loop. */
  private static final int MAX_DEPTH = 64;

  private final IptRuleset ruleset;

  /** An interpreter of {@code ruleset}. */
  public IptInterpreter(IptRuleset ruleset) {
    this.ruleset = Objects.requireNonNull(ruleset, "ruleset");
  }

  /**
   * A verdict and the packet as it leaves the chain (its mark possibly changed).
   *
   * @param verdict the verdict
   * @param packet  the packet after the walk
   * @param logs    the prefixes of the {@code LOG} rules the packet hit, in order ({@code ""}
   *                for one without prefix)
   */
  public record Result(Verdict verdict, Packet packet, List<String> logs) {
    public Result {
      logs = List.copyOf(logs);
    }

    /** A result without logs. */
    public Result(Verdict verdict, Packet packet) {
      this(verdict, packet, List.of());
    }
  }

  /** The verdict of built-in chain {@code hook} for {@code p}. */
  public Verdict evaluate(Hook hook, Packet p) {
    return run(hook, p).verdict();
  }

  /** The verdict of built-in chain {@code hook} for {@code p}, and the packet's final mark. */
  public Result run(Hook hook, Packet start) {
    Packet p = start;
    List<String> logs = new ArrayList<>();
    IptChain base = ruleset.chain(hook.name()).orElseThrow();
    Deque<Frame> stack = new ArrayDeque<>();
    Frame cur = new Frame(base, 0);
    while (true) {
      if (cur.index >= cur.chain.rules().size()) {
        if (stack.isEmpty()) {
          return new Result(base.policy().orElseThrow(), p, logs);
        }
        cur = stack.pop();
        continue;
      }
      IptRule r = cur.chain.rules().get(cur.index++);
      if (!r.matches(p)) {
        continue;
      }
      Target t = r.target();
      switch (t.kind()) {
        case ACCEPT:
          return new Result(Verdict.ACCEPT, p, logs);
        case DROP:
          return new Result(Verdict.DROP, p, logs);
        case REJECT:
          return new Result(Verdict.REJECT, p, logs);
        case LOG:
          logs.add(t.logPrefix().orElse(""));
          break;
        case MARK:
        case SET:
          if (t.effect().isPresent()) {
            p = p.withMark(t.effect().get().apply(p.mark(), p));
          }
          break;
        case RETURN:
          if (stack.isEmpty()) {
            return new Result(base.policy().orElseThrow(), p, logs);
          }
          cur = stack.pop();
          break;
        case JUMP:
          if (stack.size() >= MAX_DEPTH) {
            throw new IllegalStateException("chain loop through " + t.chain().orElseThrow());
          }
          stack.push(cur);
          cur = new Frame(ruleset.chain(t.chain().orElseThrow()).orElseThrow(), 0);
          break;
        case GOTO:
          cur = new Frame(ruleset.chain(t.chain().orElseThrow()).orElseThrow(), 0);
          break;
        default:
          break; // NONE: continue
      }
    }
  }

  /** A chain being walked and the next rule to look at. */
  private static final class Frame {
    final IptChain chain;
    int index;

    Frame(IptChain chain, int index) {
      this.chain = chain;
      this.index = index;
    }
  }
}
