package io.kupgrade.orchestrator.engine;

import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.OnFailure;
import io.kupgrade.plans.Wave;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The journal's vocabulary: event names, the run-level step, and how a phase's wave layout is written to
 * and read from a {@code phase-start} entry. Part of the journal format: add, never rename.
 */
public final class Journaling {
    /** Run-level step: one {@code started} per {@code apply}, then one outcome event. */
    public static final String RUN = "run";
    public static final String STARTED = "started";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String HALTED = "halted";
    public static final String INTERRUPTED = "interrupted";
    public static final String DECLINED = "declined";
    /** Run-level outcome: an operator's {@code kupgrade pause} was honoured between brokers. */
    public static final String PAUSED = "paused";

    /**
     * Step of an operator's action outside any run, journaled for the record only: {@code kupgrade topic-format
     * PLAN} changed topics' {@code message.format.version} (event {@code succeeded} or {@code failed}; phase, wave
     * and broker null; details in {@code topics.TopicFormatJournal}). See {@link #outOfBand}.
     */
    public static final String TOPIC_FORMAT = "topic-format";

    /** {@code probe} detail: whether the broker process was running. */
    public static final String RUNNING = "running";
    /** {@code edit-config} detail: where the previous server.properties was kept on the host. */
    public static final String BACKUP = "backup";

    /**
     * {@code batch-start} detail: the brokers of the batch, comma-separated in wave order; each also gets a
     * {@code pre-stop-gates} entry with this detail (its pre-stop gates were those of the batch).
     */
    public static final String BATCH = "batch";

    private Journaling() {
    }

    /**
     * True for an entry that records an operator's action outside any run ({@link #TOPIC_FORMAT}). Resume,
     * rollback and revert never see such entries ({@link JournalView#of} leaves them out before anything else), so
     * they cannot start, end, undo or block a run, whatever plan they name. Every such step name must be listed
     * here.
     */
    public static boolean outOfBand(JournalEntry e) {
        return TOPIC_FORMAT.equals(e.step());
    }

    public static JournalEntry entry(Instant at, String sha, Step step, String event, Map<String, String> details) {
        // plan-done is plan-level: no phase, so that any later plan can recognise a finished journal
        String phase = step.kind() == StepKind.PLAN_DONE ? null : step.phase().name();
        return new JournalEntry(at, sha, phase, step.waveName(), step.brokerId(),
                step.kind().journalName(), event, details);
    }

    /** The journal event a run or step that ended as {@code kind} is recorded with. */
    public static String event(OutcomeKind kind) {
        return switch (kind) {
            case DONE -> SUCCEEDED;
            case HALTED -> HALTED;
            case INTERRUPTED -> INTERRUPTED;
            case DECLINED -> DECLINED;
            case FAILED -> FAILED;
        };
    }

    public static JournalEntry runEntry(Instant at, String sha, String event, Map<String, String> details) {
        return new JournalEntry(at, sha, null, null, null, RUN, event, details);
    }

    /** The details of a {@code phase-start} entry that fix the phase's waves. */
    public static Map<String, String> layoutDetails(List<Wave> waves) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("waves", Integer.toString(waves.size()));
        for (Wave w : waves) {
            String k = "wave." + w.index() + ".";
            d.put(k + "name", w.name());
            d.put(k + "soak", w.soak() == null ? "PT0S" : w.soak().toString());
            d.put(k + "onFailure", w.onFailure().yamlName());
            List<String> ids = new ArrayList<>();
            for (BrokerSpec b : w.brokers()) {
                ids.add(Integer.toString(b.id()));
            }
            d.put(k + "brokers", String.join(",", ids));
        }
        return d;
    }

    /**
     * Reads a layout written by {@link #layoutDetails}.
     *
     * @param brokerById the brokers known now; an id the cluster no longer knows is refused
     * @throws RunRefusedException when the entry is unreadable or names an unknown broker
     */
    public static List<Wave> layoutFrom(Map<String, String> details, IntFunction<BrokerSpec> brokerById) {
        try {
            int n = Integer.parseInt(details.get("waves"));
            List<Wave> waves = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String k = "wave." + i + ".";
                List<BrokerSpec> brokers = new ArrayList<>();
                String ids = details.get(k + "brokers");
                if (ids != null && !ids.isEmpty()) {
                    for (String id : ids.split(",")) {
                        BrokerSpec b = brokerById.apply(Integer.parseInt(id.trim()));
                        if (b == null) {
                            throw new RunRefusedException("the journal's wave " + details.get(k + "name")
                                    + " names broker " + id + ", which is neither in the plan nor in the cluster");
                        }
                        brokers.add(b);
                    }
                }
                // journals written before onFailure existed get the default for the wave's position
                String onFailure = details.get(k + "onFailure");
                waves.add(new Wave(i, details.get(k + "name"), brokers, Duration.parse(details.get(k + "soak")),
                        onFailure == null ? null : OnFailure.valueOf(onFailure.toUpperCase(java.util.Locale.ROOT))));
            }
            return waves;
        } catch (RuntimeException e) {
            if (e instanceof RunRefusedException r) {
                throw r;
            }
            throw new RunRefusedException("the journal's phase-start entry is unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * The entries that mark each broker of a chosen batch as past its pre-stop gates, written right after the
     * {@code batch-start} entry: the batch's canStop and cluster gates were its pre-stop gates.
     */
    public static List<JournalEntry> batchMembers(Instant at, String sha, Step batchStart, List<BrokerSpec> members) {
        String ids = String.join(",", members.stream().map(b -> Integer.toString(b.id())).toList());
        List<JournalEntry> out = new ArrayList<>();
        for (BrokerSpec b : members) {
            Step preStop = new Step(StepKind.PRE_STOP_GATES, batchStart.phase(), batchStart.wave(), b, false,
                    List.of(), true);
            out.add(entry(at, sha, preStop, SUCCEEDED, Map.of(BATCH, ids, "summary", "broker " + b.id()
                    + " stops in batch [" + ids + "]: its pre-stop gates were the batch's")));
        }
        return out;
    }

    /** The broker ids of a {@code batch-start} entry's {@link #BATCH} detail; empty when there is none. */
    public static List<Integer> batchFrom(Map<String, String> details) {
        String ids = details.get(BATCH);
        List<Integer> out = new ArrayList<>();
        if (ids != null && !ids.isBlank()) {
            for (String id : ids.split(",")) {
                out.add(Integer.parseInt(id.trim()));
            }
        }
        return out;
    }

    static Map<String, String> details(String... kv) {
        Map<String, String> d = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            d.put(kv[i], kv[i + 1]);
        }
        return d;
    }
}
