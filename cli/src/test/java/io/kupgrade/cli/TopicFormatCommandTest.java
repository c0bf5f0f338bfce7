package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.topics.TopicFormatChange;
import io.kupgrade.orchestrator.topics.TopicFormatResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
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

    @Test
    void aChangeWithoutAPlanSaysInOneLineThatItIsNotJournaled() {
        String text = render(result(null), false);

        assertTrue(text.endsWith("changed\nnot journaled: no PLAN was given, so there is no cluster journal to record"
                + " this change in\n"), text);
    }

    @Test
    void aChangeGivenThePlanSaysWhereItIsJournaled() {
        String text = render(result("/home/op/.kupgrade/state/prod/journal.jsonl"), true);

        assertTrue(text.endsWith("\njournaled in /home/op/.kupgrade/state/prod/journal.jsonl\n"), text);
        assertFalse(text.contains("not journaled"), text);
    }

    static TopicFormatResult result(String journal) {
        return new TopicFormatResult("2.8", "set 2.8", false, List.of(new TopicFormatChange("orders", "2.8-IV1",
                "broker config", "2.8", "topic override", true)), journal);
    }

    static String render(TopicFormatResult r, boolean planGiven) {
        StringWriter out = new StringWriter();
        TopicFormatCommand.render(new PrintWriter(out), "prod", r, planGiven);
        return out.toString();
    }
}
