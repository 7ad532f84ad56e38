/**
 * The inventory indexed for selector resolution: {@link dev.netpolc.compiler.index.ClusterIndex}
 * over the policy pods and namespaces, built on inverted {@link dev.netpolc.compiler.index.LabelIndex}es
 * so that a selector costs about the size of its smallest posting list rather than the pod count.
 */
package dev.netpolc.compiler.index;
