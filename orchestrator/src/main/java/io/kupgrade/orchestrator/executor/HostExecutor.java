package io.kupgrade.orchestrator.executor;

import java.time.Duration;

/**
 * Carries out actions on a broker host: the only way the engine touches a host. Implementations:
 * local (this machine: a single host or the sandbox), SSH (SSHJ, host keys verified), later the agent.
 * Thread-safe; one instance serves every host of a plan. {@link #close()} releases connections.
 */
public interface HostExecutor extends AutoCloseable {

    /**
     * Runs a command on the host. The command is one of the plan's service/install strings with
     * placeholders already replaced; it runs in a POSIX shell there, exactly as an operator would type it.
     *
     * @throws HostUnreachableException when the host cannot be reached (retryable)
     */
    CommandResult run(String host, String command, Duration timeout);

    /** Reads a text file on the host. @throws HostUnreachableException, or IllegalStateException if missing */
    String readFile(String host, String path);

    /**
     * Replaces a text file on the host atomically (write a temp file beside it, then rename), first copying
     * the current file to {@code backupPath}. Content is written literally, never through a shell.
     */
    void writeFile(String host, String path, String content, String backupPath);

    @Override
    void close();
}
