package dev.netpolc.compiler.build;

import dev.netpolc.model.SourcePosition;

/**
 * Input the compiler cannot translate (it should have failed validation first): the message
 * names the file, line and column and the field path, e.g.
 * {@code pol.yaml:12:15: spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR "10.0.0/8"}.
 */
public final class CompileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final SourcePosition position;
  private final String fieldPath;

  /** A finding at {@code position} on {@code fieldPath}. */
  public CompileException(SourcePosition position, String fieldPath, String message) {
    super(position + ": " + fieldPath + ": " + message);
    this.position = position;
    this.fieldPath = fieldPath;
  }

  /** Where the bad value was written. */
  public SourcePosition position() {
    return position;
  }

  /** The field path of the bad value. */
  public String fieldPath() {
    return fieldPath;
  }
}
