package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.engine.StepKind;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.orchestrator.report.RollReport.BrokerTimes;
import io.kupgrade.orchestrator.report.RollReport.Kind;
import io.kupgrade.orchestrator.report.RollReport.Lane;
import io.kupgrade.orchestrator.report.RollReport.Marker;
import io.kupgrade.orchestrator.report.RollReport.Segment;
import io.kupgrade.orchestrator.report.RollReport.Totals;
import io.kupgrade.orchestrator.report.RollReport.WaveSpan;
import io.kupgrade.orchestrator.topics.TopicFormatJournal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds a {@link RollReport} from journal entries and URP samples: a pure function, no I/O, no clock.
 *
 * <p>Segments come from each action step's {@code started} entry and its outcome entry: {@code stop} and
 * {@code await-exit} make the stop, {@code install} and {@code edit-config} the install, {@code drain-leaders}
 * the drain, {@code restore-leaders} the leaders. {@code start} plus {@code post-start-gates} are split into
 * start (command to process running), registration (running to registered anew) and catch-up (registered to
 * back in every ISR, cluster healthy) with the durations the runner journals in the post-start-gates details
 * ({@code runningMs}, {@code registrationMs}, {@code catchUpMs}). A step started and never ended is shown up to
 * the last journaled instant, as {@code open}.
 */
public final class ReportModel {
    /** How many of the latest topic-format changes of the cluster the report lists. */
    static final int RECENT_TOPIC_FORMATS = 10;

    private ReportModel() {
    }

