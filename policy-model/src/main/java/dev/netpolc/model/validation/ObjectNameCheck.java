package dev.netpolc.model.validation;

import dev.netpolc.model.NetworkPolicy;

/**
 * NP109: {@code metadata.name} must be a DNS-1123 subdomain and {@code metadata.namespace} a
 * DNS-1123 label (ValidateObjectMeta with ValidateNetworkPolicyName).
 */
public final class ObjectNameCheck implements PolicyCheck {
  /** The rule id for invalid object names. */
  public static final String ID = "NP109";

  /** Creates the check. */
  public ObjectNameCheck() {}

  @Override
  public void check(NetworkPolicy policy, Findings out) {
    checkNames(policy.name(), policy.namespace(), out);
  }

  /** Checks a namespaced object's name and namespace. */
  static void checkNames(String name, String namespace, Findings out) {
    checkName(name, out);
    if (namespace.isEmpty()) {
      out.error(ID, "metadata.namespace", "namespace is required");
    } else {
      for (String msg : ApiNames.dns1123Label(namespace)) {
        out.error(ID, "metadata.namespace", "invalid value \"" + namespace + "\": " + msg);
      }
    }
  }

  /** Checks a cluster-scoped object's name: a DNS-1123 subdomain, as for every custom resource. */
  public static void checkName(String name, Findings out) {
    if (name.isEmpty()) {
      out.error(ID, "metadata.name", "name or generateName is required");
    } else {
      for (String msg : ApiNames.dns1123Subdomain(name)) {
        out.error(ID, "metadata.name", "invalid value \"" + name + "\": " + msg);
      }
    }
  }
}
