package dev.netpolc.model.validation;

import dev.netpolc.model.Cidr;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The CRD rules of the cluster policy API ({@code policy.networking.k8s.io} v1alpha2 and
 * v1alpha1), one small check each, with their ids NP151–NP163 (documented in
 * {@code docs/lint-rules.md}). They come from the kubebuilder markers and CEL rules of the Go
 * types (enums, minimum/maximum, MinItems/MaxItems, MinProperties/MaxProperties, MaxLength,
 * patterns, {@code isCIDR}); {@link ClusterPolicyValidator} applies them per API version.
 * Every finding is an error: the API server rejects the object.
 */
public final class ClusterPolicyChecks {
  /** {@code spec.tier} is not {@code Admin} or {@code Baseline}. */
  public static final String TIER_ID = "NP151";
  /** {@code spec.priority} outside 0–1000. */
  public static final String PRIORITY_ID = "NP152";
  /** A rule's {@code action} outside the kind's enum. */
  public static final String ACTION_ID = "NP153";
  /** A list with too many items, or too few where at least one is required. */
  public static final String LIST_SIZE_ID = "NP154";
  /** Not exactly one field set where the API wants one (subject, peer, protocol, port). */
  public static final String EXACTLY_ONE_ID = "NP155";
  /** A port number outside 1–65535. */
  public static final String PORT_ID = "NP156";
  /** A v1alpha2 port range whose start is not below its end. */
  public static final String RANGE_ORDER_ID = "NP157";
  /** An entry of {@code networks} that is no CIDR, longer than 43 characters, or repeated. */
  public static final String NETWORK_ID = "NP158";
  /** A rule name longer than 100 characters. */
  public static final String RULE_NAME_ID = "NP159";
  /** A BaselineAdminNetworkPolicy not named {@code default}. */
  public static final String BASELINE_NAME_ID = "NP160";
  /** An entry of {@code domainNames} that does not match the API's pattern, or repeated. */
  public static final String DOMAIN_NAME_ID = "NP161";
  /** A peer field where the kind has none: nodes/networks/domainNames in ingress, domainNames in a BANP. */
  public static final String PEER_FIELD_ID = "NP162";
  /** A named port in an egress rule with a networks, nodes or domainNames peer (the CRD's CEL rule). */
  public static final String NAMED_PORT_PEER_ID = "NP163";

  /** Most items of {@code networks} and of {@code domainNames}, in every version. */
  public static final int MAX_ADDRESSES = 25;
  /** Longest CIDR text ({@code MaxLength=43}). */
  public static final int MAX_CIDR_LENGTH = 43;
  /** Longest rule name. */
  public static final int MAX_RULE_NAME_LENGTH = 100;
  /** Lowest and highest priority. */
  public static final int MIN_PRIORITY = 0;
  /** Highest priority. */
  public static final int MAX_PRIORITY = 1000;

  private ClusterPolicyChecks() {}

  /** NP151: the tier enum. */
  public static void tier(String tier, String path, Findings out) {
    if (!tier.equals("Admin") && !tier.equals("Baseline")) {
      out.error(TIER_ID, path, "Unsupported value: \"" + tier + "\": supported values: \"Admin\", \"Baseline\"");
    }
  }

