package dev.netpolc.compiler.gen;

/**
 * The start of the hand-written dialect test clusters: namespaces {@code shop} and {@code ops}
 * (labelled {@code team}), nodes {@code n1} and {@code n2}, and the addresses of the pods the
 * tests add ({@code shop/web} and {@code shop/db} on n1, {@code ops/mon} on n2). Each test adds
 * the pods with the fields it needs.
 */
public final class ShopAndOpsOnTwoNodes {
  /** shop/web's IPv4 address. */
  public static final String WEB = "10.0.0.1";
  /** shop/db's IPv4 address. */
  public static final String DB = "10.0.0.2";
  /** ops/mon's IPv4 address. */
  public static final String MON = "10.0.1.1";
  /** Node n1's InternalIP. */
  public static final String NODE1 = "192.168.0.1";
  /** Node n2's InternalIP. */
  public static final String NODE2 = "192.168.0.2";

  /** The namespaces and nodes as YAML documents, ending with a document separator. */
  public static final String NAMESPACES_AND_NODES = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop, labels: {team: shop}}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: ops, labels: {team: ops}}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n2}
      status: {addresses: [{type: InternalIP, address: 192.168.0.2}]}
      ---
      """;

  private ShopAndOpsOnTwoNodes() {}
}
