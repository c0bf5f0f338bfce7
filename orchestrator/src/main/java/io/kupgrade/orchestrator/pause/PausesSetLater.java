package io.kupgrade.orchestrator.pause;

import io.kupgrade.orchestrator.engine.PauseCheck;
import java.util.Objects;
import java.util.Optional;

/**
 * The pauses {@code kupgrade rollback} honours: those set after it started. A pause in effect when the rollback
 * starts is the operator's freeze on going on, and the rollback is the way out of it (run-book: pause, then roll
 * back, with every {@code apply} still kept off); a pause set while it runs, or a new one replacing the first,
 * asks the rollback itself to stop before its next broker (or ZooKeeper server).
 *
 * <p>Thread-safe when the marker is.
 */
public final class PausesSetLater implements PauseCheck {
    private final PauseMarker marker;
    private final Pause atStart;

    private PausesSetLater(PauseMarker marker, Pause atStart) {
        this.marker = marker;
        this.atStart = atStart;
    }

    /**
     * Notes the pause in effect now. A marker that cannot be read now counts as no pause: every pause read later
     * then stops the run, and a marker still unreadable halts it before its first broker.
     */
    public static PausesSetLater from(PauseMarker marker) {
        Objects.requireNonNull(marker, "marker");
        Pause now;
        try {
            now = marker.read().orElse(null);
        } catch (RuntimeException e) {
            now = null;
        }
        return new PausesSetLater(marker, now);
    }

    /** The pause in effect when the run started (which it does not honour). */
    public Optional<Pause> atStart() {
        return Optional.ofNullable(atStart);
    }

    @Override
    public Optional<String> pausedBecause() {
        return marker.read().filter(p -> !p.equals(atStart)).map(Pause::describe);
    }
}
