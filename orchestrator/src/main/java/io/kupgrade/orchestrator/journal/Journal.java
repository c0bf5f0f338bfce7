package io.kupgrade.orchestrator.journal;

import java.util.List;

/**
 * The durable record of a run: every step's start and outcome, appended in order. {@code apply} reads it
 * back to resume exactly where a run stopped. Implementations: a local file (default); ZooKeeper later.
 * An {@link #append} returns only once the entry is durable (fsync).
 */
public interface Journal {
    void append(JournalEntry entry);

    /** All entries, oldest first. */
    List<JournalEntry> entries();
}
