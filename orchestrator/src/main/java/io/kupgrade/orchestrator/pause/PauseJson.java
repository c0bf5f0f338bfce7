package io.kupgrade.orchestrator.pause;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The marker's content, the same in a file and in a znode: {@code {"reason":..,"by":..,"since":..}}. */
final class PauseJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PauseJson() {
    }

    static byte[] write(Pause pause) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", pause.reason());
        n.put("by", pause.by());
        n.put("since", pause.since().toString());
        try {
            return JSON.writeValueAsString(n).concat("\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the pause", e);
        }
    }

    /**
     * The pause a marker holds. A marker kupgrade did not write (empty, edited by hand) is still a pause, so an
     * operator's {@code touch} is enough in an emergency.
     *
     * @param where the marker, for people
     * @param modified when the marker was last written; null when unknown
     */
    static Pause read(byte[] bytes, String where, Instant modified) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n != null && n.isObject()) {
                return new Pause(n.path("reason").asText(""), n.path("by").asText("?"),
                        Instant.parse(n.path("since").asText()));
            }
        } catch (IOException | RuntimeException e) {
            // not written by kupgrade pause: still a pause
        }
        return new Pause("marker " + where + " (not written by kupgrade pause)", "?", modified);
    }
}
