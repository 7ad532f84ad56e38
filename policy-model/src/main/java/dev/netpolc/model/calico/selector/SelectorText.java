package dev.netpolc.model.calico.selector;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** The canonical text of Calico selectors, and the checks that keep every selector printable. */
final class SelectorText {
  private SelectorText() {}

  /** Characters a label name may hold: Calico's tokenizer reads a label as a run of these. */
  static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9_./-]+");

  /** Calico's set order: by code point, which is the byte order of the UTF-8 its strings hold. */
  static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  static String print(CalicoSelector s) {
    StringBuilder out = new StringBuilder();
    append(s, out);
    return out.toString();
  }

  private static void append(CalicoSelector s, StringBuilder out) {
    if (s instanceof CalicoSelector.All) {
      out.append("all()");
    } else if (s instanceof CalicoSelector.Global) {
      out.append("global()");
    } else if (s instanceof CalicoSelector.Has) {
      out.append("has(").append(((CalicoSelector.Has) s).key()).append(')');
    } else if (s instanceof CalicoSelector.Compare) {
      CalicoSelector.Compare c = (CalicoSelector.Compare) s;
      out.append(c.key()).append(c.operator().text());
      quote(c.value(), out);
    } else if (s instanceof CalicoSelector.In) {
      appendSet(((CalicoSelector.In) s).key(), " in {", ((CalicoSelector.In) s).values(), out);
    } else if (s instanceof CalicoSelector.NotIn) {
      appendSet(((CalicoSelector.NotIn) s).key(), " not in {", ((CalicoSelector.NotIn) s).values(), out);
    } else if (s instanceof CalicoSelector.Not) {
      out.append('!');
      append(((CalicoSelector.Not) s).operand(), out);
    } else if (s instanceof CalicoSelector.And) {
      appendJoined(((CalicoSelector.And) s).operands(), " && ", out);
    } else {
      appendJoined(((CalicoSelector.Or) s).operands(), " || ", out);
    }
  }

  static void checkLabel(String key) {
    Objects.requireNonNull(key, "key");
    if (!LABEL.matcher(key).matches()) {
      throw new IllegalArgumentException("not a Calico selector label name: " + key);
    }
  }

  static void checkValue(String value) {
    Objects.requireNonNull(value, "value");
    // Calico's strings have no escapes: a value holding both quote characters cannot be written.
    if (value.indexOf('"') >= 0 && value.indexOf('\'') >= 0) {
      throw new IllegalArgumentException("a Calico selector value cannot hold both ' and \": " + value);
    }
  }

  static ImmutableSortedSet<String> sortedValues(ImmutableSortedSet<String> values) {
    Objects.requireNonNull(values, "values");
    values.forEach(SelectorText::checkValue);
    return values.comparator().equals(CODE_POINT_ORDER) ? values
        : ImmutableSortedSet.copyOf(CODE_POINT_ORDER, values);
  }

  static ImmutableList<CalicoSelector> operands(List<CalicoSelector> operands) {
    ImmutableList<CalicoSelector> copy = ImmutableList.copyOf(operands);
    if (copy.size() < 2) {
      throw new IllegalArgumentException("&& and || need two operands or more, got " + copy.size());
    }
    return copy;
  }

  private static void quote(String value, StringBuilder out) {
    char q = value.indexOf('"') >= 0 ? '\'' : '"';
    out.append(q).append(value).append(q);
  }

  private static void appendSet(String key, String op, ImmutableSortedSet<String> values, StringBuilder out) {
    out.append(key).append(op);
    boolean first = true;
    for (String v : values) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      quote(v, out);
    }
    out.append('}');
  }

  private static void appendJoined(List<CalicoSelector> operands, String op, StringBuilder out) {
    out.append('(');
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        out.append(op);
      }
      append(operands.get(i), out);
    }
    out.append(')');
  }
}
