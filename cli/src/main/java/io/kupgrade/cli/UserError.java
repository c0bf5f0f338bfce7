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

    /**
     * {@code value}, unless it was given and is blank: an empty {@code --wave ""} (an unset shell variable) must
     * not fall back to a default that rolls everything.
     *
     * @throws UserError (exit 2) naming the option and what to give instead
     */
    static String notBlank(String option, String value, String instead) {
        if (value != null && value.isBlank()) {
            throw new UserError(ExitCode.INVALID_INPUT, option + ": an empty value; " + instead);
        }
        return value;
    }
}
