package dev.netpolc.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.fuzz.Contract;
import dev.netpolc.model.lint.LintConfig;
import java.util.Map;

/**
 * The lint settings users write: the {@code --config} YAML file, and {@code --rule ID=SEVERITY}.
 * A config file gives a configuration or a {@link LintConfigFile.ConfigException} whose message
 * starts with {@code file:line:column} inside the file; a {@code --rule} value gives a
 * configuration or an {@link IllegalArgumentException} with a message for the user. Nothing
 * else may escape, as the CLI turns only these two into exit 2. In this package for the
 * package-private config reader.
 */
class LintSettingsFuzzTest {
  private static final String FILE = "lint.yaml";

  @FuzzTest
  void configFile(byte[] data) {
    String text = Contract.text(data);
    try {
      LintConfigFile.apply(FILE, text, LintConfig.DEFAULT);
    } catch (LintConfigFile.ConfigException e) {
      Contract.positioned(e.getMessage(), Map.of(FILE, text));
    }
  }

  /** Each line is one {@code --rule} value, applied in order as the command line does. */
  @FuzzTest
  void ruleSettings(byte[] data) {
    LintConfig config = LintConfig.DEFAULT;
    for (String rule : Contract.text(data).split("\n", -1)) {
      try {
        config = config.withRule(rule);
      } catch (IllegalArgumentException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          throw new AssertionError("no message for '" + rule + "'", e);
        }
        Contract.noControlCharacters(e.getMessage());
      }
    }
  }
}