  /** NP152: priority within 0–1000. */
  public static void priority(int priority, String path, Findings out) {
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      out.error(PRIORITY_ID, path, "Invalid value: " + priority + ": must be between " + MIN_PRIORITY + " and "
          + MAX_PRIORITY + ", inclusive");
    }
  }

  /**
   * NP153: the action is one of {@code allowed} (case-sensitive). The other version's spelling
   * of the same action ({@code Allow} in v1alpha2, {@code Accept} in v1alpha1) is named.
   */
  public static void action(String action, List<String> allowed, String path, Findings out) {
    if (allowed.contains(action)) {
      return;
    }
    StringBuilder msg = new StringBuilder("Unsupported value: \"").append(action).append("\": supported values: ");
    for (int i = 0; i < allowed.size(); i++) {
      msg.append(i == 0 ? "" : ", ").append('"').append(allowed.get(i)).append('"');
    }
    if (action.equals("Allow") && allowed.contains("Accept")) {
      msg.append(" (v1alpha1's Allow is Accept in v1alpha2)");
    } else if (action.equals("Accept") && allowed.contains("Allow")) {
      msg.append(" (v1alpha2's Accept is Allow in v1alpha1)");
    } else if (action.equals("Pass") && !allowed.contains("Pass")) {
      msg.append(" (a BaselineAdminNetworkPolicy has no later tier to pass to)");
    }
    out.error(ACTION_ID, path, msg.toString());
  }

  /** NP154: a list of {@code size} items holds at least {@code min} and at most {@code max}. */
  public static void listSize(int size, int min, int max, String path, Findings out) {
    if (size > max) {
      out.error(LIST_SIZE_ID, path, "Too many: " + size + ": must have at most " + max + " items");
    } else if (size < min) {
      out.error(LIST_SIZE_ID, path, "Required value: must have at least " + min + (min == 1 ? " item" : " items"));
    }
  }

  /**
   * NP155: exactly one of {@code names} is set; {@code set} lists which are, in the same order
   * as written in the schema.
   */
  public static void exactlyOne(List<String> names, List<String> set, String path, Findings out) {
    if (set.size() == 1) {
      return;
    }
    out.error(EXACTLY_ONE_ID, path, "must set exactly one of " + String.join(", ", names)
        + (set.isEmpty() ? " (found none)" : " (found " + String.join(" and ", set) + ")"));
  }

  /** NP155: a tcp/udp/sctp entry without its destinationPort (the CRD's MinProperties=1). */
  public static void missingDestinationPort(String path, Findings out) {
    out.error(EXACTLY_ONE_ID, path, "must specify destinationPort (number or range); to match every port of the "
        + "protocol, write the range 1-65535");
  }

  /** NP156: a port number within 1–65535. */
  public static void port(int port, String path, Findings out) {
    for (String msg : ApiNames.portNumber(port)) {
      out.error(PORT_ID, path, "Invalid value: " + port + ": " + msg);
    }
  }

  /** NP157: a v1alpha2 range's start below its end (the CRD's CEL rule {@code self.start < self.end}). */
  public static void rangeOrder(int start, int end, String path, Findings out) {
    if (start >= end) {
      out.error(RANGE_ORDER_ID, path, "Start port must be less than End port (start " + start + ", end " + end
          + (start == end ? "; a single port is written as number" : "") + ")");
    }
  }

  /** NP158: every entry of {@code networks} a CIDR as {@code isCIDR} accepts it, at most 43 characters, and unique. */
  public static void networks(List<String> networks, String path, Findings out) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < networks.size(); i++) {
      String text = networks.get(i);
      String p = path + "[" + i + "]";
      if (text.codePointCount(0, text.length()) > MAX_CIDR_LENGTH) {
        out.error(NETWORK_ID, p, "Too long: may not be more than " + MAX_CIDR_LENGTH + " characters");
      }
      notCidr(text).ifPresent(why -> out.error(NETWORK_ID, p, "Invalid CIDR format provided: \"" + text + "\" " + why));
      if (!seen.add(text)) {
        out.error(NETWORK_ID, p, "Duplicate value: \"" + text + "\"");
      }
    }
  }

  /**
   * Why {@code text} fails the CEL library's {@code isCIDR} (Go's {@code netip.ParsePrefix} and
   * no IPv4-mapped IPv6), or empty when it passes. Host bits may be set ({@code 10.0.0.1/8}
   * passes); leading zeros in an IPv4 octet or in the prefix length, zones and non-ASCII digits
   * do not.
   */
  public static Optional<String> notCidr(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.'
          || c == ':' || c == '/';
      if (!ok) {
        return Optional.of("is not a CIDR (an IP address, '/', and a prefix length)");
      }
    }
    Optional<Cidr.Parsed> parsed = Cidr.parse(text);
    if (parsed.isEmpty()) {
      return Optional.of("is not a CIDR (an IP address, '/', and a prefix length)");
    }
    String bits = text.substring(text.indexOf('/') + 1);
    if (bits.length() > 1 && bits.charAt(0) == '0') {
      return Optional.of("has a prefix length with a leading zero");
    }
    if (parsed.get().leadingZeros()) {
      return Optional.of("has an IPv4 octet with a leading zero");
    }
    if (parsed.get().ipv4Mapped()) {
      return Optional.of("is an IPv4-mapped IPv6 address, which isCIDR does not allow");
    }
    return Optional.empty();
  }

  /** NP159: a rule name of at most 100 characters. */
  public static void ruleName(String name, String path, Findings out) {
    int length = name.codePointCount(0, name.length());
    if (length > MAX_RULE_NAME_LENGTH) {
      out.error(RULE_NAME_ID, path, "Too long: may not be more than " + MAX_RULE_NAME_LENGTH + " characters (found "
          + length + ")");
    }
  }

  /** NP160: a BaselineAdminNetworkPolicy is named {@code default} (the CRD's CEL rule). */
  public static void baselineName(String name, String path, Findings out) {
    if (!name.equals("default")) {
      out.error(BASELINE_NAME_ID, path, "Invalid value: \"" + name + "\": Only one baseline admin network policy "
          + "with metadata.name=\"default\" can be created in the cluster");
    }
  }

  /** NP161: every entry of {@code domainNames} matches the API's pattern, and is unique. */
  public static void domainNames(List<String> names, String path, Findings out) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String p = path + "[" + i + "]";
      if (!isDomainName(name)) {
        out.error(DOMAIN_NAME_ID, p, "Invalid value: \"" + name + "\": must be a domain name of at least two "
            + "labels (letters, digits, '-', '_'; no '-' or '_' at either end of a label), optionally starting "
            + "with '*.' and ending with '.'");
      }
      if (!seen.add(name)) {
        out.error(DOMAIN_NAME_ID, p, "Duplicate value: \"" + name + "\"");
      }
    }
  }

  /**
   * The CRD's pattern
   * {@code ^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$},
   * matched in linear time (a backtracking regular expression is quadratic on hostile input).
   * As in the CRD, a label's first character may be any of {@code A-z}, which includes
   * {@code [ \ ] ^ _ `}.
   */
  public static boolean isDomainName(String s) {
    int from = s.startsWith("*.") ? 2 : 0;
    int to = s.endsWith(".") ? s.length() - 1 : s.length();
    int labels = 0;
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        if (!isDomainLabel(s, start, i)) {
          return false;
        }
        labels++;
        start = i + 1;
      }
    }
    return labels >= 2;
  }

  /** {@code [a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?} on {@code s[from, to)}. */
  private static boolean isDomainLabel(String s, int from, int to) {
    if (to <= from) {
      return false;
    }
    char first = s.charAt(from);
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'z') || (first >= '0' && first <= '9'))) {
      return false;
    }
    if (to - from == 1) {
      return true;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!isAsciiAlnum(c) && c != '-' && c != '_') {
        return false;
      }
    }
    return isAsciiAlnum(s.charAt(to - 1));
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** NP162: a peer field the kind does not define in this direction. */
  public static void misplacedPeerField(String field, String why, String path, Findings out) {
    out.error(PEER_FIELD_ID, path, field + " is not a field of " + why + "; the API server refuses it (or prunes it, "
        + "which changes what the peer selects)");
  }

  /**
   * NP163: a named port in an egress rule whose peers include networks, nodes or domainNames.
   * Only the experimental channel's CRD has this CEL rule; the standard CRD accepts such a rule,
   * so this is a warning (one gate: what the API server may accept compiles), and the named port
   * matches only pod destinations (SEMANTICS-TIERS.md).
   *
   * @param addressPeer the path of the first such peer field
   * @param namedPort   the path of the first named port
   */
  public static void namedPortWithAddressPeer(String rulePath, String addressPeer, String namedPort, Findings out) {
    out.warning(NAMED_PORT_PEER_ID, rulePath, "a named port cannot match a networks/nodes/domainNames destination "
        + "(they have no container ports), so " + namedPort + " matches only pods among the rule's peers, and never "
        + "through " + addressPeer + " (the experimental-channel CRD refuses this rule)");
  }
}
