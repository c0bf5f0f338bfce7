package io.kupgrade.orchestrator.executor;

import io.kupgrade.orchestrator.executor.agent.AgentExecutor;
import io.kupgrade.orchestrator.executor.agent.AgentSettings;
import io.kupgrade.orchestrator.executor.local.LocalExecutor;
import io.kupgrade.orchestrator.executor.ssh.SshExecutor;
import io.kupgrade.orchestrator.executor.ssh.SshSettings;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import java.nio.file.Path;

/** Builds the executor a plan asks for ({@code access.executor}). */
public final class HostExecutors {
    private HostExecutors() {
    }

    /**
     * A {@link LocalExecutor} for {@code executor: local}, an {@link SshExecutor} for {@code executor: ssh},
     * an {@link AgentExecutor} for {@code executor: agent} (it runs only the plan's service and install commands).
     * Relative key, known_hosts and keystore paths are resolved against the plan file's directory. Nothing connects
     * yet: SSH connections open on first use. The caller closes the executor.
     *
     * @throws IllegalArgumentException for an executor kind this version does not have
     */
    public static HostExecutor forPlan(Plan plan) {
        AccessSpec access = plan.access();
        String kind = access == null || access.executor() == null ? "ssh" : access.executor();
        Path source = plan.source();
        Path baseDir = source == null || source.toAbsolutePath().getParent() == null
                ? Path.of("").toAbsolutePath() : source.toAbsolutePath().getParent();
        switch (kind) {
            case "local":
                return new LocalExecutor();
            case "ssh":
                return new SshExecutor(SshSettings.fromPlan(access.ssh(), baseDir));
            case "agent":
                return new AgentExecutor(AgentSettings.fromPlan(access.agent(), baseDir), plan.service(),
                        plan.phases().stream().map(PhaseSpec::install).toList());
            default:
                throw new IllegalArgumentException("access.executor '" + kind
                        + "' is not supported (ssh, local or agent)");
        }
    }
}
