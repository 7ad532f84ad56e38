package dev.netpolc.model.calico.selector;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.netpolc.model.selector.SelectorSyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A selector in Calico's expression language ({@code app == 'web' && !has(legacy)}), as the
 * {@code selector}, {@code namespaceSelector} and entity-rule selectors of
 * {@code projectcalico.org/v3} resources hold it.
 *
 * <p>The variants are Calico's own: {@link All}, {@link Global}, {@link Has}, {@link Compare}
 * ({@code ==}, {@code !=}, {@code contains}, {@code starts with}, {@code ends with}), {@link In},
 * {@link NotIn}, {@link Not}, {@link And} and {@link Or}. {@code toString()} prints the canonical
 * form Calico prints (conjunctions and disjunctions in parentheses, set members sorted and
 * de-duplicated, a value in single quotes only when it holds a double quote), and
 * {@code parse(s.toString()).equals(s)} holds for every selector.
 *
 * <pre>{@code
 * CalicoSelector s = CalicoSelector.parse("role in {'db', 'cache'} && env != 'dev'");
 * s.matches(Map.of("role", "db"));   // true: env is absent, and != holds for absent labels
 * s.toString();                      // (role in {"cache", "db"} && env != "dev")
 * }</pre>
 */
public sealed interface CalicoSelector {

  /**
   * Parses Calico's selector syntax. The empty (or all-blank) string is {@link All}.
   *
   * @throws SelectorSyntaxException at the first syntax error, with the 1-based column (in
   *     code points of {@code text}) of the offending character and what was expected there
   */
  static CalicoSelector parse(String text) throws SelectorSyntaxException {
    return CalicoSelectorReader.read(text);
  }

  /**
   * Whether this selector matches an object with these labels (Calico's evaluation: {@code !=}
   * and {@code not in} hold when the label is absent; every other comparison needs it).
   */
  boolean matches(Map<String, String> labels);

  /** Every object: {@code all()}, and the empty selector. */
  record All() implements CalicoSelector {
    @Override
    public boolean matches(Map<String, String> labels) {
      return true;
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /**
   * {@code global()}: as a label test it matches everything; as a {@code namespaceSelector} it
   * stands for the objects outside any namespace (GlobalNetworkSets), which its users decide.
   */
  record Global() implements CalicoSelector {
    @Override
    public boolean matches(Map<String, String> labels) {
      return true;
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** {@code has(key)}: the label is present, whatever its value. */
  record Has(String key) implements CalicoSelector {
    /** @throws IllegalArgumentException when the key is not a Calico label name */
    public Has {
      SelectorText.checkLabel(key);
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return labels.containsKey(key);
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** The comparisons of a label with one string. */
  enum Operator {
    /** {@code ==}: present and equal. */
    EQUALS(" == "),
    /** {@code !=}: absent, or present with another value. */
    NOT_EQUALS(" != "),
    /** {@code contains}: present and holding the string. */
    CONTAINS(" contains "),
    /** {@code starts with}: present and starting with the string. */
    STARTS_WITH(" starts with "),
    /** {@code ends with}: present and ending with the string. */
    ENDS_WITH(" ends with ");

    private final String text;

    Operator(String text) {
      this.text = text;
    }

    /** The operator as the canonical form prints it, with a space each side. */
    public String text() {
      return text;
    }
  }

  /** {@code key <op> "value"}. */
  record Compare(String key, Operator operator, String value) implements CalicoSelector {
    /** @throws IllegalArgumentException for a key that is not a label name or a value no quote can hold */
    public Compare {
      SelectorText.checkLabel(key);
      Objects.requireNonNull(operator, "operator");
      SelectorText.checkValue(value);
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      if (v == null) {
        return operator == Operator.NOT_EQUALS;
      }
      switch (operator) {
        case EQUALS:
          return v.equals(value);
        case NOT_EQUALS:
          return !v.equals(value);
        case CONTAINS:
          return v.contains(value);
        case STARTS_WITH:
          return v.startsWith(value);
        default:
          return v.endsWith(value);
      }
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** {@code key in {"a", "b"}}: present with one of the values. */
  record In(String key, ImmutableSortedSet<String> values) implements CalicoSelector {
    /** @throws IllegalArgumentException for a key that is not a label name or a value no quote can hold */
    public In {
      SelectorText.checkLabel(key);
      values = SelectorText.sortedValues(values);
    }

    /** The set of {@code values}, sorted and de-duplicated as Calico does. */
    public static In of(String key, Collection<String> values) {
      return new In(key, ImmutableSortedSet.copyOf(SelectorText.CODE_POINT_ORDER, values));
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return v != null && values.contains(v);
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** {@code key not in {"a", "b"}}: absent, or present with none of the values. */
  record NotIn(String key, ImmutableSortedSet<String> values) implements CalicoSelector {
    /** @throws IllegalArgumentException for a key that is not a label name or a value no quote can hold */
    public NotIn {
      SelectorText.checkLabel(key);
      values = SelectorText.sortedValues(values);
    }

    /** The set of {@code values}, sorted and de-duplicated as Calico does. */
    public static NotIn of(String key, Collection<String> values) {
      return new NotIn(key, ImmutableSortedSet.copyOf(SelectorText.CODE_POINT_ORDER, values));
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return v == null || !values.contains(v);
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /**
   * {@code !operand}. Calico folds runs of {@code !} into one negation or none, so an operand is
   * never itself a {@code Not}: {@link #of} folds.
   */
  record Not(CalicoSelector operand) implements CalicoSelector {
    /** @throws IllegalArgumentException when the operand is a negation (use {@link #of}) */
    public Not {
      Objects.requireNonNull(operand, "operand");
      if (operand instanceof Not) {
        throw new IllegalArgumentException("a negation of a negation is not a Calico selector; use Not.of");
      }
    }

    /** The negation of {@code s}: its operand when {@code s} is itself a negation. */
    public static CalicoSelector of(CalicoSelector s) {
      return s instanceof Not ? ((Not) s).operand() : new Not(s);
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      return !operand.matches(labels);
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** {@code (a && b && ...)}, two operands or more. */
  record And(ImmutableList<CalicoSelector> operands) implements CalicoSelector {
    /** @throws IllegalArgumentException with fewer than two operands */
    public And {
      operands = SelectorText.operands(operands);
    }

    /** The conjunction of {@code operands}, two or more. */
    public static And of(CalicoSelector... operands) {
      return new And(ImmutableList.copyOf(operands));
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      for (CalicoSelector s : operands) {
        if (!s.matches(labels)) {
          return false;
        }
      }
      return true;
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }

  /** {@code (a || b || ...)}, two operands or more. */
  record Or(ImmutableList<CalicoSelector> operands) implements CalicoSelector {
    /** @throws IllegalArgumentException with fewer than two operands */
    public Or {
      operands = SelectorText.operands(operands);
    }

    /** The disjunction of {@code operands}, two or more. */
    public static Or of(CalicoSelector... operands) {
      return new Or(ImmutableList.copyOf(operands));
    }

    @Override
    public boolean matches(Map<String, String> labels) {
      for (CalicoSelector s : operands) {
        if (s.matches(labels)) {
          return true;
        }
      }
      return false;
    }


    @Override
    public String toString() {
      return SelectorText.print(this);
    }
  }
}
