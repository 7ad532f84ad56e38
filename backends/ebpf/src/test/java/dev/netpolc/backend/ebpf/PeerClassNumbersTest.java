package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netpolc.compiler.ir.AddressSet;
import dev.netpolc.compiler.ir.Atoms;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Peer classes are numbered from the names of the rules whose peer sets make them, not from
 * their addresses: a class keeps its number (and its identities their values) when another class
 * gains an address below all of its own, the order the sets are given in changes nothing, the
 * parts in no class-forming set are class 0, and more classes than numbers fold onto the
 * numbers there are.
 */
class PeerClassNumbersTest {

  private static final String A = "cluster/admin-a ingress[0]";
  private static final String B = "cluster/admin-b egress[1]";

  @Test
  void aClassKeepsItsNumberWhenAnotherGainsALowerAddress() {
    AddressSet a = hosts(5, 6, 7);
    AddressSet b = hosts(10, 11, 12);
    AddressSet bWithOne = hosts(1, 10, 11, 12);
    Identities before = identities(classSets(a, A, b, B), Identities.MAX_CLASSES, 1, 5, 6, 7, 10, 11, 12);
    Identities after = identities(classSets(a, A, bWithOne, B), Identities.MAX_CLASSES, 1, 5, 6, 7, 10, 11, 12);

    int classA = classOf(before, 5);
    int classB = classOf(before, 10);
    assertThat(classA).isNotEqualTo(classB).isNotZero();
    assertThat(classB).isNotZero();
    assertThat(classOf(before, 1)).as("an address in no Admin or Baseline set").isZero();
    // In address order, 10.0.0.1 would now make b's class come first and take a's number.
    assertThat(classOf(after, 5)).isEqualTo(classA);
    assertThat(classOf(after, 10)).isEqualTo(classB);
    assertThat(classOf(after, 1)).isEqualTo(classB);
    for (int host : List.of(5, 6, 7, 10, 11, 12)) {
      assertThat(value(after, host)).as("identity of 10.0.0.%d", host).isEqualTo(value(before, host));
    }
  }

  @Test
  void theOrderOfTheSetsChangesNoNumber() {
    AddressSet a = hosts(5, 6, 7);
    AddressSet b = hosts(10, 11, 12);
    Identities ab = identities(classSets(a, A, b, B), Identities.MAX_CLASSES, 5, 6, 7, 10, 11, 12);
    Identities ba = identities(classSets(b, B, a, A), Identities.MAX_CLASSES, 5, 6, 7, 10, 11, 12);
    for (int host : List.of(5, 6, 7, 10, 11, 12)) {
      assertThat(value(ba, host)).isEqualTo(value(ab, host));
    }
    assertThat(ba.classes()).containsExactly(ab.classes());
  }

  @Test
  void theClassOfARuleSetComesFromItsNamesNotItsAddresses() {
    // The same rule over other addresses (its peers' pods replaced): the same class number.
    Identities one = identities(classSets(hosts(5, 6, 7), A), Identities.MAX_CLASSES, 5, 6, 7);
    Identities other = identities(classSets(hosts(20, 21, 22, 23), A), Identities.MAX_CLASSES, 20, 21, 22, 23);
    assertThat(classOf(other, 20)).isEqualTo(classOf(one, 5)).isNotZero();
    // A set of fewer than three parts makes no class.
    Identities small = identities(classSets(hosts(5, 6), A), Identities.MAX_CLASSES, 5, 6);
    assertThat(classOf(small, 5)).isZero();
    assertThat(small.classes()).containsExactly(0);
  }

  @Test
  void moreClassesThanNumbersFoldOntoTheNumbersThereAre() {
    Map<AddressSet, Set<String>> sets = new LinkedHashMap<>();
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int first = 10 + 10 * i;
      sets.put(hosts(first, first + 1, first + 2), new TreeSet<>(Set.of("cluster/p" + i + " ingress[0]")));
      all.addAll(List.of(first, first + 1, first + 2));
    }
    int[] hosts = all.stream().mapToInt(Integer::intValue).toArray();
    Identities folded = identities(sets, 3, hosts);
    for (int host : hosts) {
      assertThat(classOf(folded, host)).isBetween(1, 2);
    }
    assertThat(classOf(folded, 1)).isZero();
    // The same classes in another order fold the same way.
    Map<AddressSet, Set<String>> reversed = new LinkedHashMap<>();
    List<AddressSet> backwards = new ArrayList<>(sets.keySet());
    Collections.reverse(backwards);
    backwards.forEach(s -> reversed.put(s, sets.get(s)));
    Identities again = identities(reversed, 3, hosts);
    for (int host : hosts) {
      assertThat(value(again, host)).isEqualTo(value(folded, host));
    }
    // One number left for classes (maxClasses 2): every named part shares it.
    Identities one = identities(sets, 2, hosts);
    assertThat(one.classes()).containsExactly(0, 1);
  }

  /** The classes of {@code classSets}, over parts that are single addresses (each host named by itself). */
  private static Identities identities(Map<AddressSet, Set<String>> classSets, int maxClasses, int... hosts) {
    Map<AddressSet, Set<String>> names = new LinkedHashMap<>();
    for (int h : hosts) {
      names.put(hosts(h), new TreeSet<>(Set.of("pod " + h)));
    }
    classSets.forEach((s, n) -> names.computeIfAbsent(s, k -> new TreeSet<>()).addAll(n));
    List<AddressSet> partitioned = new ArrayList<>(names.keySet());
    return Identities.of(Atoms.partition(partitioned), classSets, Identities.MIN_CLASS_IDENTITIES, maxClasses,
        names);
  }

  private static Map<AddressSet, Set<String>> classSets(Object... setsAndNames) {
    Map<AddressSet, Set<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < setsAndNames.length; i += 2) {
      out.put((AddressSet) setsAndNames[i], new TreeSet<>(Set.of((String) setsAndNames[i + 1])));
    }
    return out;
  }

  private static AddressSet hosts(int... lastOctets) {
    List<IpAddress> ips = new ArrayList<>();
    for (int o : lastOctets) {
      ips.add(ip(o));
    }
    return AddressSet.ofAddresses(ips);
  }

  private static IpAddress ip(int lastOctet) {
    return IpAddress.v4(0x0a00_0000L | lastOctet);
  }

  private static int classOf(Identities ids, int host) {
    return ids.classOf(ids.atoms().idOf(ip(host)));
  }

  private static int value(Identities ids, int host) {
    return ids.value(ids.atoms().idOf(ip(host)));
  }
}
