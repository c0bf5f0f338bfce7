package io.kupgrade.orchestrator.executor.local;

import io.kupgrade.orchestrator.executor.CommandResult;
import io.kupgrade.orchestrator.executor.HostExecutor;
import io.kupgrade.orchestrator.executor.OutputCapture;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands and edits files on this machine: for a single-host cluster, or the sandbox where every
 * "host" is a loopback address of this machine. The {@code host} argument is only used in messages.
 *
 * <p>Commands run as {@code /bin/sh -c <command>} with stdin from {@code /dev/null}, the environment and
 * working directory of this process. stdout and stderr are captured in bounded memory ({@link OutputCapture}).
 * At the timeout the command's whole process tree gets SIGTERM, then SIGKILL after {@code killGrace}
 * (default 5 s), and the result says {@code timedOut}. A command that leaves a background process holding its
 * output open (a broker started with {@code &}) returns once the shell has exited plus {@code outputGrace}
 * (default 2 s), with the output read so far.
 *
 * <p>Files are read and written as ISO-8859-1, byte for byte: Kafka reads {@code server.properties} with
 * {@code Properties.load(InputStream)} (ISO-8859-1, {@code Utils.loadProps}), so that is what its text means,
 * and untouched bytes round-trip exactly. {@link #writeFile} refuses characters beyond U+00FF.
 *
 * <p>Thread-safe: every call is independent. {@link #close()} does nothing.
 */
public final class LocalExecutor implements HostExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(LocalExecutor.class);

    private final Duration killGrace;
    private final Duration outputGrace;

    /** An executor with the default grace periods (5 s between SIGTERM and SIGKILL, 2 s for output). */
    public LocalExecutor() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    public LocalExecutor(Duration killGrace, Duration outputGrace) {
        this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
        this.outputGrace = Objects.requireNonNull(outputGrace, "outputGrace");
    }

    /**
     * {@inheritDoc}
     *
     * <p>If the calling thread is interrupted, the command's process tree is terminated, the interrupt flag
     * is restored and a {@link CancellationException} is thrown.
     */
    @Override
    public CommandResult run(String host, String command, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        LOG.debug("running a command on {} (local, timeout {})", host, timeout);
        Process process;
        try {
            process = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start /bin/sh on " + host + ": " + e.getMessage(), e);
        }
        OutputCapture stdout = new OutputCapture();
        OutputCapture stderr = new OutputCapture();
        Thread outReader = drain(process.getInputStream(), stdout, "stdout");
        Thread errReader = drain(process.getErrorStream(), stderr, "stderr");
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                LOG.warn("command on {} still running after {}: terminating it", host, timeout);
                terminateTree(process);
            }
            outReader.join(outputGrace.toMillis());
            errReader.join(outputGrace.toMillis());
        } catch (InterruptedException e) {
            terminateTree(process);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while running a command on " + host);
        }
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new CommandResult(timedOut ? -1 : exitCode, stdout.text(), stderr.text(), timedOut);
    }

    private static Thread drain(InputStream in, OutputStream sink, String name) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the stream was closed under us (process gone): what was captured stays
            }
        }, "kupgrade-local-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void terminateTree(Process process) {
        List<ProcessHandle> tree = process.descendants().toList();
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(killGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public String readFile(String host, String path) {
        try {
            return new String(Files.readAllBytes(Path.of(path)), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no file " + path + " on " + host, e);
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot read " + path + " on " + host + ": permission denied", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " on " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A symbolic link at {@code path} is followed: the file it points to is replaced, the link stays. The
     * new file keeps the old one's permissions (and owner, when this process may set it). When the file does
     * not exist yet no backup is made; a {@code null} backupPath means no backup. The backup, the new file and
     * the directory entries are fsynced before this returns.
     */
    @Override
    public void writeFile(String host, String path, String content, String backupPath) {
        byte[] bytes = latin1(content, path);
        try {
            Path target = Path.of(path);
            if (Files.exists(target)) {
                target = target.toRealPath();
                if (backupPath != null) {
                    Path backup = Path.of(backupPath);
                    replaceAtomically(backup, Files.readAllBytes(target), target);
                }
                replaceAtomically(target, bytes, target);
            } else {
                replaceAtomically(target, bytes, null);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + path + " on " + host + ": " + describe(e), e);
        }
    }

    /** Writes {@code bytes} to a temp file beside {@code target}, fsyncs, renames over target, fsyncs the dir. */
    static void replaceAtomically(Path target, byte[] bytes, Path attributesFrom) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".kupgrade-" + ProcessHandle.current().pid() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (attributesFrom != null) {
                copyPosixAttributes(attributesFrom, temp);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        fsyncDirectory(dir);
    }

    private static void copyPosixAttributes(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        PosixFileAttributes attrs = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(attrs.permissions());
        try {
            view.setOwner(attrs.owner());
            view.setGroup(attrs.group());
        } catch (IOException e) {
            // only root may give a file away; a non-root run writes files it owns anyway
            LOG.debug("cannot keep owner of {}: {}", from, e.toString());
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself has happened
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    static byte[] latin1(String content, String path) {
        Objects.requireNonNull(content, "content");
        try {
            ByteBuffer encoded = StandardCharsets.ISO_8859_1.newEncoder()
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(content));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("content for " + path
                    + " has characters beyond ISO-8859-1; Kafka would not read them back (escape them as \\uXXXX)");
        }
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (" + e.getMessage() + ")";
        }
        return e.toString();
    }

    @Override
    public void close() {
        // nothing held
    }
}
