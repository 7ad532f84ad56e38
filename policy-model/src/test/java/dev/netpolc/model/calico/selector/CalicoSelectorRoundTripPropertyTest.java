package dev.netpolc.model.calico.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import com.google.common.collect.ImmutableList;
import dev.netpolc.model.calico.selector.CalicoSelector.All;
import dev.netpolc.model.calico.selector.CalicoSelector.And;
import dev.netpolc.model.calico.selector.CalicoSelector.Compare;
import dev.netpolc.model.calico.selector.CalicoSelector.Global;
import dev.netpolc.model.calico.selector.CalicoSelector.Has;
import dev.netpolc.model.calico.selector.CalicoSelector.In;
import dev.netpolc.model.calico.selector.CalicoSelector.Not;
import dev.netpolc.model.calico.selector.CalicoSelector.NotIn;
import dev.netpolc.model.calico.selector.CalicoSelector.Operator;
import dev.netpolc.model.calico.selector.CalicoSelector.Or;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/**
 * parse(print(x)) == x for generated selectors, and parse(noisy(x)) == x for the same selector
 * written the many other ways Calico accepts (extra blanks and tabs, the other quote, glued
 * operator words, redundant parentheses and negations, unsorted and repeated set members, a
 * trailing comma).
 */
class CalicoSelectorRoundTripPropertyTest {

  private static final String[] LABELS = {"app", "a", "k8s-app", "projectcalico.org/namespace", "x_y.z", "1",
      "in", "not", "contains", "starts", "with", "startswith", "notin", "has", "all", "global", "-", "/"};
  private static final String[] VALUES = {"", "web", "a b", "it's", "say \"hi\"", "&&", ")", "{", "}", ",", "é",
      "\uD835\uDD18", "\uFFFD", "tab\there", "line\nbreak", "in", "!"};

  @Test
  void parsingThePrintedFormGivesTheSameSelector() {
    qt().withExamples(2000).forAll(selectors()).checkAssert(s -> {
      String text = s.toString();
      assertThat(CalicoSelector.parse(text)).as(text).isEqualTo(s);
    });
  }

  @Test
  void everyAcceptedSpellingParsesToTheSameSelector() {
    qt().withExamples(2000).forAll(selectors(), integers().between(0, Integer.MAX_VALUE)).checkAssert((s, seed) -> {
      String noisy = new Noisy(seed).write(s);
      assertThat(CalicoSelector.parse(noisy)).as(noisy).isEqualTo(s);
    });
  }

  static Gen<CalicoSelector> selectors() {
    return in -> selector(in, 3);
  }

  private static CalicoSelector selector(RandomnessSource in, int depth) {
    int kind = pick(in, 0, depth == 0 ? 5 : 8);
    switch (kind) {
      case 0:
        return pick(in, 0, 3) == 0 ? new All() : new Global();
      case 1:
        return new Has(label(in));
      case 2:
      case 3:
        return new Compare(label(in), Operator.values()[pick(in, 0, 4)], value(in));
      case 4:
        return In.of(label(in), values(in));
      case 5:
        return NotIn.of(label(in), values(in));
      case 6:
        return Not.of(selector(in, depth - 1));
      case 7:
        return new And(operands(in, depth));
      default:
        return new Or(operands(in, depth));
    }
  }

  private static ImmutableList<CalicoSelector> operands(RandomnessSource in, int depth) {
    ImmutableList.Builder<CalicoSelector> out = ImmutableList.builder();
    for (int i = 0, n = pick(in, 2, 4); i < n; i++) {
      out.add(selector(in, depth - 1));
    }
    return out.build();
  }

  private static String label(RandomnessSource in) {
    return LABELS[pick(in, 0, LABELS.length - 1)];
  }

  private static String value(RandomnessSource in) {
    if (pick(in, 0, 3) > 0) {
      return VALUES[pick(in, 0, VALUES.length - 1)];
    }
    // A made-up value over characters that matter to the grammar, with one kind of quote at most.
    String chars = pick(in, 0, 1) == 0 ? "ab '(){},&|!= \t" : "ab \"(){},&|!= \t";
    StringBuilder out = new StringBuilder();
    for (int i = 0, n = pick(in, 0, 8); i < n; i++) {
      out.append(chars.charAt(pick(in, 0, chars.length() - 1)));
    }
    return out.toString();
  }

