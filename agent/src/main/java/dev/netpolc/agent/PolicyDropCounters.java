package dev.netpolc.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netpolc.compiler.ir.Endpoint;
import dev.netpolc.compiler.ir.EndpointGroup;
import dev.netpolc.compiler.ir.RuleGraph;
import dev.netpolc.model.Cluster;
import dev.netpolc.model.NetworkPolicy;
import dev.netpolc.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packets dropped per policy and direction ({@code --counters}, nftables backend), read from the
 * counters of the installed table's drop rules. A rule that drops for explicit policy rules (an
 * AdminNetworkPolicy or Baseline {@code Deny}) carries their origins in its comment
 * ({@code anp:name ingress[0]}) and counts for each of them; a group's default deny
 * ({@code default-deny GROUP}) counts for every NetworkPolicy that isolates a member of the group
 * in that direction: each of them selected the pod and none allowed the packet, so a drop at a pod
 * two policies select counts for both.
 *
 * <p>The totals only grow, as Prometheus counters must: each read adds what every rule counted
 * since the last read, and a rule that is new (a chain rebuilt by a delta, the table replaced)
 * counts from zero. What a rule counted between the last read and its removal is lost.
 */
public final class PolicyDropCounters {

  /** Where the table's rules come from: the text of {@code nft -j -t list table inet TABLE}. */
  @FunctionalInterface
  public interface Source {
    /** The JSON listing, without set elements. */
    String listTable() throws IOException;
  }

  /**
   * One exported series.
   *
   * @param policy    the policy's key ({@code ns/name}, or {@code anp:name} for the cluster tiers)
   * @param direction {@code ingress} or {@code egress}
   */
  public record Key(String policy, String direction) implements Comparable<Key> {
    public Key {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(direction, "direction");
    }

    @Override
    public int compareTo(Key o) {
      int c = policy.compareTo(o.policy);
      return c != 0 ? c : direction.compareTo(o.direction);
    }
  }

  private static final Pattern ORIGIN = Pattern.compile("(\\S+) (ingress|egress)\\[\\d+\\]");
  private static final Pattern GROUP_CHAIN = Pattern.compile("g_[0-9a-f]+_(in|out)(_.*)?");
  private static final String DEFAULT_DENY = "default-deny ";

  private final Source source;
  private final ObjectMapper json = new ObjectMapper();
  /** Group id to the NetworkPolicies isolating it, per direction; replaced after every apply. */
  private volatile Map<String, Map<String, List<String>>> isolating = Map.of();
  // Guarded by this.
  private Map<String, Long> lastSeen = new HashMap<>();
  private final SortedMap<Key, Long> totals = new TreeMap<>();

  /** Counters read from {@code source}. */
  public PolicyDropCounters(Source source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * A source running {@code nft} (a command line, e.g. {@code ip netns exec NODE nft}) to list
   * {@code inet table} as JSON without set elements ({@code -t}), which can be large.
   */
  public static Source nftSource(List<String> nft, String table) {
    List<String> cmd = new ArrayList<>(nft);
    cmd.addAll(List.of("-j", "-t", "list", "table", "inet", table));
    List<String> command = List.copyOf(cmd);
    return () -> {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try (InputStream out = p.getInputStream()) {
        String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(String.join(" ", command) + " timed out");
        }
        if (p.exitValue() != 0) {
          throw new IOException(String.join(" ", command) + " exited " + p.exitValue());
        }
        return text;
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while nft listed the counters");
      }
    };
  }

