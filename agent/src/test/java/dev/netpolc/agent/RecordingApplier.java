package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.Delta;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.backend.nftables.sim.NftSimulator;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code --dry-run} of the tests: records every apply and keeps the ruleset the kernel would
 * hold (the last full artifact, or the artifact the delta was made against with the delta on top,
 * parsed as {@code nft -f} applies it). Can be told to fail the next applies.
 */
final class RecordingApplier implements RuleApplier {

  /** One apply: a full artifact, or a delta over {@code installed}. */
  record Applied(boolean full, Artifact installed, Delta delta, Artifact artifact) {}

  private final List<Applied> applied = new ArrayList<>();
  private int failNext;
  private java.util.concurrent.CountDownLatch hold;
  private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);

  /** The next apply blocks until {@link #release()}, as a slow {@code nft} would. */
  synchronized void hold() {
    hold = new java.util.concurrent.CountDownLatch(1);
  }

  /** Waits until an apply is blocked by {@link #hold()}. */
  void awaitHeld() throws InterruptedException {
    held.await();
  }

  void release() {
    java.util.concurrent.CountDownLatch h;
    synchronized (this) {
      h = hold;
      hold = null;
    }
    h.countDown();
  }

  private void waitIfHeld() {
    java.util.concurrent.CountDownLatch h;
    synchronized (this) {
      h = hold;
    }
    if (h != null) {
      held.countDown();
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  synchronized void failNext(int n) {
    failNext = n;
  }

  @Override
  public void replace(Artifact full) throws ApplyException {
    waitIfHeld();
    record(full);
  }

  private synchronized void record(Artifact full) throws ApplyException {
    failIfAsked();
    applied.add(new Applied(true, null, null, full));
  }

  @Override
  public void update(Artifact installed, Delta delta) throws ApplyException {
    waitIfHeld();
    record(installed, delta);
  }

  private synchronized void record(Artifact installed, Delta delta) throws ApplyException {
    failIfAsked();
    applied.add(new Applied(false, installed, delta, null));
  }

  @Override
  public synchronized void cleanup() {}

  private void failIfAsked() throws ApplyException {
    if (failNext > 0) {
      failNext--;
      throw new ApplyException("nft exited 1: injected failure");
    }
  }

  synchronized List<Applied> applied() {
    return List.copyOf(applied);
  }

  /** A decider for what the kernel would hold after the last apply. */
  synchronized ConnectionDecider kernel(Set<IpAddress> nodeAddresses) throws BackendException {
    Applied last = applied.get(applied.size() - 1);
    return new NftSimulator(last.full() ? NftablesBackend.parse(last.artifact())
        : NftablesBackend.parse(last.installed(), last.delta()), nodeAddresses);
  }
}