  private static List<String> values(RandomnessSource in) {
    List<String> out = new ArrayList<>();
    for (int i = 0, n = pick(in, 0, 4); i < n; i++) {
      out.add(value(in));
    }
    return out;
  }

  private static int pick(RandomnessSource in, int min, int max) {
    return integers().between(min, max).generate(in);
  }

  /** Writes a selector in one of the spellings Calico accepts for it, chosen by a seed. */
  private static final class Noisy {
    private final java.util.Random random;

    Noisy(int seed) {
      this.random = new java.util.Random(seed);
    }

    String write(CalicoSelector s) {
      StringBuilder out = new StringBuilder();
      blank(out);
      append(s, out);
      blank(out);
      return out.toString();
    }

    private void append(CalicoSelector s, StringBuilder out) {
      if (random.nextInt(8) == 0) {
        // Redundant parentheses, or a double negation: both parse to the same selector.
        if (random.nextBoolean()) {
          out.append('(');
          blank(out);
          append(s, out);
          blank(out);
          out.append(')');
        } else {
          out.append("!!");
          blank(out);
          append(s, out);
        }
        return;
      }
      if (s instanceof All) {
        out.append("all(");
        blank(out);
        out.append(')');
      } else if (s instanceof Global) {
        out.append("global(");
        blank(out);
        out.append(')');
      } else if (s instanceof Has) {
        out.append("has(");
        blank(out);
        out.append(((Has) s).key());
        blank(out);
        out.append(')');
      } else if (s instanceof Compare) {
        Compare c = (Compare) s;
        out.append(c.key());
        String op = operator(c.operator());
        if (Character.isLetter(op.charAt(0))) {
          out.append(' '); // glued to the label, a word operator would be part of the label's name
        }
        blank(out);
        out.append(op);
        blank(out);
        quote(c.value(), out);
      } else if (s instanceof In || s instanceof NotIn) {
        boolean in = s instanceof In;
        out.append(in ? ((In) s).key() : ((NotIn) s).key());
        out.append(' ');
        blank(out);
        out.append(in ? "in" : random.nextBoolean() ? "notin" : "not" + (random.nextBoolean() ? " " : "\t") + "in");
        blank(out);
        out.append('{');
        List<String> members = new ArrayList<>(in ? ((In) s).values() : ((NotIn) s).values());
        if (!members.isEmpty() && random.nextBoolean()) {
          members.add(members.get(random.nextInt(members.size()))); // repeated members fold
        }
        java.util.Collections.shuffle(members, random);
        for (int i = 0; i < members.size(); i++) {
          if (i > 0) {
            blank(out);
            out.append(',');
          }
          blank(out);
          quote(members.get(i), out);
        }
        if (!members.isEmpty() && random.nextInt(4) == 0) {
          out.append(',');
        }
        blank(out);
        out.append('}');
      } else if (s instanceof Not) {
        out.append('!');
        blank(out);
        CalicoSelector operand = ((Not) s).operand();
        // "!" binds tighter than && and ||, and the printed form parenthesises those anyway.
        append(operand, out);
      } else {
        List<CalicoSelector> operands = s instanceof And ? ((And) s).operands() : ((Or) s).operands();
        out.append('(');
        for (int i = 0; i < operands.size(); i++) {
          if (i > 0) {
            blank(out);
            out.append(s instanceof And ? "&&" : "||");
          }
          blank(out);
          append(operands.get(i), out);
        }
        blank(out);
        out.append(')');
      }
    }

    private String operator(Operator op) {
      switch (op) {
        case EQUALS:
          return "==";
        case NOT_EQUALS:
          return "!=";
        case CONTAINS:
          return "contains";
        case STARTS_WITH:
          return random.nextBoolean() ? "startswith" : "starts" + (random.nextBoolean() ? "  " : "\t") + "with";
        default:
          return random.nextBoolean() ? "endswith" : "ends with";
      }
    }

    private void quote(String value, StringBuilder out) {
      boolean hasDouble = value.indexOf('"') >= 0;
      boolean hasSingle = value.indexOf('\'') >= 0;
      char q = hasDouble ? '\'' : hasSingle ? '"' : random.nextBoolean() ? '"' : '\'';
      out.append(q).append(value).append(q);
    }

    private void blank(StringBuilder out) {
      switch (random.nextInt(4)) {
        case 0:
          out.append(' ');
          break;
        case 1:
          out.append(" \t ");
          break;
        default:
          break;
      }
    }
  }
}
