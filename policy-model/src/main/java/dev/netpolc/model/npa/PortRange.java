package dev.netpolc.model.npa;

/**
 * An inclusive port range as written ({@code start < end} is required in v1alpha2; v1alpha1 does
 * not enforce it, and a range with {@code start > end} matches no port).
 *
 * @param start first port
 * @param end   last port
 */
public record PortRange(int start, int end) {}
