package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.journal.UrpLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code kupgrade report} shows: a plan's runs as read from the journal, one lane per broker with the
 * segments of each broker cycle, waves, run starts and ends, URP over time, per-broker durations and totals.
 * Plain immutable records, built by {@link ReportModel}; rendered by {@link TextReport} and {@link HtmlReport}.
 *
 * @param from the first journaled instant of the plan; null when the journal holds nothing of it
 * @param to the last journaled instant of the plan
 * @param lanes one per broker of the plan's wave layouts or journal, by broker id
 * @param urp under-replicated/offline samples within [from, to] (from {@code urp.jsonl})
 * @param notes what the report could not tell (no journal, no samples, a run still in progress)
 */
public record RollReport(String planFile, String planSha256, String cluster, String journal, Instant from,
                         Instant to, List<Lane> lanes, List<WaveSpan> waves, List<Marker> markers,
                         List<UrpLog.Sample> urp, List<BrokerTimes> brokers, Totals totals, List<String> notes) {

    public RollReport {
        lanes = List.copyOf(lanes);
        waves = List.copyOf(waves);
        markers = List.copyOf(markers);
        urp = List.copyOf(urp);
        brokers = List.copyOf(brokers);
        notes = List.copyOf(notes);
    }

    /** The part of a broker cycle a segment shows; {@link #id()} is its CSS class and JSON name. */
    public enum Kind {
        PRE_STOP("pre-stop", "pre-stop gates"),
        STOP("stop", "stop"),
        DRAIN("drain", "leaders drained"),
        INSTALL("install", "install + config"),
        START("start", "start"),
        REGISTRATION("registration", "registration"),
        CATCH_UP("catch-up", "catch-up"),
        LEADERS("leaders", "leaders restored");

        private final String id;
        private final String label;

        Kind(String id, String label) {
            this.id = id;
            this.label = label;
        }

        public String id() {
            return id;
        }

        public String label() {
            return label;
        }
    }

    /** One broker's lane. */
    public record Lane(int brokerId, String host, List<Segment> segments) {
        public Lane {
            segments = List.copyOf(segments);
        }
    }

    /**
     * One timed part of a broker cycle.
     *
     * @param outcome {@code succeeded}, {@code failed}, {@code halted}, {@code interrupted}, or {@code open} for a
     *     step the journal shows started and not ended (a run in progress or killed)
     */
    public record Segment(Kind kind, String phase, String wave, Instant from, Instant to, String outcome) {
        public Duration duration() {
            return Duration.between(from, to);
        }
    }

    /** A wave of a phase: its brokers and when its first broker step began and its wave-done was written. */
    public record WaveSpan(String phase, String wave, List<Integer> brokers, Instant from, Instant to, boolean done) {
        public WaveSpan {
            brokers = List.copyOf(brokers);
        }
    }

    /**
     * An instant worth a line on the timeline.
     *
     * @param kind {@code run-start}, {@code run-end}, {@code phase-start}, {@code wave-done}
     * @param label for people: the selection, the outcome and its message, the phase or wave name
     * @param outcome for {@code run-end}: {@code succeeded}, {@code halted}, {@code failed}, ...; else null
     */
    public record Marker(Instant at, String kind, String label, String outcome) {
    }

    /**
     * One broker in one phase; a duration is null when the journal has no such segment. {@code cycle} is the
     * sum of the broker's own times (stop through leaders, without pre-stop gates).
     */
    public record BrokerTimes(String phase, String wave, int brokerId, Duration preStop, Duration stop,
                              Duration drain, Duration install, Duration start, Duration registration,
                              Duration catchUp, Duration leaders, Duration cycle, boolean done) {
    }

    /**
     * @param wall the runs' wall time (each run from its start to its end, summed)
     * @param busy time during which at least one broker was in its cycle (stop through leaders)
     * @param soak time spent in wave soaks
     * @param overhead {@code wall - busy - soak}: gates before stops, layout, decisions, between steps
     * @param maxUrp the highest under-replicated count sampled; -1 without samples
     */
    public record Totals(int runs, int brokersDone, Duration wall, Duration busy, Duration soak, Duration overhead,
                         int maxUrp, int maxOffline) {
        /** overhead / wall, 0 when nothing ran. */
        public double overheadRatio() {
            return wall.isZero() ? 0 : (double) overhead.toMillis() / wall.toMillis();
        }
    }
}
