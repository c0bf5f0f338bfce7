package io.kupgrade.orchestrator.journal;

/**
 * A journal entry that cannot be read: the file or znode was damaged or edited by hand. Nothing is done on a
 * journal that cannot be read whole; a person must repair (or move away) the named entry.
 */
public final class JournalDamagedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public JournalDamagedException(String message, Throwable cause) {
        super(message, cause);
    }
}
