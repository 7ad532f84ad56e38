package dev.netpolc.backend.nftables.sim;

import dev.netpolc.backend.nftables.sim.grammar.NftParser.AtomContext;
import dev.netpolc.backend.nftables.sim.grammar.NftParser.RangeValueContext;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.SourcePosition;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.Token;

/** Types the loosely lexed values of the grammar against the type the context expects. */
final class ValueParser {

  /** Protocol names nft reads from /etc/protocols or knows as keywords. */
  private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
      Map.entry("icmp", 1), Map.entry("igmp", 2), Map.entry("tcp", 6), Map.entry("udp", 17),
      Map.entry("gre", 47), Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("icmpv6", 58),
      Map.entry("ipv6-icmp", 58), Map.entry("dccp", 33), Map.entry("sctp", 132),
      Map.entry("udplite", 136));

  /** The ICMPv6 type names nft knows that netpolc emits or may read back (RFC 4443, 4861). */
  private static final Map<String, Integer> ICMPV6_TYPES = Map.ofEntries(
      Map.entry("destination-unreachable", 1), Map.entry("packet-too-big", 2), Map.entry("time-exceeded", 3),
      Map.entry("parameter-problem", 4), Map.entry("echo-request", 128), Map.entry("echo-reply", 129),
      Map.entry("nd-router-solicit", 133), Map.entry("nd-router-advert", 134),
      Map.entry("nd-neighbor-solicit", 135), Map.entry("nd-neighbor-advert", 136), Map.entry("nd-redirect", 137));

  private final String fileName;

  ValueParser(String fileName) {
    this.fileName = fileName;
  }

  SourcePosition pos(Token t) {
    return new SourcePosition(fileName, t.getLine(), t.getCharPositionInLine() + 1);
  }

  NftSyntaxException error(Token t, String reason) {
    return new NftSyntaxException(pos(t), reason);
  }

  /** A value, range {@code a-b} or prefix {@code a/n} of {@code type}. */
  KeyRange range(RangeValueContext ctx, KeyType type) {
    Token start = ctx.atom(0).getStart();
    if (ctx.SLASH() != null) {
      if (!type.allowsPrefix()) {
        throw error(ctx.SLASH().getSymbol(), "a prefix needs an address, not " + type.description());
      }
      Value128 addr = single(ctx.atom(0), type);
      Token lenTok = ctx.NUMBER().getSymbol();
      long len = number(lenTok, 255);
      if (len > type.bits()) {
        throw error(start, "Prefix length " + len + " is invalid for type of " + type.bits() + " bits width");
      }
      IpAddress a = toAddress(addr, type);
      return new KeyRange(Selector.address(a.mask((int) len)), Selector.address(a.fill((int) len)));
    }
    if (ctx.DASH() != null) {
      Value128 from = single(ctx.atom(0), type);
      Value128 to = single(ctx.atom(1), type);
      if (from.greaterThan(to)) {
        throw error(start, "Range has zero or negative size");
      }
      return new KeyRange(from, to);
    }
    if (type == KeyType.IFNAME) {
      return ifname(ctx.atom(0));
    }
    return KeyRange.single(single(ctx.atom(0), type));
  }

  private static IpAddress toAddress(Value128 v, KeyType type) {
    return type == KeyType.IPV4_ADDR ? IpAddress.v4(v.lo()) : IpAddress.v6(v.hi(), v.lo());
  }

  /** One value of {@code type}. */
  Value128 single(AtomContext atom, KeyType type) {
    Token t = atom.getStart();
    String text = t.getText();
    switch (type) {
      case IPV4_ADDR:
        return ipv4(t);
      case IPV6_ADDR:
        return ipv6(t);
      case INET_PROTO: {
        if (t.getType() == dev.netpolc.backend.nftables.sim.grammar.NftParser.NUMBER) {
          return Value128.of(number(t, 255));
        }
        Integer p = PROTOCOLS.get(text);
        if (p == null) {
          throw error(t, "Could not parse Internet protocol '" + text + "'");
        }
        return Value128.of(p);
      }
      case INET_SERVICE:
        if (t.getType() != dev.netpolc.backend.nftables.sim.grammar.NftParser.NUMBER) {
          throw error(t, "expected a port number, got '" + text
              + "' (service names are outside the netpolc subset)");
        }
        return Value128.of(number(t, 65535, "Service out of range"));
      case CT_STATE:
        return Value128.of(CtState.ofKeyword(text)
            .orElseThrow(() -> error(t, "Could not parse conntrack state '" + text + "'")).bit());
      case NFPROTO:
        if (text.equals("ipv4")) {
          return Value128.of(Selector.NFPROTO_IPV4);
        }
        if (text.equals("ipv6")) {
          return Value128.of(Selector.NFPROTO_IPV6);
        }
        throw error(t, "Could not parse netfilter protocol '" + text + "'");
      case ICMPV6_TYPE: {
        if (t.getType() == dev.netpolc.backend.nftables.sim.grammar.NftParser.NUMBER) {
          return Value128.of(number(t, 255));
        }
        Integer icmpType = ICMPV6_TYPES.get(text);
        if (icmpType == null) {
          throw error(t, "Could not parse ICMPv6 type '" + text + "'");
        }
        return Value128.of(icmpType);
      }
      case IFNAME: {
        KeyRange r = ifname(atom);
        if (!r.isSingle()) {
          throw error(t, "a wildcard interface name cannot be part of a range");
        }
        return r.from();
      }
      default:
        throw new AssertionError(type);
    }
  }

  private KeyRange ifname(AtomContext atom) {
    Token t = atom.getStart();
    String text = t.getText();
    int type = t.getType();
    if (type == dev.netpolc.backend.nftables.sim.grammar.NftParser.STRING) {
      text = text.substring(1, text.length() - 1);
    } else if (type != dev.netpolc.backend.nftables.sim.grammar.NftParser.WORD) {
      throw error(t, "expected an interface name, got '" + text + "'");
    }
    boolean wildcard = text.endsWith("*") && !text.endsWith("\\*");
    String name = wildcard ? text.substring(0, text.length() - 1) : text;
    if (name.isEmpty() && !wildcard) {
      throw error(t, "empty interface name");
    }
    if (name.length() > KeyType.IFNAME_MAX) {
      throw error(t, "interface name '" + name + "' is longer than " + KeyType.IFNAME_MAX + " characters");
    }
    Value128 from = KeyType.ifname(name);
    if (!wildcard) {
      return KeyRange.single(from);
    }
    // "eth*" matches every name starting with "eth": the low end pads with NUL, the high end with 0xff.
    long hi = from.hi();
    long lo = from.lo();
    for (int i = name.length(); i < 16; i++) {
      if (i < 8) {
        hi |= 0xFFL << (8 * (7 - i));
      } else {
        lo |= 0xFFL << (8 * (15 - i));
      }
    }
    return new KeyRange(from, new Value128(hi, lo));
  }

  private Value128 ipv4(Token t) {
    if (t.getType() != dev.netpolc.backend.nftables.sim.grammar.NftParser.IPV4_LIT) {
      throw error(t, "expected IPv4 address, got '" + t.getText() + "'");
    }
    String text = t.getText();
    if (IpAddress.hasLeadingZeros(text)) {
      // nft (inet_aton) would read such octets as octal; the subset refuses the ambiguity.
      throw error(t, "IPv4 address '" + text + "' has an octet with a leading zero");
    }
    Optional<IpAddress> a = IpAddress.tryParse(text);
    if (a.isEmpty() || a.get().v6()) {
      throw error(t, "malformed IPv4 address '" + text + "'");
    }
    return Selector.address(a.get());
  }

  private Value128 ipv6(Token t) {
    if (t.getType() != dev.netpolc.backend.nftables.sim.grammar.NftParser.IPV6_LIT) {
      throw error(t, "expected IPv6 address, got '" + t.getText() + "'");
    }
    Optional<IpAddress> a = IpAddress.tryParse(t.getText());
    if (a.isEmpty() || !a.get().v6() || IpAddress.hasLeadingZeros(t.getText())) {
      throw error(t, "malformed IPv6 address '" + t.getText() + "'");
    }
    return Selector.address(a.get());
  }

  /** A number token (decimal, 0x hex, or octal with a leading zero, as nft's scanner) up to {@code max}. */
  long number(Token t, long max) {
    return number(t, max, "value " + t.getText() + " out of range (maximum " + max + ")");
  }

  long number(Token t, long max, String outOfRange) {
    String text = t.getText();
    if (t.getType() != dev.netpolc.backend.nftables.sim.grammar.NftParser.NUMBER) {
      throw error(t, "expected a number, got '" + text + "'");
    }
    long v;
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        v = Long.parseLong(text.substring(2), 16);
      } else if (text.length() > 1 && text.charAt(0) == '0') {
        v = Long.parseLong(text.substring(1), 8);
      } else {
        v = Long.parseLong(text);
      }
    } catch (NumberFormatException e) {
      throw error(t, "malformed number '" + text + "'");
    }
    if (v > max) {
      throw error(t, outOfRange);
    }
    return v;
  }
}
