package io.kupgrade.orchestrator.journal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable record of a run: every step's start and outcome, appended in order. {@code apply} reads it
 * back to resume exactly where a run stopped. Implementations: a local file (default); ZooKeeper later.
 * An {@link #append} returns only once the entry is durable (fsync).
 */
public interface Journal {
    void append(JournalEntry entry);

    /** All entries, oldest first. */
    List<JournalEntry> entries();

    /** The newest entry; empty for an empty journal. */
    default Optional<JournalEntry> last() {
        List<JournalEntry> all = entries();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * The newest entry for ({@code phase}, {@code brokerId}, {@code step}); nulls match run-, phase- or
     * wave-level entries (a null phase matches only entries whose phase is null, and so on).
     */
    default Optional<JournalEntry> last(String phase, Integer brokerId, String step) {
        List<JournalEntry> all = entries();
        for (int i = all.size() - 1; i >= 0; i--) {
            JournalEntry e = all.get(i);
            if (Objects.equals(e.phase(), phase) && Objects.equals(e.brokerId(), brokerId)
                    && Objects.equals(e.step(), step)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
