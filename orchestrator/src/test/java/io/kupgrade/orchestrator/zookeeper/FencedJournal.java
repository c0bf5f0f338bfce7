package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.journal.InMemoryJournal;
import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockLostException;
import java.util.List;
import java.util.function.Predicate;

/**
 * An in-memory journal that fences the run off as the ZooKeeper journal does once the run's lock is gone (its
 * session expired): from the first append {@link #loseLockAt} matches on, every append throws
 * {@link LockLostException} and writes nothing, until {@link #regainLock} (the next run, with a new lock).
 */
final class FencedJournal implements Journal {
    private final InMemoryJournal entries = new InMemoryJournal();
    Predicate<JournalEntry> loseLockAt = e -> false;
    private boolean lost;

    @Override
    public void append(JournalEntry entry) {
        if (lost || loseLockAt.test(entry)) {
            lost = true;
            throw new LockLostException("its ZooKeeper session expired", null);
        }
        entries.append(entry);
    }

    @Override
    public List<JournalEntry> entries() {
        return entries.entries();
    }

    /** A new run with a new lock: appends are accepted again. */
    void regainLock() {
        lost = false;
        loseLockAt = e -> false;
    }
}
