package io.kupgrade.orchestrator.executor;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Sends each host's calls to the executor of the brokers on that host, for plans whose brokers pick their own
 * executor ({@code brokers[].executor}: some over SSH, some through the agent, ...). Thread-safe when the
 * executors it routes to are; {@link #close()} closes each of them once.
 */
public final class RoutingExecutor implements HostExecutor {
    private final Map<String, HostExecutor> byHost;
    private final HostExecutor fallback;

    /**
     * @param byHost the executor of every host the plan names
     * @param fallback for any other host (a broker the plan does not list); null = refuse such hosts
     */
    public RoutingExecutor(Map<String, HostExecutor> byHost, HostExecutor fallback) {
        this.byHost = Map.copyOf(byHost);
        this.fallback = fallback;
    }

    /** The executor that serves {@code host}. @throws HostAccessException for a host no executor serves */
    public HostExecutor route(String host) {
        HostExecutor e = byHost.get(Objects.requireNonNull(host, "host"));
        if (e == null) {
            e = fallback;
        }
        if (e == null) {
            throw new HostAccessException("host " + host + " is not a broker host of the plan, and the plan's"
                    + " access.executor has no settings to reach it", null);
        }
        return e;
    }

    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        return route(host).run(host, command, timeout);
    }

    @Override
    public String readFile(String host, String path) {
        return route(host).readFile(host, path);
    }

    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        route(host).writeFile(host, path, content, backupPath);
    }

    @Override
    public void close() {
        Set<HostExecutor> all = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(byHost.values());
        if (fallback != null) {
            all.add(fallback);
        }
        RuntimeException first = null;
        for (HostExecutor e : all) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
