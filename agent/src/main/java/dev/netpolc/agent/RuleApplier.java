package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;

/**
 * Puts rules into the kernel (or prints them): the only part of the agent that touches the node.
 * Every call is one atomic transaction or fails leaving the previous rules in place.
 */
public interface RuleApplier {

  /** Replaces everything the backend owns with {@code full}. */
  void replace(Artifact full) throws ApplyException;

  /** Applies {@code delta} on top of {@code installed}, which the previous call left in place. */
  void update(Artifact installed, Delta delta) throws ApplyException;

  /** Removes everything the backend owns ({@code --cleanup-on-exit}). */
  void cleanup() throws ApplyException;

  /** An apply that did not go through; the kernel still holds what it held before. */
  final class ApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the reason, e.g. the failing command's exit code and stderr. */
    public ApplyException(String message) {
      super(message);
    }
  }
}
