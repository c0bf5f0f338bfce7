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
    static final String KRAFT_PLAN = "../examples/kraft-4.0-to-4.1.yaml";
    static final String ZK_PLAN = "../examples/zookeeper-3.8-to-3.9.yaml";

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
    void anEmptyTopicNameIsOneClearLineBeforeAnyConnection() {
        // port 1: nothing listens there; the name is refused before a client is even built
        Cli r = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "", "--remove");

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --topic '': a topic name cannot be empty\n", r.err());
    }

    @Test
    void aTopicNameKafkaWouldRefuseIsOneClearLineBeforeAnyConnection() {
        Cli r = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "orders", "--topic",
                "bad topic/../", "--message-format-version", "2.8");

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: --topic 'bad topic/../': a topic name may hold only ASCII letters, digits, '.', '_'"
                + " and '-', not ' ' (at 4)\n", r.err());
    }

    @Test
    void dotAndDotDotAndOverlongNamesAreRefusedAsKafkaRefusesThem() {
        Cli dot = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "..", "--remove");
        Cli tooLong = Cli.run("topic-format", "--bootstrap-server", "127.0.0.1:1", "--topic", "t".repeat(250),
                "--remove");

        assertEquals(2, dot.exitCode(), dot.err());
        assertEquals("kupgrade: --topic '..': a topic name cannot be '.' or '..'\n", dot.err());
        assertEquals(2, tooLong.exitCode(), tooLong.err());
        assertTrue(tooLong.err().endsWith("': a topic name has at most 249 characters, this one 250\n"),
                tooLong.err());
    }

    @Test
    void aKraftPlanIsRefusedBeforeAnyConnection() {
        // the plan's brokers are at *.example: a connection attempt would fail with exit 7, not 2
        Cli r = Cli.run("topic-format", KRAFT_PLAN, "--topic", "orders", "--message-format-version", "2.8");

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade topic-format: refused, nothing changed: " + KRAFT_PLAN + ": cluster.zookeeper is not"
                + " set, so the plan is for a KRaft cluster, where message.format.version is ignored (KIP-724):"
                + " topic-format is only for ZooKeeper-mode clusters whose inter.broker.protocol.version is below"
                + " 3.0\n", r.err());
    }

    @Test
    void aKraftPlanIsRefusedForADryRunToo() {
        Cli r = Cli.run("topic-format", KRAFT_PLAN, "--bootstrap-server", "127.0.0.1:1", "--all-topics", "--remove",
                "--dry-run");

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("kupgrade topic-format: refused, nothing changed: " + KRAFT_PLAN
                + ": cluster.zookeeper is not set"), r.err());
    }

    @Test
    void aBootstrapServerWithoutAPortIsOneClearLineBeforeAnyConnection() {
        Cli r = Cli.run("topic-format", "--bootstrap-server", "x", "--topic", "orders", "--remove");

        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kupgrade: topic-format: --bootstrap-server: 'x' is not host:port (e.g. kafka-1.example:9092);"
                + " give HOST:PORT[,HOST:PORT...]\n", r.err());
    }

    @Test
    void everyBootstrapServerIsChecked() {
        Cli badPort = Cli.run("topic-format", "--bootstrap-server", "kafka-1:9092,kafka-2:99999", "--topic", "t",
                "--remove");
        Cli empty = Cli.run("topic-format", "--bootstrap-server", "", "--topic", "t", "--remove");
        Cli trailingComma = Cli.run("topic-format", ZK_PLAN, "--bootstrap-server", "kafka-1:9092,", "--topic", "t",
                "--remove");

        assertEquals(2, badPort.exitCode(), badPort.err());
        assertTrue(badPort.err().startsWith("kupgrade: topic-format: --bootstrap-server: 'kafka-2:99999' is not"
                + " host:port"), badPort.err());
        assertEquals(2, empty.exitCode(), empty.err());
        assertEquals("kupgrade: topic-format: --bootstrap-server: no server given; give HOST:PORT[,HOST:PORT...]\n",
                empty.err());
        assertEquals(2, trailingComma.exitCode(), trailingComma.err());
        assertTrue(trailingComma.err().startsWith("kupgrade: topic-format: --bootstrap-server: '' is not host:port"),
                trailingComma.err());
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
