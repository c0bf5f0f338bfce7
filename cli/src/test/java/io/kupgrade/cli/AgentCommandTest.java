package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// an agent that starts would run until stopped: the timeout fails such a test instead of hanging the build
@Timeout(60)
class AgentCommandTest {
    private static final String GOOD = String.join("\n",
            "address: 127.0.0.1",
            "port: 0",
            "tokenFile: token",
            "configFile: /opt/kafka/config/server.properties",
            "commands:",
            "  stop: [/bin/true]",
            "  start: [/bin/true]",
            "  isRunning: [/bin/true]",
            "");

    @TempDir
    Path dir;

    private Path config(String yaml) throws Exception {
        Files.writeString(dir.resolve("token"), "agent-command-test-token-0123\n");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, yaml);
        return config;
    }

    @Test
    void aMissingConfigIsOneLineAndExitTwo() {
        Cli r = Cli.run("agent", "--config", dir.resolve("none.yaml").toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("none.yaml"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void aBadConfigNamesTheProblem() throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "listen: nowhere\nbogus: 1\n");

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("agent.yaml"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void anAddressOfAnotherHostIsExitTwoNamingTheAddress() throws Exception {
        Path config = config(GOOD.replace("127.0.0.1", "192.0.2.1"));

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 1, column 10: address: 192.0.2.1 is not an address of"
                + " this host (use 0.0.0.0 for all of them, or one of this host's addresses)", r.err().strip());
    }

    @Test
    void anUnknownHostIsExitTwoNamingTheAddress() throws Exception {
        Path config = config(GOOD.replace("127.0.0.1", "nohost.invalid"));

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 1, column 10: address: unknown host 'nohost.invalid':"
                + " not an IP address nor a name this host can resolve", r.err().strip());
    }

    @Test
    void aMissingKeystoreIsExitTwoNamingTheKeystore() throws Exception {
        Files.writeString(dir.resolve("pass"), "changeit\n");
        Path config = config(GOOD + "tls:\n  keystore: /nonexist.p12\n  keystorePasswordFile: pass\n");

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 10, column 13: tls.keystore: no such file /nonexist.p12",
                r.err().strip());
    }

    @Test
    void aCommandWrittenAsAStringIsExitTwoInTheFilesWords() throws Exception {
        Path config = config(GOOD.replace("stop: [/bin/true]", "stop: /bin/true"));

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 6, column 9: commands.stop: expected a list of strings,"
                + " got a string", r.err().strip());
    }

    @Test
    void aBinaryFileIsExitTwoSayingItIsNotText() throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.write(config, new byte[] {0x7f, 'E', 'L', 'F', 0x02, 0x01, (byte) 0xff, 0x00});

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 1: not UTF-8 text (is it the agent's YAML file?)",
                r.err().strip());
    }

    @Test
    void aBadDurationIsExitTwoAtItsLine() throws Exception {
        Path config = config(GOOD + "maxCommandTimeout: soon\n");

        Cli r = Cli.run("agent", "--config", config.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade agent: " + config + ": line 9, column 20: maxCommandTimeout: 'soon' is not a duration"
                + " such as 30s, 5m or 1h", r.err().strip());
    }
}
