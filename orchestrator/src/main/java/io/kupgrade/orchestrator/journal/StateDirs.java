package io.kupgrade.orchestrator.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where kupgrade keeps per-cluster state (journal, lock): {@code <stateDir>/<cluster-name>/}. The default
 * state directory is {@code ~/.kupgrade/state}; the cluster name must be usable as one directory name.
 */
public final class StateDirs {
    private StateDirs() {
    }

    /** {@code ~/.kupgrade/state}. */
    public static Path defaultStateDir() {
        return Path.of(System.getProperty("user.home"), ".kupgrade", "state");
    }

    /**
     * {@code stateDir/clusterName}.
     *
     * @throws IllegalArgumentException when the name is empty, {@code .}/{@code ..}, or contains a path
     *     separator or a control character
     */
    public static Path clusterDir(Path stateDir, String clusterName) {
        Objects.requireNonNull(stateDir, "stateDir");
        if (clusterName == null || clusterName.isBlank() || clusterName.equals(".") || clusterName.equals("..")
                || clusterName.indexOf('/') >= 0 || clusterName.indexOf('\\') >= 0
                || clusterName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("cluster name '" + clusterName
                    + "' cannot name a state directory (no '/', '\\', control characters, '.' or '..')");
        }
        return stateDir.resolve(clusterName);
    }
}
