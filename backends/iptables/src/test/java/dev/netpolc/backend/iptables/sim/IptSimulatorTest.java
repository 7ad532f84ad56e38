package dev.netpolc.backend.iptables.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableSortedMap;
import dev.netpolc.compiler.Connection;
import dev.netpolc.model.IpAddress;
import dev.netpolc.model.Protocol;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The verifier's reading of hand-written restore files: set lookups with nomatch (most
 * specific entry wins), jumps, goto, RETURN and policies, multiport and ports, hook choice; and
 * rejection of what the real tools reject, with file:line:column.
 */
class IptSimulatorTest {
  private static final String SETS = String.join("\n",
      "create S hash:net family inet",
      "add S 10.0.0.0/8",
      "add S 10.1.0.0/16 nomatch",
      "add S 10.1.2.0/24",
      "create P hash:ip family inet",
      "add P 192.0.2.5",
      "");

  private static final String RULES = String.join("\n",
      "*filter",
      ":FORWARD DROP [0:0]",
      ":X-FORWARD - [0:0]",
      ":X-E - [0:0]",
      ":X-T - [0:0]",
      "-A X-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
      "-A X-FORWARD -m set --match-set P src -j X-E",
      "-A X-FORWARD -j ACCEPT",
      "-A X-E -m set --match-set S dst -p tcp -m multiport --dports 80,8000:8080 -m comment --comment \"c\" -j RETURN",
      "-A X-E -p udp --dport 53 -j RETURN",
      "-A X-E -d 203.0.113.0/24 -g X-T",
      "-A X-E -j LOG --log-prefix \"np-drop x: \" --log-level 6",
      "-A X-E -j DROP",
      "-A X-T -p sctp -j RETURN",
      "COMMIT",
      "");

  private static IptablesSimulator sim(Set<IpAddress> node) throws IptSyntaxException {
    IptArtifactReader r = IptArtifactReader.read(ImmutableSortedMap.of("ipset.restore", SETS, "iptables.rules",
        RULES));
    return new IptablesSimulator(r.v4(), r.v6(), node);
  }

  @org.junit.jupiter.api.Test
  void errorsShowControlCharactersOfTheInputAsQuestionMarks() {
    // A restore file read back from a node must not reach the terminal's escape sequences.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> IptArtifactReader.read(ImmutableSortedMap.of(
        "iptables.rules", "*filter\n:NETPOLC-FORWARD - [0:0]\n-A X\u001b[2J -j ACCEPT\nCOMMIT\n")))
        .isInstanceOf(IptSyntaxException.class).hasMessageStartingWith("iptables.rules:3:")
        .hasMessageContaining("at: '?'").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}/{3}: {4}")
  @CsvSource({
      "192.0.2.5, 10.9.9.9, TCP, 80, true",
      "192.0.2.5, 10.9.9.9, TCP, 8080, true",
      "192.0.2.5, 10.9.9.9, TCP, 8081, false",
      "192.0.2.5, 10.1.9.9, TCP, 80, false",
      "192.0.2.5, 10.1.2.3, TCP, 80, true",
      "192.0.2.5, 11.0.0.1, UDP, 53, true",
      "192.0.2.5, 203.0.113.1, SCTP, 9, true",
      "192.0.2.5, 203.0.113.1, TCP, 9, true", // goto: falling off X-T returns past X-E
      "192.0.2.6, 11.0.0.1, TCP, 1, true",
  })
  void decides(String src, String dst, Protocol p, int port, boolean allowed) throws IptSyntaxException {
    Connection c = Connection.of(IpAddress.parse(src), IpAddress.parse(dst), p, port);
    assertThat(sim(Set.of()).allows(c)).isEqualTo(allowed);
    // Locally generated: OUTPUT has no rules and policy ACCEPT.
    assertThat(sim(Set.of(IpAddress.parse(src))).allows(c)).isTrue();
  }

  @Test
  void hookJumpIsAddedOnceWhenMissing() throws IptSyntaxException {
    IptArtifactReader r = IptArtifactReader.read(ImmutableSortedMap.of("ipset.restore", SETS, "iptables.rules",
        RULES.replace(":X-T - [0:0]", ":X-T - [0:0]\n-A FORWARD -j X-FORWARD")));
    assertThat(r.v4().orElseThrow().chain("FORWARD").orElseThrow().rules()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "-A X-E -j NOPE|iptables.rules:14:11: chain NOPE does not exist",
      "-A X-E -m set --match-set Q src -j DROP|iptables.rules:14:27: set Q does not exist",
      "-A X-E -m set --match-set S src,dst -j DROP|iptables.rules:14:29: set S (hash:net) needs 1 flag(s)",
      "-A X-E -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16 -j DROP|iptables.rules:14:37: too many",
      "-A X-E --dport 80 -j DROP|iptables.rules:14:8: --dport needs -p tcp, udp or sctp",
      "-A X-E -d 2001:db8::1 -j DROP|iptables.rules:14:11: address '2001:db8::1' is not IPv4",
      "-A X-E -j LOG --log-prefix \"012345678901234567890123456789\"|iptables.rules:14:15: log prefix longer",
      "-A X-E -i eth0 -j DROP|iptables.rules:14:8: unsupported option -i",
      "-A NOPE -j DROP|iptables.rules:14:4: chain NOPE does not exist",
      "-A X-E --ctstate NEW -j DROP|iptables.rules:14:8: --ctstate needs -m conntrack first",
      "-A X-E -j DROP \"|iptables.rules:14:16: syntax error",
  })
  void rejects(String rule, String message) {
    String text = RULES.replace("-A X-T -p sctp -j RETURN", rule);
    assertThatThrownBy(() -> IptArtifactReader.read(ImmutableSortedMap.of("ipset.restore", SETS, "iptables.rules",
        text))).isInstanceOf(IptSyntaxException.class).hasMessageStartingWith(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "create S hash:net family inet|ipset.restore:7:8: set S already exists",
      "add T 10.0.0.1|ipset.restore:7:5: set T does not exist",
      "add P 10.0.0.0/8|ipset.restore:7:7: hash:ip takes single addresses",
      "add S 2001:db8::/32|ipset.restore:7:7: element '2001:db8::/32' is not of the set's family",
      "swap S P|ipset.restore:7:8: sets S and P differ in type or family",
      "create Z hash:ip,port|ipset.restore:7:10: unsupported set type",
      "destroy T|ipset.restore:7:9: set T does not exist",
  })
  void rejectsIpset(String line, String message) {
    assertThatThrownBy(() -> IptArtifactReader.read(ImmutableSortedMap.of("ipset.restore", SETS + line + "\n")))
        .isInstanceOf(IptSyntaxException.class).hasMessageStartingWith(message);
  }

  @Test
  void tooManySets() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= IpsetLoader.MAX_SETS; i++) {
      sb.append("create S").append(i).append(" hash:ip family inet\n");
    }
    assertThatThrownBy(() -> IptArtifactReader.read(ImmutableSortedMap.of("ipset.restore", sb.toString())))
        .hasMessageStartingWith("ipset.restore:257:8: more than 256 sets");
  }

  @Test
  void missingCommit() {
    assertThatThrownBy(() -> IptArtifactReader.read(ImmutableSortedMap.copyOf(Map.of("ipset.restore", SETS,
        "iptables.rules", RULES.replace("COMMIT\n", ""))))).hasMessageStartingWith("iptables.rules:1:1: table filter");
  }
}
