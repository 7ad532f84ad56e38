package dev.netpolc.model.validation;

import dev.netpolc.model.PolicyPort;
import dev.netpolc.model.PortValue;
import dev.netpolc.model.Protocol;

/**
 * NP104 and NP108: one {@code ports[]} entry (ValidateNetworkPolicyPort). The protocol must be
 * TCP, UDP or SCTP; a number 1..65535; a name an IANA service name; {@code endPort} only with a
 * numeric port and not below it.
 */
public final class PortCheck {
  /** The rule id of endPort problems. */
  public static final String END_PORT_ID = "NP104";
  /** The rule id of port number, name and protocol problems. */
  public static final String ID = "NP108";

  private PortCheck() {}

  /** Validates the port entry found at {@code path}. */
  public static void check(PolicyPort port, String path, Findings out) {
    if (port.protocol().isPresent() && Protocol.parse(port.protocol().get()).isEmpty()) {
      out.error(ID, path + ".protocol",
          "unsupported protocol \"" + port.protocol().get() + "\": supported values: \"TCP\", \"UDP\", \"SCTP\"");
    }
    if (port.port().isEmpty()) {
      port.endPort().ifPresent(end -> out.error(END_PORT_ID, path + ".endPort",
          "endPort " + end + " may not be specified when `port` is not specified"));
      return;
    }
    PortValue value = port.port().get();
    if (value.isNamed()) {
      port.endPort().ifPresent(end -> out.error(END_PORT_ID, path + ".endPort",
          "endPort " + end + " may not be specified when `port` is non-numeric (\"" + value.name() + "\")"));
      for (String msg : ApiNames.portName(value.name())) {
        out.error(ID, path + ".port", "invalid port name \"" + value.name() + "\": " + msg);
      }
      return;
    }
    for (String msg : ApiNames.portNumber(value.number())) {
      out.error(ID, path + ".port", "invalid port " + value.number() + ": " + msg);
    }
    if (port.endPort().isPresent()) {
      int end = port.endPort().get();
      if (end < value.number()) {
        out.error(END_PORT_ID, path + ".endPort",
            "endPort " + end + " must be greater than or equal to port " + value.number());
      }
      for (String msg : ApiNames.portNumber(end)) {
        out.error(END_PORT_ID, path + ".endPort", "invalid endPort " + end + ": " + msg);
      }
    }
  }
}
