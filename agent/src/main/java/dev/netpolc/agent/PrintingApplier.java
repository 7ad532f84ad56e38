package dev.netpolc.agent;

import dev.netpolc.backend.Artifact;
import dev.netpolc.backend.Delta;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/** {@code --dry-run}: prints each full artifact and delta, file by file, instead of applying it. */
public final class PrintingApplier implements RuleApplier {
  private final PrintStream out;

  /** Prints to {@code out}. */
  public PrintingApplier(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void replace(Artifact full) {
    full.files().forEach((name, text) -> print("full", name, text));
  }

  @Override
  public void update(Artifact installed, Delta delta) {
    for (Map.Entry<String, String> f : delta.files().entrySet()) {
      print("delta", f.getKey(), f.getValue());
    }
  }

  @Override
  public void cleanup() {
    out.println("# --- cleanup: the backend's rules would be removed");
    out.flush();
  }

  private synchronized void print(String what, String name, String text) {
    out.println("# --- " + what + ": " + name);
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }
}
