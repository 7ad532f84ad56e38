package dev.netpolc.model.yaml;

import dev.netpolc.model.SourcePosition;
import dev.netpolc.model.diagnostics.Diagnostic;
import dev.netpolc.model.diagnostics.Severity;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: a malformed or unmappable byte is an error (NP005) at its line and
 * column instead of a silent replacement character. A UTF-8 byte-order mark is dropped.
 */
final class Utf8 {
  private Utf8() {}

  /** The text of {@code bytes}, or an {@link InputException} at the first bad byte. */
  static String decode(byte[] bytes, String file) {
    int start = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
        && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
    if (isAscii(bytes, start)) {
      // The common case: no decoder needed.
      return new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length - start);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      throw badByte(bytes, start, in.position(), file);
    }
    out.flip();
    return out.toString();
  }

  /** True when {@code bytes} from {@code start} on are all ASCII. */
  static boolean isAscii(byte[] bytes, int start) {
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  private static InputException badByte(byte[] bytes, int start, int offset, String file) {
    int line = 1;
    int lineStart = start;
    for (int i = start; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = 1;
    for (int i = lineStart; i < offset; i++) {
      if ((bytes[i] & 0xC0) != 0x80) { // count characters, not continuation bytes
        column++;
      }
    }
    String hint = offset <= 1 && bytes.length >= 2 && ((bytes[0] & 0xFF) == 0xFF || (bytes[0] & 0xFF) == 0xFE)
        ? " (UTF-16? convert the file to UTF-8)" : "";
    return new InputException(Diagnostic.of(ReaderRule.ENCODING.id(), Severity.ERROR,
        new SourcePosition(file, line, column), "", String.format("invalid UTF-8 byte 0x%02X%s",
            offset < bytes.length ? bytes[offset] & 0xFF : 0, hint)));
  }
}
