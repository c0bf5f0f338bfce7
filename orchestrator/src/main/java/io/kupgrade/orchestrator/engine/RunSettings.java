package io.kupgrade.orchestrator.engine;

import io.kupgrade.plans.Plan;
import java.time.Duration;

/**
 * Budgets of a run. Defaults (see {@link #from(Plan, boolean)}): gate timeout and poll interval from the
 * plan's {@code gates} (15 min, 1 s), stop timeout and start timeout from the plan's {@code service}
 * (10 min, 2 min), 60 s for the stop and isRunning commands, 30 min for an install, 3 retries of a host
 * call that could not reach the host, starting 1 s apart.
 *
 * @param assumeYes {@code --yes}: points of no return are not asked about
 */
public record RunSettings(Duration gateTimeout, Duration pollInterval, Duration stopTimeout, Duration startTimeout,
                          Duration commandTimeout, Duration installTimeout, int hostRetries, Duration retryDelay,
                          boolean assumeYes) {

    public static RunSettings from(Plan plan, boolean assumeYes) {
        Duration gateTimeout = plan.gates() != null && plan.gates().timeout() != null
                ? plan.gates().timeout() : Duration.ofMinutes(15);
        Duration poll = plan.gates() != null && plan.gates().pollInterval() != null
                ? plan.gates().pollInterval() : Duration.ofSeconds(1);
        Duration stop = plan.service() != null && plan.service().stopTimeout() != null
                ? plan.service().stopTimeout() : Duration.ofMinutes(10);
        Duration start = plan.service() != null && plan.service().startTimeout() != null
                ? plan.service().startTimeout() : Duration.ofMinutes(2);
        return new RunSettings(gateTimeout, poll, stop, start, Duration.ofSeconds(60), Duration.ofMinutes(30), 3,
                Duration.ofSeconds(1), assumeYes);
    }
}