  /**
   * Records which NetworkPolicies isolate each group of {@code graph}, the graph just applied for
   * {@code cluster}; called by the agent after every apply.
   */
  public void applied(RuleGraph graph, Cluster cluster) {
    Set<String> members = new HashSet<>();
    for (EndpointGroup g : graph.groups()) {
      g.members().forEach(m -> members.add(m.pod()));
    }
    Map<String, Pod> pods = new HashMap<>();
    for (Pod p : cluster.pods()) {
      if (members.contains(p.key())) {
        pods.put(p.key(), p);
      }
    }
    Map<String, List<NetworkPolicy>> byNamespace = new HashMap<>();
    cluster.policies().forEach(np -> byNamespace.computeIfAbsent(np.namespace(), n -> new ArrayList<>()).add(np));
    Map<String, Map<String, List<String>>> out = new HashMap<>();
    for (EndpointGroup g : graph.groups()) {
      Set<String> in = new TreeSet<>();
      Set<String> eg = new TreeSet<>();
      for (Endpoint m : g.members()) {
        Pod p = pods.get(m.pod());
        if (p == null) {
          continue;
        }
        for (NetworkPolicy np : byNamespace.getOrDefault(p.namespace(), List.of())) {
          if (np.podSelector().matches(p.labels())) {
            if (np.isolatesIngress()) {
              in.add(np.key());
            }
            if (np.isolatesEgress()) {
              eg.add(np.key());
            }
          }
        }
      }
      out.put(g.id(), Map.of("ingress", List.copyOf(in), "egress", List.copyOf(eg)));
    }
    isolating = Collections.unmodifiableMap(out);
  }

  /**
   * Reads the kernel's counters and returns the totals so far, by policy and direction.
   *
   * @throws IOException when the listing cannot be had or read; the totals stay as they were
   */
  public synchronized SortedMap<Key, Long> read() throws IOException {
    JsonNode root = json.readTree(source.listTable());
    Map<String, Map<String, List<String>>> groups = isolating;
    Map<String, Long> seen = new HashMap<>();
    long tableHandle = -1;
    for (JsonNode item : root.path("nftables")) {
      if (item.has("table")) {
        tableHandle = item.path("table").path("handle").asLong(-1);
      }
      JsonNode rule = item.path("rule");
      if (rule.isMissingNode()) {
        continue;
      }
      Matcher chain = GROUP_CHAIN.matcher(rule.path("chain").asText());
      long packets = -1;
      boolean drop = false;
      for (JsonNode e : rule.path("expr")) {
        if (e.has("counter")) {
          packets = e.path("counter").path("packets").asLong(0);
        }
        drop |= e.has("drop");
      }
      if (!chain.matches() || !drop || packets < 0) {
        continue;
      }
      String comment = rule.path("comment").asText("");
      String id = tableHandle + "/" + rule.path("chain").asText() + "/" + rule.path("handle").asText() + "/" + comment;
      seen.put(id, packets);
      Long before = lastSeen.get(id);
      long added = before == null || packets < before ? packets : packets - before;
      if (added == 0 && before != null) {
        continue;
      }
      for (Key k : keys(comment, chain.group(1).equals("in") ? "ingress" : "egress", groups)) {
        totals.merge(k, added, Long::sum);
      }
    }
    lastSeen = seen;
    return Collections.unmodifiableSortedMap(new TreeMap<>(totals));
  }

  /** The totals of the last successful {@link #read()}, without reading. */
  public synchronized SortedMap<Key, Long> lastTotals() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(totals));
  }

  /** The series a drop rule counts for: its origins, or the group's isolating policies for a default deny. */
  private static List<Key> keys(String comment, String direction, Map<String, Map<String, List<String>>> groups) {
    List<Key> keys = new ArrayList<>();
    if (comment.startsWith(DEFAULT_DENY)) {
      Map<String, List<String>> g = groups.get(comment.substring(DEFAULT_DENY.length()));
      if (g != null) {
        g.get(direction).forEach(p -> keys.add(new Key(p, direction)));
      }
      return keys;
    }
    Set<Key> distinct = new TreeSet<>();
    Matcher m = ORIGIN.matcher(comment);
    while (m.find()) {
      distinct.add(new Key(m.group(1), m.group(2)));
    }
    keys.addAll(distinct);
    return keys;
  }
}
