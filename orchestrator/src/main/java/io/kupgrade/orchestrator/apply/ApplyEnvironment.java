package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.AdminClusterReader;
import io.kupgrade.orchestrator.engine.RollRunner;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.HostExecutors;
import io.kupgrade.plans.ClusterSpec;
import io.kupgrade.plans.Plan;
import io.kupgrade.orchestrator.zookeeper.EnsembleProbe;
import io.kupgrade.orchestrator.zookeeper.FourLetterWordProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The adapters {@link ApplyService} builds a run from: host executors, the cluster reader, time. Tests and
 * the demo may replace parts.
 *
 * @param executors the executor for a plan's {@code access}
 * @param readers the cluster reader for a plan's {@code cluster} (its Admin client also finalizes)
 */
public record ApplyEnvironment(Function<Plan, HostExecutor> executors,
                              Function<ClusterSpec, AdminClusterReader> readers,
                              Clock clock, RollRunner.Sleeper sleeper) {
    private static final Duration ENSEMBLE_PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** Real hosts (local or SSH, as the plan says), a real Admin client, the system clock. */
    public static ApplyEnvironment standard() {
        return new ApplyEnvironment(HostExecutors::forPlan, AdminClusterReader::create, Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    /** How a ZooKeeper server's state is read: its four-letter words, 5 s per exchange. */
    public EnsembleProbe ensembleProbe() {
        return new FourLetterWordProbe(ENSEMBLE_PROBE_TIMEOUT);
    }

}
