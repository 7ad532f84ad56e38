package dev.netpolc.backend.ebpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.BackendOptions;
import dev.netpolc.compiler.CompileOptions;
import dev.netpolc.compiler.ir.RuleGraph;
import org.junit.jupiter.api.Test;

/**
 * A map that would exceed its maximum is an error naming the policies responsible, never a
 * truncation; exactly at the maximum is fine; options are validated; a delta whose updates
 * would overfill a map before its deletes run is refused.
 */
class MapLimitsAndOptionsTest {
  private final EbpfBackend ebpf = new EbpfBackend();
  private final RuleGraph demoA = Fixtures.compile(Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-a"));

  @Test
  void policyMapOverItsMaximumNamesThePolicies() throws BackendException {
    int need = ebpf.maps(demoA, BackendOptions.DEFAULTS).policy().size();
    assertThat(ebpf.maps(demoA, BackendOptions.DEFAULTS.with("maxEntries.np_policy", Integer.toString(need)))
        .policy()).hasSize(need);
    assertThatThrownBy(() -> ebpf.emit(demoA,
        BackendOptions.DEFAULTS.with("maxEntries.np_policy", Integer.toString(need - 1))))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("map np_policy needs " + need + " entries, more than its maximum " + (need - 1))
        .hasMessageContaining("option maxEntries.np_policy")
        .hasMessageContaining("the policies with the most entries: ")
        .hasMessageContaining("backend/allow-dns (8), backend/backend-egress (8)").hasMessageContaining(" and 11 more");
  }

  @Test
  void identityAndEndpointMapsOverTheirMaximum() {
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("maxEntries.np_ident6", "10")))
        .hasMessageContaining("map np_ident6 needs").hasMessageContaining("the policies with the most peer CIDRs: ");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("maxEntries.np_endpoints", "1")))
        .hasMessageContaining("map np_endpoints needs")
        .hasMessageContaining("its entries are the addresses of node node-a and its pods, not policies");
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("maxIpsets", "3")))
        .hasMessageStartingWith("ebpf: unknown option 'maxIpsets' (known: pinDir, maxEntries.<map>");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("maxEntries.np_policy", "0")))
        .hasMessageContaining("must be an integer from 1 to 16777216, got '0'");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("maxEntries.np_policy", "lots")))
        .hasMessageContaining("got 'lots'");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("pinDir", "/sys/fs/bpf/../x")))
        .hasMessageContaining("'.' or '..'");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.with("pinDir", "/a b\nmap delete")))
        .hasMessageContaining("absolute path").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.withTableName("no/slash")))
        .hasMessageContaining("invalid table name");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.withCounters(true)))
        .hasMessageContaining("counters cannot be expressed in map layout v1");
    assertThatThrownBy(() -> ebpf.emit(demoA, BackendOptions.DEFAULTS.withLogDrops(true)))
        .hasMessageContaining("drop logging cannot be expressed");
  }

  @Test
  void pinDirectoryFollowsTheTableOrTheOption() throws BackendException {
    Artifact a = ebpf.emit(demoA, BackendOptions.DEFAULTS.withTableName("np2"));
    assertThat(a.files().get(MapsBatch.FILE)).contains("map update pinned /sys/fs/bpf/np2/np_policy key hex ");
    Artifact b = ebpf.emit(demoA, BackendOptions.DEFAULTS.with("pinDir", "/run/netpolc/bpf"));
    assertThat(b.files().get(MapsBatch.FILE)).contains("map update pinned /run/netpolc/bpf/np_ident4 key hex ");
    assertThat(b.files().get(MapsJson.FILE)).contains("\"pinDir\": \"/run/netpolc/bpf\"");
  }

  @Test
  void deltaThatWouldOverfillAMapIsRefused() throws BackendException {
    RuleGraph demoB = Fixtures.compile(Fixtures.demo(), CompileOptions.DEFAULTS.withNode("node-b"));
    Artifact a = ebpf.emit(demoA, BackendOptions.DEFAULTS);
    int max = Math.max(ebpf.maps(demoA, BackendOptions.DEFAULTS).policy().size(),
        ebpf.maps(demoB, BackendOptions.DEFAULTS).policy().size());
    int peak = MapsDiff.peak(EbpfBackend.read(a), MapsDiff.between(EbpfBackend.read(a),
        ebpf.maps(demoB, BackendOptions.DEFAULTS))).get(EbpfMap.POLICY);
    assertThat(peak).isGreaterThan(max);
    assertThat(ebpf.delta(a, demoB, BackendOptions.DEFAULTS.with("maxEntries.np_policy", Integer.toString(peak)))
        .files()).containsOnlyKeys(EbpfBackend.DELTA_FILE);
    assertThatThrownBy(() -> ebpf.delta(a, demoB,
        BackendOptions.DEFAULTS.with("maxEntries.np_policy", Integer.toString(peak - 1))))
        .hasMessageContaining("the delta would hold " + peak + " entries in np_policy");
  }

  @Test
  void statisticsCountEveryMap() throws BackendException {
    Artifact a = ebpf.emit(demoA, BackendOptions.DEFAULTS);
    EbpfMaps m = EbpfBackend.read(a);
    assertThat(ebpf.statistics(a)).containsEntry("np_policy", (long) m.policy().size())
        .containsEntry("np_endpoints", (long) m.endpoints().size())
        .containsEntry("entries", (long) (m.ident4().size() + m.ident6().size() + m.endpoints().size()
            + m.policy().size()))
        .doesNotContainKey("np_hostpods");
  }
}
