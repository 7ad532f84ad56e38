package dev.netpolc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.BackendException;
import dev.netpolc.backend.SimulationContext;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.compiler.ConnectionDecider;
import dev.netpolc.model.IpAddress;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ipset-restore and iptables-restore grammars and the interpreter behind {@code verify} and
 * {@code --via iptables}. The input holds up to three files separated by lines {@code =====}:
 * ipset.restore, iptables.rules, ip6tables.rules (as the backend emits them, and as a user saves
 * them from a node). Any text gives a simulator that decides every connection, or a
 * {@link BackendException} whose message starts with {@code file:line:column} inside that file.
 */
class IptablesRestoreFuzzTest {
  private static final String[] FILES = {IptablesBackend.IPSET_FILE, IptablesBackend.IPTABLES_FILE,
      IptablesBackend.IP6TABLES_FILE};
  private static final IptablesBackend BACKEND = new IptablesBackend();
  private static final SimulationContext NODE = new SimulationContext(Optional.of("node-a"),
      Set.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")));

  @FuzzTest
  void restoreFilesAndInterpreter(byte[] data) {
    String text = Contract.text(data);
    String[] parts = text.split("\n=====\n", FILES.length);
    SortedMap<String, String> files = new TreeMap<>();
    for (int i = 0; i < parts.length; i++) {
      files.put(FILES[i], parts[i]);
    }
    ConnectionDecider sim;
    try {
      sim = BACKEND.simulator(new Artifact("iptables", files), NODE);
    } catch (BackendException e) {
      Contract.positioned(e.getMessage(), files);
      return;
    }
    Contract.exercise(sim, text);
  }
}
