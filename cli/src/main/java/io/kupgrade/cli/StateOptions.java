package io.kupgrade.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where journals and locks live. */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where journals and locks live (default: ~/.kupgrade/state).")
    Path stateDir;
}
