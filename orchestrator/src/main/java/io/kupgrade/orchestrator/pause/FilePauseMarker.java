package io.kupgrade.orchestrator.pause;

import io.kupgrade.orchestrator.journal.StateDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The pause marker of the file state store: {@code <stateDir>/<cluster-name>/pause}, beside the journal and the
 * lock, holding the {@link Pause} as JSON. Any file there counts as a pause (an operator's {@code touch pause}
 * is enough in an emergency). Written atomically (temp file, then rename). Thread-safe: no state besides the path.
 */
public final class FilePauseMarker implements PauseMarker {
    public static final String FILE_NAME = "pause";

    private final Path file;

    public FilePauseMarker(Path file) {
        this.file = file;
    }

    /** The marker of cluster {@code clusterName} under {@code stateDir}. */
    public static FilePauseMarker forCluster(Path stateDir, String clusterName) {
        return new FilePauseMarker(StateDirs.clusterDir(stateDir, clusterName).resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    /** @throws UncheckedIOException when the marker exists but cannot be read */
    @Override
    public Optional<Pause> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pause marker " + file + ": " + e.getMessage(), e);
        }
        Instant modified = null;
        try {
            modified = Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            // gone in between; report it as found
        }
        return Optional.of(PauseJson.read(bytes, "file " + file, modified));
    }

    /** @throws UncheckedIOException when the state directory cannot be written */
    @Override
    public void write(Pause pause) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                Files.write(tmp, PauseJson.write(pause));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pause marker " + file + ": " + e.getMessage(), e);
        }
    }

    /** @throws UncheckedIOException when the marker cannot be removed */
    @Override
    public Optional<Pause> clear() {
        Optional<Pause> was = read();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pause marker " + file + ": " + e.getMessage(), e);
        }
        return was;
    }
}
