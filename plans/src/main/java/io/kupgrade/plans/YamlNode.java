package io.kupgrade.plans;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where every key and value was written, so that every
 * problem found while binding the plan can name its line and column. Jackson's own {@code JsonNode}
 * tree forgets locations, hence this small model built from Jackson's streaming parser.
 */
sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.ScalarNode {

    int line();

    int column();

    /** What a user would call this kind of value, for "expected X, got Y" messages. */
    String kind();

    /** One key of a mapping: where the key was written, and its value. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    /** A mapping; entries in document order, keys unique (duplicates are reported while reading). */
    record MapNode(int line, int column, Map<String, Entry> entries) implements YamlNode {
        public MapNode {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kind() {
            return "a mapping";
        }

        Entry entry(String key) {
            return entries.get(key);
        }

        YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }
    }

    /** A sequence. */
    record ListNode(int line, int column, List<YamlNode> items) implements YamlNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** How YAML typed a scalar (plain {@code 3.10} is a FLOAT, quoted {@code "3.10"} a STRING). */
    enum ScalarType { STRING, INT, FLOAT, BOOL, NULL }

    /**
     * A scalar. {@code text} is the scalar exactly as written (Jackson's YAML parser keeps the source text
     * of numbers, so a plain {@code 3.10} still reads as {@code "3.10"} here, while its type says FLOAT).
     */
    record ScalarNode(int line, int column, ScalarType type, String text) implements YamlNode {
        @Override
        public String kind() {
            switch (type) {
                case INT: return "an integer (" + text + ")";
                case FLOAT: return "a number (" + text + ")";
                case BOOL: return "a boolean (" + text + ")";
                case NULL: return "nothing (null)";
                default: return "a string ('" + text + "')";
            }
        }

        boolean isNull() {
            return type == ScalarType.NULL;
        }
    }
}
