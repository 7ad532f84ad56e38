package dev.netpolc.model.validation;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API machinery's name and value checks (apimachinery {@code validation.Is*}). Each answers
 * the list of problems, empty when the text is valid, so that callers can report every one.
 *
 * <p>Valid text, by far the common case, is recognised by a hand-written scan first; only text
 * that fails it goes through the regular expressions, which word the problems.
 */
public final class ApiNames {
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
  private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

  /** Longest label value and name part of a qualified name. */
  public static final int MAX_LABEL_LENGTH = 63;
  /** Longest DNS-1123 subdomain. */
  public static final int MAX_SUBDOMAIN_LENGTH = 253;
  /** Longest IANA service name, the form of a port name. */
  public static final int MAX_PORT_NAME_LENGTH = 15;

  private ApiNames() {}

  /** A label key or annotation key: an optional DNS-subdomain prefix and a slash, then a name. */
  public static List<String> qualifiedName(String value) {
    if (isQualifiedName(value)) {
      return List.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builder();
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      name = parts[1];
      if (parts[0].isEmpty()) {
        out.add("prefix part must be non-empty");
      } else {
        for (String msg : dns1123Subdomain(parts[0])) {
          out.add("prefix part " + msg);
        }
      }
    } else {
      return List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
          + "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    }
    if (name.isEmpty()) {
      out.add("name part must be non-empty");
    } else if (name.length() > MAX_LABEL_LENGTH) {
      out.add("name part must be no more than 63 characters");
    }
    if (!name.isEmpty() && !QUALIFIED_NAME.matcher(name).matches()) {
      out.add("name part must consist of alphanumeric characters, '-', '_' or '.', "
          + "and must start and end with an alphanumeric character");
    }
    return out.build();
  }

  /** A label value: empty, or up to 63 alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
  public static List<String> labelValue(String value) {
    if (value.isEmpty() || (value.length() <= MAX_LABEL_LENGTH && isAlnumEnclosed(value, 0, value.length()))) {
      return List.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builder();
    if (value.length() > MAX_LABEL_LENGTH) {
      out.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      out.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
          + "and must start and end with an alphanumeric character");
    }
    return out.build();
  }

  /** A DNS-1123 subdomain (object names such as a NetworkPolicy's or a Pod's). */
  public static List<String> dns1123Subdomain(String value) {
    if (value.length() <= MAX_SUBDOMAIN_LENGTH && isSubdomain(value, 0, value.length())) {
      return List.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builder();
    if (value.length() > MAX_SUBDOMAIN_LENGTH) {
      out.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      out.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
          + "and must start and end with an alphanumeric character");
    }
    return out.build();
  }

  /** A DNS-1123 label (namespace names). */
  public static List<String> dns1123Label(String value) {
    if (value.length() <= MAX_LABEL_LENGTH && isDnsLabel(value, 0, value.length())) {
      return List.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builder();
    if (value.length() > MAX_LABEL_LENGTH) {
      out.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      out.add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
          + "and must start and end with an alphanumeric character");
    }
    return out.build();
  }

  /** An IANA service name, the form of a named port. */
  public static List<String> portName(String value) {
    if (isPortName(value)) {
      return List.of();
    }
    ImmutableList.Builder<String> out = ImmutableList.builder();
    if (value.length() > MAX_PORT_NAME_LENGTH) {
      out.add("must be no more than 15 characters");
    }
    if (!PORT_NAME_CHARS.matcher(value).matches()) {
      out.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!HAS_LETTER.matcher(value).matches()) {
      out.add("must contain at least one letter (a-z)");
    }
    if (value.contains("--")) {
      out.add("must not contain consecutive hyphens");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      out.add("must not begin or end with a hyphen");
    }
    return out.build();
  }

  /** A port number: 1 to 65535. */
  public static List<String> portNumber(long value) {
    return value >= 1 && value <= 65535 ? List.of() : List.of("must be between 1 and 65535, inclusive");
  }

  /** True when {@link #qualifiedName} finds no problem. */
  static boolean isQualifiedName(String value) {
    int slash = value.indexOf('/');
    int nameStart = 0;
    if (slash >= 0) {
      if (slash == 0 || value.indexOf('/', slash + 1) >= 0 || slash > MAX_SUBDOMAIN_LENGTH
          || !isSubdomain(value, 0, slash)) {
        return false;
      }
      nameStart = slash + 1;
    }
    int length = value.length() - nameStart;
    return length >= 1 && length <= MAX_LABEL_LENGTH && isAlnumEnclosed(value, nameStart, value.length());
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]} on {@code s[from, to)}. */
  private static boolean isAlnumEnclosed(String s, int from, int to) {
    if (to <= from || !isAlnum(s.charAt(from)) || !isAlnum(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** The DNS-1123 subdomain pattern (no length limit) on {@code s[from, to)}: labels joined by dots. */
  private static boolean isSubdomain(String s, int from, int to) {
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        if (!isDnsLabel(s, start, i)) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /** The DNS-1123 label pattern (no length limit) on {@code s[from, to)}. */
  private static boolean isDnsLabel(String s, int from, int to) {
    if (to <= from || !isLowerAlnum(s.charAt(from)) || !isLowerAlnum(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!isLowerAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** True when {@link #portName} finds no problem. */
  private static boolean isPortName(String value) {
    int n = value.length();
    if (n == 0 || n > MAX_PORT_NAME_LENGTH || value.charAt(0) == '-' || value.charAt(n - 1) == '-') {
      return false;
    }
    boolean letter = false;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 'a' && c <= 'z') {
        letter = true;
      } else if (c == '-') {
        if (value.charAt(i - 1) == '-') {
          return false;
        }
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return letter;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAlnum(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }
}
