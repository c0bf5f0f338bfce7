package io.kupgrade.orchestrator.pause;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kupgrade.orchestrator.engine.PauseCheck;
import io.kupgrade.orchestrator.journal.StateDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The pause marker: {@code <stateDir>/<cluster-name>/pause}, beside the journal and the lock, holding the
 * {@link Pause} as JSON. Its presence is the pause: a running {@code apply} checks it between brokers, a new
 * {@code apply} refuses to start while it exists, {@code kupgrade resume} removes it. A marker that cannot be
 * parsed (edited by hand, {@code touch pause}) still counts as a pause, so an operator's {@code touch} is
 * enough in an emergency.
 *
 * <p>Written atomically (temp file, then rename). Thread-safe: no state besides the path.
 */
public final class PauseMarker implements PauseCheck {
    public static final String FILE_NAME = "pause";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public PauseMarker(Path file) {
        this.file = file;
    }

    /** The marker of cluster {@code clusterName} under {@code stateDir}. */
    public static PauseMarker forCluster(Path stateDir, String clusterName) {
        return new PauseMarker(StateDirs.clusterDir(stateDir, clusterName).resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    /**
     * The pause in effect, if any.
     *
     * @throws UncheckedIOException when the marker exists but cannot be read
     */
    public Optional<Pause> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pause marker " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n != null && n.isObject()) {
                return Optional.of(new Pause(n.path("reason").asText(""), n.path("by").asText("?"),
                        Instant.parse(n.path("since").asText())));
            }
        } catch (IOException | RuntimeException e) {
            // not written by kupgrade pause: still a pause
        }
        Instant modified = null;
        try {
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            // gone in between; report it as found
        }
        return Optional.of(new Pause("marker file " + file + " (not written by kupgrade pause)", "?", modified));
    }

    /**
     * Sets the pause (replacing an earlier one).
     *
     * @throws UncheckedIOException when the state directory cannot be written
     */
    public void write(Pause pause) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", pause.reason());
        n.put("by", pause.by());
        n.put("since", pause.since().toString());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                Files.write(tmp, JSON.writeValueAsString(n).concat("\n").getBytes(StandardCharsets.UTF_8));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pause marker " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the pause.
     *
     * @return the pause that was removed; empty when there was none
     * @throws UncheckedIOException when the marker cannot be removed
     */
    public Optional<Pause> clear() {
        Optional<Pause> was = read();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pause marker " + file + ": " + e.getMessage(), e);
        }
        return was;
    }

    @Override
    public Optional<String> pausedBecause() {
        return read().map(Pause::describe);
    }
}