    /**
     * @param entries the journal's entries (any plan's: only those with {@code planSha256} are used, and the
     *     cluster's topic-format changes, as notes)
     * @param hosts broker id to host, for lane labels (may miss brokers)
     */
    public static RollReport build(String planFile, String planSha256, String cluster, String journal,
                                   List<JournalEntry> entries, List<UrpLog.Sample> samples, Map<Integer, String> hosts) {
        // operators' actions outside any run (topic-format) are not part of a roll's timeline: listed as notes
        List<JournalEntry> mine = entries.stream().filter(e -> Objects.equals(planSha256, e.planSha256()))
                .filter(e -> !Journaling.outOfBand(e)).toList();
        List<String> notes = new ArrayList<>();
        TopicFormatJournal.recent(entries, RECENT_TOPIC_FORMATS).forEach(t -> notes.add("topic-format " + t.describe()));
        if (mine.isEmpty()) {
            notes.add("the journal holds no run of this plan (sha256 " + abbreviate(planSha256) + ")");
            return new RollReport(planFile, planSha256, cluster, journal, null, null, List.of(), List.of(), List.of(),
                    List.of(), List.of(), new Totals(0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                    -1, -1), notes);
        }
        Instant from = mine.get(0).at();
        Instant to = mine.get(mine.size() - 1).at();

        Map<Integer, List<Segment>> segments = new TreeMap<>();
        Map<String, Instant> open = new HashMap<>();
        Map<String, Instant> startCommand = new HashMap<>();
        Map<String, String> waveOf = new HashMap<>();
        List<Marker> markers = new ArrayList<>();
        Map<String, List<Integer>> layout = new LinkedHashMap<>();
        Map<String, Instant> waveDone = new HashMap<>();
        Map<String, BrokerTimesBuilder> times = new LinkedHashMap<>();
        TreeSet<Integer> brokers = new TreeSet<>();
        Duration soak = Duration.ZERO;
        Duration wall = Duration.ZERO;
        Instant runStart = null;
        int runs = 0;
        for (JournalEntry e : mine) {
            if (Journaling.RUN.equals(e.step())) {
                if (Journaling.STARTED.equals(e.event())) {
                    if (runStart != null) {
                        // a run that ended without its outcome entry (killed): count it up to the next start
                        wall = wall.plus(Duration.between(runStart, e.at()));
                    }
                    runStart = e.at();
                    runs++;
                    markers.add(new Marker(e.at(), "run-start", "run " + runs + ": apply "
                            + e.details().getOrDefault("selection", ""), null));
                } else {
                    if (runStart != null) {
                        wall = wall.plus(Duration.between(runStart, e.at()));
                        runStart = null;
                    }
                    markers.add(new Marker(e.at(), "run-end", e.event() + ": "
                            + e.details().getOrDefault("message", ""), e.event()));
                }
                continue;
            }
            if (StepKind.PHASE_START.journalName().equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                markers.add(new Marker(e.at(), "phase-start", "phase " + e.phase(), null));
                readLayout(e, layout, brokers);
                continue;
            }
            if (StepKind.WAVE_DONE.journalName().equals(e.step()) && Journaling.SUCCEEDED.equals(e.event())) {
                markers.add(new Marker(e.at(), "wave-done", e.phase() + "/" + e.wave() + " done", null));
                waveDone.put(e.phase() + "/" + e.wave(), e.at());
                continue;
            }
            String key = e.phase() + "/" + (e.brokerId() == null ? "" : e.brokerId()) + "/" + e.wave() + "/" + e.step();
            if (Journaling.STARTED.equals(e.event())) {
                open.put(key, e.at());
                continue;
            }
            if (StepKind.BROKER_DONE.journalName().equals(e.step()) && e.brokerId() != null) {
                int id = e.brokerId();
                times.computeIfAbsent(e.phase() + "/" + id, k -> new BrokerTimesBuilder(e.phase(), e.wave(), id))
                        .done = true;
                continue;
            }
            Instant started = open.remove(key);
            if (StepKind.SOAK.journalName().equals(e.step()) && started != null) {
                soak = soak.plus(Duration.between(started, e.at()));
                continue;
            }
            if (e.brokerId() == null || started == null) {
                continue;
            }
            int id = e.brokerId();
            brokers.add(id);
            waveOf.put(e.phase() + "/" + id, e.wave());
            List<Segment> lane = segments.computeIfAbsent(id, k -> new ArrayList<>());
            BrokerTimesBuilder t = times.computeIfAbsent(e.phase() + "/" + id,
                    k -> new BrokerTimesBuilder(e.phase(), e.wave(), id));
            StepKind kind = StepKind.fromJournalName(e.step());
            if (kind == null) {
                continue;
            }
            String outcome = e.event();
            switch (kind) {
                case PRE_STOP_GATES -> t.add(add(lane, Kind.PRE_STOP, e, started, e.at(), outcome));
                case STOP, AWAIT_EXIT -> t.add(add(lane, Kind.STOP, e, started, e.at(), outcome));
                case DRAIN_LEADERS -> t.add(add(lane, Kind.DRAIN, e, started, e.at(), outcome));
                case INSTALL, EDIT_CONFIG -> t.add(add(lane, Kind.INSTALL, e, started, e.at(), outcome));
                case START -> {
                    if (Journaling.SUCCEEDED.equals(outcome)) {
                        startCommand.put(e.phase() + "/" + id, started);
                    } else {
                        t.add(add(lane, Kind.START, e, started, e.at(), outcome));
                    }
                }
                case POST_START_GATES -> postStart(lane, t, e, started, startCommand.remove(e.phase() + "/" + id));
                case RESTORE_LEADERS -> t.add(add(lane, Kind.LEADERS, e, started, e.at(), outcome));
                default -> {
                }
            }
        }
        if (runStart != null) {
            wall = wall.plus(Duration.between(runStart, to));
            notes.add("the last run has no end in the journal (still running, or killed): shown up to " + to);
        }
        // steps started and never ended: show them up to the last journaled instant
        for (Map.Entry<String, Instant> o : open.entrySet()) {
            String[] parts = o.getKey().split("/", 4);
            if (parts[1].isEmpty()) {
                continue;
            }
            int id = Integer.parseInt(parts[1]);
            StepKind kind = StepKind.fromJournalName(parts[3]);
            Kind k = kind == null ? null : switch (kind) {
                case PRE_STOP_GATES -> Kind.PRE_STOP;
                case STOP, AWAIT_EXIT -> Kind.STOP;
                case DRAIN_LEADERS -> Kind.DRAIN;
                case INSTALL, EDIT_CONFIG -> Kind.INSTALL;
                case START -> Kind.START;
                case POST_START_GATES -> Kind.CATCH_UP;
                case RESTORE_LEADERS -> Kind.LEADERS;
                default -> null;
            };
            if (k != null) {
                brokers.add(id);
                segments.computeIfAbsent(id, x -> new ArrayList<>()).add(new Segment(k, parts[0],
                        "null".equals(parts[2]) ? null : parts[2], o.getValue(), to, "open"));
            }
        }

        List<Lane> lanes = new ArrayList<>();
        List<Segment> all = new ArrayList<>();
        for (int id : brokers) {
            List<Segment> lane = new ArrayList<>(segments.getOrDefault(id, List.of()));
            lane.sort(Comparator.comparing(Segment::from));
            all.addAll(lane);
            lanes.add(new Lane(id, hosts.getOrDefault(id, ""), lane));
        }

        List<WaveSpan> waves = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> w : layout.entrySet()) {
            String[] pw = w.getKey().split("/", 2);
            Instant first = null;
            Instant last = null;
            for (int id : w.getValue()) {
                for (Segment s : segments.getOrDefault(id, List.of())) {
                    if (pw[0].equals(s.phase())) {
                        first = first == null || s.from().isBefore(first) ? s.from() : first;
                        last = last == null || s.to().isAfter(last) ? s.to() : last;
                    }
                }
            }
            Instant done = waveDone.get(w.getKey());
            if (first != null) {
                waves.add(new WaveSpan(pw[0], pw[1], w.getValue(), first, done != null ? done : last, done != null));
            }
        }

