package io.kupgrade.orchestrator.executor;

/** Exit status and output of one command. {@code timedOut} means the command was still running at its timeout. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * Why the command failed, for people: {@code "<what> exited 3: <last 300 chars of stderr>"} or
     * {@code "<what> timed out"}.
     */
    public String failure(String what) {
        String why = timedOut ? "timed out" : "exited " + exitCode;
        String err = stderr == null ? "" : stderr.strip();
        if (err.length() > 300) {
            err = err.substring(err.length() - 300);
        }
        return what + " " + why + (err.isEmpty() ? "" : ": " + err);
    }
}
