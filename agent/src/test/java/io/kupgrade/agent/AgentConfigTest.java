package io.kupgrade.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the operator's agent.yaml: strict keys, located one-line errors. */
class AgentConfigTest {
    @TempDir
    Path dir;

    private String error(String yaml) throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, yaml);
        AgentConfigException e = assertThrows(AgentConfigException.class, () -> AgentConfig.load(f));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private static final String GOOD = String.join("\n",
            "port: 7070",
            "tokenFile: token",
            "configFile: /opt/kafka/config/server.properties",
            "commands:",
            "  stop: [/opt/kafka/bin/kafka-server-stop.sh]",
            "  start: [/opt/kafka/bin/kafka-server-start.sh, -daemon, /opt/kafka/config/server.properties]",
            "  isRunning: [pgrep, -f, kafka.Kafka]",
            "installs:",
            "  switch-version:",
            "    command: [/opt/kafka/bin/switch-version]",
            "    args: ['^[0-9]+\\.[0-9]+\\.[0-9]+$']",
            "");

    @Test
    void shouldLoadAGoodFileWithDefaults() throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, GOOD);

        AgentConfig c = AgentConfig.load(f);

        assertEquals("0.0.0.0", c.address());
        assertEquals(7070, c.port());
        assertEquals(dir.resolve("token"), c.tokenFile(), "relative to the file");
        assertEquals(List.of("pgrep", "-f", "kafka.Kafka"), c.isRunning());
        assertEquals(AgentConfig.DEFAULT_MAX_COMMAND_TIMEOUT, c.maxCommandTimeout());
        AgentConfig.Install sw = c.installs().get("switch-version");
        assertEquals(null, sw.refusal(List.of("3.9.2")));
        assertTrue(sw.refusal(List.of("3.9.2; rm -rf /")).contains("does not match"));
    }

    @Test
    void shouldNameLineAndKeyOfAnUnknownKey() throws Exception {
        String m = error(GOOD.replace("  isRunning:", "  isRuning:"));
        assertTrue(m.contains("line 7") && m.contains("isRuning"), m);
    }

    @Test
    void shouldRefuseDuplicateKeys() throws Exception {
        String m = error(GOOD + "port: 7071\n");
        assertTrue(m.contains("port") && m.contains("line"), m);
    }

    @Test
    void shouldNameEveryMissingOrBadField() throws Exception {
        assertTrue(error(GOOD.replace("port: 7070\n", "")).contains("port: required"));
        assertTrue(error(GOOD.replace("port: 7070", "port: 70700")).contains("port: 70700 is not a TCP port"));
        assertTrue(error(GOOD.replace("port: 7070", "port: many")).contains("port"));
        assertTrue(error(GOOD.replace("tokenFile: token\n", "")).contains("tokenFile: required"));
        assertTrue(error(GOOD.replace("configFile: /opt", "configFile: opt")).contains("absolute"));
        assertTrue(error(GOOD.replace("  stop: [/opt/kafka/bin/kafka-server-stop.sh]\n", ""))
                .contains("commands.stop: required"));
        assertTrue(error(GOOD.replace("'^[0-9]+", "'^[0-9+")).contains("installs.switch-version.args[0]"));
        assertTrue(error(GOOD + "maxCommandTimeout: soon\n").contains("maxCommandTimeout"));
        assertTrue(error("port: [\n").contains("YAML") || error("port: [\n").contains("line"));
        assertTrue(error("").contains("empty"));
        assertTrue(error(GOOD.replace("switch-version:", "'switch version':")).contains("installs.switch version"));
    }

    @Test
    void shouldSayWhenTheFileIsMissing() {
        Path f = dir.resolve("nope.yaml");
        AgentConfigException e = assertThrows(AgentConfigException.class, () -> AgentConfig.load(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void shouldRefuseToStartWithAShortToken() throws Exception {
        Path f = dir.resolve("agent.yaml");
        Files.writeString(f, GOOD.replace("port: 7070", "port: 0\naddress: 127.0.0.1"));
        Files.writeString(dir.resolve("token"), "short\n");
        AgentConfigException e = assertThrows(AgentConfigException.class,
                () -> AgentServer.start(AgentConfig.load(f)).close());
        assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
        assertFalse(e.getMessage().contains("short"), "the token itself is never shown");
    }
}
