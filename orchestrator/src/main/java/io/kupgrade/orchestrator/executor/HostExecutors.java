package io.kupgrade.orchestrator.executor;

import io.kupgrade.orchestrator.executor.agent.AgentExecutor;
import io.kupgrade.orchestrator.executor.agent.AgentSettings;
import io.kupgrade.orchestrator.executor.local.LocalExecutor;
import io.kupgrade.orchestrator.executor.ssh.SshExecutor;
import io.kupgrade.orchestrator.executor.ssh.SshSettings;
import io.kupgrade.plans.AccessSpec;
import io.kupgrade.plans.BrokerSpec;
import io.kupgrade.plans.PhaseSpec;
import io.kupgrade.plans.Plan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the executor a plan asks for ({@code access.executor}, or per broker {@code brokers[].executor}). */
public final class HostExecutors {
    private HostExecutors() {
    }

    /**
     * A {@link LocalExecutor} for {@code executor: local}, an {@link SshExecutor} for {@code executor: ssh},
     * an {@link AgentExecutor} for {@code executor: agent} (it runs only the plan's service and install commands).
     * When brokers pick their own executor, a {@link RoutingExecutor} sends each host to its brokers' executor.
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
        if (plan.brokers().stream().allMatch(b -> b.executorOr(kind).equals(kind))) {
            return build(kind, plan, baseDir);
        }
        return routing(plan, kind, baseDir);
    }

    /**
     * Brokers that pick their own executor ({@code brokers[].executor}): one executor per kind in use, each
     * host routed to its brokers' kind; hosts the plan does not list go to the plan's {@code access.executor}
     * when some broker uses it too (its settings are then known to exist).
     *
     * @throws IllegalArgumentException when brokers on one host name different executors
     */
    private static HostExecutor routing(Plan plan, String planKind, Path baseDir) {
        Map<String, String> kindByHost = new LinkedHashMap<>();
        Map<String, Integer> brokerByHost = new LinkedHashMap<>();
        for (BrokerSpec b : plan.brokers()) {
            String k = b.executorOr(planKind);
            String before = kindByHost.putIfAbsent(b.host(), k);
            if (before != null && !before.equals(k)) {
                throw new IllegalArgumentException("brokers " + brokerByHost.get(b.host()) + " and " + b.id()
                        + " share host " + b.host() + " but name different executors (" + before + ", " + k + ")");
            }
            brokerByHost.putIfAbsent(b.host(), b.id());
        }
        Map<String, HostExecutor> byKind = new LinkedHashMap<>();
        Map<String, HostExecutor> byHost = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : kindByHost.entrySet()) {
                byHost.put(e.getKey(), byKind.computeIfAbsent(e.getValue(), k -> build(k, plan, baseDir)));
            }
        } catch (RuntimeException e) {
            byKind.values().forEach(HostExecutor::close);
            throw e;
        }
        return new RoutingExecutor(byHost, byKind.get(planKind));
    }

    private static HostExecutor build(String kind, Plan plan, Path baseDir) {
        AccessSpec access = plan.access();
        switch (kind) {
            case "local":
                return new LocalExecutor();
            case "ssh":
                return new SshExecutor(SshSettings.fromPlan(access == null ? null : access.ssh(), baseDir));
            case "agent":
                return new AgentExecutor(AgentSettings.fromPlan(access == null ? null : access.agent(), baseDir),
                        plan.service(), plan.phases().stream().map(PhaseSpec::install).toList());
            default:
                throw new IllegalArgumentException("executor '" + kind + "' is not supported (ssh, local or agent)");
        }
    }
}
