package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.Journal;
import io.kupgrade.orchestrator.journal.JournalEntry;
import java.util.ArrayList;
import java.util.List;

/** An in-memory journal. */
final class MemoryJournal implements Journal {
    final List<JournalEntry> entries = new ArrayList<>();

    @Override
    public void append(JournalEntry entry) {
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
