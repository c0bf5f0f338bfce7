package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kupgrade.orchestrator.apply.StatusReport;
import io.kupgrade.orchestrator.lock.LockHolder;
import io.kupgrade.orchestrator.topics.TopicFormatJournal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    static final LockHolder ALICE = new LockHolder("alice", "ops-1", 4242, Instant.parse("2026-11-25T06:40:00Z"),
            "kupgrade apply prod.yaml --wave canary");

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

    @Test
    void shouldNameWhoHoldsTheLockInText() {
        String text = text(report(new StatusReport.Lock(ALICE, false)));

        assertTrue(text.contains("\nlock     held by alice@ops-1 (pid 4242, since 2026-11-25T06:40:00Z):"
                + " kupgrade apply prod.yaml --wave canary\n"), text);
    }

    @Test
    void shouldNameWhoHoldsTheLockInJson() throws Exception {
        JsonNode lock = json(report(new StatusReport.Lock(ALICE, false))).get("status").get("lock");

        assertEquals("alice", lock.get("holder").get("user").asText());
        assertEquals("ops-1", lock.get("holder").get("host").asText());
        assertEquals(4242, lock.get("holder").get("pid").asLong());
        assertEquals("2026-11-25T06:40:00Z", lock.get("holder").get("processStart").asText());
        assertEquals("kupgrade apply prod.yaml --wave canary", lock.get("holder").get("command").asText());
        assertEquals(false, lock.get("holderGone").asBoolean(true));
    }

    @Test
    void shouldSayWhenNobodyHoldsTheLock() throws Exception {
        StatusReport free = report(null);

        assertTrue(text(free).contains("\nlock     free: no run holds the cluster's lock\n"), text(free));
        assertTrue(json(free).get("status").get("lock").isNull());
    }

    @Test
    void shouldSayWhenTheHoldersProcessIsGone() {
        String text = text(report(new StatusReport.Lock(ALICE, true)));

        assertTrue(text.contains("(that process is gone from this host: the next apply takes the lock over)"), text);
    }

    @Test
    void shouldListRecentTopicFormatChanges() {
        StatusReport r = new StatusReport("prod.yaml", "0123456789abcdef", "prod", "/state/prod/journal.jsonl", false,
                List.of(), null, null, "binaries: phase-start", null, List.of(new TopicFormatJournal.Recorded(
                        Instant.parse("2026-11-25T10:00:00Z"), "succeeded", "set 2.8", List.of("audit", "orders"), 2,
                        "alice@ops-1", null)), null, null);

        assertTrue(text(r).contains("\ntopic-format 2026-11-25T10:00:00Z set 2.8 on 2 topics (audit, orders) by"
                + " alice@ops-1\n"), text(r));
    }

    static StatusReport report(StatusReport.Lock lock) {
        return new StatusReport("prod.yaml", "0123456789abcdef", "prod", "/state/prod/journal.jsonl", false, List.of(),
                null, null, "binaries: phase-start", null, List.of(), null, lock);
    }

    static String text(StatusReport r) {
        StringWriter out = new StringWriter();
        StatusCommand.render(new PrintWriter(out), r);
        return out.toString();
    }

    static JsonNode json(StatusReport r) throws Exception {
        StringWriter out = new StringWriter();
        Json.print(new PrintWriter(out), StatusCommand.toJson(r));
        return new ObjectMapper().readTree(out.toString());
    }
}
