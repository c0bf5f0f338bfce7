package io.kupgrade.orchestrator.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
    private static final Instant T0 = Instant.parse("2026-11-25T06:00:00Z");

    @TempDir
    Path stateDir;

    private static JournalEntry entry(int second, Integer broker, String step, String event) {
        return new JournalEntry(T0.plusSeconds(second), "abc123", "binaries", "canary", broker, step, event,
                Map.of("backup", "/etc/kafka/server.properties.kupgrade-1", "note", "quote \" and \n newline"));
    }

    @Test
    void shouldKeepOneFilePerClusterUnderTheStateDirectory() {
        FileJournal journal = FileJournal.forCluster(stateDir, "prod-eu");

        journal.append(entry(0, 1, "stop", "started"));

        assertEquals(stateDir.resolve("prod-eu").resolve("journal.jsonl").toAbsolutePath(), journal.file());
        assertTrue(Files.exists(journal.file()));
    }

    @Test
    void shouldReadBackEveryEntryInOrderFromANewInstance() {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");
        List<JournalEntry> written = List.of(entry(0, 1, "stop", "started"), entry(1, 1, "stop", "succeeded"),
                new JournalEntry(T0.plusSeconds(2), "abc123", null, null, null, "run", "started", Map.of()));
        written.forEach(journal::append);

        List<JournalEntry> read = FileJournal.forCluster(stateDir, "c").entries();

        assertEquals(written, read);
    }

    @Test
    void shouldServeWhatItReadAndAppendedAsAFreshReadWould() {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");
        journal.append(entry(0, 1, "stop", "started"));
        journal.entries();
        journal.append(entry(1, 1, "stop", "succeeded"));
        journal.append(new JournalEntry(T0.plusSeconds(2), "abc123", null, null, null, "run", "started", Map.of()));

        assertEquals(FileJournal.forCluster(stateDir, "c").entries(), journal.entries());
    }

    @Test
    void shouldSeeWhatAnotherWriterAppendedAfterItsLastRead() {
        FileJournal mine = FileJournal.forCluster(stateDir, "c");
        mine.append(entry(0, 1, "stop", "started"));
        mine.entries();

        FileJournal.forCluster(stateDir, "c").append(entry(1, 1, "stop", "succeeded"));
        mine.append(entry(2, 2, "stop", "started"));

        assertEquals(List.of(entry(0, 1, "stop", "started"), entry(1, 1, "stop", "succeeded"),
                entry(2, 2, "stop", "started")), mine.entries());
    }

    @Test
    void shouldTreatAMissingFileAsAnEmptyJournal() {
        assertEquals(List.of(), FileJournal.forCluster(stateDir, "never").entries());
    }

    @Test
    void shouldIgnoreATornLastLineAndCutItOffOnTheNextAppend() throws IOException {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");
        journal.append(entry(0, 1, "stop", "started"));
        // a crash in the middle of writing the second entry
        Files.writeString(journal.file(), "{\"at\":\"2026-11-25T06:00:01Z\",\"step\":\"st", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        List<JournalEntry> afterCrash = journal.entries();
        journal.append(entry(2, 1, "stop", "succeeded"));

        assertEquals(List.of(entry(0, 1, "stop", "started")), afterCrash);
        assertEquals(List.of(entry(0, 1, "stop", "started"), entry(2, 1, "stop", "succeeded")), journal.entries());
        assertEquals(2, Files.readAllLines(journal.file()).size());
    }

    @Test
    void shouldIgnoreALastLineOfZerosLeftByACrash() throws IOException {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");
        journal.append(entry(0, 1, "stop", "started"));
        Files.write(journal.file(), new byte[] {0, 0, 0, 0, '\n'}, StandardOpenOption.APPEND);

        assertEquals(1, journal.entries().size());
        journal.append(entry(1, 1, "stop", "succeeded"));
        assertEquals(2, journal.entries().size());
    }

    @Test
    void shouldRefuseToReadAJournalDamagedInTheMiddle() throws IOException {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");
        journal.append(entry(0, 1, "stop", "started"));
        Files.writeString(journal.file(), "garbage\n", StandardOpenOption.APPEND);
        journal.append(entry(1, 1, "stop", "succeeded"));

        IllegalStateException e = assertThrows(IllegalStateException.class, journal::entries);

        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void shouldFindTheLastEntryForAPhaseBrokerAndStep() {
        Journal journal = FileJournal.forCluster(stateDir, "c");
        journal.append(entry(0, 1, "stop", "started"));
        journal.append(entry(1, 1, "stop", "succeeded"));
        journal.append(entry(2, 2, "stop", "started"));

        Optional<JournalEntry> last = journal.last("binaries", 1, "stop");

        assertEquals("succeeded", last.orElseThrow().event());
        assertEquals(Optional.empty(), journal.last("binaries", 3, "stop"));
        assertEquals(2, journal.last().orElseThrow().brokerId());
    }

    @Test
    void shouldAppendOnAnInterruptedThreadAndKeepTheInterrupt() {
        FileJournal journal = FileJournal.forCluster(stateDir, "c");

        Thread.currentThread().interrupt();
        try {
            journal.append(entry(0, 1, "stop", "interrupted"));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, journal.entries().size());
    }

    @Test
    void shouldRefuseClusterNamesThatAreNotOneDirectory() {
        assertThrows(IllegalArgumentException.class, () -> FileJournal.forCluster(stateDir, "../etc"));
        assertThrows(IllegalArgumentException.class, () -> FileJournal.forCluster(stateDir, ".."));
        assertThrows(IllegalArgumentException.class, () -> FileJournal.forCluster(stateDir, ""));
    }
}
