package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.journal.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-written journals as the runner writes them, on a clock that advances as the steps are added. */
final class Journals {
    static final String SHA = "a".repeat(64);
    final List<JournalEntry> entries = new ArrayList<>();
    Instant now = Instant.parse("2026-11-25T10:00:00Z");

    Journals at(double secondsLater) {
        now = now.plusMillis((long) (secondsLater * 1000));
        return this;
    }

    Journals add(String phase, String wave, Integer broker, String step, String event, String... kv) {
        Map<String, String> d = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            d.put(kv[i], kv[i + 1]);
        }
        entries.add(new JournalEntry(now, SHA, phase, wave, broker, step, event, d));
        return this;
    }

    /** started, {@code seconds} later succeeded. */
    Journals step(String phase, String wave, int broker, String step, double seconds, String... details) {
        add(phase, wave, broker, step, "started");
        at(seconds);
        return add(phase, wave, broker, step, "succeeded", details);
    }

    /** One broker's full cycle: gates 1 s, stop 2+3 s, install 1 s, edit 0.5 s, start 0.5 s, post-start 6 s. */
    Journals broker(String phase, String wave, int id) {
        step(phase, wave, id, "pre-stop-gates", 1);
        step(phase, wave, id, "stop", 2);
        step(phase, wave, id, "await-exit", 3);
        step(phase, wave, id, "install", 1);
        step(phase, wave, id, "edit-config", 0.5);
        step(phase, wave, id, "start", 0.5);
        // running 1 s after the start command, registered 2 s later, caught up 3 s after that
        step(phase, wave, id, "post-start-gates", 5.5, "runningMs", "1000", "registrationMs", "2000",
                "catchUpMs", "3000", "startMs", "3000");
        step(phase, wave, id, "restore-leaders", 1.5, "leadersMs", "1500", "elected", "2");
        return add(phase, wave, id, "broker-done", "succeeded");
    }

    /** Run start, phase-start with waves canary [1] and rest [2, 3]. */
    Journals start() {
        add(null, null, null, "run", "started", "selection", "all");
        at(0.5);
        return add("binaries", null, null, "phase-start", "succeeded", "waves", "2", "wave.0.name", "canary",
                "wave.0.soak", "PT0S", "wave.0.brokers", "1", "wave.1.name", "rest", "wave.1.soak", "PT0S",
                "wave.1.brokers", "2,3");
    }
}
