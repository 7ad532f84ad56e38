/**
 * What the Kubernetes API server would accept: {@link dev.netpolc.model.validation.Validator}
 * reproduces its validation of NetworkPolicies, of the cluster policy CRDs and of the inventory
 * objects, one small check per rule id (NP1xx). {@link dev.netpolc.model.validation.AcceptanceGate}
 * is the single decision of which input netpolc acts on; the library's entry points throw
 * {@link dev.netpolc.model.validation.InputRejectedException} for input it blocks.
 */
package dev.netpolc.model.validation;
