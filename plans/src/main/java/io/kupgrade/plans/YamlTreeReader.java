package io.kupgrade.plans;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a located {@link YamlNode} tree with Jackson's streaming YAML parser.
 *
 * <p>Duplicate keys are detected here rather than with Jackson's {@code STRICT_DUPLICATE_DETECTION}: that
 * feature stops the parse at the first duplicate, while this reader reports every duplicate with the line of
 * the first occurrence and goes on, so one run shows all mistakes. Aliases ({@code *name}) are refused: the
 * streaming parser does not expand them, and a plan is short enough to be written out.
 */
final class YamlTreeReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "key:" with nothing after it is null, not ""
            .build();

    private final Problems problems;

    YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /** The document's root node, or null when the text is not readable YAML (the problem is recorded). */
    YamlNode read(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.error(1, 1, "", "the plan is empty");
                return null;
            }
            YamlNode root = readValue((YAMLParser) parser, "");
            JsonToken next = parser.nextToken();
            if (next != null) {
                JsonLocation at = parser.currentTokenLocation();
                problems.error(at.getLineNr(), at.getColumnNr(), "",
                        "a plan file holds exactly one YAML document; found a second one (remove the '---')");
            }
            return root;
        } catch (StreamReadException e) {
            reportSyntaxError(e);
            return null;
        } catch (IOException e) {
            problems.error(0, 0, "", "cannot read the plan: " + e.getMessage());
            return null;
        }
    }

    private YamlNode readValue(YAMLParser p, String path) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = p.currentToken();
        if (p.isCurrentAlias()) {
            problems.error(line, column, path, "YAML aliases (*" + p.getText() + ") are not supported in plans; "
                    + "write the value out");
            return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.STRING, "*" + p.getText());
        }
        switch (token) {
            case START_OBJECT:
                return readMap(p, line, column, path);
            case START_ARRAY:
                return readList(p, line, column, path);
            case VALUE_STRING:
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.STRING, p.getText());
            case VALUE_NUMBER_INT:
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.INT, p.getText());
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.FLOAT, p.getText());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.BOOL, p.getText());
            case VALUE_NULL:
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.NULL, "");
            default:
                // VALUE_EMBEDDED_OBJECT: a !!binary scalar or similar
                problems.error(line, column, path, "unsupported YAML value (" + token + ")");
                return new YamlNode.ScalarNode(line, column, YamlNode.ScalarType.NULL, "");
        }
    }

    private YamlNode.MapNode readMap(YAMLParser p, int line, int column, String path) throws IOException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation keyAt = p.currentTokenLocation();
            String key = p.currentName();
            p.nextToken();
            String keyPath = PlanBinder.join(path, key);
            YamlNode value = readValue(p, keyPath);
            YamlNode.Entry previous = entries.get(key);
            if (previous != null) {
                problems.error(keyAt.getLineNr(), keyAt.getColumnNr(), keyPath,
                        "duplicate key '" + key + "' (first given on line " + previous.line() + ")");
                continue;
            }
            entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
        }
        return new YamlNode.MapNode(line, column, entries);
    }

    private YamlNode.ListNode readList(YAMLParser p, int line, int column, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(p, path + "[" + items.size() + "]"));
        }
        return new YamlNode.ListNode(line, column, items);
    }

    private void reportSyntaxError(StreamReadException e) {
        // SnakeYAML's own message spans several lines with a source excerpt; keep its one-line "problem".
        Throwable cause = e.getCause();
        if (cause instanceof MarkedYAMLException) {
            MarkedYAMLException yaml = (MarkedYAMLException) cause;
            Mark mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
            String problem = yaml.getProblem() != null ? yaml.getProblem() : yaml.getContext();
            Mark contextMark = yaml.getContextMark();
            String where = contextMark != null && mark != null && contextMark.getLine() != mark.getLine()
                    ? " started on line " + (contextMark.getLine() + 1) + ", column " + (contextMark.getColumn() + 1)
                    : "";
            String context = yaml.getContext() != null && yaml.getProblem() != null
                    ? " (" + yaml.getContext() + where + ")" : "";
            String message = problem != null && problem.contains("\\t(TAB)")
                    ? "a tab character; YAML indentation must use spaces"
                    : oneLine(problem + context);
            problems.error(mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1, "",
                    "YAML syntax error: " + message);
            return;
        }
        JsonLocation at = e.getLocation();
        problems.error(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                "YAML syntax error: " + oneLine(e.getOriginalMessage()));
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable YAML" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
