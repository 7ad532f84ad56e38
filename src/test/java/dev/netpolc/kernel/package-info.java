/**
 * The real-kernel test harness: simulated clusters made of network namespaces, wired by the real
 * CNI plugins, with echo servers, a fast prober and persistent connections. See
 * {@code /work/shared/design/KERNEL-TESTS.md} for the machine it targets.
 *
 * <pre>{@code
 * @Tag("kernel")
 * class MyKernelTest {
 *   @BeforeAll static void kernel() { KernelSupport.assumeAvailable(); }   // skip, or fail when CI is set
 *
 *   @Test void policyIsEnforced() {
 *     try (Topology t = Topology.builder().mode(Topology.Mode.BRIDGE).node("node0")
 *         .pod("x/a", "node0", "198.18.0.10", "fd00::10").pod("x/b", "node0").build()) {
 *       List<PortSpec> ports = List.of(PortSpec.tcp(80), PortSpec.udp(53));
 *       t.startServers(ports, true);                               // pods and nodes
 *       t.replaceNftables("node0", generatedRuleset);              // one transaction
 *       Reachability seen = Prober.probe(t, Probe.matrix(t.endpoints(), t.endpoints(), ports,
 *           List.of(Family.V4, Family.V6)));
 *       assertThat(seen.mismatches(expectedFromReferenceEvaluator)).as(seen.render()).isEmpty();
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>SCTP cannot be probed: the test kernel has no {@code CONFIG_IP_SCTP}; {@link
 * dev.netpolc.kernel.Probe} and {@link dev.netpolc.kernel.PortSpec} reject it with that reason.
 */
package dev.netpolc.kernel;
