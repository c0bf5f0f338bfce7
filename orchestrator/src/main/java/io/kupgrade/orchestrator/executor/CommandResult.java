package io.kupgrade.orchestrator.executor;

/** Exit status and output of one command. {@code timedOut} means the command was still running at its timeout. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }
}
