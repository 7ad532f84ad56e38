package dev.netpolc.compiler.convert;

import dev.netpolc.compiler.diff.ChangeBlock;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a conversion: either accepted (objects, their YAML, proved) or refused (the
 * refusals, and nothing to write).
 *
 * @param target     the dialect written
 * @param objects    the converted objects, in output order (also those of a refused conversion,
 *                   for reports; never to be written then)
 * @param refusals   why the conversion was refused; empty when it was accepted
 * @param yaml       the objects as one YAML stream, exactly the text the proof read back; "" when
 *                   refused
 * @param lost       with approximation: every group of connections the original allowed and the
 *                   conversion denies; empty for an exact conversion
 * @param provedPods how many pods the proof decided connections between (0: nothing was compared,
 *                   only the construction vouches for the output)
 */
public record Conversion(ConvertTarget target, List<ConvertedObject> objects, List<Refusal> refusals, String yaml,
    List<ChangeBlock> lost, int provedPods) {

  public Conversion {
    Objects.requireNonNull(target, "target");
    objects = List.copyOf(objects);
    refusals = List.copyOf(refusals);
    Objects.requireNonNull(yaml, "yaml");
    lost = List.copyOf(lost);
    if (!refusals.isEmpty() && !yaml.isEmpty()) {
      throw new IllegalArgumentException("a refused conversion has no output");
    }
  }

  /** True when the conversion may be written. */
  public boolean accepted() {
    return refusals.isEmpty();
  }

  /** True when some connection the original allowed is denied by the conversion. */
  public boolean approximate() {
    return !lost.isEmpty();
  }

  /** True when some object will not follow future pods. */
  public boolean inventoryDependent() {
    return objects.stream().anyMatch(o -> o.exactness() == Exactness.INVENTORY_DEPENDENT);
  }
}
