package dev.netpolc.compiler.ir;

/**
 * The size of a rule graph, as {@code CompileStats} reports it before and after the passes.
 *
 * @param groups          endpoint groups
 * @param endpoints       endpoints
 * @param rules           rules
 * @param addressSets     distinct address sets
 * @param addressElements CIDRs over the distinct address sets (what a backend renders)
 * @param portSets        distinct port sets
 * @param portRanges      port ranges over the distinct port sets
 */
public record GraphSize(int groups, int endpoints, int rules, int addressSets, int addressElements, int portSets,
    int portRanges) {

  /** {@code groups=… rules=… …}, for logs and reports. */
  @Override
  public String toString() {
    return "groups=" + groups + " endpoints=" + endpoints + " rules=" + rules + " addressSets=" + addressSets
        + " cidrs=" + addressElements + " portSets=" + portSets + " portRanges=" + portRanges;
  }
}
