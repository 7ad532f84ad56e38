package dev.netpolc.model.yaml;

import java.util.List;

/**
 * One node of the positioned tree the reader builds from Jackson's token stream: a mapping, a
 * sequence or a scalar, each with the 1-based line and column of its first token. Nodes are
 * immutable once built; YAML aliases share the anchored node.
 */
sealed interface YNode permits YNode.YMap, YNode.YList, YNode.YScalar {

  /** 1-based line of the node's first token. */
  int line();

  /** 1-based column of the node's first token. */
  int column();

  /** The number of nodes in this subtree, itself included (what an alias to it expands to). */
  int size();

  /** The name of the node's type as a user reads it in an error message. */
  String typeName();

  /**
   * A mapping key with its position.
   *
   * @param key    the key text
   * @param line   line of the key
   * @param column column of the key
   * @param value  the value
   */
  record Field(String key, int line, int column, YNode value) {}

  /**
   * A mapping; keys are unique and keep their input order. Mappings are small (a handful of
   * keys), so the fields are a plain list searched in order: no hash table per mapping.
   *
   * @param fields  the fields, in input order, with unique keys
   * @param line    line of the first token
   * @param column  column of the first token
   * @param endLine the last line any token of the mapping is on
   * @param size    subtree size
   */
  record YMap(List<Field> fields, int line, int column, int endLine, int size) implements YNode {
    /** The field named {@code key}, or null. */
    Field field(String key) {
      for (int i = 0, n = fields.size(); i < n; i++) {
        Field f = fields.get(i);
        if (f.key().equals(key)) {
          return f;
        }
      }
      return null;
    }

    /** The value of {@code key}, or null when absent. */
    YNode get(String key) {
      Field f = field(key);
      return f == null ? null : f.value();
    }

    @Override
    public String typeName() {
      return "a mapping";
    }
  }

  /**
   * A sequence.
   *
   * @param items   the items in order
   * @param line    line of the first token
   * @param column  column of the first token
   * @param endLine the last line any token of the sequence is on
   * @param size    subtree size
   */
  record YList(List<YNode> items, int line, int column, int endLine, int size) implements YNode {
    @Override
    public String typeName() {
      return "a list";
    }
  }

  /** What a scalar is, after YAML's (or JSON's) implicit typing. */
  enum ScalarType {
    STRING, INT, FLOAT, BOOL, NULL;
  }

  /**
   * A scalar.
   *
   * @param type     string, integer, float, boolean or null
   * @param text     the scalar's text as written (the string value for strings)
   * @param intValue the value when {@code type} is INT and it fits an int
   * @param fitsInt  true when {@code type} is INT and the value fits a Java int
   * @param line     line of the scalar
   * @param column   column of the scalar
   */
  record YScalar(ScalarType type, String text, int intValue, boolean fitsInt, int line, int column)
      implements YNode {
    @Override
    public int size() {
      return 1;
    }

    /** True for an explicit or implicit null (an empty value). */
    boolean isNull() {
      return type == ScalarType.NULL;
    }

    @Override
    public String typeName() {
      switch (type) {
        case STRING:
          return "a string";
        case INT:
          return "an integer";
        case FLOAT:
          return "a decimal number";
        case BOOL:
          return "a boolean";
        default:
          return "null";
      }
    }
  }
}
