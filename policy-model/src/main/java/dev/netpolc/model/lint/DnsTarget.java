package dev.netpolc.model.lint;

import dev.netpolc.model.LabelSelector;
import java.util.Map;
import java.util.Objects;

/**
 * Where the cluster DNS runs, for NP211: the pods matching {@code podSelector} in namespace
 * {@code namespace}, serving on {@code port} over UDP and TCP.
 *
 * @param namespace   the DNS pods' namespace
 * @param podSelector the DNS pods' labels
 * @param port        the DNS port
 */
public record DnsTarget(String namespace, LabelSelector podSelector, int port) {
  /** kube-system pods labelled {@code k8s-app=kube-dns} on port 53 (kube-dns and CoreDNS alike). */
  public static final DnsTarget DEFAULT =
      new DnsTarget("kube-system", LabelSelector.ofLabels(Map.of("k8s-app", "kube-dns")), 53);

  public DnsTarget {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(podSelector, "podSelector");
  }

  @Override
  public String toString() {
    return namespace + " pods " + podSelector;
  }
}
