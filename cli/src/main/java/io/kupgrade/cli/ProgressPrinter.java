package io.kupgrade.cli;

import io.kupgrade.plans.WavePlanner;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders progress events: one line per step for people (stderr), or JSON lines for CI (stdout). */
final class ProgressPrinter implements ProgressEvent.Listener {
    private final PrintWriter out;
    private final boolean json;
    private String lastWaiting;

    ProgressPrinter(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public void onEvent(ProgressEvent e) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("event", e.type().name());
            m.put("at", e.at() == null ? null : e.at().toString());
            m.put("phase", e.phase());
            m.put("wave", e.wave());
            m.put("broker", e.brokerId());
            m.put("step", e.step());
            m.put("stepElapsedMs", e.stepElapsed() == null ? null : e.stepElapsed().toMillis());
            m.put("runElapsedMs", e.runElapsed() == null ? null : e.runElapsed().toMillis());
            m.put("message", e.message());
            out.println(Json.line(m));
            out.flush();
            return;
        }
        if (e.type() == ProgressEvent.Type.WAITING) {
            // a wait reports often; print it when what is waited on changes, and every ~10 s
            String key = e.step() + e.brokerId() + e.message().replaceAll("\\d+ s\\b", "");
            long s = e.stepElapsed() == null ? 0 : e.stepElapsed().toSeconds();
            if (key.equals(lastWaiting) && s % 10 != 0) {
                return;
            }
            lastWaiting = key;
        }
        StringBuilder b = new StringBuilder();
        b.append('[').append(clock(e.runElapsed())).append("] ");
        if (e.phase() != null) {
            b.append(e.phase());
            if (e.wave() != null) {
                b.append('/').append(e.wave());
            }
            b.append(' ');
        }
        if (e.brokerId() != null) {
            // the controllers' wave holds only dedicated KRaft controllers
            b.append(WavePlanner.isControllersWave(e.wave()) ? "controller " : "broker ").append(e.brokerId())
                    .append(' ');
        }
        String mark = switch (e.type()) {
            case STEP_SUCCEEDED -> "ok   ";
            case STEP_FAILED -> "FAIL ";
            case STEP_HALTED -> "HALT ";
            case STEP_INTERRUPTED -> "INT  ";
            case WAITING -> "wait ";
            case STEP_STARTED -> "...  ";
            default -> "";
        };
        b.append(mark);
        String message = e.message() == null ? "" : e.message();
        if (e.type() == ProgressEvent.Type.STEP_STARTED && e.step() != null) {
            message = withoutRepeatedStep(message, e.step());
        }
        if (e.step() != null && !"run".equals(e.step())) {
            b.append(e.step()).append(message.isEmpty() ? "" : ": ");
        }
        b.append(message);
        if (e.type() == ProgressEvent.Type.STEP_SUCCEEDED && e.stepElapsed() != null) {
            b.append(String.format(Locale.ROOT, " (%.1f s)", e.stepElapsed().toMillis() / 1000.0));
        }
        out.println(b);
        out.flush();
    }

    /**
     * The engine's start message repeats "phase/wave broker N: step"; the line already says it. The step's name
     * counts only as a word of its own ("start" in "restart/canary broker 2: start: bin/start" is the second).
     */
    static String withoutRepeatedStep(String message, String step) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(step) + "(?:: |$)").matcher(message);
        return m.find() ? message.substring(m.end()) : message;
    }

    private static String clock(Duration d) {
        long s = d == null ? 0 : d.toSeconds();
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
