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

  /**
   * Like {@link #update(Artifact, Delta)}, also given the full artifact the delta leads to, for
   * appliers whose delta cannot carry everything (eBPF: a new pod's interface needs an attach).
   */
  default void update(Artifact installed, Delta delta, Artifact next) throws ApplyException {
    update(installed, delta);
  }

  /** Removes everything the backend owns ({@code --cleanup-on-exit}). */
  void cleanup() throws ApplyException;

  /** True when {@link #readBack()} reads the kernel (false for a dry run). */
  default boolean readsBack() {
    return false;
  }

  /**
   * What the kernel holds of the backend's rules now, as an artifact the backend's simulator
   * reads (nft's listing, iptables-save and ipset save of its chains and sets, bpftool's dump of
   * its maps); empty when it holds none. The agent compares it with its first compile.
   *
   * @throws ApplyException when the kernel cannot be read
   */
  default java.util.Optional<Artifact> readBack() throws ApplyException {
    throw new ApplyException("this applier does not read the kernel back");
  }

  /** An apply that did not go through; the kernel still holds what it held before. */
  final class ApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the reason, e.g. the failing command's exit code and stderr. */
    public ApplyException(String message) {
      super(message);
    }
  }
}
