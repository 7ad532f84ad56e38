package dev.netpolc.model;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code matchExpressions} entry. The operator is kept as written so that validation can
 * report an unknown one; {@link #matches} treats an unknown operator as matching nothing.
 *
 * @param key      the label key
 * @param operator {@code In}, {@code NotIn}, {@code Exists} or {@code DoesNotExist} as written
 * @param values   the values (empty when absent)
 */
public record LabelSelectorRequirement(String key, String operator, List<String> values) {

  /** The operators the API defines. */
  public enum Operator {
    In, NotIn, Exists, DoesNotExist;

    /** The operator spelled exactly {@code text}, or null. */
    public static Operator parse(String text) {
      for (Operator o : values()) {
        if (o.name().equals(text)) {
          return o;
        }
      }
      return null;
    }
  }

  public LabelSelectorRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = ImmutableList.copyOf(values);
  }

  /** A requirement with a known operator. */
  public static LabelSelectorRequirement of(String key, Operator op, String... values) {
    return new LabelSelectorRequirement(key, op.name(), List.of(values));
  }

  /** The parsed operator, or null when unknown. */
  public Operator op() {
    return Operator.parse(operator);
  }

  /** True when {@code labels} satisfy this requirement, as SEMANTICS.md defines the operators. */
  public boolean matches(Map<String, String> labels) {
    Operator op = op();
    if (op == null) {
      return false;
    }
    String value = labels.get(key);
    switch (op) {
      case In:
        return value != null && values.contains(value);
      case NotIn:
        return value == null || !values.contains(value);
      case Exists:
        return value != null;
      case DoesNotExist:
        return value == null;
      default:
        throw new AssertionError(op);
    }
  }
}
