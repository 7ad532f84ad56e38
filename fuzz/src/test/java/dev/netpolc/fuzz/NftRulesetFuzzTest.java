package dev.netpolc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The nftables ruleset grammar and interpreter behind {@code verify} and {@code --via nftables}:
 * any text gives a simulator that decides every connection, or a {@link BackendException} whose
 * message starts with {@code file:line:column} inside the text.
 */
class NftRulesetFuzzTest {
  private static final String FILE = "ruleset.nft";
  private static final NftablesBackend BACKEND = new NftablesBackend();
  /** A node owning one address per family, so input, output and forward hooks all run. */
  private static final SimulationContext NODE = new SimulationContext(Optional.of("node-a"),
      Set.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")));

  @FuzzTest
  void rulesetAndInterpreter(byte[] data) {
    String text = Contract.text(data);
    ConnectionDecider sim;
    try {
      sim = BACKEND.simulator(Artifact.of("nftables", FILE, text), NODE);
    } catch (BackendException e) {
      Contract.positioned(e.getMessage(), Map.of(FILE, text));
      return;
    }
    Contract.exercise(sim, text);
  }
}
