package dev.netpolc.model.cilium;

import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One {@code icmps[].fields[]} entry: an ICMP type of a family, by number (0–255) or by one of
 * Cilium's CamelCase names for that family. The names and numbers are Cilium's
 * ({@code pkg/policy/api/icmp.go}, {@code icmpIpv4TypeNameToCode}/{@code icmpIpv6TypeNameToCode}),
 * which are the IANA type numbers.
 *
 * @param path   where it is: {@code spec.ingress[0].icmps[0].fields[1]}
 * @param family {@code family} as written, {@code IPv4} when absent (the CRD's default)
 * @param type   {@code type} as written: decimal digits for a number, else a name ("" when absent)
 */
public record CiliumIcmpField(String path, String family, String type) {
  /** The default family. */
  public static final String IPV4 = "IPv4";
  /** The other family. */
  public static final String IPV6 = "IPv6";

  /** ICMP (IPv4) type names Cilium accepts, with their numbers. */
  public static final Map<String, Integer> IPV4_TYPES = ImmutableMap.<String, Integer>builder()
      .put("EchoReply", 0).put("DestinationUnreachable", 3).put("Redirect", 5).put("Echo", 8)
      .put("EchoRequest", 8).put("RouterAdvertisement", 9).put("RouterSelection", 10).put("TimeExceeded", 11)
      .put("ParameterProblem", 12).put("Timestamp", 13).put("TimestampReply", 14).put("Photuris", 40)
      .put("ExtendedEchoRequest", 42).put("ExtendedEchoReply", 43).build();

  /** ICMPv6 type names Cilium accepts, with their numbers. */
  public static final Map<String, Integer> IPV6_TYPES = ImmutableMap.<String, Integer>builder()
      .put("DestinationUnreachable", 1).put("PacketTooBig", 2).put("TimeExceeded", 3).put("ParameterProblem", 4)
      .put("EchoRequest", 128).put("EchoReply", 129).put("MulticastListenerQuery", 130)
      .put("MulticastListenerReport", 131).put("MulticastListenerDone", 132).put("RouterSolicitation", 133)
      .put("RouterAdvertisement", 134).put("NeighborSolicitation", 135).put("NeighborAdvertisement", 136)
      .put("RedirectMessage", 137).put("RouterRenumbering", 138).put("ICMPNodeInformationQuery", 139)
      .put("ICMPNodeInformationResponse", 140).put("InverseNeighborDiscoverySolicitation", 141)
      .put("InverseNeighborDiscoveryAdvertisement", 142).put("HomeAgentAddressDiscoveryRequest", 144)
      .put("HomeAgentAddressDiscoveryReply", 145).put("MobilePrefixSolicitation", 146)
      .put("MobilePrefixAdvertisement", 147).put("DuplicateAddressRequestCodeSuffix", 157)
      .put("DuplicateAddressConfirmationCodeSuffix", 158).put("ExtendedEchoRequest", 160)
      .put("ExtendedEchoReply", 161).build();

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,3}");

  public CiliumIcmpField {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(type, "type");
  }

  /** True for the IPv6 family (ICMPv6). */
  public boolean ipv6() {
    return family.equals(IPV6);
  }

  /** The type number: the number written (0–255) or the number of the family's name; empty when neither. */
  public OptionalInt typeNumber() {
    if (DIGITS.matcher(type).matches()) {
      int n = Integer.parseInt(type);
      return n <= 255 ? OptionalInt.of(n) : OptionalInt.empty();
    }
    Integer named = (ipv6() ? IPV6_TYPES : IPV4_TYPES).get(type);
    return named == null ? OptionalInt.empty() : OptionalInt.of(named);
  }
}
