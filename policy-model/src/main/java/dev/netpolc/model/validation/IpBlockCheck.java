package dev.netpolc.model.validation;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpBlock;
import java.util.Optional;

/**
 * NP101 and NP214: {@code ipBlock.cidr} and every {@code except} must be CIDRs, each except of
 * the same family and strictly inside the cidr (ValidateIPBlock). Host bits, leading zeros and
 * IPv4-mapped IPv6 are NP214 warnings, or NP101 errors under strict CIDR validation.
 */
public final class IpBlockCheck {
  /** The rule id of invalid CIDRs and excepts. */
  public static final String ID = "NP101";
  /** The rule id of irregular but accepted CIDRs. */
  public static final String IRREGULAR_ID = "NP214";

  private IpBlockCheck() {}

  /** Validates the ipBlock found at {@code path}. */
  public static void check(IpBlock block, String path, ValidationOptions options, Findings out) {
    String cidrPath = path + ".cidr";
    if (block.cidr().isEmpty()) {
      out.error(ID, cidrPath, "cidr is required");
      return;
    }
    Optional<Cidr.Parsed> cidr = parse(block.cidr(), cidrPath, options, out);
    for (int i = 0; i < block.except().size(); i++) {
      String exceptPath = path + ".except[" + i + "]";
      String text = block.except().get(i);
      Optional<Cidr.Parsed> except = parse(text, exceptPath, options, out);
      if (cidr.isEmpty() || except.isEmpty()) {
        continue;
      }
      Cidr outer = cidr.get().cidr();
      Cidr inner = except.get().cidr();
      if (outer.v6() != inner.v6()) {
        out.error(ID, exceptPath, "\"" + text + "\" is not of the same IP family as cidr " + block.cidr());
      } else if (!outer.contains(inner) || inner.prefix() <= outer.prefix()) {
        out.error(ID, exceptPath, "\"" + text + "\" must be a strict subset of cidr " + block.cidr());
      }
    }
  }

  private static Optional<Cidr.Parsed> parse(String text, String path, ValidationOptions options, Findings out) {
    Optional<Cidr.Parsed> parsed = Cidr.parse(text);
    if (parsed.isEmpty()) {
      out.error(ID, path, "\"" + text + "\" is not a valid CIDR (an IP address, '/', and a prefix length)");
      return parsed;
    }
    Cidr.Parsed p = parsed.get();
    irregular(p.hostBitsSet(), "\"" + text + "\" has host bits set; it means " + p.cidr(), path, options, out);
    irregular(p.leadingZeros(), "\"" + text + "\" has an octet with a leading zero, read as decimal", path,
        options, out);
    irregular(p.ipv4Mapped(), "\"" + text + "\" is an IPv4-mapped IPv6 address; it matches IPv6 traffic only",
        path, options, out);
    return parsed;
  }

  private static void irregular(boolean found, String message, String path, ValidationOptions options,
      Findings out) {
    if (!found) {
      return;
    }
    if (options.strictCidr()) {
      out.error(ID, path, message + " (rejected under strict CIDR validation)");
    } else {
      out.warning(IRREGULAR_ID, path, message);
    }
  }
}
