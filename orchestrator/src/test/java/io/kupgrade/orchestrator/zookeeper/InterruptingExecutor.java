package io.kupgrade.orchestrator.zookeeper;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** Flips the run's interrupted flag right after one command ran (Ctrl-C at that moment); else delegates. */
final class InterruptingExecutor implements HostExecutor {
    private final HostExecutor inner;
    private final String command;
    private final AtomicBoolean interrupted;

    InterruptingExecutor(HostExecutor inner, String command, AtomicBoolean interrupted) {
        this.inner = inner;
        this.command = command;
        this.interrupted = interrupted;
    }

    @Override
    public CommandResult run(String host, String cmd, Duration timeout) {
        CommandResult r = inner.run(host, cmd, timeout);
        if (cmd.equals(command)) {
            interrupted.set(true);
        }
        return r;
    }

    @Override
    public String readFile(String host, String path) {
        return inner.readFile(host, path);
    }

    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        inner.writeFile(host, path, content, backupPath);
    }

    @Override
    public void close() {
    }
}
