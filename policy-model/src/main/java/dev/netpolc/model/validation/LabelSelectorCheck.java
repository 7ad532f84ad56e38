package dev.netpolc.model.validation;

import dev.netpolc.model.LabelSelector;
import dev.netpolc.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * NP105: label keys, label values and selector operators (apimachinery ValidateLabelSelector).
 * {@code In}/{@code NotIn} need values, {@code Exists}/{@code DoesNotExist} must have none.
 */
public final class LabelSelectorCheck {
  /** The rule id. */
  public static final String ID = "NP105";

  private LabelSelectorCheck() {}

  /** Validates the selector found at {@code path}. */
  public static void check(LabelSelector selector, String path, Findings out) {
    checkLabels(selector.matchLabels(), path + ".matchLabels", out);
    List<LabelSelectorRequirement> exprs = selector.matchExpressions();
    for (int i = 0; i < exprs.size(); i++) {
      checkRequirement(exprs.get(i), path + ".matchExpressions[" + i + "]", out);
    }
  }

  /** Validates a label map (matchLabels, or an object's metadata.labels) found at {@code path}. */
  public static void checkLabels(Map<String, String> labels, String path, Findings out) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      for (String msg : ApiNames.qualifiedName(e.getKey())) {
        out.mapEntry(ID, path, e.getKey(), "invalid label key \"" + e.getKey() + "\": " + msg);
      }
      for (String msg : ApiNames.labelValue(e.getValue())) {
        out.mapEntry(ID, path, e.getKey(), "invalid label value \"" + e.getValue() + "\": " + msg);
      }
    }
  }

  private static void checkRequirement(LabelSelectorRequirement r, String path, Findings out) {
    LabelSelectorRequirement.Operator op = r.op();
    if (op == null) {
      out.error(ID, path + ".operator", "\"" + r.operator() + "\" is not a valid selector operator "
          + "(In, NotIn, Exists, DoesNotExist)");
    } else if ((op == LabelSelectorRequirement.Operator.In || op == LabelSelectorRequirement.Operator.NotIn)
        && r.values().isEmpty()) {
      out.error(ID, path + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
    } else if ((op == LabelSelectorRequirement.Operator.Exists
        || op == LabelSelectorRequirement.Operator.DoesNotExist) && !r.values().isEmpty()) {
      out.error(ID, path + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    }
    for (String msg : ApiNames.qualifiedName(r.key())) {
      out.error(ID, path + ".key", "invalid label key \"" + r.key() + "\": " + msg);
    }
    for (int i = 0; i < r.values().size(); i++) {
      for (String msg : ApiNames.labelValue(r.values().get(i))) {
        out.error(ID, path + ".values[" + i + "]", "invalid label value \"" + r.values().get(i) + "\": " + msg);
      }
    }
  }
}
