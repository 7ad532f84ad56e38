package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code toPorts}: L4 ports, and the L7 parts netpolc refuses (kept by name so that
 * validation can point at them; dropping one would widen access).
 *
 * @param path  where it is: {@code spec.ingress[0].toPorts[1]}
 * @param ports {@code ports} (empty: every port)
 * @param l7    the L7 fields written: {@code rules}, {@code serverNames}, {@code listener},
 *              {@code originatingTLS}, {@code terminatingTLS}, in input order
 */
public record CiliumPortRule(String path, List<CiliumPort> ports, List<String> l7) {
  public CiliumPortRule {
    Objects.requireNonNull(path, "path");
    ports = ImmutableList.copyOf(ports);
    l7 = ImmutableList.copyOf(l7);
  }
}
