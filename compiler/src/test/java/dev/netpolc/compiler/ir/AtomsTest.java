package dev.netpolc.compiler.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.netpolc.model.Cidr;
import dev.netpolc.model.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The atom partition is exact (every set is the union of its atoms) and coarsest. */
class AtomsTest {
  private static final long BASE = 0xC6120000L;

  private static Gen<AddressSet> sets() {
    Gen<Cidr> cidr = integers().between(0, 31).zip(integers().between(27, 32),
        (off, prefix) -> new Cidr(IpAddress.v4(BASE + off).mask(prefix), prefix));
    return lists().of(cidr).ofSizeBetween(1, 3).map(AddressSet::ofCidrs);
  }

  @Test
  void atomsAreExactAndCoarsest() {
    qt().withExamples(300).forAll(lists().of(sets()).ofSizeBetween(0, 4)).checkAssert(sets -> {
      Atoms atoms = Atoms.partition(sets);
      for (AddressSet s : sets) {
        List<AddressSet> parts = new ArrayList<>();
        atoms.idsOf(s).forEach(id -> parts.add(atoms.atom(id)));
        assertThat(AddressSet.unionAll(parts).sameAddresses(s)).as("set %s", s).isTrue();
      }
      // Addresses with the same membership signature share an atom, and only those.
      Map<List<Boolean>, Integer> atomOfSignature = new HashMap<>();
      Map<Integer, List<Boolean>> signatureOfAtom = new HashMap<>();
      for (long i = -2; i < 34; i++) {
        IpAddress ip = IpAddress.v4(BASE + i);
        List<Boolean> sig = sets.stream().map(s -> s.contains(ip)).toList();
        int id = atoms.idOf(ip);
        assertThat(atoms.atom(id).contains(ip)).isTrue();
        assertThat(atomOfSignature.computeIfAbsent(sig, k -> id)).isEqualTo(id);
        assertThat(signatureOfAtom.computeIfAbsent(id, k -> sig)).isEqualTo(sig);
      }
      assertThat(atoms.idOf(IpAddress.parse("::1"))).isEqualTo(atoms.idOf(IpAddress.parse("0.0.0.0")));
    });
  }
}
