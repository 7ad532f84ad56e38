package dev.netpolc.backend.nftables;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.Collection;

/**
 * The {@code conntrack.sh} of a delta (option {@code conntrack=true}): one {@code conntrack -D}
 * per direction for every address or block that lost a permission (left a peer set, or is a
 * member of a group whose rules changed or that it left). Deleting an entry does not block a
 * flow by itself: the flow's next packet is looked at again as new (TCP loose pickup), so a
 * flow the new policy denies is dropped, and one it still allows goes on. Without this,
 * established flows outlive their permission, since {@code ct state established} is accepted
 * before any policy.
 */
final class ConntrackWriter {
  private ConntrackWriter() {}

  /** The script; empty when nothing was cut. */
  static String write(String table, Collection<Cidr> cut) {
    if (cut.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    sb.append("#!/bin/sh\n");
    sb.append("# netpolc: delete the conntrack entries of addresses that lost a permission in table inet ")
        .append(table).append(",\n");
    sb.append("# after applying the nft delta, so that established flows are checked against the new policy.\n");
    sb.append("# A filter that matches nothing is not an error.\n");
    for (Cidr c : cut) {
      String fam = c.v6() ? "ipv6" : "ipv4";
      for (String dir : new String[] {"src", "dst"}) {
        sb.append("conntrack -D -f ").append(fam).append(dir.equals("src") ? " -s " : " -d ")
            .append(c.address());
        if (c.prefix() < c.address().bits()) {
          sb.append(" --mask-").append(dir).append(' ').append(mask(c));
        }
        sb.append(" >/dev/null 2>&1 || true\n");
      }
    }
    return sb.toString();
  }

  /** The netmask of a block, as an address ({@code 255.255.255.0}, {@code ffff:ffff::}). */
  static IpAddress mask(Cidr c) {
    if (!c.v6()) {
      long m = c.prefix() == 0 ? 0 : (0xFFFF_FFFFL << (32 - c.prefix())) & 0xFFFF_FFFFL;
      return IpAddress.v4(m);
    }
    int p = c.prefix();
    long hi = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
    long lo = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
    return IpAddress.v6(hi, lo);
  }
}
