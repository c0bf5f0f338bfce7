package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {

    @Test
    void aPlanThatNeverRanIsPendingInTextAndJson(@TempDir Path state) throws Exception {
        Cli text = Cli.run("status", "--state-dir", state.toString(), "../examples/zookeeper-3.8-to-3.9.yaml");
        Cli json = Cli.run("status", "-o", "json", "--state-dir", state.toString(),
                "../examples/zookeeper-3.8-to-3.9.yaml");

        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("phase binaries") && text.out().contains("PENDING"), text.out());
        assertTrue(text.out().contains("next: "), text.out());
        assertEquals(0, json.exitCode(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals(false, doc.get("status").get("planDone").asBoolean(true));
        assertEquals("PENDING", doc.get("status").get("phases").get(0).get("state").asText());
    }
}
