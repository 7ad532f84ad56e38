package dev.netpolc.compiler.matrix;

import com.google.common.collect.ImmutableList;
import dev.netpolc.compiler.Connection;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.ContainerPort;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Pod;
import dev.netpolc.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Computes reachability matrices by asking a {@link ConnectionDecider} about every ordered pair
 * of pods: O(pods²) decisions per probe.
 *
 * <ul>
 *   <li>The pods are every active pod (it has an IP and has not terminated, see
 *       {@link Pod#isActive()}), hostNetwork pods included: they are pods that have an IP.</li>
 *   <li>Per pair, the address family is the first that both pods have, IPv4 before IPv6; each
 *       side uses its first address of that family. Pods with no common family do not reach
 *       each other.</li>
 *   <li>An ICMP probe is an ICMP message between IPv4 addresses or an ICMPv6 one between IPv6
 *       addresses: the pair uses its first addresses of that family, and without them does not
 *       reach.</li>
 *   <li>A named port resolves on the destination with the probe's protocol; a destination without
 *       it is unreachable. A pod always reaches itself, whatever the port.</li>
 * </ul>
 */
public final class MatrixComputer {
  private MatrixComputer() {}

  /** The matrix of every active pod of {@code cluster} for one probe. */
  public static ReachabilityMatrix compute(Cluster cluster, ConnectionDecider decider, Probe probe) {
    return compute(cluster, decider, probe, p -> true);
  }

  /** The matrix of every active pod of {@code cluster} for one port and protocol. */
  public static ReachabilityMatrix compute(Cluster cluster, ConnectionDecider decider, PortSpec port,
      Protocol protocol) {
    return compute(cluster, decider, new Probe(port, protocol), p -> true);
  }

  /** The matrix restricted to the active pods accepted by {@code include} (rows and columns). */
  public static ReachabilityMatrix compute(Cluster cluster, ConnectionDecider decider, Probe probe,
      Predicate<Pod> include) {
    return compute(cluster, decider, probe, include, include);
  }

  /**
   * The matrix from the active pods accepted by {@code from} (rows) to those accepted by
   * {@code to} (columns): each cell decided exactly as in the full matrix, so it is the full
   * matrix's slice.
   */
  public static ReachabilityMatrix compute(Cluster cluster, ConnectionDecider decider, Probe probe,
      Predicate<Pod> from, Predicate<Pod> to) {
    List<Pod> sources = pods(cluster, from);
    List<Pod> destinations = pods(cluster, to);
    SortedMap<String, List<String>> allowed = new TreeMap<>();
    for (Pod source : sources) {
      List<String> reached = new ArrayList<>();
      for (Pod destination : destinations) {
        if (reaches(decider, source, destination, probe)) {
          reached.add(destination.key());
        }
      }
      allowed.put(source.key(), reached);
    }
    return new ReachabilityMatrix(probe, allowed, destinations.stream().map(Pod::key).toList());
  }

  /**
   * How many pods a matrix over {@code include} has (active, one per key): what a caller checks
   * against its cell budget before asking for pods² decisions.
   */
  public static int podCount(Cluster cluster, Predicate<Pod> include) {
    return pods(cluster, include).size();
  }

  /** Every distinct (port number, protocol) that the active pods accepted by {@code include} declare, sorted. */
  public static List<Probe> declaredProbes(Cluster cluster, Predicate<Pod> include) {
    TreeSet<Probe> out = new TreeSet<>();
    for (Pod p : pods(cluster, include)) {
      for (ContainerPort cp : p.allPorts()) {
        out.add(new Probe(PortSpec.of(cp.containerPort()), cp.protocol()));
      }
    }
    return ImmutableList.copyOf(out);
  }

  /** The active pods accepted by {@code include}, sorted by key (one per key: the first wins). */
  static List<Pod> pods(Cluster cluster, Predicate<Pod> include) {
    TreeMap<String, Pod> byKey = new TreeMap<>();
    for (Pod p : cluster.pods()) {
      if (p.isActive() && include.test(p)) {
        byKey.putIfAbsent(p.key(), p);
      }
    }
    return ImmutableList.copyOf(byKey.values());
  }

  private static boolean reaches(ConnectionDecider decider, Pod from, Pod to, Probe probe) {
    if (from.key().equals(to.key())) {
      return true;
    }
    return connection(from, to, probe).map(decider::allows).orElse(false);
  }

  /**
   * The connection a matrix decides for two distinct pods: the probe's port (a named port
   * resolved on {@code to}) between their first addresses of the first family both have. Empty
   * when {@code to} lacks the named port or the pods share no family (the pair is unreachable).
   * An ICMP probe is of one family: its message between their first addresses of that family,
   * empty when either pod has none.
   */
  static Optional<Connection> connection(Pod from, Pod to, Probe probe) {
    if (probe.isIcmp()) {
      // A message of one family: only that family's addresses carry it.
      IcmpMessage m = probe.icmp();
      Optional<IpAddress> src = firstOfFamily(from, m.v6());
      Optional<IpAddress> dst = firstOfFamily(to, m.v6());
      return src.isPresent() && dst.isPresent()
          ? Optional.of(Connection.icmp(src.get(), dst.get(), m.type(), m.code()))
          : Optional.empty();
    }
    int port;
    if (probe.port().isNamed()) {
      Optional<Integer> resolved = to.namedPort(probe.port().name(), probe.protocol());
      if (resolved.isEmpty()) {
        return Optional.empty();
      }
      port = resolved.get();
    } else {
      port = probe.port().number();
    }
    for (boolean v6 : new boolean[] {false, true}) {
      Optional<IpAddress> src = firstOfFamily(from, v6);
      Optional<IpAddress> dst = firstOfFamily(to, v6);
      if (src.isPresent() && dst.isPresent()) {
        return Optional.of(Connection.of(src.get(), dst.get(), probe.protocol(), port));
      }
    }
    return Optional.empty();
  }

  private static Optional<IpAddress> firstOfFamily(Pod p, boolean v6) {
    return p.ips().stream().filter(ip -> ip.v6() == v6).findFirst();
  }
}
