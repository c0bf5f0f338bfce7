package io.kupgrade.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where journals and locks live. */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where journals and locks live (default: ~/.kupgrade/state).")
    Path stateDir;

    /**
     * {@code --state-dir}, checked: null for the default.
     *
     * @throws UserError (exit 2) for an empty path or one that is not a directory
     */
    Path dir() {
        if (stateDir == null) {
            return null;
        }
        if (stateDir.toString().isBlank()) {
            throw new UserError(ExitCode.INVALID_INPUT, "--state-dir: an empty path; give a directory (default:"
                    + " ~/.kupgrade/state)");
        }
        if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
            throw new UserError(ExitCode.INVALID_INPUT, "--state-dir " + stateDir + ": not a directory");
        }
        return stateDir;
    }
}
