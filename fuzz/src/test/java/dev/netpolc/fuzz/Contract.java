package dev.netpolc.fuzz;

import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every fuzz target checks: positions inside the input, error messages that start with
 * {@code file:line:column}, and deciders that decide without throwing. A broken contract is an
 * {@link AssertionError}, which Jazzer reports as a finding like any other uncaught throwable.
 */
public final class Contract {
  private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");
  private static final Pattern IPV6 = Pattern.compile("\\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\\b");
  /** Protocol and port pairs each decider is asked about: TCP, UDP, SCTP, ICMP and ICMPv6. */
  private static final int[][] PROBES = {{6, 80}, {6, 53}, {17, 53}, {132, 9}, {6, 65535}, {1, 0}, {58, 0}};

  private Contract() {}

  /** The input as the CLI decodes it: UTF-8, malformed bytes replaced. */
  public static String text(byte[] data) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(data)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder does not throw", e);
    }
  }

  /**
   * Fails unless {@code line:column} (1-based) lies inside {@code text}: on one of its lines, at
   * most one past that line's last character (an error at the end of a line or of the input).
   * Lines end at {@code \n}, as ANTLR counts them, or also at a lone {@code \r}, as Jackson
   * counts them, or also at U+0085, U+2028 and U+2029, YAML 1.1's other line breaks, as SnakeYAML
   * counts them: a position is inside the input when it is so under one of these conventions.
   */
  public static void inBounds(String text, long line, long column, String what) {
    String problem = outside(text.split("\n", -1), line, column);
    if (problem == null) {
      return;
    }
    // Jackson counts a CR that ends the input as a line break, SnakeYAML does not.
    String lastCr = text.endsWith("\r") ? text.substring(0, text.length() - 1) + " " : text;
    for (String t : List.of(text, lastCr)) {
      if (outside(t.split("\r\n|\r|\n", -1), line, column) == null
          || outside(t.split("\r\n|[\r\n\u0085\u2028\u2029]", -1), line, column) == null) {
        return;
      }
    }
    throw new AssertionError(what + ": " + problem);
  }

  private static String outside(String[] lines, long line, long column) {
    if (line < 1 || line > lines.length) {
      return "line " + line + " outside the input's " + lines.length + " lines";
    }
    int length = lines[(int) line - 1].length();
    if (column < 1 || column > length + 1) {
      return "column " + column + " outside line " + line + " of " + length + " characters";
    }
    return null;
  }

  /**
   * Fails unless {@code message} starts with {@code file:line:column: } for one of {@code files}
   * (name to content) and that position lies inside that file.
   */
  public static void positioned(String message, java.util.Map<String, String> files) {
    if (message == null) {
      throw new AssertionError("an error without a message");
    }
    for (java.util.Map.Entry<String, String> f : files.entrySet()) {
      String prefix = f.getKey() + ":";
      if (message.startsWith(prefix)) {
        Matcher m = Pattern.compile("(\\d+):(\\d+): .*", Pattern.DOTALL).matcher(message.substring(prefix.length()));
        if (!m.matches()) {
          throw new AssertionError("no line:column after the file name: " + message);
        }
        inBounds(f.getValue(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), message);
        noControlCharacters(message);
        return;
      }
    }
    throw new AssertionError("the message names none of " + files.keySet() + ": " + message);
  }

  /**
   * Fails when {@code message} holds a control character other than a newline: input echoed
   * into a message must not reach a terminal raw.
   */
  public static void noControlCharacters(String message) {
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c != '\n' && c != '\t' && (Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
        throw new AssertionError(String.format("raw U+%04X in message: %s", (int) c, message.replaceAll(
            "\\p{Cntrl}", "?")));
      }
    }
  }

  /**
   * Asks {@code decider} about connections between the addresses written in {@code text} (and
   * two fixed ones per family), so the interpreter runs over what the parser built. Deciding
   * must not throw.
   */
  public static int exercise(ConnectionDecider decider, String text) {
    Set<IpAddress> v4 = new LinkedHashSet<>(List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("192.168.1.2")));
    Set<IpAddress> v6 = new LinkedHashSet<>(List.of(IpAddress.parse("fd00::1"), IpAddress.parse("2001:db8::2")));
    collect(IPV4.matcher(text), v4);
    collect(IPV6.matcher(text), v6);
    int allowed = 0;
    for (Set<IpAddress> family : List.of(v4, v6)) {
      List<IpAddress> addresses = new ArrayList<>(family);
      for (IpAddress from : addresses) {
        for (IpAddress to : addresses) {
          for (int[] p : PROBES) {
            if ((p[0] == 1 && from.v6()) || (p[0] == 58 && !from.v6())) {
              continue;
            }
            if (decider.allows(new Connection(from, to, p[0], p[1]))) {
              allowed++;
            }
          }
        }
      }
    }
    return allowed;
  }

  private static void collect(Matcher m, Set<IpAddress> into) {
    while (m.find() && into.size() < 4) {
      IpAddress.tryParse(m.group()).ifPresent(into::add);
    }
  }
}
