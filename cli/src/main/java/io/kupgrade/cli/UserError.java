package io.kupgrade.cli;

/** A user mistake detected in the CLI itself: printed as one line, with its exit code; never a stack trace. */
final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode exitCode;

    UserError(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
