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

    /** {@code probe} detail: whether the broker process was running. */
    public static final String RUNNING = "running";
    /** {@code edit-config} detail: where the previous server.properties was kept on the host. */
    public static final String BACKUP = "backup";

    private Journaling() {
    }

    public static JournalEntry entry(Instant at, String sha, Step step, String event, Map<String, String> details) {
        // plan-done is plan-level: no phase, so that any later plan can recognise a finished journal
        String phase = step.kind() == StepKind.PLAN_DONE ? null : step.phase().name();
        return new JournalEntry(at, sha, phase, step.waveName(), step.brokerId(),
                step.kind().journalName(), event, details);
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

    static Map<String, String> details(String... kv) {
        Map<String, String> d = new HashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            d.put(kv[i], kv[i + 1]);
        }
        return d;
    }
}
