package dev.netpolc.agent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent's own list of every watched kind after a watch outage, as events. An informer
 * resumes its watch from the last resource version it saw; a server that cannot replay what
 * happened meanwhile (a mock server, an API server whose watch cache moved on without answering
 * 410 Gone, a proxy that restarted) never sends the deletions of that time, and the agent would
 * enforce objects that are gone. So after an outage the agent lists each kind itself: every
 * listed object becomes an update, every key the view holds (or the held events named) that the
 * server no longer lists becomes a deletion. Applied after the held events, the result is the
 * server's state at the list.
 */
final class Resync {
  private Resync() {}

  /**
   * Events that bring a view holding {@code view}'s objects plus {@code held}'s to the server's
   * current state of {@code kinds}.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when a list fails
   */
  static List<WatchEvent> relist(KubernetesClient client, List<WatchedKind> kinds, ClusterView view,
      List<WatchEvent> held) {
    long now = System.nanoTime();
    List<WatchEvent> out = new ArrayList<>();
    for (WatchedKind k : kinds) {
      List<? extends HasMetadata> items = list(client, k);
      Set<String> listed = new HashSet<>();
      List<WatchEvent> upserts = new ArrayList<>();
      for (HasMetadata o : items) {
        WatchEvent e = new WatchEvent(k, false, o, now);
        listed.add(e.key());
        upserts.add(e);
      }
      Set<String> known = new java.util.TreeSet<>(view.keys(k));
      held.stream().filter(e -> e.kind().equals(k)).forEach(e -> known.add(e.key()));
      for (String key : known) {
        if (!listed.contains(key)) {
          out.add(new WatchEvent(k, true, gone(k, key), now));
        }
      }
      out.addAll(upserts);
    }
    return out;
  }

  private static List<? extends HasMetadata> list(KubernetesClient client, WatchedKind k) {
    if (k.equals(WatchedKind.NAMESPACES)) {
      return client.namespaces().list().getItems();
    } else if (k.equals(WatchedKind.PODS)) {
      return client.pods().inAnyNamespace().list().getItems();
    } else if (k.equals(WatchedKind.NODES)) {
      return client.nodes().list().getItems();
    } else if (k.equals(WatchedKind.NETWORK_POLICIES)) {
      return client.network().v1().networkPolicies().inAnyNamespace().list().getItems();
    } else if (k.equals(WatchedKind.SERVICE_ACCOUNTS)) {
      return client.serviceAccounts().inAnyNamespace().list().getItems();
    } else if (k.equals(WatchedKind.SERVICES)) {
      return client.services().inAnyNamespace().list().getItems();
    } else if (k.equals(WatchedKind.ENDPOINT_SLICES)) {
      return client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems();
    }
    return Agent.generic(client, k).list().getItems();
  }

  /** A stand-in for an object the server no longer has: only its key matters to a deletion. */
  private static HasMetadata gone(WatchedKind k, String key) {
    int slash = key.indexOf('/');
    String ns = k.namespaced() && slash >= 0 ? key.substring(0, slash) : null;
    String name = ns == null ? key : key.substring(slash + 1);
    return new GenericKubernetesResourceBuilder().withApiVersion(k.apiVersion()).withKind(k.kind())
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata().build();
  }
}
