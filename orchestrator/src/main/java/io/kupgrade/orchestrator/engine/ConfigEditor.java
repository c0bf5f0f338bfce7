package io.kupgrade.orchestrator.engine;

import java.util.List;
import java.util.Map;

/**
 * Edits the text of a server.properties: sets and unsets keys, keeping comments and order. A pure function
 * of the current text, so re-applying it to an already edited file changes nothing (resume relies on it).
 */
@FunctionalInterface
public interface ConfigEditor {
    String edit(String current, Map<String, String> set, List<String> unset);
}