        List<BrokerTimes> brokerTimes = times.values().stream().map(BrokerTimesBuilder::build).toList();
        Duration busy = union(all.stream().filter(s -> s.kind() != Kind.PRE_STOP).toList());
        Duration overhead = wall.minus(busy).minus(soak);
        if (overhead.isNegative()) {
            overhead = Duration.ZERO;
        }
        List<UrpLog.Sample> urp = samples.stream()
                .filter(s -> !s.at().isBefore(from.minusSeconds(5)) && !s.at().isAfter(to.plusSeconds(5))).toList();
        if (urp.isEmpty()) {
            notes.add("no URP samples for this plan's runs (urp.jsonl beside the journal)");
        }
        int maxUrp = urp.stream().mapToInt(UrpLog.Sample::underReplicated).max().orElse(-1);
        int maxOffline = urp.stream().mapToInt(UrpLog.Sample::offline).max().orElse(-1);
        int done = (int) brokerTimes.stream().filter(BrokerTimes::done).count();
        Totals totals = new Totals(runs, done, wall, busy, soak, overhead, maxUrp, maxOffline);
        return new RollReport(planFile, planSha256, cluster, journal, from, to, lanes, waves, markers, urp,
                brokerTimes, totals, notes);
    }

    /** post-start-gates split into start, registration and catch-up with the journaled durations. */
    private static void postStart(List<Segment> lane, BrokerTimesBuilder t, JournalEntry e, Instant started,
                                  Instant startCommand) {
        Instant begin = startCommand != null ? startCommand : started;
        Long catchUpMs = millis(e.details().get("catchUpMs"));
        Long registrationMs = millis(e.details().get("registrationMs"));
        if (!Journaling.SUCCEEDED.equals(e.event()) || catchUpMs == null || registrationMs == null) {
            if (startCommand != null) {
                t.add(add(lane, Kind.START, e, startCommand, started, Journaling.SUCCEEDED));
            }
            t.add(add(lane, Kind.CATCH_UP, e, started, e.at(), e.event()));
            return;
        }
        Instant registered = max(begin, e.at().minusMillis(catchUpMs));
        Instant running = max(begin, registered.minusMillis(registrationMs));
        t.add(add(lane, Kind.START, e, begin, running, e.event()));
        t.add(add(lane, Kind.REGISTRATION, e, running, registered, e.event()));
        t.add(add(lane, Kind.CATCH_UP, e, registered, e.at(), e.event()));
    }

    private static Segment add(List<Segment> lane, Kind kind, JournalEntry e, Instant from, Instant to,
                               String outcome) {
        Segment s = new Segment(kind, e.phase(), e.wave(), from, to.isBefore(from) ? from : to, outcome);
        lane.add(s);
        return s;
    }

    private static void readLayout(JournalEntry e, Map<String, List<Integer>> layout, TreeSet<Integer> brokers) {
        try {
            int n = Integer.parseInt(e.details().getOrDefault("waves", "0"));
            for (int i = 0; i < n; i++) {
                String name = e.details().get("wave." + i + ".name");
                List<Integer> ids = new ArrayList<>();
                String list = e.details().getOrDefault("wave." + i + ".brokers", "");
                for (String id : list.split(",")) {
                    if (!id.isBlank()) {
                        ids.add(Integer.parseInt(id.trim()));
                    }
                }
                brokers.addAll(ids);
                layout.put(e.phase() + "/" + name, ids);
            }
        } catch (NumberFormatException ignored) {
            // an unreadable layout only costs the wave bands; apply itself refuses such a journal
        }
    }

    /** Total time covered by at least one segment. */
    static Duration union(List<Segment> segments) {
        List<Segment> sorted = new ArrayList<>(segments);
        sorted.sort(Comparator.comparing(Segment::from));
        Duration total = Duration.ZERO;
        Instant curFrom = null;
        Instant curTo = null;
        for (Segment s : sorted) {
            if (curTo == null || s.from().isAfter(curTo)) {
                if (curTo != null) {
                    total = total.plus(Duration.between(curFrom, curTo));
                }
                curFrom = s.from();
                curTo = s.to();
            } else if (s.to().isAfter(curTo)) {
                curTo = s.to();
            }
        }
        if (curTo != null) {
            total = total.plus(Duration.between(curFrom, curTo));
        }
        return total;
    }

    private static Long millis(String value) {
        try {
            return value == null ? null : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String abbreviate(String sha) {
        return sha == null || sha.length() <= 12 ? String.valueOf(sha) : sha.substring(0, 12);
    }

    private static final class BrokerTimesBuilder {
        final String phase;
        final String wave;
        final int broker;
        final Map<Kind, Duration> byKind = new HashMap<>();
        boolean done;

        BrokerTimesBuilder(String phase, String wave, int broker) {
            this.phase = phase;
            this.wave = wave;
            this.broker = broker;
        }

        void add(Segment s) {
            byKind.merge(s.kind(), s.duration(), Duration::plus);
        }

        BrokerTimes build() {
            Duration cycle = null;
            for (Map.Entry<Kind, Duration> k : byKind.entrySet()) {
                if (k.getKey() != Kind.PRE_STOP) {
                    cycle = cycle == null ? k.getValue() : cycle.plus(k.getValue());
                }
            }
            return new BrokerTimes(phase, wave, broker, byKind.get(Kind.PRE_STOP), byKind.get(Kind.STOP),
                    byKind.get(Kind.DRAIN), byKind.get(Kind.INSTALL), byKind.get(Kind.START),
                    byKind.get(Kind.REGISTRATION), byKind.get(Kind.CATCH_UP), byKind.get(Kind.LEADERS), cycle, done);
        }
    }
}
