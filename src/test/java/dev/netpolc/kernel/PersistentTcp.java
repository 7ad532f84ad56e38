package dev.netpolc.kernel;

import dev.netpolc.model.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One established TCP connection to an echo server, kept open across rule changes, to check that
 * re-applying rules keeps established flows. Each {@link #stillAlive()} sends a fresh line and
 * waits for its echo, so a connection whose packets are now dropped answers false.
 */
public final class PersistentTcp implements AutoCloseable {

  /** How long {@link #stillAlive()} waits for the echo by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

  private final BackgroundProcess client;
  private final String description;
  private final AtomicInteger sequence = new AtomicInteger();

  private PersistentTcp(BackgroundProcess client, String description) {
    this.client = client;
    this.description = description;
  }

  /** Connects from namespace {@code ns}, bound to {@code source}, and checks one echo; throws if none comes. */
  static PersistentTcp open(String ns, IpAddress source, IpAddress destination, int port) {
    String dst = destination.v6() ? "[" + destination + "]" : destination.toString();
    String src = source.v6() ? "[" + source + "]" : source.toString();
    String family = destination.v6() ? "TCP6" : "TCP4";
    BackgroundProcess p = BackgroundProcess.start(List.of("ip", "netns", "exec", ns, "socat", "-",
        family + ":" + dst + ":" + port + ",bind=" + src + ",connect-timeout=2"));
    PersistentTcp tcp = new PersistentTcp(p, src + " -> " + dst + ":" + port + " in " + ns);
    if (!tcp.stillAlive(Duration.ofSeconds(3))) {
      tcp.close();
      throw new KernelHarnessException("persistent TCP connection " + tcp.description + " did not echo: `"
          + p.commandLine() + "`: " + p.stderr().strip());
    }
    return tcp;
  }

  /** True when a line sent now comes back within {@link #DEFAULT_WAIT}. */
  public boolean stillAlive() {
    return stillAlive(DEFAULT_WAIT);
  }

  /** True when a line sent now comes back within {@code wait}; false once the client has exited. */
  public boolean stillAlive(Duration wait) {
    if (!client.isAlive()) {
      return false;
    }
    String token = "alive-" + sequence.incrementAndGet();
    if (!client.writeLine(token)) {
      return false;
    }
    return client.awaitLine(token::equals, wait).isPresent();
  }

  /** The client's stderr so far, for failure messages. */
  public String stderr() {
    return client.stderr();
  }

  /** Closes the connection (kills the client). */
  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "PersistentTcp[" + description + "]";
  }
}
