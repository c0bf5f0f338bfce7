package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import java.util.ArrayList;
import io.kupgrade.orchestrator.lock.LockLostException;
import java.util.List;
import java.util.function.Predicate;

/** An in-memory journal; {@link #loseLockAt} makes it refuse an append, as a store that fenced this run off. */
final class MemoryJournal implements Journal {
    final List<JournalEntry> entries = new ArrayList<>();
    Predicate<JournalEntry> loseLockAt = e -> false;

    @Override
    public void append(JournalEntry entry) {
        if (loseLockAt.test(entry)) {
            throw new LockLostException("its ZooKeeper session expired", null);
        }
        entries.add(entry);
    }

    @Override
    public List<JournalEntry> entries() {
        return List.copyOf(entries);
    }

    List<String> steps(String step) {
        return entries.stream().filter(e -> e.step().equals(step) && e.event().equals("succeeded"))
                .map(e -> e.phase() + ":" + (e.brokerId() != null ? e.brokerId() : e.wave())).toList();
    }
}
