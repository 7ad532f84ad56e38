package dev.netpolc.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP connect/request/response/close loop (netperf's TCP_CRR, which these machines do not
 * package): the datapath benchmark's measure of new connections per second.
 *
 * <pre>java -cp netpolc-bench.jar dev.netpolc.bench.Crr server PORT [THREADS]
 * java -cp netpolc-bench.jar dev.netpolc.bench.Crr client HOST PORT THREADS SECONDS [WARMUP_SECONDS]</pre>
 *
 * <p>Each client thread connects, sends a {@value #MESSAGE}-byte request, reads the
 * {@value #MESSAGE}-byte answer and closes, in a loop. The client closes with a reset (linger 0)
 * so that neither side keeps the connection in TIME_WAIT: at thousands of connections per second
 * the client's ephemeral ports would otherwise run out within seconds. Connections completed
 * during the warm-up are not counted. The client prints one line,
 * {@code completed=N errors=E seconds=S}, and exits 1 when nothing completed.
 */
public final class Crr {
  /** Request and answer size in bytes. */
  static final int MESSAGE = 32;
  private static final int CONNECT_TIMEOUT_MS = 2_000;

  private Crr() {}

  /** Runs the server (until killed) or the client; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("server")) {
      serve(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 8);
    } else if (args.length >= 5 && args[0].equals("client")) {
      Result r = run(InetAddress.getByName(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Double.parseDouble(args[4]), args.length > 5 ? Double.parseDouble(args[5]) : 0.5);
      System.out.println(r.line());
      System.exit(r.completed() > 0 ? 0 : 1);
    } else {
      System.err.println("usage: Crr server PORT [THREADS] | Crr client HOST PORT THREADS SECONDS [WARMUP_SECONDS]");
      System.exit(2);
    }
  }

  /**
   * What one client run counted.
   *
   * @param completed connections that completed their request and answer in the measured window
   * @param errors    connections that failed (refused, timed out, reset early) in that window
   * @param seconds   the measured window
   */
  record Result(long completed, long errors, double seconds) {
    /** Completed connections per second. */
    double rate() {
      return completed / seconds;
    }

    String line() {
      return String.format(Locale.ROOT, "completed=%d errors=%d seconds=%.3f", completed, errors, seconds);
    }

    /** Parses {@link #line()}; throws {@link IllegalArgumentException} on anything else. */
    private static final java.util.regex.Pattern LINE =
        java.util.regex.Pattern.compile("completed=(\\d+) errors=(\\d+) seconds=([0-9.]+)");

    static Result parse(String text) {
      for (String line : text.split("\n")) {
        var m = LINE.matcher(line.strip());
        if (m.matches()) {
          return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Double.parseDouble(m.group(3)));
        }
      }
      throw new IllegalArgumentException("no CRR result line in: " + text.strip());
    }
  }

  /** Accepts on {@code port} with {@code threads} threads, each answering its connections one at a time. */
  static void serve(int port, int threads) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(port), 4096);
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[MESSAGE];
        while (true) {
          try (Socket s = ss.accept()) {
            s.setTcpNoDelay(true);
            new DataInputStream(s.getInputStream()).readFully(buf);
            s.getOutputStream().write(buf);
          } catch (IOException e) {
            // a client that reset early: nothing to answer
          }
        }
      }, "crr-server-" + i);
      t.start();
      all.add(t);
    }
    for (Thread t : all) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Runs {@code threads} connection loops for {@code warmup + seconds}, counting the last {@code seconds}. */
  static Result run(InetAddress host, int port, int threads, double seconds, double warmup)
      throws InterruptedException {
    InetSocketAddress target = new InetSocketAddress(host, port);
    long start = System.nanoTime();
    long from = start + (long) (warmup * 1e9);
    long until = from + (long) (seconds * 1e9);
    AtomicLong completed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        byte[] req = new byte[MESSAGE];
        byte[] resp = new byte[MESSAGE];
        long now;
        while ((now = System.nanoTime()) < until) {
          boolean ok = once(target, req, resp);
          long end = System.nanoTime();
          // counted when it began and ended inside the window
          if (now >= from && end <= until) {
            (ok ? completed : errors).incrementAndGet();
          }
        }
      }, "crr-client-" + i);
      t.start();
      all.add(t);
    }
    for (Thread t : all) {
      t.join();
    }
    return new Result(completed.get(), errors.get(), seconds);
  }

  private static boolean once(InetSocketAddress target, byte[] req, byte[] resp) {
    Socket s = new Socket();
    try {
      s.setSoLinger(true, 0);
      s.setTcpNoDelay(true);
      s.connect(target, CONNECT_TIMEOUT_MS);
      s.setSoTimeout(CONNECT_TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      out.write(req);
      InputStream in = s.getInputStream();
      int got = 0;
      while (got < resp.length) {
        int n = in.read(resp, got, resp.length - got);
        if (n < 0) {
          return false;
        }
        got += n;
      }
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      try {
        s.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
