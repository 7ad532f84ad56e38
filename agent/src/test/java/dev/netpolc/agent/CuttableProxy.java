package dev.netpolc.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay between the agent and the mock API server that the test can cut: {@link #cut()}
 * resets every open connection (lists and watches in flight) and refuses new ones by closing
 * them on accept, as a partitioned or restarting API server looks to a client;
 * {@link #restore()} relays again. Loopback only.
 */
final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> open = new ArrayList<>();
  private final Thread acceptor;
  private boolean up = true;
  private boolean closed;
  private int refused;

  /** Relays 127.0.0.1:{@link #port()} to 127.0.0.1:{@code targetPort}. */
  CuttableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    acceptor = new Thread(this::acceptLoop, "cuttable-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections refused while cut: the client's attempts to reconnect. */
  synchronized int refused() {
    return refused;
  }

  /** Resets every open connection and refuses new ones until {@link #restore()}. */
  void cut() {
    List<Socket> toClose;
    synchronized (this) {
      up = false;
      toClose = new ArrayList<>(open);
      open.clear();
    }
    toClose.forEach(CuttableProxy::reset);
  }

  synchronized void restore() {
    up = true;
  }

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (this) {
        if (closed) {
          reset(client);
          return;
        }
        if (!up) {
          refused++;
          reset(client);
          continue;
        }
      }
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      } catch (IOException e) {
        reset(client);
        continue;
      }
      synchronized (this) {
        open.add(client);
        open.add(server);
      }
      pump(client, server, "up");
      pump(server, client, "down");
    }
  }

  private void pump(Socket from, Socket to, String dir) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The other side went away, or the test cut the line.
      } finally {
        reset(from);
        reset(to);
      }
    }, "cuttable-proxy-" + dir);
    t.setDaemon(true);
    t.start();
  }

  /** Closes with a reset (linger 0), so the peer sees the connection fail rather than end. */
  private static void reset(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
      }
      s.close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    cut();
    try {
      listener.close();
    } catch (IOException e) {
      // Nothing left to do.
    }
  }
}
