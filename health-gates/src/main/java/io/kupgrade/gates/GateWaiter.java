package io.kupgrade.gates;

import io.kupgrade.plans.GateSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Polls a {@link ClusterReader} until all given gates pass on {@code stablePolls} consecutive polls (one, when
 * every gate {@linkplain Gate#settlesOnce() settles once}), or the timeout passes. One snapshot is read per poll and shared by all gates. Several clean polls are required
 * because ISR changes reach metadata late (reference §2, "ISR freshness in ZooKeeper mode").
 *
 * <p>Polls start every {@code pollInterval} (measured from the start of the previous poll, so a slow read does
 * not stretch the interval); the last poll happens at the deadline. A read that fails with
 * {@link ClusterUnreachableException}, and a gate that throws, count as a poll that did not pass, never as a
 * crash. Time comes from the injected {@link Clock} and passes through the injected {@link Sleeper}.
 *
 * <p>Defaults: poll interval 1 s, timeout 15 min, 2 stable polls. Thread-safe as long as the reader is: the
 * waiter itself keeps no state between calls (a caller that wants earlier polls counted passes its own
 * {@link RecentPolls}).
 */
public final class GateWaiter {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_STABLE_POLLS = 2;
    /** The name of the result standing in for all gates when the cluster could not be read. */
    public static final String CLUSTER_READ = "clusterRead";

    private final ClusterReader reader;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Duration timeout;
    private final int stablePolls;

    /** Receives every poll's progress, on the waiting thread. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = progress -> { };

        void onPoll(WaitProgress progress);
    }

    /**
     * @throws IllegalArgumentException when the interval or timeout is not positive or stablePolls &lt; 1
     */
    public GateWaiter(ClusterReader reader, Clock clock, Sleeper sleeper, Duration pollInterval,
                      Duration timeout, int stablePolls) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.pollInterval = positive(pollInterval, "pollInterval");
        this.timeout = positive(timeout, "timeout");
        if (stablePolls < 1) {
            throw new IllegalArgumentException("stablePolls must be at least 1, was " + stablePolls);
        }
        this.stablePolls = stablePolls;
    }

    /** A waiter with the plan's settings; null settings or null fields take the defaults. */
    public static GateWaiter of(ClusterReader reader, GateSettings settings, Clock clock, Sleeper sleeper) {
        Duration interval = settings == null || settings.pollInterval() == null
                ? DEFAULT_POLL_INTERVAL : settings.pollInterval();
        Duration timeout = settings == null || settings.timeout() == null ? DEFAULT_TIMEOUT : settings.timeout();
        int stable = settings == null || settings.stablePolls() < 1 ? DEFAULT_STABLE_POLLS : settings.stablePolls();
        return new GateWaiter(reader, clock, sleeper, interval, timeout, stable);
    }

    /** {@link #await(String, List, Duration, Listener)} with this waiter's timeout. */
    public WaitResult await(String purpose, List<Gate> gates, Listener listener) throws InterruptedException {
        return await(purpose, gates, timeout, listener);
    }

    /**
     * Waits until every gate passes on {@code stablePolls} consecutive polls, or {@code timeout} has passed.
     *
     * @param purpose what is waited for, for progress messages ("broker 3 to rejoin"); may be empty
     * @throws InterruptedException when the sleeper is interrupted (the wait is abandoned)
     */
    public WaitResult await(String purpose, List<Gate> gates, Duration timeout, Listener listener)
            throws InterruptedException {
        return await(purpose, gates, timeout, listener, null);
    }

    /**
     * As {@link #await(String, List, Duration, Listener)}, counting the {@code recent} polls of the waits before
     * this one (see {@link RecentPolls} for the rule): when they are younger than the poll interval and the
     * gates pass on the last {@code stablePolls} of them, the wait passes at once without a read; when only the
     * last few pass, they count toward {@code stablePolls} and the next read comes one poll interval after the
     * newest of them. Polls younger than two intervals (but not one) count toward {@code stablePolls} only
     * together with a read made at once. Every read of this wait is added to {@code recent}; a failed read clears it.
     *
     * @param recent the run's recent polls; null to poll afresh
     * @throws InterruptedException when the sleeper is interrupted (the wait is abandoned)
     */
    public WaitResult await(String purpose, List<Gate> gates, Duration timeout, Listener listener,
                            RecentPolls recent) throws InterruptedException {
        List<Gate> toCheck = List.copyOf(gates);
        int needed = !toCheck.isEmpty() && toCheck.stream().allMatch(Gate::settlesOnce) ? 1 : stablePolls;
        Instant start = clock.instant();
        Instant deadline = start.plus(positive(timeout, "timeout"));
        String what = purpose == null ? "" : purpose;
        int polls = 0;
        int consecutive = 0;
        List<GateResult> results = List.of();
        Instant previousPoll = null;
        if (recent != null) {
            List<RecentPolls.Poll> fresh = recent.usable(start, pollInterval);
            // older than one interval (the runner checked processes and journaled in between) but younger than
            // two: they still count toward stablePolls, never alone: the wait reads at once and passes only on
            // that fresh read (so two polls at most two intervals apart, the last one new)
            boolean stale = fresh.isEmpty();
            for (RecentPolls.Poll earlier : stale ? recent.usable(start, pollInterval.multipliedBy(2)) : fresh) {
                results = evaluate(toCheck, earlier.snapshot());
                consecutive = results.stream().allMatch(GateResult::passed) ? consecutive + 1 : 0;
                previousPoll = earlier.at();
            }
            if (stale) {
                consecutive = Math.min(consecutive, needed - 1);
            } else if (consecutive >= needed) {
                return new WaitResult(WaitResult.Outcome.PASSED, Duration.ZERO, 0, results);
            }
        }
        // the polls counted so far are spaced one interval apart; so is the next one (a fresh read right after a
        // passing one could return the same stale metadata). With none counted, read at once.
        if (consecutive > 0) {
            pauseUntil(previousPoll.plus(pollInterval), deadline);
        }
        while (true) {
            Instant pollStart = clock.instant();
            results = poll(toCheck, recent);
            polls++;
            consecutive = results.stream().allMatch(GateResult::passed) ? consecutive + 1 : 0;
            Instant now = clock.instant();
            Duration elapsed = Duration.between(start, now);
            listener.onPoll(new WaitProgress(what, polls, elapsed, consecutive, results));
            if (consecutive >= needed) {
                return new WaitResult(WaitResult.Outcome.PASSED, elapsed, polls, results);
            }
            if (!now.isBefore(deadline)) {
                return new WaitResult(WaitResult.Outcome.TIMED_OUT, elapsed, polls, results);
            }
            pauseUntil(pollStart.plus(pollInterval), deadline);
        }
    }

    private void pauseUntil(Instant next, Instant deadline) throws InterruptedException {
        Instant at = next.isAfter(deadline) ? deadline : next;
        Duration pause = Duration.between(clock.instant(), at);
        if (!pause.isNegative() && !pause.isZero()) {
            sleeper.sleep(pause);
        }
    }

    private List<GateResult> poll(List<Gate> gates, RecentPolls recent) {
        ClusterSnapshot snapshot;
        try {
            snapshot = reader.read();
        } catch (ClusterUnreachableException e) {
            if (recent != null) {
                recent.forget();
            }
            return List.of(GateResult.inconclusive(CLUSTER_READ, "cluster not readable: " + e.getMessage()));
        }
        if (recent != null) {
            // when the read ended: the snapshot shows the cluster no earlier than that
            recent.add(clock.instant(), snapshot);
        }
        return evaluate(gates, snapshot);
    }

    private static List<GateResult> evaluate(List<Gate> gates, ClusterSnapshot snapshot) {
        List<GateResult> results = new ArrayList<>(gates.size());
        for (Gate gate : gates) {
            try {
                results.add(gate.evaluate(snapshot));
            } catch (RuntimeException e) {
                // a gate bug must not crash a roll in the middle of a broker; it just never passes
                results.add(GateResult.inconclusive(gate.name(), "gate failed: " + e));
            }
        }
        return results;
    }

    private static Duration positive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        return duration;
    }
}
