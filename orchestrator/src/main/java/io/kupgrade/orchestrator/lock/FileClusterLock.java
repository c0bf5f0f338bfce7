package io.kupgrade.orchestrator.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kupgrade.orchestrator.journal.StateDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster lock as a file, {@code <stateDir>/<cluster-name>/lock}, holding the holder's user@host, pid,
 * process start and command as JSON.
 *
 * <p>How it works: the file is created atomically with its content (written to a temp file, then hard-linked
 * to the lock name, which fails if the name exists), and the holder keeps an OS-level lock
 * ({@link FileChannel#lock()}) on it from before it becomes visible until it is released. The OS lock is what
 * proves the holder alive: the kernel drops it when the process dies, however it dies.
 *
 * <ul>
 *   <li>A second acquire, from another process or from this JVM, fails with {@link LockHeldException}
 *       naming the holder.</li>
 *   <li>A stale lock (the holder was on this host, its pid is gone or reused, and nothing holds the OS lock:
 *       a run killed with SIGKILL, a crashed machine) is taken over with a warning, so that re-running
 *       {@code apply} after a crash just works.</li>
 *   <li>A lock left by another host (a state directory on shared storage) cannot be proven stale from here;
 *       {@link #breakLock} removes it on an operator's explicit request.</li>
 * </ul>
 *
 * Use on a local file system (OS locks on network file systems are not reliable). Thread-safe.
 */
public final class FileClusterLock implements ClusterLock {
    private static final Logger LOG = LoggerFactory.getLogger(FileClusterLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE_NAME = "lock";

    /**
     * Locks held by this JVM. Needed because POSIX drops all of a process's locks on a file when any of its
     * descriptors for that file is closed: this JVM must never open and close the lock file to probe it while
     * it holds the lock itself.
     */
    private static final ConcurrentHashMap<Path, FileClusterLock> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final LockHolder holder;
    private final Object fileKey;
    private FileChannel channel;
    private FileLock osLock;

    private FileClusterLock(Path file, LockHolder holder, Object fileKey, FileChannel channel, FileLock osLock) {
        this.file = file;
        this.holder = holder;
        this.fileKey = fileKey;
        this.channel = channel;
        this.osLock = osLock;
    }

    /**
     * Takes the lock of cluster {@code clusterName} for this process.
     *
     * @param holderDescription the command being run, shown to whoever finds the cluster locked
     * @throws LockHeldException when another run (another process, or this JVM) holds it
     * @throws UncheckedIOException when the state directory cannot be written
     */
    public static synchronized FileClusterLock acquire(Path stateDir, String clusterName, String holderDescription) {
        // an interrupted FileChannel closes itself (and would drop the OS lock): work with the flag cleared
        boolean interrupted = Thread.interrupted();
        try {
            return acquireNow(stateDir, clusterName, holderDescription);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static FileClusterLock acquireNow(Path stateDir, String clusterName, String holderDescription) {
        Path file = lockFile(stateDir, clusterName);
        LockHolder me = LockHolder.current(holderDescription);
        try {
            Files.createDirectories(file.getParent());
            for (int attempt = 0; attempt < 10; attempt++) {
                FileClusterLock ours = HELD.get(file);
                if (ours != null) {
                    throw held(clusterName, ours.holder, "");
                }
                Optional<FileClusterLock> created = tryCreate(file, me);
                if (created.isPresent()) {
                    if (HELD.putIfAbsent(file, created.get()) != null) {
                        // another thread of this JVM won in between (cannot really happen: the link is atomic)
                        created.get().close();
                        continue;
                    }
                    return created.get();
                }
                if (removeIfStale(file, clusterName)) {
                    continue;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lock " + file + ": " + e.getMessage(), e);
        }
        throw new LockHeldException("cluster '" + clusterName + "': the lock " + file
                + " keeps changing hands; another run is starting", null);
    }

    /**
     * Removes the lock of cluster {@code clusterName} on an operator's request, whoever left it.
     *
     * @return the holder that was removed; empty when the cluster was not locked
     * @throws LockHeldException when a live process holds it (its OS lock is held): stop that run instead
     */
    public static synchronized Optional<LockHolder> breakLock(Path stateDir, String clusterName) {
        Path file = lockFile(stateDir, clusterName);
        FileClusterLock ours = HELD.get(file);
        if (ours != null) {
            throw held(clusterName, ours.holder, " by this very process");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                LockHolder h = readHolder(ch);
                throw new LockHeldException("cluster '" + clusterName + "' is locked by a running process"
                        + (h == null ? "" : ", " + h.describe()) + "; stop that run instead of breaking its lock", h);
            }
            LockHolder h = readHolder(ch);
            Files.deleteIfExists(file);
            probe.release();
            LOG.warn("broke the lock of cluster '{}' held by {}", clusterName, h == null ? "(unreadable)" : h.describe());
            return Optional.of(h == null ? new LockHolder("?", "?", -1, Instant.EPOCH, "(unreadable lock file)") : h);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot break the lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds the lock of cluster {@code clusterName}, if anyone (for {@code status}); does not lock. */
    public static Optional<LockHolder> currentHolder(Path stateDir, String clusterName) {
        Path file = lockFile(stateDir, clusterName);
        FileClusterLock ours = HELD.get(file);
        if (ours != null) {
            return Optional.of(ours.holder);
        }
        try {
            return Optional.ofNullable(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code stateDir/<cluster-name>/lock}. */
    public static Path lockFile(Path stateDir, String clusterName) {
        return StateDirs.clusterDir(stateDir, clusterName).resolve(FILE_NAME).toAbsolutePath();
    }

    @Override
    public LockHolder holder() {
        return holder;
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Deletes the lock file (if it is still ours) and drops the OS lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            if (fileKey != null && fileKey.equals(fileKeyOf(file))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete lock file {}: {}", file, e.toString());
        } finally {
            try {
                osLock.release();
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing lock channel: {}", e.toString());
            }
            channel = null;
            osLock = null;
            HELD.remove(file, this);
        }
    }

    private static Optional<FileClusterLock> tryCreate(Path file, LockHolder me) throws IOException {
        Path temp = file.resolveSibling(FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        boolean linked = false;
        try {
            FileLock osLock = ch.lock(); // before the file is visible under the lock name: never seen unlocked
            ByteBuffer content = ByteBuffer.wrap((toJson(me) + "\n").getBytes(StandardCharsets.UTF_8));
            while (content.hasRemaining()) {
                ch.write(content);
            }
            ch.force(true);
            try {
                Files.createLink(file, temp);
                linked = true;
            } catch (FileAlreadyExistsException e) {
                return Optional.empty();
            }
            fsyncDirectory(file.getParent());
            return Optional.of(new FileClusterLock(file, me, fileKeyOf(file), ch, osLock));
        } finally {
            Files.deleteIfExists(temp);
            if (!linked) {
                ch.close();
            }
        }
    }

    /**
     * Looks at an existing lock file. Returns true when it was stale and has been removed (try again);
     * throws {@link LockHeldException} when it is held; returns true too when it vanished meanwhile.
     */
    private static boolean removeIfStale(Path file, String clusterName) throws IOException {
        Object keyBefore = fileKeyOf(file);
        if (keyBefore == null) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                throw held(clusterName, readHolder(ch), " by this process");
            }
            LockHolder h = readHolder(ch);
            if (probe == null) {
                throw held(clusterName, h, "");
            }
            try {
                if (!keyBefore.equals(fileKeyOf(file))) {
                    return true; // replaced meanwhile: look again
                }
                if (h == null) {
                    throw new LockHeldException("cluster '" + clusterName + "': the lock file " + file
                            + " cannot be read; if no run is active, break the lock", null);
                }
                if (!h.deadOnThisHost()) {
                    String why = h.onThisHost()
                            ? " (its process still runs but does not hold the lock: check it)"
                            : "; it may be stale (another host): if that run is gone, break the lock";
                    throw held(clusterName, h, why);
                }
                LOG.warn("cluster '{}': taking over a stale lock from {} (that process is gone)", clusterName,
                        h.describe());
                Files.deleteIfExists(file);
                return true;
            } finally {
                probe.release();
            }
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    private static LockHeldException held(String clusterName, LockHolder h, String suffix) {
        return new LockHeldException("cluster '" + clusterName + "' is locked by "
                + (h == null ? "(unreadable lock file)" : h.describe()) + suffix, h);
    }

    private static LockHolder readHolder(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 64 * 1024);
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        ch.read(buf, 0);
        return parse(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }

    private static Object fileKeyOf(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static String toJson(LockHolder h) {
        ObjectNode node = JSON.createObjectNode();
        node.put("user", h.user());
        node.put("host", h.host());
        node.put("pid", h.pid());
        node.put("processStart", h.processStart().toString());
        node.put("command", h.command());
        return node.toString();
    }

    /** The holder in {@code text}, or null when it is not a lock file's content. */
    static LockHolder parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject() || !n.hasNonNull("host") || !n.hasNonNull("pid")) {
                return null;
            }
            return new LockHolder(n.path("user").asText("?"), n.get("host").asText(), n.get("pid").asLong(),
                    Instant.parse(n.path("processStart").asText(Instant.EPOCH.toString())),
                    n.path("command").asText(""));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "FileClusterLock[" + file + ", " + holder.describe() + "]";
    }

    static boolean heldInThisJvm(Path file) {
        return HELD.containsKey(Objects.requireNonNull(file));
    }
}
