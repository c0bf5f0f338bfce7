package io.kupgrade.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    void shouldSayAMappingIsExpectedWhenTheFileIsAList() throws Exception {
        String m = error("- port: 7070\n- tokenFile: token\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 1, column 1: expected a mapping of settings such as"
                + " 'port: 7070', got a list", m);
    }

    @Test
    void shouldSayAListIsExpectedWhenACommandIsAString() throws Exception {
        String m = error(GOOD.replace("stop: [/opt/kafka/bin/kafka-server-stop.sh]", "stop: /bin/true"));

        assertEquals(dir.resolve("agent.yaml") + ": line 5, column 9: commands.stop: expected a list of strings,"
                + " got a string", m);
    }

    @Test
    void shouldSayANumberIsExpectedAndQuoteWhatWasWritten() throws Exception {
        String m = error(GOOD.replace("port: 7070", "port: \"x\""));

        assertEquals(dir.resolve("agent.yaml") + ": line 1, column 7: port: expected a whole number, got 'x'", m);
    }

    @Test
    void shouldRefuseAFractionWhereAWholeNumberIsExpected() throws Exception {
        String m = error(GOOD.replace("port: 7070", "port: 7070.5"));

        assertEquals(dir.resolve("agent.yaml") + ": line 1, column 7: port: expected a whole number, got 7070.5", m);
    }

    @Test
    void shouldSayAStringIsExpectedWhenAnArgumentIsAList() throws Exception {
        String m = error(GOOD.replace("isRunning: [pgrep, -f, kafka.Kafka]", "isRunning: [pgrep, [-f]]"));

        assertEquals(dir.resolve("agent.yaml") + ": line 7, column 22: commands.isRunning[1]: expected a string,"
                + " got a list", m);
    }

    @Test
    void shouldSayANumberIsTooLargeWithoutNamingAJavaType() throws Exception {
        String m = error(GOOD + "maxOutputBytes: 99999999999\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 12, column 17: maxOutputBytes: 99999999999 is too large", m);
    }

    @Test
    void shouldNameTheLineOfTheFirstByteThatIsNotUtf8() throws Exception {
        Path f = dir.resolve("agent.yaml");
        byte[] text = "port: 7070\ntokenFile: token\n".getBytes(StandardCharsets.UTF_8);
        byte[] binary = {0x7f, 'E', 'L', 'F', 0x02, 0x01, (byte) 0xc3, 0x28, 0x00};
        Files.write(f, ByteBuffer.allocate(text.length + binary.length).put(text).put(binary).array());

        AgentConfigException e = assertThrows(AgentConfigException.class, () -> AgentConfig.load(f));

        assertEquals(f + ": line 3: not UTF-8 text (is it the agent's YAML file?)", e.getMessage());
    }

    @Test
    void shouldRefuseAControlCharacterAtItsLineAndColumn() throws Exception {
        String m = error("port: 7070\ntokenFile: to\u0000ken\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 2, column 14: the character U+0000 is not allowed in YAML"
                + " (is it a text file?)", m);
    }

    @Test
    void shouldSayTabsAreNotAllowedForIndentation() throws Exception {
        String m = error(GOOD.replace("  start:", "\tstart:"));

        assertEquals(dir.resolve("agent.yaml") + ": line 6, column 1: a tab character: tabs are not allowed for"
                + " indentation in YAML, use spaces", m);
    }

    @Test
    void shouldRefuseASecondDocumentInsteadOfIgnoringIt() throws Exception {
        assertEquals(dir.resolve("agent.yaml") + ": line 13, column 1: the agent's file holds one YAML document; found"
                + " a second one (remove the '---' and keep the settings in one mapping)",
                error(GOOD + "---\nmaxCommandTimeout: 10m\n"));
        String broken = error(GOOD + "---\nport: [\n");
        assertTrue(broken.contains("found a second one"), broken);
        for (String end : List.of("---\n", "--- # end\n", "---\n# a comment\n")) {
            Path f = dir.resolve("agent.yaml");
            Files.writeString(f, GOOD + end);
            assertEquals(7070, AgentConfig.load(f).port(), "an empty last document is no setting: " + end);
        }
    }

    @Test
    void shouldGiveAYamlSyntaxErrorOnOneLineAtTheProblem() throws Exception {
        String m = error("port: 7070\ntokenFile: 'token\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 3, column 1: not valid YAML: found unexpected end of stream"
                + " (while scanning a quoted scalar started on line 2, column 12)", m);
    }

    @Test
    void shouldSayAFileOfCommentsIsEmpty() throws Exception {
        String m = error("# to be written\n");

        assertEquals(dir.resolve("agent.yaml") + ": the file is empty", m);
    }

    @Test
    void shouldLocateABadDuration() throws Exception {
        String m = error(GOOD + "maxCommandTimeout: soon\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 12, column 20: maxCommandTimeout: 'soon' is not a duration"
                + " such as 30s, 5m or 1h", m);
    }

    @Test
    void shouldLocateABlankTokenFile() throws Exception {
        String m = error(GOOD.replace("tokenFile: token", "tokenFile: ' '"));

        assertEquals(dir.resolve("agent.yaml") + ": line 2, column 12: tokenFile: required (a file holding the bearer"
                + " token)", m);
    }

    @Test
    void shouldLocateTlsWithoutItsKeystore() throws Exception {
        String m = error(GOOD + "tls:\n  keystorePasswordFile: pass\n");

        assertEquals(dir.resolve("agent.yaml") + ": line 12, column 1: tls: keystore and keystorePasswordFile are"
                + " required", m);
    }

    @Test
    void shouldLocateAnArgumentPatternThatIsNotARegex() throws Exception {
        String m = error(GOOD.replace("'^[0-9]+", "'^[0-9+"));

        assertEquals(dir.resolve("agent.yaml") + ": line 11, column 12: installs.switch-version.args[0]: not a"
                + " regular expression: Unclosed character class", m);
    }

    @Test
    void shouldLocateAPortOutOfRange() throws Exception {
        String m = error(GOOD.replace("port: 7070", "port: 70700"));

        assertEquals(dir.resolve("agent.yaml") + ": line 1, column 7: port: 70700 is not a TCP port", m);
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
