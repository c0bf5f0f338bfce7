package io.kupgrade.orchestrator.journal;

import io.kupgrade.orchestrator.executor.SecretRedactor;
import java.util.List;
import java.util.Objects;

/** A journal that masks secrets in every entry's details before the delegate stores it. Thread-safe if the delegate is. */
public final class RedactingJournal implements Journal {
    private final Journal delegate;
    private final SecretRedactor redactor;

    public RedactingJournal(Journal delegate, SecretRedactor redactor) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    @Override
    public void append(JournalEntry entry) {
        delegate.append(redactor.redact(entry));
    }

    @Override
    public List<JournalEntry> entries() {
        return delegate.entries();
    }
}
