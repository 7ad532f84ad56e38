package dev.netpolc.model.calico;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One ingress or egress rule of a Calico policy, as written. A rule matches when every part
 * that is present holds (SEMANTICS-CALICO.md, "Rules"); then its action decides.
 *
 * @param action      {@code action} as written ({@code Allow}, {@code Deny}, {@code Log},
 *                    {@code Pass}; validation refuses anything else)
 * @param ipVersion   {@code ipVersion} (4 or 6), or empty for both
 * @param protocol    {@code protocol}
 * @param notProtocol {@code notProtocol}
 * @param icmp        {@code icmp}
 * @param notIcmp     {@code notICMP}
 * @param source      {@code source}
 * @param destination {@code destination}
 * @param http        true when the rule has an L7 {@code http} match, which netpolc refuses
 */
public record CalicoRule(String action, OptionalInt ipVersion, Optional<CalicoProtocol> protocol,
    Optional<CalicoProtocol> notProtocol, Optional<IcmpMatch> icmp, Optional<IcmpMatch> notIcmp, EntityRule source,
    EntityRule destination, boolean http) {

  public CalicoRule {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(ipVersion, "ipVersion");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(notProtocol, "notProtocol");
    Objects.requireNonNull(icmp, "icmp");
    Objects.requireNonNull(notIcmp, "notIcmp");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }

  /** The action, or null when the text is none of Calico's (validation reports that). */
  public CalicoAction actionKind() {
    return CalicoAction.of(action);
  }

  /**
   * True when the rule matches every packet: no protocol, ICMP, IP version or entity test at
   * all (an unconditional rule).
   */
  public boolean unconditional() {
    return ipVersion.isEmpty() && protocol.isEmpty() && notProtocol.isEmpty() && icmp.isEmpty()
        && notIcmp.isEmpty() && source.isEmpty() && destination.isEmpty() && !http;
  }
}
