package io.kupgrade.orchestrator.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A journal held in memory: for dry runs and tests. Not durable. Thread-safe. */
public final class InMemoryJournal implements Journal {
    private final List<JournalEntry> entries = new ArrayList<>();

    public InMemoryJournal() {
    }

    /** A journal that already holds {@code initial} (e.g. to test resuming). */
    public InMemoryJournal(List<JournalEntry> initial) {
        entries.addAll(initial);
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        entries.add(Objects.requireNonNull(entry, "entry"));
    }

    @Override
    public synchronized List<JournalEntry> entries() {
        return List.copyOf(entries);
    }
}
