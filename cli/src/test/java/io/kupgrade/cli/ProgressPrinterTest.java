package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kupgrade.orchestrator.engine.ProgressEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    private static String line(String phase, String wave, Integer broker, String step, String message) {
        StringWriter out = new StringWriter();
        new ProgressPrinter(new PrintWriter(out), false).onEvent(new ProgressEvent(Instant.EPOCH,
                ProgressEvent.Type.STEP_STARTED, phase, wave, broker, step, Duration.ZERO, Duration.ofSeconds(75),
                message));
        return out.toString().strip();
    }

    @Test
    void aStartLineSaysTheStepOnceEvenWhenThePhaseNameContainsIt() {
        // the phase "restart" contains the step "start": the line once read "start: /canary broker 2: start: ..."
        assertEquals("[01:15] restart/canary broker 2 ...  start: /opt/kafka/bin/start",
                line("restart", "canary", 2, "start", "restart/canary broker 2: start: /opt/kafka/bin/start"));
        assertEquals("[01:15] restart/canary broker 2 ...  stop: /opt/kafka/bin/stop",
                line("restart", "canary", 2, "stop", "restart/canary broker 2: stop: /opt/kafka/bin/stop"));
    }

    @Test
    void aStepWithoutDetailsIsNamedAlone() {
        assertEquals("[01:15] restart ...  phase-start", line("restart", null, null, "phase-start", "restart: phase-start"));
        assertEquals("[01:15] start/w broker 1 ...  broker-done", line("start", "w", 1, "broker-done",
                "start/w broker 1: broker-done"));
    }
}
