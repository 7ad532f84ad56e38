/**
 * Calico's selector expression language ({@code projectcalico.org/v3}): {@link
 * dev.netpolc.model.calico.selector.CalicoSelector#parse} reads it, the selector records match
 * label sets as Calico does, and {@code toString()} prints Calico's canonical form.
 */
package dev.netpolc.model.calico.selector;
