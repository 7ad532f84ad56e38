package dev.netpolc.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest, or {@code dev} when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"netpolc " + (v == null ? "0.1.0-SNAPSHOT" : v)};
  }
}
