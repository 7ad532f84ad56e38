package dev.netpolc.model.validation;

/**
 * Options of the API-server validation.
 *
 * @param strictCidr treat host bits, leading zeros and IPv4-mapped IPv6 in CIDRs as errors
 *                   (NP101), as the API server does under its strict CIDR validation; when false
 *                   they are NP214 warnings
 */
public record ValidationOptions(boolean strictCidr) {
  /** The default: lenient CIDRs, as the API server without the strict feature gate. */
  public static final ValidationOptions DEFAULT = new ValidationOptions(false);
}
