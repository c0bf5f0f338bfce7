package io.kupgrade.orchestrator.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.journal.FileJournal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockHolder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicFormatJournalTest {
    static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    static final LockHolder ALICE = new LockHolder("alice", "ops-1", 4242, AT.minusSeconds(5),
            "kupgrade topic-format prod.yaml --topic audit,orders --message-format-version 2.8");

    static TopicFormatResult setOrdersAndAuditKeepEvents() {
        return new TopicFormatResult("2.8", "set 2.8", false, List.of(
                new TopicFormatChange("audit", "2.8-IV1", "broker config", "2.8", "topic override", true),
                new TopicFormatChange("events", "2.8", "topic override", "2.8", "topic override", false),
                new TopicFormatChange("orders", "2.8-IV1", "broker config", "2.8", "topic override", true)));
    }

    @Test
    void shouldRecordTheChangedTopicsBeforeAndAfterAndWhoOutsideAnyRun(@TempDir Path dir) {
        FileJournal journal = new FileJournal(dir.resolve("journal.jsonl"));
        journal.append(TopicFormatJournal.succeeded(AT, "sha", setOrdersAndAuditKeepEvents(), ALICE));

        JournalEntry e = journal.entries().get(0);

        assertEquals(List.of("topic-format", "succeeded"), List.of(e.step(), e.event()));
        assertTrue(Journaling.outOfBand(e));
        assertEquals(null, e.phase());
        assertEquals(null, e.brokerId());
        assertEquals("audit,orders", e.details().get("topics"));
        assertEquals("1", e.details().get("unchanged"));
        assertEquals("2.8-IV1 (broker config)", e.details().get("before.orders"));
        assertEquals("2.8 (topic override)", e.details().get("after.orders"));
        assertFalse(e.details().containsKey("before.events"), "an unchanged topic is only counted");
        assertEquals("alice@ops-1", e.details().get("by"));
        assertEquals("4242", e.details().get("pid"));
        assertEquals("2026-11-25T10:00:00Z set 2.8 on 2 topics (audit, orders) by alice@ops-1",
                TopicFormatJournal.read(e).orElseThrow().describe());
    }

    @Test
    void shouldRecordAFailureAfterSendingWithItsMessage() {
        JournalEntry e = TopicFormatJournal.failed(AT, "sha", setOrdersAndAuditKeepEvents(), ALICE,
                "incrementalAlterConfigs failed: timed out");

        TopicFormatJournal.Recorded r = TopicFormatJournal.read(e).orElseThrow();

        assertEquals("failed", r.outcome());
        assertTrue(r.describe().endsWith(": FAILED, incrementalAlterConfigs failed: timed out"), r.describe());
    }

    @Test
    void shouldListAtMostTwoHundredTopicsAndCountTheRest() {
        List<TopicFormatChange> many = new ArrayList<>();
        IntStream.range(0, 1000).forEach(i -> many.add(new TopicFormatChange(String.format("t%04d", i), "2.8",
                "topic override", "2.8-IV1", "broker config", true)));

        JournalEntry e = TopicFormatJournal.succeeded(AT, "sha", new TopicFormatResult("2.8", "remove", false, many),
                ALICE);

        assertEquals(TopicFormatJournal.MAX_LISTED, e.details().get("topics").split(",").length);
        assertEquals("1000", e.details().get("topicCount"));
        assertTrue(TopicFormatJournal.read(e).orElseThrow().describe().contains("remove on 1000 topics (t0000, t0001,"));
    }

    @Test
    void shouldKeepTheMostRecentChangesOnlyAndIgnoreOtherEntries() {
        List<JournalEntry> journal = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            journal.add(Journaling.runEntry(AT.plusSeconds(i), "sha", "started", java.util.Map.of()));
            journal.add(TopicFormatJournal.succeeded(AT.plusSeconds(i), "sha", setOrdersAndAuditKeepEvents(), ALICE));
        }

        List<TopicFormatJournal.Recorded> recent = TopicFormatJournal.recent(journal, 5);

        assertEquals(5, recent.size());
        assertEquals(AT.plusSeconds(6), recent.get(4).at());
    }
}
