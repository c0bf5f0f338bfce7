package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.BrokerSummary;
import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.engine.ProgressEvent;
import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * {@code kupgrade demo}'s core: applies a plan (all waves, {@code --yes}) while a load writes, then checks
 * that nothing acknowledged was lost. The CLI supplies the cluster (a sandbox), the plan and the load; this
 * class owns no cluster. Thread-safe as the given service is.
 */
public final class DemoRunner {

    /** The load the demo runs during the roll (the CLI wires the sandbox's NumberedLoad and Verifier). */
    public interface Load {
        /** Starts writing; returns at once. */
        void start();

        /** Stops writing and reads everything back. */
        LoadVerdict stopAndVerify();
    }

    /**
     * acked = messages the producer had acknowledged (acks=all); consumed = of those, how many were read back.
     *
     * @param detail one line for people ("12,345 acked, 12,345 consumed, 0 lost, 3 duplicates")
     */
    public record LoadVerdict(long acked, long consumed, long lost, String detail) {
        public boolean zeroLoss() {
            return lost == 0 && acked > 0 && consumed >= acked;
        }
    }

    /** The demo's result: the roll's outcome and the load's verdict. */
    public record DemoResult(RollOutcome outcome, LoadVerdict load, Duration elapsed) {
        public boolean success() {
            return outcome.kind() == OutcomeKind.DONE && load != null && load.zeroLoss();
        }
    }

    private final ApplyService service;

    public DemoRunner(ApplyService service) {
        this.service = service;
    }

    /**
     * @param stateDir where the demo's journal and lock live (a temporary directory, so a demo never meets a
     *     real cluster's journal)
     */
    public DemoResult run(Path planFile, Path stateDir, Load load, ProgressEvent.Listener listener,
                          BooleanSupplier interrupted) {
        long t0 = System.nanoTime();
        load.start();
        RollOutcome outcome;
        try {
            outcome = service.apply(new ApplyRequest(planFile, Selection.all(), true, stateDir), listener,
                    RollRunner.Confirmer.NEVER, interrupted);
        } catch (RuntimeException e) {
            load.stopAndVerify();
            throw e;
        }
        // the load stops only after the roll, so the verdict covers all of it
        LoadVerdict verdict = load.stopAndVerify();
        return new DemoResult(outcome, verdict, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** The per-broker timing table: phase, wave, broker, host, stop, start, catch-up. */
    public static String summaryTable(List<BrokerSummary> brokers) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %-10s %6s  %-16s %8s %8s %9s%n", "PHASE", "WAVE", "BROKER", "HOST",
                "STOP", "START", "CATCH-UP"));
        for (BrokerSummary s : brokers) {
            b.append(String.format(Locale.ROOT, "%-12s %-10s %6d  %-16s %8s %8s %9s%n", s.phase(), s.wave(),
                    s.brokerId(), s.host(), secs(s.stop()), secs(s.start()), secs(s.catchUp())));
        }
        return b.toString();
    }

    private static String secs(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
