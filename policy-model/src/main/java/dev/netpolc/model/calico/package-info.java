/**
 * Calico's policy resources ({@code projectcalico.org/v3}, and the {@code crd.projectcalico.org/v1}
 * storage form {@code kubectl get} prints): NetworkPolicy, GlobalNetworkPolicy and their staged
 * forms ({@link dev.netpolc.model.calico.CalicoPolicy}), Tier, NetworkSet and GlobalNetworkSet,
 * plus the Kubernetes ServiceAccount, Service and EndpointSlice objects their rules refer to, as
 * written and with the position of every field. Values that validation judges (actions, protocol
 * names, ports, CIDRs) are kept as written; the typed accessors assume a validated object. The
 * meaning is SEMANTICS-CALICO.md's; selectors are {@link dev.netpolc.model.calico.selector}.
 */
package dev.netpolc.model.calico;
