package dev.netpolc.compiler.gen;

import dev.netpolc.model.Cluster;
import dev.netpolc.model.yaml.PolicyWriter;

/** Prints a generated cluster as the YAML a user could feed to {@code netpolc}. */
public final class ClusterYaml {
  private ClusterYaml() {}

  /** The cluster as a multi-document YAML stream, opened by a blank line for test reports. */
  public static String describe(Cluster c) {
    return "\n" + PolicyWriter.toYaml(c);
  }
}
