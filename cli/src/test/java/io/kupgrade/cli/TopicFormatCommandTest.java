package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicFormatCommandTest {

    @Test
    void anUnknownVersionIsOneClearLineBeforeAnyConnection() {
        // port 1: nothing listens there; the version is refused before a client is even built
        Cli r = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "orders",
                "--message-format-version", "2.9");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("kupgrade topic-format: --message-format-version: '2.9'"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void topicsAndAChangeAreRequiredAndExclusive() {
        Cli none = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--message-format-version", "2.8");
        Cli both = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--all-topics",
                "--remove");
        Cli neither = Cli.run("topic-format", "--topic", "t", "--remove");

        assertEquals(2, none.exitCode(), none.err());
        assertEquals(2, both.exitCode(), both.err());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        assertEquals(2, neither.exitCode(), neither.err());
        assertTrue(neither.err().contains("needs a PLAN or --bootstrap-server"), neither.err());
    }
}
