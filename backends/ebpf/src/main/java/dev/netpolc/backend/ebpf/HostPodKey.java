package dev.netpolc.backend.ebpf;

import dev.netpolc.model.IpAddress;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * A key of {@code np_hostpods} (hash, 36 bytes; cluster-wide artifacts only): u8 family, three
 * zero bytes, a node address and the address of a pod on that node, 16 bytes each in network
 * order (IPv4 in the first 4). With {@code allowNodeToLocalPods} a cluster-wide artifact has
 * every pod as an endpoint, so "the peer is a node address" is not enough: only a pod and its own
 * node are always allowed.
 *
 * @param host the node address
 * @param pod  the pod address (same family)
 */
public record HostPodKey(IpAddress host, IpAddress pod) implements MapKey {
  /** The encoded size. */
  public static final int SIZE = 36;

  public HostPodKey {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pod, "pod");
    if (host.v6() != pod.v6()) {
      throw new IllegalArgumentException("host and pod address of different families");
    }
  }

  @Override
  public byte[] encode() {
    byte[] b = new byte[SIZE];
    b[0] = (byte) (host.v6() ? 6 : 4);
    ByteCodec.putAddress(b, 4, host);
    ByteCodec.putAddress(b, 20, pod);
    return b;
  }

  static HostPodKey decode(byte[] b) {
    ByteCodec.requireLength(b, SIZE, "an np_hostpods key");
    IpAddress host = FamilyAddress.decode(b, 0, "np_hostpods key");
    return new HostPodKey(host, FamilyAddress.address(b, 20, host.v6(), "np_hostpods key"));
  }

  @Override
  public LinkedHashMap<String, Object> fields() {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    m.put("host", host.toString());
    m.put("pod", pod.toString());
    return m;
  }

  @Override
  public byte[] sortKey() {
    return encode();
  }
}
