package io.kupgrade.orchestrator.apply;

import io.kupgrade.orchestrator.engine.RollOutcome;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.engine.Selection;
import java.nio.file.Path;

/**
 * {@code apply} in a JVM of its own, so a test can kill it (SIGKILL) in the middle of a broker's steps.
 * Arguments: plan file, state dir, wave. Prints one line per progress event; exits with the outcome's ordinal.
 */
public final class ApplyProcess {
    private ApplyProcess() {
    }

    public static void main(String[] args) {
        RollOutcome outcome = new ApplyService().apply(new ApplyRequest(Path.of(args[0]), new Selection(null, args[2]),
                true, Path.of(args[1])), e -> System.out.println(e.type() + " " + e.phase() + " " + e.brokerId() + " "
                + e.step() + " " + e.message()), RollRunner.Confirmer.NEVER, () -> false);
        System.out.println("OUTCOME " + outcome.kind() + " " + outcome.message());
        System.exit(outcome.kind().ordinal());
    }
}
