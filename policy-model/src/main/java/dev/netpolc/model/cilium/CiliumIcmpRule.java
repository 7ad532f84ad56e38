package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code icmps}: the ICMP or ICMPv6 types it allows (or denies).
 *
 * @param path   where it is: {@code spec.ingress[0].icmps[0]}
 * @param fields {@code fields}
 */
public record CiliumIcmpRule(String path, List<CiliumIcmpField> fields) {
  public CiliumIcmpRule {
    Objects.requireNonNull(path, "path");
    fields = ImmutableList.copyOf(fields);
  }
}
