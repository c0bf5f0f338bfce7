package io.kupgrade.gates;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last cluster reads of one run's gate waits, so that a wait which directly follows another can count the
 * polls already made toward its own {@code stablePolls}, instead of polling the same cluster state again.
 *
 * <p>Example: broker 2's post-start gates passed on two polls, 1 s apart, the last 40 ms ago; broker 3's
 * pre-stop gates (canStop(3), no URP, ...) evaluated on those same two snapshots pass as well: the cluster was
 * seen, twice in a row and a moment ago, in a state where broker 3 may stop. Without this a roll spends one
 * poll interval per gate re-reading what it has just read (issue 7: kupgrade's own overhead).
 *
 * <p>The rule that keeps this as safe as fresh polling:
 * <ul>
 *   <li>the most recent poll must be younger than the poll interval (it is as fresh as the next poll of a
 *       running wait would be), see {@link #usable}; polls younger than two intervals count only together with
 *       a read the wait makes at once ({@link GateWaiter}), so the decision rests on a fresh read;</li>
 *   <li>whoever acts on the cluster (a stop, a start, a config edit, an election) calls {@link #forget()}
 *       first: a poll made before an action says nothing about the cluster after it;</li>
 *   <li>a read that failed breaks the sequence ({@link #forget()}), as it does inside one wait.</li>
 * </ul>
 *
 * <p>Not thread-safe: one run, one thread.
 */
public final class RecentPolls {
    /** One poll: when its read ended, and what it read. */
    public record Poll(Instant at, ClusterSnapshot snapshot) {
    }

    private final int capacity;
    private final Deque<Poll> polls = new ArrayDeque<>();

    /** @param capacity how many polls to keep (a wait needs at most its {@code stablePolls}); at least 1 */
    public RecentPolls(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Records a successful read that ended at {@code at}. */
    public void add(Instant at, ClusterSnapshot snapshot) {
        polls.addLast(new Poll(at, snapshot));
        while (polls.size() > capacity) {
            polls.removeFirst();
        }
    }

    /** Drops every poll: the cluster was acted on, or a read failed. */
    public void forget() {
        polls.clear();
    }

    /**
     * The polls a wait starting at {@code now} may count, oldest first: all of them when the newest ended less
     * than {@code pollInterval} before {@code now}, else none.
     */
    public List<Poll> usable(Instant now, Duration pollInterval) {
        Poll newest = polls.peekLast();
        if (newest == null || !now.isBefore(newest.at().plus(pollInterval))) {
            return List.of();
        }
        return List.copyOf(polls);
    }
}
